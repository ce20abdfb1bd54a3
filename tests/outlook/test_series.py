"""The series the outlook forecasts: complete months only, groups, zero months, the CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cancer_alliance.cli import app
from cancer_alliance.errors import UsageError
from cancer_alliance.outlook import series
from tests.outlook.conftest import insert_pathways, insert_submissions

runner = CliRunner()


def _fill(con) -> None:
    # RAA has Jan-Apr 2024 in, RBB Feb-Mar: complete months are Feb and Mar only.
    insert_submissions(con, {"RAA": ["2024-01", "2024-02", "2024-03", "2024-04"],
                             "RBB": ["2024-02", "2024-03"]})
    usc = {"referral_route": "USC"}
    insert_pathways(con, [
        {**usc, "provider_code": "RAA", "suspected_cancer_type": "LUNG",
         "referral_received_date": "2024-01-15"},  # before the data start
        {**usc, "provider_code": "RAA", "suspected_cancer_type": "LUNG",
         "referral_received_date": "2024-02-01"},
        {**usc, "provider_code": "RAA", "suspected_cancer_type": "SKIN",
         "referral_received_date": "2024-02-29"},
        {**usc, "provider_code": "RAA", "suspected_cancer_type": "LUNG",
         "referral_received_date": "2024-04-02"},  # partial month: dropped
        {**usc, "provider_code": "RBB", "referral_received_date": "2024-03-10"},
        {"referral_route": "BS", "provider_code": "RBB", "suspected_cancer_type": "BREAST",
         "referral_received_date": "2024-02-10"},  # not an urgent suspected-cancer route
    ])


def test_complete_months_run_from_data_start_to_latest_complete(tiny_store):
    con, _ = tiny_store
    assert series.complete_months(con) == []
    _fill(con)
    assert series.complete_months(con) == ["2024-02", "2024-03"]


def test_referral_series_by_each_grouping(tiny_store):
    con, _ = tiny_store
    _fill(con)

    def rows(by):
        df = series.monthly_series(con, "referrals", by)
        return sorted(zip(df["group"], df["month"], df["value"], strict=True))

    assert rows("alliance") == [("E1", "2024-02", 2.0), ("E1", "2024-03", 1.0)]
    assert rows("provider") == [("RAA", "2024-02", 2.0), ("RAA", "2024-03", 0.0),
                                ("RBB", "2024-02", 0.0), ("RBB", "2024-03", 1.0)]
    assert rows("cancer_type") == [
        ("LUNG", "2024-02", 1.0), ("LUNG", "2024-03", 0.0),
        ("Not known", "2024-02", 0.0), ("Not known", "2024-03", 1.0),
        ("SKIN", "2024-02", 1.0), ("SKIN", "2024-03", 0.0)]
    assert rows("provider,cancer_type") == [
        ("RAA / LUNG", "2024-02", 1.0), ("RAA / LUNG", "2024-03", 0.0),
        ("RAA / SKIN", "2024-02", 1.0), ("RAA / SKIN", "2024-03", 0.0),
        ("RBB / Not known", "2024-02", 0.0), ("RBB / Not known", "2024-03", 1.0)]
    with pytest.raises(UsageError, match="--by"):
        series.monthly_series(con, "referrals", "provider,provider")


def test_urgent_referrals_add_breast_symptomatic_and_match_the_measure(tiny_store):
    """``urgent-referrals`` is the count a plan is set for (URGENT_REFERRALS): the one BS
    referral of RBB in February is counted, as the metrics measure counts it."""
    from cancer_alliance.operations import actuals

    con, _ = tiny_store
    _fill(con)
    df = series.monthly_series(con, series.URGENT_REFERRALS, "provider")
    assert sorted(zip(df["group"], df["month"], df["value"], strict=True)) == [
        ("RAA", "2024-02", 2.0), ("RAA", "2024-03", 0.0),
        ("RBB", "2024-02", 1.0), ("RBB", "2024-03", 1.0)]
    code = series.PLAN_CODE[series.URGENT_REFERRALS]
    for provider in ("RAA", "RBB"):
        measured = actuals.monthly(con, code, provider)
        mine = df[df["group"] == provider]
        for month, value in zip(mine["month"], mine["value"], strict=True):
            got = measured.loc[measured["month"] == month, "value"]
            assert (float(got.iloc[0]) if len(got) else 0.0) == value, (provider, month)
    assert series.REFERRALS not in series.PLAN_CODE  # USC alone: no trajectory counts it


def test_denominator_series_counts_the_standard_total(tiny_store):
    con, _ = tiny_store
    _fill(con)
    insert_pathways(con, [{
        "pathway_id": "F1", "provider_code": "RAA", "suspected_cancer_type": "LUNG",
        "referral_received_date": "2024-02-01", "first_seen_date": "2024-02-05",
        "first_seen_provider_code": "RAA", "diagnosis_communicated_date": "2024-03-04",
        "fds_outcome": "RULED_OUT", "pathway_closed_reason": "RULED_OUT",
        "pathway_closed_date": "2024-03-04"}])
    df = series.monthly_series(con, "FDS-denominator", "provider")
    assert sorted(zip(df["group"], df["month"], df["value"], strict=True)) == [
        ("RAA", "2024-02", 0.0), ("RAA", "2024-03", 1.0)]


def test_cancer_type_is_suspected_before_diagnosis_and_diagnosed_after():
    assert series.cancer_type_column(None) == "suspected_cancer_type"
    assert series.cancer_type_column("FDS") == "suspected_cancer_type"
    assert series.cancer_type_column("2WW_USC") == "suspected_cancer_type"
    assert series.cancer_type_column("62_DAY") == "tumour_group"
    assert series.cancer_type_column("31_DAY") == "tumour_group"


@pytest.mark.parametrize("measure", ["referral", "62_DAY_BACKLOG-denominator", "FDS"])
def test_unknown_measures_are_refused(measure):
    with pytest.raises(UsageError, match="--measure"):
        series.parse_measure(measure)


def test_forecast_command_contract(tiny_store):
    con, db = tiny_store
    _fill(con)
    con.close()
    r = runner.invoke(app, ["forecast", "--db", db, "--measure", "referrals", "--by",
                            "provider", "--horizon", "2", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert [(x["group"], x["month"], x["method"]) for x in rows] == [
        ("RAA", "2024-04", "insufficient history"), ("RAA", "2024-05", "insufficient history"),
        ("RBB", "2024-04", "insufficient history"), ("RBB", "2024-05", "insufficient history")]
    assert list(rows[0]) == ["measure", "group", "month", "forecast", "lower_80", "upper_80",
                             "lower_95", "upper_95", "method"]
    r = runner.invoke(app, ["forecast", "--db", db, "--measure", "referrals", "--backtest"])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0] == (
        "measure,group,method,mase,coverage_80,coverage_95,points")
    r = runner.invoke(app, ["forecast", "--db", db, "--measure", "nonsense"])
    assert r.exit_code != 0
