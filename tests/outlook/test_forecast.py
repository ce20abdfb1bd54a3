"""Forecasts: working days, interval coverage on a known series, an honest backtest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cancer_alliance.errors import UsageError
from cancer_alliance.outlook import forecast as fc
from cancer_alliance.outlook.working_days import working_days, working_days_of


@pytest.mark.parametrize(("period", "expected"), [
    ("2024-04", 21),  # 22 weekdays less Easter Monday 1 April (Good Friday fell in March)
    ("2024-12", 20),  # 22 weekdays less Christmas Day and Boxing Day
    ("2023-05", 20),  # 23 weekdays less early May, the coronation (8 May) and spring holiday
    ("2022-06", 20),  # 22 weekdays less the moved spring holiday (2 June) and jubilee (3 June)
    ("2024-02", 21),  # leap February, no bank holiday
])
def test_working_days_hand_counted(period, expected):
    assert working_days(period) == expected


def _months(start: str, n: int) -> list[str]:
    return [str(p) for p in pd.period_range(start, periods=n, freq="M").strftime("%Y-%m")]


def _synthetic(rng: np.random.Generator, months: list[str], sd: float = 2.0) -> np.ndarray:
    """Referrals per working day with a known linear trend and seasonal shape, plus normal
    noise, times the month's working days."""
    t = np.arange(len(months))
    season = 6.0 * np.sin(2 * np.pi * t / 12) + 3.0 * np.cos(4 * np.pi * t / 12)
    rate = 60.0 + 0.25 * t + season + rng.normal(0.0, sd, len(t))
    return rate * working_days_of(months)


def test_intervals_cover_at_their_stated_rates():
    """Fitted on 36 months, scored on the next 6, over 60 independent series."""
    rng = np.random.default_rng(17)
    months = _months("2021-01", 42)
    inside = {80: [], 95: []}
    for _ in range(60):
        y = _synthetic(rng, months)
        f = fc.forecast_series(months[:36], y[:36], 6)
        assert f.months == months[36:]
        for level in fc.LEVELS:
            lo, hi = f.bounds[f"lower_{level}"], f.bounds[f"upper_{level}"]
            inside[level].extend(((lo <= y[36:]) & (y[36:] <= hi)).tolist())
    assert 0.72 <= np.mean(inside[80]) <= 0.88
    assert 0.89 <= np.mean(inside[95]) <= 0.99


def test_forecast_follows_trend_and_working_days():
    rng = np.random.default_rng(3)
    months = _months("2021-01", 48)
    y = _synthetic(rng, months, sd=0.5)
    f = fc.forecast_series(months[:36], y[:36], 12)
    assert f.method.startswith("ETS(") and f.method.endswith("per working day")
    assert f.method.split(",")[2].startswith("A")  # a seasonal model with two full years
    # within 5% of what actually happened, month by month (noise is small here)
    assert np.all(np.abs(f.forecast - y[36:]) / y[36:] < 0.05)
    assert np.all(f.bounds["lower_95"] <= f.bounds["lower_80"])
    assert np.all(f.bounds["lower_80"] <= f.forecast)
    assert np.all(f.forecast <= f.bounds["upper_80"])
    assert np.all(f.bounds["upper_80"] <= f.bounds["upper_95"])


def test_backtest_forecasts_use_only_months_before_their_origin():
    """Overwrite every month from an origin on: that origin's forecasts must not move."""
    rng = np.random.default_rng(5)
    months = _months("2022-01", 40)
    y = _synthetic(rng, months)
    full = fc.backtest_points(months, y, 12)
    origins = fc.backtest_origins(len(y))
    assert sorted(full["origin"].unique()) == months[origins.start:]
    assert (full["month"] >= full["origin"]).all()
    for o in (origins.start, origins.start + 5, origins.stop - 1):
        spoiled = y.copy()
        spoiled[o:] = 1e6
        again = fc.backtest_points(months, spoiled, 12)
        mine = full["origin"] == months[o]
        cols = ["forecast", *fc.BOUNDS]
        pd.testing.assert_frame_equal(full.loc[mine, cols].reset_index(drop=True),
                                      again.loc[again["origin"] == months[o], cols]
                                      .reset_index(drop=True))


def test_backtest_points_and_horizon():
    rng = np.random.default_rng(8)
    months = _months("2022-01", 40)
    y = _synthetic(rng, months)
    pts = fc.backtest_points(months, y, 3)
    # 12 origins, each forecasting min(3, months left): 10 x 3 + 2 + 1 = 33 per method
    assert pts.groupby("method").size().tolist() == [33, 33]
    scores = fc.backtest_series(months, y, 3)
    assert [s.points for s in scores] == [33, 33]
    assert scores[1].method == fc.BASELINE
    # the model knows the trend and the working days; the same-month-last-year baseline not
    assert scores[0].mase < scores[1].mase


def test_mase_scale_is_the_in_sample_seasonal_naive_error():
    train = np.arange(14, dtype="float64") * 2.0  # y_t - y_{t-12} = 24 for t = 12, 13
    assert fc.mase_scale(train) == 24.0
    assert fc.mase_scale(np.array([1.0, 3.0, 2.0])) == 1.5  # short: naive, |2| and |-1|
    assert np.isnan(fc.mase_scale(np.ones(20)))


def test_short_series_say_so_rather_than_invent_a_forecast():
    months = _months("2024-01", 5)
    f = fc.forecast_series(months, np.array([10.0, 12, 9, 11, 10]), 3)
    assert f.method == fc.INSUFFICIENT and f.months == ["2024-06", "2024-07", "2024-08"]
    assert np.isnan(f.forecast).all()
    assert fc.backtest_series(months, np.ones(5)) == []


def test_a_short_series_gets_a_non_seasonal_model():
    rng = np.random.default_rng(2)
    months = _months("2023-01", 14)
    f = fc.forecast_series(months, _synthetic(rng, months), 2)
    assert f.method.endswith(",N) per working day")


@pytest.mark.parametrize("horizon", [0, 25])
def test_horizon_out_of_range(horizon):
    with pytest.raises(UsageError, match="between 1 and 24"):
        fc.forecast_series(_months("2020-01", 30), np.ones(30), horizon)
