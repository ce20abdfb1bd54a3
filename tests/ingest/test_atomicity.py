"""A crash or kill in the middle of an ingest leaves the store exactly as before."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import duckdb

from .ingest_helpers import VALID_PATHWAY, Store, csv_bytes


def _big_submission(folder, n: int):
    rows = [dict(VALID_PATHWAY, pathway_id=f"B{i}") for i in range(n)]
    rows[7]["sex"] = "M"  # one rejected row, so rejections are written too
    path = folder / "pathways.csv"
    path.write_bytes(csv_bytes(rows))
    return path


def _snapshot(db) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        s = Store.__new__(Store)
        s.con = con
        return s.snapshot()
    finally:
        con.close()


def _cli(db, path, env=None):
    return subprocess.Popen(
        [sys.executable, "-m", "cancer_alliance", "ingest", str(path), "--provider", "RAA",
         "--period", "2024-05", "--db", str(db), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def test_kill_inside_the_transaction_changes_nothing(tmp_path, empty_store_file):
    store = Store(tmp_path, empty_store_file)
    store.ingest({"pathways.csv": [dict(VALID_PATHWAY, pathway_id="EARLIER")]})
    store.con.close()
    before = _snapshot(store.path)
    big = _big_submission(tmp_path, 5_000)
    marker = tmp_path / "in-transaction"
    env = dict(os.environ, CANCER_ALLIANCE_TEST_PAUSE_BEFORE_COMMIT=str(marker))
    proc = _cli(store.path, big, env)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the ingest never reached its transaction"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert _snapshot(store.path) == before

    # the store still works, and the same files then load completely
    proc = _cli(store.path, big)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    after = _snapshot(store.path)
    assert len(after["pathways"]) == len(before["pathways"]) + 4_999
    assert len(after["submissions"]) == 2


def test_kills_at_random_moments_leave_all_or_nothing(tmp_path, empty_store_file):
    """Without any hook: kill after growing delays; the store is always before or after."""
    store = Store(tmp_path, empty_store_file)
    store.con.close()
    big = _big_submission(tmp_path, 5_000)
    for delay in (0.8, 1.6, 2.4):
        before = _snapshot(store.path)
        proc = _cli(store.path, big)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        now = _snapshot(store.path)
        loaded = len(now["submissions"]) - len(before["submissions"])
        assert loaded in (0, 1)
        if loaded == 0:
            assert now == before
        else:
            assert len(now["pathways_history"]) == len(before["pathways_history"]) + 4_999
            assert len(now["rejections"]) == len(before["rejections"]) + 1
