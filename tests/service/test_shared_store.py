"""Issue 14, finding 4: the command line works while the dashboard serves the store.

Before: every command against a served store (and a second ingest, and ``serve`` during an
ingest) stopped with exit 1 and ``IOException: Could not set lock``. Now a command borrows
the store from the running service, waits its turn behind another command, or says in one
line what to do. Real processes throughout: ``serve`` on 127.0.0.1 and the CLI.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from .procs import Served, cli, env, start_cli, write_month


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A store with one submission (RAA 2024-05) and an administrator."""
    root = tmp_path_factory.mktemp("served")
    db = root / "alliance.duckdb"
    p = cli("ingest", str(write_month(root, "RAA", "2024-05")), "--provider", "RAA",
            "--period", "2024-05", "--db", str(db), "--json")
    assert p.returncode == 0, p.stderr
    p = subprocess.run([sys.executable, "-m", "cancer_alliance", "users", "add", "ana",
                        "--role", "admin", "--password-stdin", "--db", str(db)],
                       input="a-long-password-1\n", capture_output=True, text=True, env=env())
    assert p.returncode == 0, p.stderr
    return root, db


def _clean(p: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in p.stderr and "IOException" not in p.stderr, p.stderr


def test_every_command_works_while_serve_holds_the_store(seeded):
    root, db = seeded
    with Served(db) as served:
        sub = write_month(root, "RAB", "2024-05")
        p = cli("ingest", str(sub), "--provider", "RAB", "--period", "2024-05",
                "--db", str(db), "--json")
        _clean(p)
        assert p.returncode == 0, p.stderr
        new_id = json.loads(p.stdout)["submission_id"]

        p = cli("submissions", "--db", str(db), "--format", "json")
        _clean(p)
        assert p.returncode == 0
        assert {s["provider_code"] for s in json.loads(p.stdout)} == {"RAA", "RAB"}

        p = cli("rejections", "--submission", str(new_id), "--db", str(db))
        _clean(p)
        assert p.returncode == 0 and "nhs_number" in p.stdout

        p = cli("ptl", "--db", str(db), "--census", "2024-05-31", "--format", "csv")
        _clean(p)
        assert p.returncode == 0 and p.stdout.startswith("provider_code")

        p = cli("users", "list", "--db", str(db))
        _clean(p)
        assert p.returncode == 0 and "ana" in p.stdout

        # the service took the store back and still serves, with the new submission
        assert served.get("/healthz").status_code == 200
        assert served.get("/login").status_code == 200
        assert served.get("/api/openapi.json").status_code == 200
    log = served.stop()
    assert "Traceback" not in log


def test_a_second_serve_says_what_to_do(seeded):
    _, db = seeded
    with Served(db):
        p = cli("serve", "--db", str(db), "--port", "1")
        _clean(p)
        assert p.returncode == 6
        assert "already served by cancer-alliance serve" in p.stderr
        assert len(p.stderr.strip().splitlines()) <= 2  # the waiting note, then one line


def test_two_ingests_at_once_are_queued(seeded, tmp_path):
    _, template = seeded
    db = tmp_path / "copy.duckdb"
    db.write_bytes(template.read_bytes())
    procs = [start_cli("ingest", str(write_month(tmp_path, org, "2024-06", n=400)),
                       "--provider", org, "--period", "2024-06", "--db", str(db), "--json")
             for org in ("RAA", "RAB")]
    outs = [p.communicate(timeout=240) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert "Traceback" not in err, err
        assert p.returncode == 0, err
        assert json.loads(out)["rows_read"] == 400
    p = cli("submissions", "--db", str(db), "--format", "json")
    june = sorted(s["provider_code"] for s in json.loads(p.stdout) if s["period"] == "2024-06")
    assert june == ["RAA", "RAB"]


HOLD = ("import sys, time; from cancer_alliance.store import connect; "
        "con = connect(sys.argv[1]); print('held', flush=True); time.sleep(float(sys.argv[2]))")


def _hold(db, seconds: float) -> subprocess.Popen:
    """Another process holding the store (as a long ingest would) for ``seconds``."""
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(db), str(seconds)],
                         stdout=subprocess.PIPE, text=True, env=env())
    assert p.stdout.readline().strip() == "held"
    return p


def test_serve_during_an_ingest_waits_then_serves(seeded, tmp_path):
    _, template = seeded
    db = tmp_path / "copy.duckdb"
    db.write_bytes(template.read_bytes())
    # held long enough that `serve` (seconds to import and open on a busy CI machine) is
    # certain to find the store taken
    holder = _hold(db, 15)
    served = Served(db).start(wait_up=False)
    try:
        started = time.monotonic()
        served.wait_up()
        assert time.monotonic() - started > 2  # it waited for the holder
        assert holder.wait(30) == 0
    finally:
        log = served.stop()
    assert "in use; waiting up to" in log and "Traceback" not in log


def test_a_store_held_too_long_gives_one_line(seeded, tmp_path):
    _, template = seeded
    db = tmp_path / "copy.duckdb"
    db.write_bytes(template.read_bytes())
    holder = _hold(db, 30)
    try:
        p = cli("submissions", "--db", str(db), CANCER_ALLIANCE_STORE_WAIT="1")
    finally:
        holder.kill()
        holder.wait()
    _clean(p)
    assert p.returncode == 6
    last = p.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: the store") and "was not free within 1 s" in last
    assert "CANCER_ALLIANCE_STORE_WAIT" in last
