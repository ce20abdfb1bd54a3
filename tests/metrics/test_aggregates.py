# ruff: noqa: E501  (drawn tables are read across)
"""Aggregates, periods, filters and the materialised outcomes (DuckDB)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from cancer_alliance import metrics
from cancer_alliance.dataset import periods
from cancer_alliance.errors import NotFound, UsageError

from . import drawn
from .spec_cases import CASES

IPT = next(c for c in CASES if c.name == "62_day_inter_provider_transfers")


@pytest.fixture()
def ipt_store():
    return drawn.store(drawn.pathways(IPT.pathways), [])


def _row(df, **where):
    sel = df
    for k, v in where.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_by_accountable_provider_sums_shares(ipt_store):
    # Worked by hand from the §4 cases: February RAA gets halves of T1, T5, T8 (all within);
    # March RAA gets T3 whole (breach) and halves of T4 (within), T7 (breach), T9 (within).
    df = metrics.compute_metrics(ipt_store, "62_DAY", by=("provider_code", "month"))
    feb = _row(df, period="2024-02", provider_code="RAA")
    assert (feb.total, feb.within, feb.breaches) == (1.5, 1.5, 0.0)
    assert bool(feb.met) is True
    mar = _row(df, period="2024-03", provider_code="RAA")
    assert (mar.total, mar.within, mar.breaches) == (2.5, 1.0, 1.5)
    assert mar.performance == 40.0 and mar.threshold == 85.0 and bool(mar.met) is False
    rbb_feb = _row(df, period="2024-02", provider_code="RBB")
    assert (rbb_feb.total, rbb_feb.within) == (2.5, 2.5)
    assert list(df.columns) == ["standard", "period", "provider_code", "total", "within",
                                "breaches", "performance", "threshold", "met"]


def test_commissioner_counts_whole_patients(ipt_store):
    df = metrics.compute_metrics(ipt_store, "62_DAY", by="commissioner_code")
    row = _row(df, commissioner_code="QAA")
    assert (row.total, row.within, row.breaches) == (9.0, 6.0, 3.0)
    assert row.period == "2024-02..2024-03"


def test_quarter_and_financial_year_roll_up(ipt_store):
    q = metrics.compute_metrics(ipt_store, "62_DAY", by="provider,quarter")
    assert _row(q, period="2024-Q1", provider_code="RAA").total == 4.0
    fy = metrics.compute_metrics(ipt_store, "62_DAY", by=["financial_year"])
    assert _row(fy, period="2023/24").total == 9.0


def test_filters_and_period(ipt_store):
    df = metrics.compute_metrics(ipt_store, "62_DAY", by="month", period="2024-03",
                                 filters={"provider_code": "RBB"})
    assert list(df.period) == ["2024-03"]
    assert _row(df, period="2024-03").total == 2.5


def test_unknown_names_are_usage_errors(ipt_store):
    with pytest.raises(NotFound, match="NOPE"):
        metrics.compute_metrics(ipt_store, "NOPE")
    with pytest.raises(UsageError, match="postcode"):
        metrics.compute_metrics(ipt_store, "62_DAY", by="postcode")
    with pytest.raises(UsageError, match="2024-13"):
        metrics.compute_metrics(ipt_store, "62_DAY", period="2024-13")


@pytest.mark.parametrize(("month", "grain", "label"), [
    ("2024-03", "quarter", "2024-Q1"), ("2024-04", "quarter", "2024-Q2"),
    ("2024-03", "financial_year", "2023/24"), ("2024-04", "financial_year", "2024/25"),
    ("1999-12", "financial_year", "1999/00"),
])
def test_period_labels(month, grain, label):
    assert periods.label(month, grain) == label


def test_backlog_by_month_end_census():
    paths = drawn.pathways("""
        pathway_id | suspected_cancer_type | referral_received_date
        A          | LUNG                  | 2024-01-10
        B          | LUNG                  | 2024-03-20
    """)
    con = drawn.store(paths, [])
    df = metrics.compute_metrics(con, "62_DAY_BACKLOG", by="month",
                                 period=("2024-03", "2024-04"))
    # 31 March: A has waited 81 days (backlog), B 11; 30 April: A 111, B 41.
    mar = _row(df, period="2024-03")
    assert (mar.total, mar.breaches) == (2.0, 1.0)
    apr = _row(df, period="2024-04")
    assert (apr.total, apr.breaches) == (2.0, 1.0)


def test_transfer_phases(ipt_store):
    df = metrics.transfer_phases(ipt_store, by=("provider_code",))
    p38 = _row(df, provider_code="RAA", phase="38_day")
    # Transfer days: 34, 36, 55, 38, 20, 45, 45, 38 (T8 has no transfer date): 5 within 38.
    assert (p38.total, p38.within) == (8, 5)
    p24 = _row(df, provider_code="RBB", phase="24_day")
    # Treatment phases: 21, 37, 14, 24, 30, 10, 30, 30-6=24: 5 within 24.
    assert (p24.total, p24.within) == (8, 5)


def test_refresh_is_incremental_and_aggregates_read_it(tmp_path):
    paths = drawn.pathways("""
        pathway_id | provider_code | suspected_cancer_type | referral_received_date | diagnosis_communicated_date | fds_outcome
        A          | RAA           | LUNG                  | 2024-05-01             | 2024-05-20                  | RULED_OUT
        B          | RBB           | LUNG                  | 2024-05-01             | 2024-05-20                  | RULED_OUT
    """)
    con = drawn.store(paths, [], str(tmp_path / "store.duckdb"))
    assert not metrics.is_fresh(con)
    assert metrics.refresh(con)["scope"] == "all"
    assert metrics.is_fresh(con)
    # Prove the aggregate reads stored rows: mark RAA's stored row a breach by hand.
    con.execute("UPDATE metric_outcomes SET outcome = 'breach' WHERE provider_code = 'RAA'")
    df = metrics.compute_metrics(con, "FDS", by="provider_code")
    assert _row(df, provider_code="RAA").within == 0.0
    # A new submission from RBB makes the store stale; aggregates recompute meanwhile.
    new = drawn.pathways("""
        pathway_id | provider_code | suspected_cancer_type | referral_received_date | diagnosis_communicated_date | fds_outcome
        C          | RBB           | LUNG                  | 2024-05-01             | 2024-06-20                  | RULED_OUT
    """)
    con.register("_new", __import__("pandas").DataFrame(new))
    con.execute("INSERT INTO pathways BY NAME SELECT *, 2 AS submission_id FROM _new")
    assert not metrics.is_fresh(con)
    live = metrics.compute_metrics(con, "FDS", by="provider_code")
    assert _row(live, provider_code="RAA").within == 1.0
    summary = metrics.refresh(con, submission_id=2)
    assert summary["scope"] == "providers" and summary["providers"] == ["RBB"]
    assert metrics.is_fresh(con)
    stored = metrics.compute_metrics(con, "FDS", by="provider_code")
    assert _row(stored, provider_code="RAA").within == 0.0  # RAA was not recomputed
    assert _row(stored, provider_code="RBB").total == 2.0   # RBB was


def test_cli_outcomes_metrics_ptl(tmp_path):
    from typer.testing import CliRunner

    from cancer_alliance.cli import app

    db = str(tmp_path / "cli.duckdb")
    paths = drawn.pathways("""
        pathway_id | suspected_cancer_type | referral_received_date | diagnosis_communicated_date | fds_outcome | decision_to_treat_date | first_treatment_date
        EX1        | LUNG                  | 2024-05-01             | 2024-05-29                  | RULED_OUT   |                        |
        EX2        | BREAST                | 2024-02-15             | 2024-03-05                  | CONFIRMED   | 2024-04-01             | 2024-04-17
        EX3        | UPPER_GI              | 2024-03-20             |                             |             |                        |
    """)
    drawn.store(paths, [], db).close()
    runner = CliRunner()
    out = runner.invoke(app, ["outcomes", "--db", db, "--format", "csv"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].split(",") == metrics.OUTCOME_COLUMNS
    fds = next(ln.split(",") for ln in lines if ln.startswith("FDS,RAA,EX1,"))
    row = dict(zip(metrics.OUTCOME_COLUMNS, fds, strict=True))
    assert (row["included"], row["days"], row["outcome"], row["share"]) == (
        "true", "28", "within", "1.0")
    out = runner.invoke(app, ["metrics", "--db", db, "--standard", "62_DAY", "--by",
                              "provider,month", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data == [{"standard": "62_DAY", "period": "2024-04", "provider_code": "RAA",
                     "total": 1.0, "within": 1.0, "breaches": 0.0, "performance": 100.0,
                     "threshold": 85.0, "met": True, "edition": None}]  # no calendar
    out = runner.invoke(app, ["ptl", "--db", db, "--census", "2024-05-31"])
    assert out.exit_code == 0, out.output
    ex3 = next(ln for ln in out.output.splitlines() if ",EX3," in ln)
    assert ",72,63-104,true," in ex3
    out = runner.invoke(app, ["refresh", "--db", db])
    assert out.exit_code == 0 and "refreshed all" in out.output


def test_outcomes_of_excluded_pathway_appear_once():
    paths = drawn.pathways("""
        pathway_id | provider_code | first_seen_date | first_seen_provider_code | suspected_cancer_type | referral_received_date | primary_diagnosis_icd10 | pathway_closed_reason | pathway_closed_date
        A          | RBB           | 2024-01-12      | RAA                      | LUNG                  | 2024-01-10             | C34.1                   | DIED                  | 2024-03-01
    """)
    df = metrics.outcomes(drawn.store(paths, []), standard="62_DAY")
    assert len(df) == 1 and df.iloc[0].exclusion_reason == "no_first_treatment"
    assert df.iloc[0].share == 1.0 and not df.iloc[0].included


def test_ptl_date_argument_accepts_text():
    paths = drawn.pathways("""
        pathway_id | suspected_cancer_type | referral_received_date
        A          | LUNG                  | 2024-05-01
    """)
    df = metrics.ptl(drawn.store(paths, []), "2024-05-31")
    assert df.iloc[0].days_waited == 30 and df.iloc[0].next_step == "first_seen"
    assert metrics.ptl(drawn.store(paths, []), date(2024, 4, 30)).empty
