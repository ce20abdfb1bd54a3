"""The capacity commands: ingest-capacity, capacity-submissions, capacity-rejections."""

from __future__ import annotations

import csv
import io
import json

from .ingest_helpers import csv_bytes
from .test_capacity import CT, RAD
from .test_cli import run


def test_ingest_list_and_rejections(tmp_path):
    sub = tmp_path / "RAA-2024-05"
    sub.mkdir()
    (sub / "capacity.csv").write_bytes(csv_bytes([CT, dict(CT, resource="MRI", activity="x")]))
    (sub / "workforce.csv").write_bytes(csv_bytes([RAD]))
    db = tmp_path / "x.duckdb"
    p = run("ingest-capacity", str(sub), "--provider", "RAA", "--period", "2024-05", "--json",
            "--by", "analyst@raa", "--db", str(db))
    assert p.returncode == 0, p.stderr
    summary = json.loads(p.stdout)
    assert {k: summary[k] for k in ("rows_read", "accepted", "rejected")} == {
        "rows_read": 3, "accepted": 2, "rejected": 1}

    p = run("capacity-submissions", "--db", str(db), "--format", "json")
    assert [(s["submission_id"], s["submitted_by"], s["rejected"])
            for s in json.loads(p.stdout)] == [(summary["submission_id"], "analyst@raa", 1)]
    assert json.loads(run("submissions", "--db", str(db), "--format", "json").stdout) == []

    p = run("capacity-rejections", "--submission", str(summary["submission_id"]),
            "--db", str(db))
    assert p.returncode == 0, p.stderr
    assert list(csv.DictReader(io.StringIO(p.stdout))) == [{
        "file": "capacity.csv", "row": "3", "column": "activity", "value": "x",
        "rule": "invalid_integer",
        "message": 'capacity.csv row 3, column activity, value "x": not a whole number '
                   "(rule invalid_integer)"}]


def test_unknown_submission_and_unreadable_folder_are_clear_errors(tmp_path):
    db = tmp_path / "x.duckdb"
    p = run("capacity-rejections", "--submission", "99", "--db", str(db))
    assert p.returncode != 0 and "no submission with id 99" in p.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    p = run("ingest-capacity", str(empty), "--provider", "RAA", "--period", "2024-05",
            "--db", str(db))
    assert p.returncode != 0 and "Traceback" not in p.stderr
