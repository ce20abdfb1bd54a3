"""Monthly forecasts with 80% and 95% prediction intervals, and their own backtest.

Method (justified in ``docs/explanation/forecasting.md``):

* the series is divided by each month's working days (:mod:`.working_days`), so the model
  sees referrals *per working day*; forecasts and interval bounds are multiplied back by the
  working days of the month forecast;
* the model is statsforecast's ``AutoETS`` with additive errors and additive seasonality
  (``AZA``: the trend, none / additive / damped, chosen by AICc) once there are two full
  years (:data:`MIN_SEASONAL` months); with fewer, non-seasonal (``AZN``) from
  :data:`MIN_MONTHS`; below that no model is fitted and the rows say so
  (``insufficient history``, blank figures) rather than invent a forecast;
* intervals are the model's analytic normal intervals; a count cannot be negative, so
  bounds are cut at 0.

The backtest (:func:`backtest_series`) is a rolling origin over the last
:data:`BACKTEST_MONTHS` months: the model is chosen and its parameters estimated once on the
months before the first origin; at each later origin its state is updated with the months
up to that origin (``forward``, no refit) and it forecasts the held-out months after it, up
to the requested horizon (at most 12). So every backtest forecast uses only months before
its origin. The seasonal-naive baseline (same month last year, statsforecast's
``SeasonalNaive`` with its intervals; plain naive below 12 months) is scored on the same
points. MASE divides the mean absolute error by the in-sample mean absolute error of the
seasonal-naive forecast on the months before the first origin (Hyndman and Koehler 2006),
so the two methods share one scale and a MASE below the baseline's means the model helps.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cancer_alliance.errors import UsageError
from cancer_alliance.outlook.working_days import working_days_of

SEASON = 12
LEVELS = (80, 95)
MAX_HORIZON = 24
#: Two full years before a seasonal model is fitted.
MIN_SEASONAL = 2 * SEASON
#: Fewest months for any model (a non-seasonal ETS with trend has up to 5 parameters).
MIN_MONTHS = 8
BACKTEST_MONTHS = 12
INSUFFICIENT = "insufficient history"
BASELINE = "seasonal naive"
BOUNDS = ("lower_80", "upper_80", "lower_95", "upper_95")


@dataclass(frozen=True)
class Forecast:
    """One group's forecast: months ahead, point forecast and interval bounds."""

    months: list[str]
    forecast: np.ndarray
    bounds: dict[str, np.ndarray]  # keys: BOUNDS
    method: str


@dataclass(frozen=True)
class BacktestScore:
    """How one method did on the held-out months of one group."""

    method: str
    mase: float
    coverage_80: float
    coverage_95: float
    points: int


def check_horizon(horizon: int) -> None:
    if not 1 <= horizon <= MAX_HORIZON:
        raise UsageError(f"--horizon {horizon} must be between 1 and {MAX_HORIZON} months")


def months_after(last: str, horizon: int) -> list[str]:
    """The ``horizon`` months after ``last`` (YYYY-MM)."""
    start = pd.Period(last, freq="M") + 1
    return [str(p) for p in pd.period_range(start, periods=horizon, freq="M").strftime("%Y-%m")]


def _ets_spec(n: int) -> str | None:
    """The AutoETS model string for ``n`` months of history (None: too few)."""
    if n >= MIN_SEASONAL:
        return "AZA"
    if n >= MIN_MONTHS:
        return "AZN"
    return None


def _fit(rate: np.ndarray):
    """A fitted AutoETS for per-working-day ``rate`` (None when there is too little)."""
    from statsforecast.models import AutoETS

    spec = _ets_spec(len(rate))
    while spec is not None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return AutoETS(season_length=SEASON, model=spec).fit(rate)
        except (NotImplementedError, ValueError):
            # statsforecast refuses a model its data cannot identify: try the simpler one
            spec = "AZN" if spec == "AZA" and len(rate) >= MIN_MONTHS else None
    return None


def _label(model) -> str:
    return f"{model.model_['method']} per working day"


def _scaled(pred: dict[str, np.ndarray], wd: np.ndarray) -> tuple[np.ndarray, dict]:
    """Per-working-day predictions back to monthly counts, bounds cut at 0."""
    mean = np.maximum(pred["mean"] * wd, 0.0)
    bounds = {}
    for level in LEVELS:
        bounds[f"lower_{level}"] = np.maximum(pred[f"lo-{level}"] * wd, 0.0)
        bounds[f"upper_{level}"] = np.maximum(pred[f"hi-{level}"] * wd, 0.0)
    return mean, bounds


def forecast_series(months: list[str], values: np.ndarray, horizon: int) -> Forecast:
    """Forecast the ``horizon`` months after ``months`` from their ``values``."""
    check_horizon(horizon)
    ahead = months_after(months[-1], horizon)
    wd = working_days_of(months)
    model = _fit(np.asarray(values, dtype="float64") / wd)
    if model is None:
        blank = np.full(horizon, np.nan)
        return Forecast(ahead, blank, {b: blank for b in BOUNDS}, INSUFFICIENT)
    pred = model.predict(horizon, level=list(LEVELS))
    mean, bounds = _scaled(pred, working_days_of(ahead))
    return Forecast(ahead, mean, bounds, _label(model))


def _baseline(train: np.ndarray, h: int) -> dict[str, np.ndarray]:
    from statsforecast.models import Naive, SeasonalNaive

    model = SeasonalNaive(SEASON) if len(train) > SEASON else Naive()
    return model.forecast(y=train, h=h, level=list(LEVELS))


def mase_scale(train: np.ndarray) -> float:
    """In-sample mean absolute error of the seasonal-naive (else naive) forecast."""
    lag = SEASON if len(train) > SEASON else 1
    diffs = np.abs(train[lag:] - train[:-lag])
    return float(diffs.mean()) if len(diffs) and diffs.mean() > 0 else float("nan")


def backtest_origins(n: int) -> range:
    """Indices of the backtest origins: forecasts from origin ``o`` see ``values[:o]``."""
    return range(n - BACKTEST_MONTHS, n)


POINT_COLUMNS = ["origin", "month", "method", "actual", "forecast", *BOUNDS]


def backtest_points(months: list[str], values: np.ndarray,
                    horizon: int = BACKTEST_MONTHS) -> pd.DataFrame:
    """Every backtest forecast: :data:`POINT_COLUMNS`, the model's and the baseline's.

    ``origin`` is the first held-out month: the forecast was made from the months before
    it only. Empty when the months before the first origin are too few for a model.
    """
    check_horizon(horizon)
    y = np.asarray(values, dtype="float64")
    n = len(y)
    origins = backtest_origins(n)
    if origins.start < MIN_MONTHS:
        return pd.DataFrame(columns=POINT_COLUMNS)
    wd = working_days_of(months)
    model = _fit(y[: origins.start] / wd[: origins.start])
    if model is None:
        return pd.DataFrame(columns=POINT_COLUMNS)
    label = _label(model)
    reach = min(horizon, BACKTEST_MONTHS)
    frames = []
    for o in origins:
        h = min(reach, n - o)
        if o == origins.start:
            pred = model.predict(h, level=list(LEVELS))
        else:
            pred = model.forward(y=y[:o] / wd[:o], h=h, level=list(LEVELS))
        for method, (mean, bounds) in ((label, _scaled(pred, wd[o:o + h])),
                                       (BASELINE, _scaled(_baseline(y[:o], h), np.ones(h)))):
            frames.append(pd.DataFrame({"origin": months[o], "month": months[o:o + h],
                                        "method": method, "actual": y[o:o + h],
                                        "forecast": mean, **bounds}))
    return pd.concat(frames, ignore_index=True)[POINT_COLUMNS]


def score(points: pd.DataFrame, scale: float) -> BacktestScore:
    """MASE and interval coverage of one method's backtest points."""
    err = (points["actual"] - points["forecast"]).abs()
    cover = {level: float(((points[f"lower_{level}"] <= points["actual"])
                           & (points["actual"] <= points[f"upper_{level}"])).mean())
             for level in LEVELS}
    return BacktestScore(str(points["method"].iloc[0]), float(err.mean()) / scale,
                         cover[80], cover[95], len(points))


def backtest_series(months: list[str], values: np.ndarray,
                    horizon: int = BACKTEST_MONTHS) -> list[BacktestScore]:
    """The model's score, then the seasonal-naive baseline's (module doc); empty when the
    series is too short to backtest."""
    points = backtest_points(months, values, horizon)
    if points.empty:
        return []
    first = backtest_origins(len(values)).start
    scale = mase_scale(np.asarray(values, dtype="float64")[:first])
    model = points[points["method"] != BASELINE]
    return [score(model, scale), score(points[points["method"] == BASELINE], scale)]
