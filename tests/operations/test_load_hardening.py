"""Issue 14 hardening follow-up: operations file loads are bounded before pandas parses
them and run off the event loop, the upload's name is checked like the pathway upload's,
every operations change is written with its audit row or not at all, and loading bids
never overwrites one."""

from __future__ import annotations

import contextlib
import inspect

import pandas as pd
import pytest
from ingest import hostile_files as hf

from cancer_alliance.auth import audit
from cancer_alliance.auth.model import Actor
from cancer_alliance.errors import UsageError
from cancer_alliance.operations import bids, loaders
from cancer_alliance.store import connect
from cancer_alliance.web.views import operations_forms
from operations._web import _client, _csrf

TRAJ = "org_code,measure_code,month,planned\n"
NOTHING = "; nothing was loaded"


@pytest.fixture
def no_pandas(monkeypatch):
    """Every bound must hold before pandas parses anything."""
    def refuse(*_, **__):
        raise AssertionError("pandas was asked to parse a file beyond the bounds")
    monkeypatch.setattr(pd, "read_csv", refuse)
    monkeypatch.setattr(pd, "read_excel", refuse)


def _sheet(name: str, rows: list[str], dimension: str | None = None) -> bytes:
    return hf.workbook({name: hf.sheet_xml(rows, dimension)})


def _padded(spaces: int) -> bytes:
    return _sheet("trajectories", [hf.inline_row(1, ["a"]) + " " * spaces])


@pytest.mark.parametrize(("file_name", "make", "message"), [
    ("trajectories.csv", lambda: TRAJ.encode() + b"ALLIANCE,FDS,2024-05,1\n" * 1_200_000,
     "trajectories.csv: the size of the file (bytes) is 27,600,036, above the limit of "
     "20,971,520" + NOTHING),
    ("trajectories.csv", lambda: (",".join(f"c{i}" for i in range(129)) + "\n").encode(),
     "trajectories.csv: the number of columns in the header is 129, above the limit of 128"
     + NOTHING),
    ("trajectories.csv", lambda: b"x" * 70_000 + b"\n",
     "trajectories.csv: the length of the header line (bytes) is 65,537, above the limit of "
     "65,536" + NOTHING),
    ("trajectories.xlsx", lambda: _padded(65 << 20),
     "trajectories.xlsx: the unpacked size the workbook declares (bytes) is"),
    ("trajectories.xlsx", lambda: _padded(2 << 20),
     "trajectories.xlsx: the ratio of its unpacked to its packed size is"),
    ("trajectories.xlsx", lambda: _sheet("trajectories", [hf.inline_row(1, ["a"])],
                                         "A1:XFD1048576"),
     "trajectories.xlsx sheet trajectories: the declared sheet size (A1:XFD1048576) in rows "
     "is 1,048,576, above the limit of 20,001" + NOTHING),
    ("trajectories.xlsx", lambda: _sheet("trajectories", [hf.inline_row(1, ["a"]),
                                                          hf.inline_row(20_002, ["b"])]),
     "trajectories.xlsx sheet trajectories: a row number is 20,002, above the limit of 20,001"
     + NOTHING),
    ("trajectories.xlsx", lambda: _sheet("trajectories", [hf.inline_row(1, ["a"] * 129)]),
     "trajectories.xlsx sheet trajectories: the number of cells in row 1 is 129, above the "
     "limit of 128" + NOTHING),
], ids=["csv_bytes", "csv_columns", "csv_header_bytes", "xlsx_unpacked", "xlsx_ratio",
        "xlsx_dimension", "xlsx_rows", "xlsx_columns"])
def test_a_load_beyond_a_bound_is_refused_before_pandas_reads_it(tmp_path, no_pandas,
                                                                   file_name, make, message):
    con = connect(tmp_path / "a.duckdb")
    f = tmp_path / file_name
    f.write_bytes(make())
    with pytest.raises(UsageError) as info:
        loaders.load_file(con, f, "trajectories")
    assert str(info.value).startswith(message)
    assert con.execute("SELECT count(*) FROM trajectories").fetchone()[0] == 0


def test_a_csv_of_more_rows_than_the_bound_is_refused(tmp_path):
    con = connect(tmp_path / "a.duckdb")
    f = tmp_path / "trajectories.csv"
    f.write_text(TRAJ + "ALLIANCE,FDS,2024-05,1\n" * 20_001)
    with pytest.raises(UsageError, match="trajectories.csv: the number of rows is 20,001, "
                       "above the limit of 20,000"):
        loaders.load_file(con, f, "trajectories")


def test_the_bounds_are_the_documented_ones():
    """docs/explanation/security.md states these numbers; change both together."""
    assert (loaders.MAX_FILE_BYTES, loaders.MAX_ROWS, loaders.MAX_COLUMNS,
            loaders.MAX_UNPACKED_BYTES, loaders.MAX_PACKING_RATIO) == (
        20 << 20, 20_000, 128, 64 << 20, 100)


def test_the_web_load_runs_off_the_event_loop():
    assert not inspect.iscoroutinefunction(operations_forms.load_upload)


def _post(c, page_url: str, url: str, data: dict, **kw):
    token = _csrf(c.get(page_url).text)
    return c.post(url, data={**data, "csrf_token": token}, follow_redirects=False, **kw)


def _count(con, sql: str, *args) -> int:
    return con.execute(sql, list(args)).fetchone()[0]


def test_a_300_character_file_name_is_a_400_that_does_not_repeat_it(app_con):
    app, con, _ = app_con
    c = _client(app, "analyst")
    name = "t" * 296 + ".csv"
    before = _count(con, "SELECT count(*) FROM audit_log")
    r = _post(c, "/operations/load", "/operations/load", {"family": "trajectories"},
              files={"file": (name, (TRAJ + "ALLIANCE,FDS,2031-01,1\n").encode(), "text/csv")})
    assert r.status_code == 400 and "longer than 200 characters" in r.text
    assert name not in r.text
    assert _count(con, "SELECT count(*) FROM trajectories WHERE month = '2031-01'") == 0
    assert _count(con, "SELECT count(*) FROM audit_log") == before
    r = _post(c, "/operations/load", "/operations/load", {"family": "trajectories"},
              files={"file": ("plan.parquet", b"PAR1", "application/octet-stream")})
    assert r.status_code == 400 and "CSV or Excel (.csv or .xlsx)" in r.text


def test_a_refused_audit_text_leaves_no_change(app_con):
    """The audit row was written after the change: a ten-digit code (a possible NHS
    number) in it was refused with a 500 and the change already committed."""
    app, con, _ = app_con
    c = _client(app, "analyst")
    audits = _count(con, "SELECT count(*) FROM audit_log")
    r = _post(c, "/operations/governance", "/operations/members", {
        "org_code": "2026000001", "org_name": "Z", "member_type": "CHARITY"})
    assert r.status_code == 400 and "NHS number" in r.text and "2026000001" not in r.text
    assert _count(con, "SELECT count(*) FROM alliance_members WHERE org_code = '2026000001'"
                  ) == 0
    r = _post(c, "/operations/load", "/operations/load", {"family": "trajectories"},
              files={"file": ("2026000001.csv", (TRAJ + "ALLIANCE,FDS,2031-02,1\n").encode(),
                              "text/csv")})
    assert r.status_code == 400
    assert _count(con, "SELECT count(*) FROM trajectories WHERE month = '2031-02'") == 0
    # a bid loaded from a file may have a ten-digit id: scoring it changes nothing
    bids.add_bid(con, "2026000001", "T", "RAA", next(iter(bids.funding.PRIORITY_AREAS)),
                 {2026: 5.0}, 1.0)
    crit = next(iter(bids.criteria(con)))
    r = _post(c, "/operations/bids", "/operations/bids/2026000001/scores",
              {f"score_{crit}": "4"})
    assert r.status_code == 400
    assert _count(con, "SELECT count(*) FROM bid_scores WHERE bid_id = '2026000001'") == 0
    assert _count(con, "SELECT count(*) FROM audit_log") == audits


def _bids_csv(tmp_path, bid_id: str, cost: int):
    f = tmp_path / "bids.csv"
    f.write_text("bid_id,title,partner_code,priority_area,expected_benefit,cost_2026\n"
                 f"{bid_id},Navigator,RAA,EARLY_DIAGNOSIS,10,{cost}\n")
    return f


def test_loading_an_existing_bid_is_refused_and_keeps_the_funded_one(tmp_path):
    con = connect(tmp_path / "a.duckdb")
    loaders.load_file(con, _bids_csv(tmp_path, "B1", 400_000), "bids")
    con.execute("UPDATE bids SET status = 'FUNDED' WHERE bid_id = 'B1'")
    with pytest.raises(UsageError, match="bids.csv row 2: bid B1 already exists"):
        loaders.load_file(con, _bids_csv(tmp_path, "B1", 1), "bids")
    assert con.execute("SELECT status FROM bids WHERE bid_id = 'B1'").fetchall() == [
        ("FUNDED",)]
    assert con.execute("SELECT amount FROM bid_costs WHERE bid_id = 'B1'").fetchall() == [
        (400_000.0,)]


def test_two_adds_of_one_bid_at_once_give_one_bid_and_one_clear_refusal(tmp_path):
    con = connect(tmp_path / "a.duckdb")
    actor = Actor("ann", "analyst", None)
    first, second = con.cursor(), con.cursor()
    area = next(iter(bids.funding.PRIORITY_AREAS))
    with contextlib.ExitStack() as outer:
        outer.enter_context(audit.atomic(first, actor, "edit_operations", "bid", "submitted"))
        bids.add_bid(first, "C1", "first", "RAA", area, {2026: 100.0}, 1.0)
        later = audit.atomic(second, actor, "edit_operations", "bid", "submitted")
        later.__enter__()
        bids.add_bid(second, "C1", "second", "RAA", area, {2026: 1.0}, 1.0)
        outer.close()  # the first commits
        with pytest.raises(UsageError, match="nothing was changed: another change to the "
                           'same record was saved at the same time .*duplicate key "C1'):
            later.__exit__(None, None, None)
    assert con.execute("SELECT title FROM bids").fetchall() == [("first",)]
    assert con.execute("SELECT amount FROM bid_costs").fetchall() == [(100.0,)]
    assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 1
