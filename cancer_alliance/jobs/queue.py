"""The job table: queue, claim, progress, finish, and recovery after a restart.

Every change is one statement (DuckDB makes each atomic), so a kill at any moment leaves
each job in exactly one state. Times are UTC.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
#: Jobs that load a submission, and the table that registers it (restart recovery).
SUBMISSION_TABLES = {"ingest": "submissions", "capacity": "capacity_submissions"}
MAX_ATTEMPTS = 2  # an interrupted job is re-queued once, then marked failed

COLUMNS = ("job_id", "kind", "state", "org_code", "period", "params", "spool", "created_by",
           "stage", "progress", "result", "error", "attempts", "created_at", "started_at",
           "finished_at")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Job:
    """One row of ``jobs``, with its JSON fields decoded."""

    job_id: int
    kind: str
    state: str
    org_code: str | None
    period: str | None
    params: dict[str, Any]
    spool: str | None
    created_by: str
    stage: str | None
    progress: float
    result: dict[str, Any] | None
    error: str | None
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.state in (DONE, FAILED)

    @classmethod
    def from_row(cls, row) -> Job:
        d = dict(zip(COLUMNS, row, strict=True))
        d["params"] = json.loads(d["params"] or "{}")
        d["result"] = json.loads(d["result"]) if d["result"] else None
        return cls(**d)

    def public(self) -> dict[str, Any]:
        """What a status page or the API shows (no spool folder name)."""
        return {"job_id": self.job_id, "kind": self.kind, "state": self.state,
                "provider": self.org_code, "period": self.period, "stage": self.stage,
                "progress": round(self.progress, 3), "result": self.result, "error": self.error,
                "created_at": _iso(self.created_at), "started_at": _iso(self.started_at),
                "finished_at": _iso(self.finished_at)}


def _iso(t: datetime | None) -> str | None:
    return t.isoformat() + "Z" if t else None


_SELECT = f"SELECT {', '.join(COLUMNS)} FROM jobs"


def enqueue(con: duckdb.DuckDBPyConnection, kind: str, *, created_by: str,
            org_code: str | None = None, period: str | None = None,
            params: dict[str, Any] | None = None, spool: str | None = None) -> int:
    """Add a queued job; return its id."""
    rows = con.execute(
        "INSERT INTO jobs (kind, state, org_code, period, params, spool, created_by, stage, "
        "created_at) VALUES (?, 'queued', ?, ?, ?, ?, ?, 'waiting its turn', ?) "
        "RETURNING job_id",
        [kind, org_code, period, json.dumps(params or {}), spool, created_by, utcnow()],
    ).fetchall()
    return int(rows[0][0])


def get_job(con: duckdb.DuckDBPyConnection, job_id: int) -> Job | None:
    rows = con.execute(f"{_SELECT} WHERE job_id = ?", [job_id]).fetchall()
    return Job.from_row(rows[0]) if rows else None


def claim_next(con: duckdb.DuckDBPyConnection) -> Job | None:
    """Mark the oldest queued job running and return it (None when the queue is empty)."""
    rows = con.execute(
        "UPDATE jobs SET state = 'running', started_at = ?, attempts = attempts + 1, "
        "stage = 'starting', progress = 0.05 WHERE job_id = (SELECT min(job_id) FROM jobs "
        "WHERE state = 'queued') AND state = 'queued' RETURNING job_id", [utcnow()]).fetchall()
    return get_job(con, int(rows[0][0])) if rows else None


def progress(con: duckdb.DuckDBPyConnection, job_id: int, stage: str, fraction: float) -> None:
    con.execute("UPDATE jobs SET stage = ?, progress = ? WHERE job_id = ?",
                [stage, fraction, job_id])


def finish(con: duckdb.DuckDBPyConnection, job_id: int, result: dict[str, Any]) -> None:
    con.execute("UPDATE jobs SET state = 'done', stage = 'finished', progress = 1, result = ?, "
                "finished_at = ? WHERE job_id = ?", [json.dumps(result), utcnow(), job_id])


def fail(con: duckdb.DuckDBPyConnection, job_id: int, message: str,
         result: dict[str, Any] | None = None) -> None:
    con.execute("UPDATE jobs SET state = 'failed', stage = 'stopped', error = ?, result = ?, "
                "finished_at = ? WHERE job_id = ?",
                [message, json.dumps(result) if result else None, utcnow(), job_id])


def pending_spools(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Spool folders still needed (queued or running jobs)."""
    rows = con.execute("SELECT spool FROM jobs WHERE state IN ('queued', 'running') "
                       "AND spool IS NOT NULL").fetchall()
    return {r[0] for r in rows}


def recover(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    """At start-up: settle every job a stopped service left ``running``. Returns (id, new state).

    An ingest is one transaction, so either its submission is in the store or nothing of it
    is. If a submission registered for the job's provider, month and user since the job
    started exists, the job is done (its summary is recovered from the store); otherwise
    the store holds nothing of it, and it is re-queued (its files are still spooled) up to
    :data:`MAX_ATTEMPTS`, then failed. Any other interrupted job is re-queued the same way.
    """
    settled = []
    for job in [Job.from_row(r) for r in
                con.execute(f"{_SELECT} WHERE state = 'running' ORDER BY job_id").fetchall()]:
        table = SUBMISSION_TABLES.get(job.kind)
        loaded = _submission_since(con, job, table) if table else None
        if loaded is not None:
            finish(con, job.job_id, {**loaded, "recovered_after_restart": True})
            settled.append((job.job_id, DONE))
        elif job.attempts < MAX_ATTEMPTS:
            con.execute("UPDATE jobs SET state = 'queued', stage = 'interrupted by a restart; "
                        "waiting to run again', progress = 0 WHERE job_id = ?", [job.job_id])
            settled.append((job.job_id, QUEUED))
        else:
            fail(con, job.job_id, "The service stopped while this job ran, twice. Nothing "
                 "from it is in the store: submit it again.")
            settled.append((job.job_id, FAILED))
    return settled


def _submission_since(con: duckdb.DuckDBPyConnection, job: Job,
                      table: str) -> dict[str, Any] | None:
    rows = con.execute(
        f"SELECT submission_id, status, rows_read, accepted, rejected FROM {table} "
        "WHERE provider_code = ? AND period = ? AND submitted_by = ? AND submitted_at >= ? "
        "ORDER BY submission_id LIMIT 1",
        [job.org_code, job.period, job.created_by, job.started_at]).fetchall()
    if not rows:
        return None
    return dict(zip(("submission_id", "status", "rows_read", "accepted", "rejected"), rows[0],
                    strict=True))
