"""The edition (provisional or final) of an aggregated figure, by hand-worked calendars,
and the ``metrics`` command's ``edition`` column, appended after the contract's columns."""

from __future__ import annotations

import csv
import io

import pandas as pd
from typer.testing import CliRunner

from cancer_alliance.calendar import read_calendar
from cancer_alliance.cli import app
from cancer_alliance.ingest import ingest_submission
from cancer_alliance.metrics.editions import edition_of, with_edition
from cancer_alliance.store import connect

# January-April final, May provisional; June not in the calendar at all.
MONTHS = {"2024-01": "final", "2024-02": "final", "2024-03": "final", "2024-04": "final",
          "2024-05": "provisional"}


def test_a_month_carries_its_own_edition():
    assert edition_of("2024-04", "month", MONTHS) == "final"
    assert edition_of("2024-05", "month", MONTHS) == "provisional"
    assert edition_of("2024-06", "month", MONTHS) is None  # not a calendar month


def test_a_longer_period_is_final_only_when_every_month_is():
    assert edition_of("2024-Q1", "quarter", MONTHS) == "final"         # Jan-Mar all final
    assert edition_of("2024-Q2", "quarter", MONTHS) == "provisional"   # April final, May not
    assert edition_of("2023/24", "financial_year", MONTHS) == "final"  # Jan-Mar 2024 known
    assert edition_of("2024/25", "financial_year", MONTHS) == "provisional"
    assert edition_of("2024-01..2024-04", None, MONTHS) == "final"     # no grain: a range
    assert edition_of("2024-02..2024-05", None, MONTHS) == "provisional"
    assert edition_of("2023-Q4", "quarter", MONTHS) is None


def test_no_calendar_no_edition():
    df = pd.DataFrame({"period": ["2024-05"], "total": [1.0]})
    out = with_edition(None, df, "month")
    assert list(out.columns) == ["period", "total", "edition"] and out.iloc[0].edition is None


def test_metrics_command_appends_edition(tmp_path):
    db = tmp_path / "one.duckdb"
    con = connect(db)
    body = ("provider_code,pathway_id,nhs_number,date_of_birth,sex,ethnic_category,"
            "commissioner_code,referral_route,suspected_cancer_type,referral_received_date,"
            "first_seen_date,first_seen_provider_code,diagnosis_communicated_date,"
            "fds_outcome,pathway_closed_reason,pathway_closed_date\n"
            "RAA,EX1,9434765919,1950-01-01,1,A,QAA,USC,LUNG,2024-05-01,2024-05-08,RAA,"
            "2024-05-29,RULED_OUT,RULED_OUT,2024-05-29\n")
    result = ingest_submission(con, provider="RAA", period="2024-05",
                               files={"pathways.csv": body.encode()},
                               archive_dir=tmp_path / "archive")
    assert result.accepted == 1
    con.close()
    out = CliRunner().invoke(app, ["metrics", "--db", str(db), "--standard", "FDS", "--by",
                                   "provider,month", "--format", "csv"])
    assert out.exit_code == 0, out.output
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[0] == ["standard", "period", "provider_code", "total", "within", "breaches",
                       "performance", "threshold", "met", "edition"]
    # the month's edition is its calendar's, whichever it is today
    con = connect(db)
    expected = read_calendar(con).month("2024-05").edition
    con.close()
    assert rows[1][1] == "2024-05" and rows[1][-1] == expected
