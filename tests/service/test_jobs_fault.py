"""Issue 14: a fault test. Kill the server (and its job worker) during uploads, restart it,
and check that the store holds no half submission and the job states are truthful.

Real processes: ``serve`` on 127.0.0.1, uploads through the HTTP API with provider tokens,
SIGKILL of the server's process group while an ingest runs.
"""

from __future__ import annotations

import time

import duckdb
import httpx

from .procs import Served, cli, csv_bytes, month_rows, write_month


def _post(served: Served, token: str, period: str, rows) -> dict:
    r = httpx.post(served.url + "/api/v1/submissions", timeout=120,
                   headers={"authorization": f"Bearer {token}"}, data={"period": period},
                   files={"files": ("pathways.csv", csv_bytes(rows), "text/csv")})
    assert r.status_code == 202, r.text
    return r.json()


def _job(served: Served, token: str, job_id: int) -> dict:
    r = served.get(f"/api/v1/jobs/{job_id}", headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    return r.json()


def _check_no_half_submission(db) -> list[tuple]:
    """Every registered submission has exactly its accepted rows; nothing without one."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        subs = con.execute("SELECT submission_id, provider_code, period, submitted_by, "
                           "accepted FROM submissions ORDER BY 1").fetchall()
        per_sub = dict(con.execute("SELECT submission_id, count(*) FROM pathways_history "
                                   "GROUP BY 1").fetchall())
        for sid, *_, accepted in subs:
            assert per_sub.get(sid, 0) == accepted, f"submission {sid} is half loaded"
        assert set(per_sub) <= {s[0] for s in subs}, "rows with no registered submission"
        return subs
    finally:
        con.close()


def test_kill_during_uploads_then_restart(tmp_path):
    db = tmp_path / "alliance.duckdb"
    p = cli("ingest", str(write_month(tmp_path, "RAA", "2024-05")), "--provider", "RAA",
            "--period", "2024-05", "--db", str(db))
    assert p.returncode == 0, p.stderr
    raa = cli("tokens", "add", "--provider", "RAA", "--db", str(db)).stdout.strip()
    rab = cli("tokens", "add", "--provider", "RAB", "--db", str(db)).stdout.strip()

    served = Served(db).start()
    try:
        big = _post(served, raa, "2024-06", month_rows("RAA", "2024-06", n=400_000))
        small = [_post(served, rab, "2024-06", month_rows("RAB", "2024-06")),
                 _post(served, raa, "2024-07", month_rows("RAA", "2024-07"))]
        deadline = time.monotonic() + 120
        while _job(served, raa, big["job_id"])["state"] == "queued":
            assert time.monotonic() < deadline, "the big upload never started"
            time.sleep(0.05)
        # the service answers while the ingest runs (before: blocked until it ended)
        assert served.get("/healthz").status_code == 200
        assert served.get("/login").status_code == 200
        during = _job(served, raa, big["job_id"])
        assert during["state"] == "running", during
        served.kill()  # SIGKILL: server and worker thread, mid-ingest
    finally:
        served.kill()

    before_restart = _check_no_half_submission(db)
    assert not [s for s in before_restart if s[2] in ("2024-06", "2024-07")], \
        "the big ingest was killed before committing; the others had not started"
    con = duckdb.connect(str(db), read_only=True)  # replays the WAL, changes nothing
    states = dict(con.execute("SELECT job_id, state FROM jobs").fetchall())
    con.close()
    assert states == {big["job_id"]: "running", small[0]["job_id"]: "queued",
                      small[1]["job_id"]: "queued"}

    with Served(db) as again:  # recovery re-queues the interrupted job; all three run
        deadline = time.monotonic() + 240
        finished = {}
        while len(finished) < 3:
            assert time.monotonic() < deadline, finished
            for job, token in ((big, raa), (small[0], rab), (small[1], raa)):
                j = _job(again, token, job["job_id"])
                if j["state"] in ("done", "failed"):
                    finished[job["job_id"]] = j
            time.sleep(0.2)
    assert {j["state"] for j in finished.values()} == {"done"}
    assert finished[big["job_id"]]["result"]["rows_read"] == 400_000
    subs = _check_no_half_submission(db)
    loaded = sorted((s[1], s[2]) for s in subs if s[2] != "2024-05")
    assert loaded == [("RAA", "2024-06"), ("RAA", "2024-07"), ("RAB", "2024-06")]  # once each
    con = duckdb.connect(str(db), read_only=True)
    attempts = dict(con.execute("SELECT job_id, attempts FROM jobs").fetchall())
    con.close()
    assert attempts[big["job_id"]] == 2  # interrupted once, run again
