"""Bulk loading from CSV/xlsx (errors name file, row, column, value) and the CLI commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cancer_alliance.errors import UsageError
from cancer_alliance.operations import bids, governance, loaders, trajectories
from cancer_alliance.store import connect

CLI = str(Path(sys.executable).with_name("cancer-alliance"))


def test_trajectory_csv_loads(tmp_path):
    con = connect(tmp_path / "a.duckdb")
    f = tmp_path / "plan.csv"
    f.write_text("org_code,measure_code,month,planned\nRAA,FDS,2024-04,76\nRAA,FDS,2024-05,77\n")
    assert loaders.load_file(con, f, "trajectories") == {"trajectories": 2}
    assert trajectories.get_planned(con, "RAA", "FDS") == {"2024-04": 76.0, "2024-05": 77.0}


def test_bad_row_names_file_row_column_value_and_keeps_nothing(tmp_path):
    con = connect(tmp_path / "a.duckdb")
    f = tmp_path / "trajectories.csv"
    f.write_text("org_code,measure_code,month,planned\nRAA,FDS,2024-04,76\nRAA,FDS,2024-05,lots\n")
    with pytest.raises(UsageError) as e:
        loaders.load_file(con, f, "trajectories")
    msg = str(e.value)
    assert "trajectories.csv row 3" in msg and "'lots'" in msg and "not a number" in msg
    assert trajectories.get_planned(con, "RAA", "FDS") == {}  # the whole load rolled back


def test_missing_column_and_unknown_table(tmp_path):
    con = connect(tmp_path / "a.duckdb")
    f = tmp_path / "actions.csv"
    f.write_text("action\nDo it\n")
    with pytest.raises(UsageError, match="actions.csv: required column.*owner"):
        loaders.load_file(con, f, "governance")
    g = tmp_path / "stuff.csv"
    g.write_text("a\n1\n")
    with pytest.raises(UsageError, match="name the file after its table"):
        loaders.load_file(con, g, "governance")


def test_xlsx_workbook_loads_each_sheet(tmp_path):
    con = connect(tmp_path / "a.duckdb")
    f = tmp_path / "bids.xlsx"
    with pd.ExcelWriter(f) as xw:
        pd.DataFrame([{"bid_id": "X1", "title": "RDC", "partner_code": "RAA",
                       "priority_area": "EARLY_DIAGNOSIS", "expected_benefit": 50,
                       "cost_2024": 1000, "cost_2025": 500}]).to_excel(
            xw, sheet_name="bids", index=False)
        pd.DataFrame([{"bid_id": "X1", "assessor": "ann", "criterion": "STRATEGIC_FIT",
                       "score": 4}]).to_excel(xw, sheet_name="scores", index=False)
    assert loaders.load_file(con, f, "bids") == {"bids": 1, "scores": 1}
    b = bids.bid_detail(con, "X1")
    assert b["total_cost"] == 1500 and [c["year"] for c in b["costs"]] == [2024, 2025]
    assert b["scores"][0]["score"] == 4


def test_action_status_must_be_known(tmp_path):
    con = connect(tmp_path / "a.duckdb")
    aid = governance.add_action(con, "Review PTL", "Manager", "2024-01-31", provider_code="RAA")
    with pytest.raises(UsageError, match="status"):
        governance.set_action_status(con, aid, "FINISHED", "ann")
    governance.set_action_status(con, aid, "DONE", "ann")
    assert governance.actions(con, open_only=True) == []


def _run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300)


def _invoke(*args):
    """Run a command in-process (no interpreter start-up); errors propagate as exceptions."""
    from typer.testing import CliRunner

    from cancer_alliance.cli import app

    r = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r


def test_cli_report_provider_writes_and_archives_a_pdf(ops_store_path, tmp_path):
    db = tmp_path / "c.duckdb"
    db.write_bytes(ops_store_path.read_bytes())
    prov = connect(db).execute("SELECT min(provider_code) FROM pathways").fetchone()[0]
    out = tmp_path / "pack.pdf"
    r = _invoke("report", "provider", prov, "--period", "2024-04", "--out", str(out), "--db",
                str(db))
    meta = json.loads(r.stdout)
    assert out.read_bytes()[:5] == b"%PDF-" and meta["size"] == out.stat().st_size
    r = _invoke("report", "archive", "--db", str(db))
    assert meta["sha256"] in r.stdout
    r = _invoke("bids", "decide", "--budget", "400000", "--db", str(db))
    assert r.stdout.startswith("rank,bid_id") and "FUNDED" in r.stdout
    r = _invoke("initiatives", "evaluate", "--initiative", "I3", "--db", str(db))
    assert r.stdout.count("\n") == 2 and "I3,62_DAY" in r.stdout


def test_cli_user_error_has_exit_code_and_no_traceback(tmp_path):
    r = _run("report", "provider", "RAA", "--period", "June", "--out",
             str(tmp_path / "p.pdf"), "--db", str(tmp_path / "e.duckdb"))
    assert r.returncode == 2 and "YYYY-MM" in r.stderr and "Traceback" not in r.stderr


def test_cli_cycle_makes_every_providers_pack_only_when_due_and_audits(ops_store_path, tmp_path):
    db = tmp_path / "c.duckdb"
    db.write_bytes(ops_store_path.read_bytes())
    con = connect(db)
    provs = [r[0] for r in con.execute(
        "SELECT DISTINCT provider_code FROM pathways ORDER BY 1").fetchall()]
    con.close()
    out = tmp_path / "packs"
    r = _invoke("report", "cycle", "--period", "2024-03", "--out-dir", str(out), "--if-due",
                "--html", "--db", str(db))
    assert json.loads(r.stdout) == {"period": "2024-03", "due": False, "made": []}
    assert not out.exists()
    r = _invoke("report", "cycle", "--period", "2024-04", "--out-dir", str(out), "--if-due",
                "--html", "--db", str(db))
    made = json.loads(r.stdout)["made"]
    assert [m["provider_code"] for m in made] == [*provs, None]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"provider-{p}-2024-04.html" for p in provs] + ["board-2024-04.html"])
    con = connect(db)
    archived = con.execute("SELECT count(*) FROM report_archive WHERE period = '2024-04'"
                           ).fetchone()[0]
    audited = con.execute("SELECT count(*) FROM audit_log WHERE resource = 'pack' AND"
                          " detail LIKE 'generated the 2024-04 cycle%'").fetchone()[0]
    assert archived == len(provs) + 1 and audited == 1


def test_cli_loads_are_audited_and_load_the_framework_spend_and_decisions(ops_store_path,
                                                                          tmp_path):
    db = tmp_path / "c.duckdb"
    db.write_bytes(ops_store_path.read_bytes())
    crit = tmp_path / "criteria.csv"
    crit.write_text("criterion,label,weight\nPATIENT_BENEFIT,Patient benefit,0.7\n"
                    "DELIVERABILITY,Deliverability,0.3\n")
    _invoke("bids", "load", str(crit), "--db", str(db))
    spend = tmp_path / "spend.csv"
    spend.write_text("bid_id,month,amount\nB3,2024-02,9000\n")
    _invoke("bids", "load", str(spend), "--db", str(db))
    dec = tmp_path / "decisions.csv"
    dec.write_text("meeting_date,decision\n2024-06-12,Extend the RDC pilot\n")
    _invoke("governance", "load", str(dec), "--db", str(db))
    con = connect(db)
    assert bids.criteria(con) == {"DELIVERABILITY": ("Deliverability", 0.3),
                                  "PATIENT_BENEFIT": ("Patient benefit", 0.7)}
    assert con.execute("SELECT amount FROM bid_spend WHERE bid_id = 'B3' AND month = '2024-02'"
                       ).fetchone()[0] == 9000
    assert con.execute("SELECT count(*) FROM decisions WHERE decision = 'Extend the RDC pilot'"
                       ).fetchone()[0] == 1
    got = con.execute("SELECT resource FROM audit_log WHERE username LIKE 'cli:%'"
                      " ORDER BY audit_id").fetchall()
    assert [g[0] for g in got] == ["load_bids", "load_bids", "load_governance"]


def test_criteria_file_must_sum_to_one_and_keeps_the_old_framework(tmp_path):
    con = connect(tmp_path / "a.duckdb")
    f = tmp_path / "criteria.csv"
    f.write_text("criterion,weight\nA,0.5\nB,0.4\n")
    with pytest.raises(UsageError, match="sum to 1"):
        loaders.load_file(con, f, "bids")
    assert set(bids.criteria(con)) == set(bids.funding.DEFAULT_CRITERIA)


def test_decision_for_an_unknown_meeting_names_the_row(tmp_path):
    con = connect(tmp_path / "a.duckdb")
    f = tmp_path / "decisions.csv"
    f.write_text("meeting_date,decision\n2030-01-01,Nothing\n")
    with pytest.raises(UsageError, match=r"decisions.csv row 2: column meeting_date.*0 meetings"):
        loaders.load_file(con, f, "governance")


def test_a_cli_load_whose_audit_is_refused_changes_nothing(tmp_path):
    """The command line's load and its audit row are one transaction, as the web's: a file
    name the audit refuses (ten digits, a possible NHS number) loads nothing."""
    db = tmp_path / "c.duckdb"
    f = tmp_path / "2026000001.csv"
    f.write_text("org_code,measure_code,month,planned\nRAA,FDS,2024-04,76\n")
    r = subprocess.run([sys.executable, "-m", "cancer_alliance", "trajectories", "load",
                        str(f), "--db", str(db)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "NHS number" in r.stderr and "Traceback" not in r.stderr
    con = connect(db)
    assert trajectories.get_planned(con, "RAA", "FDS") == {}
    assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0


def test_a_cli_funding_decision_whose_audit_is_refused_records_nothing(tmp_path):
    """``bids decide --apply`` records the decision and its audit row together: a budget
    the audit refuses (ten digits) leaves no decision behind."""
    db = tmp_path / "c.duckdb"
    connect(db).close()
    r = subprocess.run([sys.executable, "-m", "cancer_alliance", "bids", "decide", "--budget",
                        "1234567891", "--apply", "--db", str(db)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "NHS number" in r.stderr and "Traceback" not in r.stderr
    con = connect(db)
    assert con.execute("SELECT count(*) FROM funding_decisions").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0
