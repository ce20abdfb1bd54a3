"""Fitting the baseline from the store, on the hand-made store of conftest.py."""

from __future__ import annotations

import calendar

import pandas as pd
import pytest

from cancer_alliance.outlook import scenarios
from cancer_alliance.outlook.scenarios import ANY
from cancer_alliance.outlook.simulation_check import fit_check
from cancer_alliance.outlook.simulation_fit import QUANTILE_PROBS, fit_baseline
from cancer_alliance.store import connect

from .conftest import pathway_rows


@pytest.fixture(scope="module")
def fitted(small_store):
    con = connect(small_store)
    yield con, fit_baseline(con)
    con.close()


def test_window_is_the_last_twelve_submitted_months(fitted):
    _, s = fitted
    assert s.fitted_on == ("2024-03", "2025-02")
    assert scenarios.month_text(s.start) == "2025-03"


def test_flat_demand_has_no_growth_or_seasonality(fitted):
    _, s = fitted
    assert s.growth_per_year == pytest.approx(0.0, abs=1e-9)
    assert s.seasonality == pytest.approx((1.0,) * 12)
    per_month = {(st.provider, st.group): st.per_month for st in s.streams}
    assert per_month == pytest.approx({("RAA", "LUNG"): 40.0, ("RBB", "LOWER_GI"): 20.0})


def test_conversion_treatment_mix_and_transfers(fitted):
    _, s = fitted
    lung, lgi = sorted(s.streams, key=lambda st: st.group != "LUNG")
    assert lung.cancer_share == pytest.approx(0.1) == lgi.cancer_share  # i % 10 == 0
    assert lung.treatment_mix == {"SURGERY": 1.0}
    # RBB's cancers are i = 0 (treated at RAA: i % 20 == 0) and i = 10 (at RBB)
    assert lgi.treated_at == pytest.approx({"RAA": 0.5, "RBB": 0.5})


def test_step_durations_are_quantiles_with_fallbacks(fitted):
    _, s = fitted
    median = QUANTILE_PROBS.index(0.5)
    ruled_out = s.durations[("RAA", "LUNG", "diagnostics")]
    assert (ruled_out[0], ruled_out[median], ruled_out[-1]) == (21.0, 25.0, 29.0)
    assert set(s.durations[("RAA", "LUNG", "diagnostics_cancer")]) == {20.0}
    first = s.durations[("RAA", "LUNG", "first_appointment")]
    assert (first[0], first[median], first[-1]) == (7.0, 9.0, 11.0)
    assert set(s.durations[("RAA", "LUNG", "decision")]) == {10.0}
    assert set(s.durations[("RAA", "LUNG", "treatment")]) == {14.0}
    # RBB has 24 lower GI cancers in the window, fewer than 30: no provider or group entry,
    # the simulation falls back to the step across the alliance
    assert ("RBB", "LOWER_GI", "diagnostics_cancer") not in s.durations
    assert ("*", "LOWER_GI", "diagnostics_cancer") not in s.durations
    assert (ANY, ANY, "diagnostics_cancer") in s.durations


def expected_capacity(dates: pd.Series) -> float:
    """max(busiest month's daily rate x 1.05, mean daily rate + 1.5 sqrt(mean)) over the
    window 2024-03 .. 2025-02 (365 days)."""
    months = pd.to_datetime(dates).dt.to_period("M")
    per_day = [n / calendar.monthrange(m.year, m.month)[1]
               for m, n in months.value_counts().items()]
    mean = len(dates) / 365
    return max(max(per_day) * 1.05, mean + 1.5 * mean**0.5)


def test_capacity_is_the_busiest_day_rate_plus_headroom_or_a_safety_margin(fitted):
    _, s = fitted
    df = pd.DataFrame(pathway_rows())
    told = pd.to_datetime(df["diagnosis_communicated_date"])
    lung = df[told.between("2024-03-01", "2025-02-28") & (df["suspected_cancer_type"] == "LUNG")]
    assert s.capacity[("RAA", "CT")] == pytest.approx(  # lung referrals all need CT
        expected_capacity(lung["diagnosis_communicated_date"]))
    treated = df[pd.to_datetime(df["first_treatment_date"]).between("2024-03-01", "2025-02-28")]
    raa = treated[treated["first_treatment_provider_code"] == "RAA"]
    assert s.capacity[("RAA", "SURGERY")] == pytest.approx(
        expected_capacity(raa["first_treatment_date"]))
    seen = pd.to_datetime(df["first_seen_date"])
    rbb = df[seen.between("2024-03-01", "2025-02-28") & (df["provider_code"] == "RBB")]
    assert s.capacity[("RBB", "FIRST_APPOINTMENT")] == pytest.approx(
        expected_capacity(rbb["first_seen_date"]))


def test_baseline_round_trips_through_its_file(fitted, tmp_path):
    _, s = fitted
    scenarios.write(s, tmp_path / "baseline.toml")
    back = scenarios.load(tmp_path / "baseline.toml")
    for a, b in zip(back.streams, s.streams, strict=True):
        assert (a.provider, a.group, a.treatment_mix, a.treated_at) == (
            b.provider, b.group, b.treatment_mix, b.treated_at)
        assert (a.per_month, a.cancer_share) == pytest.approx((b.per_month, b.cancer_share),
                                                              abs=1e-3)
    assert back.durations == s.durations
    assert back.capacity == pytest.approx(s.capacity, rel=1e-3)  # per_month to 0.01
    assert (back.start, back.fitted_on, back.seasonality) == (s.start, s.fitted_on,
                                                              s.seasonality)


def test_baseline_reproduces_the_fit_window(fitted):
    con, s = fitted
    table = fit_check(con, s, replications=4)
    assert set(table["measure"]) == {"FDS", "62_DAY", "62_DAY_BACKLOG"}
    fds = table[table["measure"] == "FDS"]
    # by hand: of 60 referrals a month the 6 with i % 10 == 9 are told on day 29 and breach:
    # 54/60 = 90%, give or take the referrals told in the next month
    assert fds["actual"].between(89.0, 91.0).all()
    # 60 referrals a month: months differ by chance, the year by less than 2.5 points (this
    # store is a hard case: resources of one or two patients a day queue about a fifth of a
    # day at the safety margin, and all the breaches sit on one day value, 29)
    assert abs(fds["difference"].mean()) < 2.5
    assert (fds["difference"].abs() < 8.0).all()
    d62 = table[table["measure"] == "62_DAY"]
    assert (d62["actual"] == 100.0).all() and (d62["simulated"] == 100.0).all()  # 20+10+14
