"""Jobs: long work (an upload's ingest, a pack) queued by the service and run off the
request path, with states that survive a restart (``cancer_alliance.jobs``).

Numbers 50-59 belong to jobs. ``params`` and ``result`` hold JSON of codes, counts and
options only: never a file name or a patient identifier (the files wait in the job's spool
folder, named by a random id).
"""

VERSION = 50
DESCRIPTION = "job queue (uploads and packs run off the request path)"

STATEMENTS = [
    "CREATE SEQUENCE IF NOT EXISTS job_id_seq START 1",
    """CREATE TABLE IF NOT EXISTS jobs (
        job_id BIGINT PRIMARY KEY DEFAULT nextval('job_id_seq'),
        kind VARCHAR NOT NULL,             -- ingest | pack
        state VARCHAR NOT NULL,            -- queued | running | done | failed
        org_code VARCHAR,                  -- the provider the job is for (who may see it)
        period VARCHAR,                    -- YYYY-MM
        params VARCHAR,                    -- JSON: codes and options
        spool VARCHAR,                     -- random folder name holding an upload's files
        created_by VARCHAR NOT NULL,
        stage VARCHAR,                     -- what it is doing, in words
        progress DOUBLE NOT NULL DEFAULT 0,
        result VARCHAR,                    -- JSON
        error VARCHAR,                     -- a user-facing message
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TIMESTAMP NOT NULL,     -- UTC
        started_at TIMESTAMP,
        finished_at TIMESTAMP
    )""",
]


def apply(con) -> None:
    for sql in STATEMENTS:
        con.execute(sql)
