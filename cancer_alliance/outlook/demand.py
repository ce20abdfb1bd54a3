"""Demand forecast and backtest tables for a measure and grouping: what ``forecast`` prints.

Joins :mod:`.series` (the complete months of a measure) to :mod:`.forecast` (the model)
and shapes the result as the contract's columns.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import numpy as np
import pandas as pd

from cancer_alliance.outlook import forecast as fc
from cancer_alliance.outlook.series import as_arrays, monthly_series

FORECAST_COLUMNS = ["measure", "group", "month", "forecast", "lower_80", "upper_80",
                    "lower_95", "upper_95", "method"]
BACKTEST_COLUMNS = ["measure", "group", "method", "mase", "coverage_80", "coverage_95",
                    "points"]


def _round(a: np.ndarray, digits: int = 1) -> np.ndarray:
    return np.round(np.asarray(a, dtype="float64"), digits)


def forecast_frame(measure: str, groups: dict[str, tuple[list[str], np.ndarray]],
                   horizon: int) -> pd.DataFrame:
    """:data:`FORECAST_COLUMNS` for every group's series."""
    fc.check_horizon(horizon)
    frames = []
    for group, (months, values) in groups.items():
        f = fc.forecast_series(months, values, horizon)
        frames.append(pd.DataFrame({
            "measure": measure, "group": group, "month": f.months,
            "forecast": _round(f.forecast),
            **{b: _round(f.bounds[b]) for b in fc.BOUNDS},
            "method": f.method}))
    if not frames:
        return pd.DataFrame(columns=FORECAST_COLUMNS)
    return pd.concat(frames, ignore_index=True)[FORECAST_COLUMNS]


def backtest_frame(measure: str, groups: dict[str, tuple[list[str], np.ndarray]],
                   horizon: int) -> pd.DataFrame:
    """:data:`BACKTEST_COLUMNS`: the model's and the baseline's score for every group.

    A group too short to backtest gets one row with method ``insufficient history``.
    """
    fc.check_horizon(horizon)
    rows = []
    for group, (months, values) in groups.items():
        scores = fc.backtest_series(months, values, horizon)
        if not scores:
            rows.append({"measure": measure, "group": group, "method": fc.INSUFFICIENT,
                         "mase": None, "coverage_80": None, "coverage_95": None, "points": 0})
        for s in scores:
            rows.append({"measure": measure, "group": group, "method": s.method,
                         "mase": round(s.mase, 3), "coverage_80": round(s.coverage_80, 3),
                         "coverage_95": round(s.coverage_95, 3), "points": s.points})
    return pd.DataFrame(rows, columns=BACKTEST_COLUMNS)


def _only(groups: dict, keep: Iterable[str] | None) -> dict:
    if keep is None:
        return groups
    wanted = set(keep)
    return {g: v for g, v in groups.items() if g in wanted}


def demand_forecast(con: duckdb.DuckDBPyConnection, measure: str, by: str, horizon: int,
                    groups: Iterable[str] | None = None) -> pd.DataFrame:
    """Forecast of ``measure`` by ``by`` (optionally only ``groups``) from the store."""
    fc.check_horizon(horizon)
    return forecast_frame(measure, _only(as_arrays(monthly_series(con, measure, by)), groups),
                          horizon)


def demand_backtest(con: duckdb.DuckDBPyConnection, measure: str, by: str, horizon: int,
                    groups: Iterable[str] | None = None) -> pd.DataFrame:
    """Backtest of ``measure`` by ``by`` (optionally only ``groups``) from the store."""
    fc.check_horizon(horizon)
    return backtest_frame(measure, _only(as_arrays(monthly_series(con, measure, by)), groups),
                          horizon)
