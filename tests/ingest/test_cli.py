"""The data commands: ingest, submissions, rejections, reference, ingest-folder."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

from .ingest_helpers import VALID_PATHWAY, csv_bytes


def run(*args: str, env_db=None) -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ)
    env.pop("CANCER_ALLIANCE_DB", None)
    if env_db:
        env["CANCER_ALLIANCE_DB"] = str(env_db)
    return subprocess.run([sys.executable, "-m", "cancer_alliance", *args],
                          capture_output=True, text=True, timeout=180, env=env)


def test_ingest_json_submissions_and_rejections(tmp_path):
    sub = tmp_path / "RAA-2024-05"
    sub.mkdir()
    rows = [VALID_PATHWAY, dict(VALID_PATHWAY, pathway_id="P2", nhs_number="9434765911")]
    (sub / "pathways.csv").write_bytes(csv_bytes(rows))
    db = tmp_path / "x.duckdb"

    p = run("ingest", str(sub), "--provider", "RAA", "--period", "2024-05", "--json",
            "--by", "analyst@raa", env_db=db)
    assert p.returncode == 0, p.stderr
    summary = json.loads(p.stdout)
    assert {k: summary[k] for k in ("rows_read", "accepted", "rejected")} == {
        "rows_read": 2, "accepted": 1, "rejected": 1}
    assert db.exists()  # $CANCER_ALLIANCE_DB honoured

    p = run("submissions", "--db", str(db), "--format", "json")
    listed = json.loads(p.stdout)
    assert [(s["submission_id"], s["submitted_by"], s["rejected"]) for s in listed] == [
        (summary["submission_id"], "analyst@raa", 1)]

    p = run("rejections", "--submission", str(summary["submission_id"]), "--db", str(db))
    assert p.returncode == 0, p.stderr
    assert list(csv.DictReader(io.StringIO(p.stdout))) == [{
        "file": "pathways.csv", "row": "3", "column": "nhs_number", "value": "9434765911",
        "rule": "nhs_number_check_digit",
        "message": 'pathways.csv row 3, column nhs_number, value "9434765911": the NHS '
                   "number's check digit is wrong (rule nhs_number_check_digit)",
    }]


def test_human_summary_names_no_patient(tmp_path):
    sub = tmp_path / "pathways.csv"
    sub.write_bytes(csv_bytes([dict(VALID_PATHWAY, nhs_number="9434765911")]))
    p = run("ingest", str(sub), "--provider", "RAA", "--period", "2024-05",
            "--db", str(tmp_path / "a.duckdb"))
    assert p.returncode == 0, p.stderr
    assert "rejected" in p.stdout
    assert "9434765911" not in p.stdout + p.stderr


def test_unknown_submission_and_bad_period(tmp_path):
    db = str(tmp_path / "a.duckdb")
    p = run("rejections", "--submission", "99", "--db", db)
    assert p.returncode == 4 and "no submission with id 99" in p.stderr
    p = run("ingest", str(tmp_path), "--provider", "RAA", "--period", "2024-13", "--db", db)
    assert p.returncode == 2 and "is not a month written YYYY-MM" in p.stderr


def in_process(*args: str):
    """Run a command inside this process (quicker than a subprocess for simple checks)."""
    from typer.testing import CliRunner

    from cancer_alliance.cli import app

    return CliRunner().invoke(app, list(args))


def test_reference_load_and_show(tmp_path):
    db = str(tmp_path / "a.duckdb")
    f = tmp_path / "alliances.csv"
    f.write_text("alliance_code,alliance_name\nQE1,Test Alliance\n", encoding="utf-8")
    r = in_process("reference", "load", "alliances", str(f), "--db", db)
    assert r.exit_code == 0, r.output
    r = in_process("reference", "show", "alliances", "--db", db)
    assert r.output.splitlines() == ["alliance_code,alliance_name", "QE1,Test Alliance"]


def test_every_data_command_explains_itself():
    for cmd in (["ingest"], ["ingest-folder"], ["submissions"], ["rejections"],
                ["reference", "load"], ["reference", "show"]):
        r = in_process(*cmd, "--help")
        assert r.exit_code == 0 and "--db" in r.output, cmd
