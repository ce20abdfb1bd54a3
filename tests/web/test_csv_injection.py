"""Issue 14 case 6: spreadsheet formulas sent by one trust never run in another user's
download (OWASP CSV injection). Every CSV the platform writes, web and command line,
neutralises text cells that start with ``=``, ``+``, ``-``, ``@``, tab or CR; numbers,
negative ones included, stay numbers.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cancer_alliance import metrics
from cancer_alliance.cli import app as cli_app
from cancer_alliance.ingest import ingest_submission
from cancer_alliance.metrics.output import neutralise, neutralise_frame, to_csv
from cancer_alliance.store import connect
from cancer_alliance.web.app import create_app
from cancer_alliance.web.settings import WebSettings

from .conftest import SECRET, copy_of_store, login

PAYLOADS = ['=HYPERLINK("http://e.x","go")', "+1+2", "-3+4", "@SUM(1+1)"]
NHS = ["9434765919", "9434765870", "9434765838", "9434765889"]
COLUMNS = ["provider_code", "pathway_id", "nhs_number", "date_of_birth", "sex",
           "ethnic_category", "commissioner_code", "referral_route", "suspected_cancer_type",
           "referral_received_date"]


def _submission() -> bytes:
    """Open pathways whose ids are formulas (accepted: any text is a pathway id) and rows
    whose NHS numbers are formulas (rejected, so they reach rejections.csv)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    for i, p in enumerate(PAYLOADS):
        w.writerow(["RAA", p, NHS[i], "1950-01-01", "1", "A", "QAA", "USC", "LUNG",
                    "2024-06-01"])
        w.writerow(["RAA", f"BAD{i}", p, "1950-01-01", "1", "A", "QAA", "USC", "LUNG",
                    "2024-06-01"])
    return buf.getvalue().encode()


@pytest.fixture(scope="module")
def loaded(store, tmp_path_factory):
    """A copy of the seeded store with the hostile submission loaded (by trust RAA)."""
    db = copy_of_store(store, tmp_path_factory.mktemp("injection"))
    con = connect(db)
    result = ingest_submission(con, provider="RAA", period="2024-06",
                               files={"pathways.csv": _submission()},
                               archive_dir=db.parent / "archive")
    assert (result.accepted, result.rejected) == (4, 4)
    metrics.refresh(con, result.submission_id)
    yield con, db, result.submission_id
    con.close()


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _assert_neutralised(rows: list[list[str]]) -> None:
    cells = [c for r in rows for c in r]
    for p in PAYLOADS:
        assert p not in cells, f"{p!r} reached a download as a live formula"
        assert "'" + p in cells, f"{p!r} is missing from the download"


def test_analyst_downloads_of_a_trusts_formulas_are_neutralised(loaded):
    con, _, submission_id = loaded
    web = create_app(WebSettings(secret=SECRET, oidc=None, census="2024-06-30"), con=con)
    c = TestClient(web, base_url="https://testserver")
    assert login(c, "t-analyst").status_code == 303
    # the pathway ids are on the trust's own list only (identifiers: own trust)
    own = TestClient(web, base_url="https://testserver")
    assert login(own, "t-provider").status_code == 303
    ptl = own.get("/ptl.csv?provider=RAA")
    assert ptl.status_code == 200
    rows = _cells(ptl.text)
    _assert_neutralised(rows)
    header = rows[0]
    breach = [float(r[header.index("days_to_breach")]) for r in rows[1:]
              if r[header.index("days_to_breach")]]
    assert any(v < 0 for v in breach), "a breached pathway's negative days stay a number"
    rejections = c.get(f"/submissions/{submission_id}/rejections.csv")
    assert rejections.status_code == 200
    _assert_neutralised(_cells(rejections.text))


def test_command_line_exports_are_neutralised(loaded):
    _, db, submission_id = loaded
    runner = CliRunner()
    r = runner.invoke(cli_app, ["rejections", "--submission", str(submission_id), "--db",
                                str(db)])
    assert r.exit_code == 0, r.output
    _assert_neutralised(_cells(r.output))
    r = runner.invoke(cli_app, ["ptl", "--census", "2024-06-30", "--format", "csv", "--db",
                                str(db)])
    assert r.exit_code == 0, r.output
    _assert_neutralised(_cells(r.output))


@pytest.mark.parametrize(("value", "expected"), [
    ('=HYPERLINK("http://e.x","go")', '\'=HYPERLINK("http://e.x","go")'),
    ("+1+2", "'+1+2"), ("-3+4", "'-3+4"), ("@SUM(1+1)", "'@SUM(1+1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("-3", "-3"), ("+4", "+4"), ("-0.5", "-0.5"), ("1e5", "1e5"),  # plain numbers
    ("a=b", "a=b"), ("", ""), (-3, -3), (None, None),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_numeric_columns_keep_negative_numbers():
    df = pd.DataFrame({"n": [-3, 4], "x": [-1.5, 2.0], "t": ["-3+4", "ok"]})
    out = neutralise_frame(df)
    assert out["n"].tolist() == [-3, 4] and out["x"].tolist() == [-1.5, 2.0]
    assert out["t"].tolist() == ["'-3+4", "ok"]
    assert to_csv(df) == "n,x,t\n-3,-1.5,'-3+4\n4,2.0,ok\n"
