"""``completeness`` and ``finalise`` on a real store, through the command line."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
from typer.testing import CliRunner

from cancer_alliance.calendar import finalise, read_calendar, set_setting
from cancer_alliance.cli import app
from cancer_alliance.dataset import periods
from cancer_alliance.errors import UsageError
from cancer_alliance.store import connect

runner = CliRunner()


def _store(path):
    con = connect(path)
    con.executemany("INSERT INTO organisations (org_code, org_name, org_type, alliance_code)"
                    " VALUES (?, ?, 'PROVIDER', 'ALL1')",
                    [["RAA", "Alpha"], ["RBB", "Beta"], ["RXX", "Elsewhere"]])
    con.execute("UPDATE organisations SET alliance_code = 'ALL2' WHERE org_code = 'RXX'")
    rows = [(1, "RAA", "2024-01", "2024-02-05 10:00", "loaded", 10, 1),
            (2, "RBB", "2024-01", "2024-02-06 11:00", "loaded", 20, 0),
            (3, "RAA", "2024-02", "2024-03-05 10:00", "loaded", 11, 0),
            (4, "RBB", "2024-02", "2024-03-07 09:00", "rejected", 0, 0),
            (5, "RAA", "2024-03", "2024-03-20 09:00", "loaded", 12, 3)]  # March uploaded early
    for sid, p, period, at, status, acc, rej in rows:
        con.execute("INSERT INTO submissions VALUES (?, ?, ?, 'tester', ?, ?, NULL, 1, ?, ?, ?,"
                    " NULL)", [sid, p, period, datetime.fromisoformat(at), status, acc + rej,
                               acc, rej])
    return con


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "a.duckdb"
    _store(path).close()
    return str(path)


def test_completeness_rows_and_latest(db):
    out = runner.invoke(app, ["completeness", "--db", db, "--format", "csv"])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.output)))
    assert list(rows[0])[:6] == ["provider_code", "period", "state", "rows_accepted",
                                 "rows_rejected", "submitted_at"]
    got = {(r["provider_code"], r["period"]): r for r in rows}
    assert set(got) == {(p, m) for p in ("RAA", "RBB") for m in ("2024-01", "2024-02",
                                                                 "2024-03")}  # not RXX
    assert got[("RAA", "2024-01")]["state"] == "final"  # judged today, long after 2024
    assert (got[("RAA", "2024-01")]["rows_accepted"], got[("RAA", "2024-01")]["rows_rejected"],
            got[("RAA", "2024-01")]["submitted_at"]) == ("10", "1", "2024-02-05T10:00:00")
    assert got[("RBB", "2024-02")]["state"] == "late"  # its only submission was rejected whole
    assert got[("RBB", "2024-02")]["rows_accepted"] == ""
    latest = runner.invoke(app, ["completeness", "--latest", "--db", db])
    assert latest.exit_code == 0 and latest.output.strip() == "2024-01"
    as_json = json.loads(runner.invoke(app, ["completeness", "--db", db, "--format", "json"]
                                       ).output)
    assert len(as_json) == 6 and {r["state"] for r in as_json} == {"final", "late"}


def test_latest_prints_nothing_without_a_complete_month(tmp_path):
    path = str(tmp_path / "empty.duckdb")
    connect(path).close()
    out = runner.invoke(app, ["completeness", "--latest", "--db", path])
    assert out.exit_code == 0 and out.output == ""


def test_a_configured_share_completes_a_month_with_the_missing_named(db):
    con = connect(db)
    set_setting(con, "complete_share", "0.5", "tester")
    cal = read_calendar(con)
    assert cal.latest_complete == "2024-03" and cal.month("2024-03").missing == ("RBB",)
    with pytest.raises(UsageError, match="complete_share"):
        set_setting(con, "complete_share", "1.5", "tester")
    with pytest.raises(UsageError, match="unknown calendar setting"):
        set_setting(con, "deadline", "3", "tester")


def test_finalise_is_checked_recorded_and_audited(db):
    con = connect(db)
    at = datetime(2024, 3, 10, 12)
    with pytest.raises(UsageError, match="not ended"):
        finalise(con, "2024-03", "analyst1", at=at)
    with pytest.raises(UsageError, match="no provider has submitted"):
        finalise(con, "2023-12", "analyst1", at=at)
    done = finalise(con, "2024-02", "analyst1", at=at)
    assert read_calendar(con, datetime(2024, 3, 11)).month("2024-02").finalised_by == "analyst1"
    with pytest.raises(UsageError, match="already final .by analyst1"):
        finalise(con, "2024-02", "analyst2", at=datetime(2024, 3, 12))
    with pytest.raises(UsageError, match="already final .by rule"):
        finalise(con, "2024-01", "analyst1")
    assert done.period == "2024-02"
    # last month, sent today, is not final by rule yet: the command line finalises it and
    # records who asked in the audit log
    last_month = periods.shift(periods.from_date(date.today()), -1)
    con.execute("INSERT INTO submissions VALUES (9, 'RAA', ?, 'tester', ?, 'loaded', NULL, 1,"
                " 5, 5, 0, NULL)", [last_month, datetime.now(UTC).replace(tzinfo=None)])
    con.close()
    out = runner.invoke(app, ["finalise", "--period", last_month, "--db", db])
    assert out.exit_code == 0, out.output
    con = connect(db)
    audit = con.execute("SELECT action, resource, detail FROM audit_log").fetchall()
    assert ("edit_operations", "calendar", f"finalised {last_month}") in audit
    assert read_calendar(con).month(last_month).edition == "final"
    bad = runner.invoke(app, ["finalise", "--period", "2024-3", "--db", db])
    assert bad.exit_code != 0


def test_packs_default_to_the_latest_complete_month(db):
    from cancer_alliance.commands.operations import _pack_period

    con = connect(db)
    assert _pack_period(con, None) == "2024-01"  # not 2024-03, which only RAA has sent
    assert _pack_period(con, "2024-03") == "2024-03"
    con.execute("DELETE FROM submissions WHERE provider_code = 'RBB'")
    con.execute("INSERT INTO organisations (org_code, org_name, org_type, alliance_code)"
                " VALUES ('RCC', 'Gamma', 'PROVIDER', 'ALL1')")
    with pytest.raises(UsageError, match="no month is complete"):
        _pack_period(con, None)


def test_calendar_changes_and_their_audit_rows_are_one_transaction(tmp_path):
    """A change whose audit text is refused (ten digits: a possible NHS number) is not
    made, with a one-line error; an absurd setting is refused before it can stall every page
    that reads the calendar (a billion working days once was stored)."""
    path = tmp_path / "c.duckdb"
    _store(path).close()
    joined = runner.invoke(app, ["calendar", "joined", "1234567891", "2024-01", "--db",
                                 str(path)])
    assert joined.exit_code != 0 and "NHS number" in str(joined.exception)
    huge = runner.invoke(app, ["calendar", "set", "working_days", "100000", "--db",
                               str(path)])
    assert huge.exit_code != 0 and "from 1 to 60" in str(huge.exception)
    con = connect(path)
    assert con.execute("SELECT count(*) FROM calendar_providers").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM calendar_settings").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0
    con.close()
    ok = runner.invoke(app, ["calendar", "set", "working_days", "20", "--db", str(path)])
    assert ok.exit_code == 0, ok.output
    con = connect(path)
    assert con.execute("SELECT detail FROM audit_log").fetchall() == [("set working_days=20",)]
