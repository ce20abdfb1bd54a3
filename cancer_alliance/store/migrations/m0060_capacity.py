"""The capacity dataset's tables: its rows, their superseded versions, and its bookkeeping.

``capacity`` and ``workforce`` hold the current version of each (provider, month, resource
or staff group); ``<table>_superseded`` the versions a resubmission replaced and
``<table>_history`` both, exactly as for the pathway tables (migration 3). Submissions,
their files and their rejections are registered in tables of the same shape as the pathway
dataset's, kept apart so the reporting calendar never counts a capacity submission as a
month's pathway data. Submission ids come from the one ``submission_id_seq``, so an id (and
its archive folder) names one submission of either dataset.
"""

from cancer_alliance.dataset.capacity import CAPACITY_TABLES
from cancer_alliance.store.schema import column_ddl, current_table_ddl, history_view_ddl

VERSION = 60
DESCRIPTION = "capacity dataset: capacity and workforce tables, submissions, rejections"

STATEMENTS = [
    """CREATE TABLE IF NOT EXISTS capacity_submissions (
        submission_id BIGINT PRIMARY KEY,
        provider_code VARCHAR NOT NULL,
        period VARCHAR NOT NULL,
        submitted_by VARCHAR NOT NULL,
        submitted_at TIMESTAMP NOT NULL,
        status VARCHAR NOT NULL,
        message VARCHAR,
        dataset_version INTEGER NOT NULL,
        rows_read BIGINT NOT NULL,
        accepted BIGINT NOT NULL,
        rejected BIGINT NOT NULL,
        archive_path VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS capacity_submission_files (
        submission_id BIGINT NOT NULL,
        file_name VARCHAR NOT NULL,
        table_name VARCHAR,
        sha256 VARCHAR NOT NULL,
        bytes BIGINT NOT NULL,
        rows_read BIGINT,
        accepted BIGINT,
        rejected BIGINT
    )""",
    """CREATE TABLE IF NOT EXISTS capacity_rejections (
        submission_id BIGINT NOT NULL,
        file VARCHAR NOT NULL,
        "row" BIGINT NOT NULL,
        "column" VARCHAR,
        value VARCHAR,
        rule VARCHAR NOT NULL,
        message VARCHAR NOT NULL,
        raw_row JSON
    )""",
]


def apply(con) -> None:
    con.execute("CREATE SEQUENCE IF NOT EXISTS submission_id_seq START 1")
    for sql in STATEMENTS:
        con.execute(sql)
    for table in CAPACITY_TABLES:
        con.execute(current_table_ddl(table))
        con.execute(f"CREATE TABLE IF NOT EXISTS {table.name}_superseded (\n  "
                    f"{column_ddl(table)},\n  submission_id BIGINT NOT NULL\n)")
        con.execute(history_view_ddl(table))
