"""Trajectories: off-plan months, the forecast method, and the store round trip."""

import pytest

from cancer_alliance.errors import UsageError
from cancer_alliance.operations import trajectories as t
from cancer_alliance.store import connect

PLAN = {"2024-04": 70, "2024-05": 72, "2024-06": 74, "2024-07": 75, "2025-03": 80}
ACTUAL = {"2024-04": 71, "2024-05": 69, "2024-06": 74, "2024-07": 76}


def test_months_below_plan_are_off_plan_and_forecast_is_mean_of_last_three():
    c = t.compare(PLAN, ACTUAL, measure_code="FDS")
    assert c.months_off_plan == ["2024-05"]
    assert [r["gap"] for r in c.rows[:4]] == [1, -3, 0, 1]
    # mean of Jul, Jun, May = (76 + 74 + 69) / 3 = 73; March plan 80 -> off track
    assert c.forecast_year_end == pytest.approx(73.0)
    assert c.year_end_month == "2025-03"
    assert c.planned_year_end == 80
    assert c.on_track is False and c.status == "OFF_TRACK"
    assert [f["month"] for f in c.forecast][0] == "2024-08"
    assert len(c.forecast) == 8  # Aug..Mar


def test_tolerance_and_lower_is_better():
    c = t.compare(PLAN, ACTUAL, measure_code="FDS", tolerance=3)
    assert c.months_off_plan == []
    # the 62-day backlog is a count to reduce: above plan is off plan (its definition says
    # improvement = decrease), below plan is not
    c = t.compare({"2024-04": 50, "2024-05": 50}, {"2024-04": 60, "2024-05": 40},
                  measure_code="62_DAY_BACKLOG")
    assert c.months_off_plan == ["2024-04"]
    assert t.lower_is_better_for("62_DAY_BACKLOG") and not t.lower_is_better_for("FDS")


def test_store_round_trip_and_validation(tmp_path):
    con = connect(tmp_path / "a.duckdb")
    assert t.set_planned(con, "RAA", "62_DAY", {"2024-04": "75.5", "2024-05": 76}, "ann") == 2
    t.set_planned(con, "RAA", "62_DAY", {"2024-05": 77}, "bob")
    assert t.get_planned(con, "RAA", "62_DAY") == {"2024-04": 75.5, "2024-05": 77.0}
    with pytest.raises(UsageError, match="month '2024-13' is not a month written YYYY-MM"):
        t.set_planned(con, "RAA", "62_DAY", {"2024-13": 50}, "ann")
    with pytest.raises(UsageError, match="'2024-05-31' .* it is a date"):  # never cut to 05
        t.set_planned(con, "RAA", "62_DAY", {"2024-05-31": 50}, "ann")
    with pytest.raises(UsageError, match="percentage"):
        t.set_planned(con, "RAA", "62_DAY", {"2024-06": 150}, "ann")


def test_count_trajectories_are_not_percentages(tmp_path):
    con = connect(tmp_path / "a.duckdb")
    assert t.set_planned(con, "ALLIANCE", "62_DAY_BACKLOG", {"2024-04": 340}, "ann") == 1
    assert t.set_planned(con, "ALLIANCE", "URGENT_REFERRALS", {"2024-04": 1200}, "ann") == 1
    with pytest.raises(UsageError, match="negative"):
        t.set_planned(con, "ALLIANCE", "62_DAY_BACKLOG", {"2024-05": -1}, "ann")


def test_backlog_and_referral_actuals_are_the_metrics_counts(ops_con):
    from cancer_alliance import metrics
    from cancer_alliance.metrics import measures
    from cancer_alliance.operations import actuals

    got = actuals.monthly(ops_con, "62_DAY_BACKLOG")
    want = metrics.compute_metrics(ops_con, "62_DAY_BACKLOG", by=("month",))
    assert got["value"].tolist() == want.sort_values("period")["breaches"].astype(float).tolist()
    assert actuals.unit("62_DAY_BACKLOG") == "count" and actuals.unit("FDS") == "%"
    got = actuals.monthly(ops_con, "URGENT_REFERRALS")
    want = measures.compute_measure(ops_con, "URGENT_REFERRALS", by=("month",))
    assert got["value"].tolist() == want.sort_values("period")["referrals"].astype(float).tolist()
    assert "62_DAY_BACKLOG" in actuals.trajectory_codes()
    assert "URGENT_REFERRALS" in actuals.trajectory_codes()
    assert "SFU_MIX" not in actuals.trajectory_codes()  # a mix has no single monthly value
