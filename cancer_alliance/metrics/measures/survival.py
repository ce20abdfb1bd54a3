"""Observed one-year survival after a cancer diagnosis (a labelled local proxy).

The national measure is the NDRS/ONS index of one-year *net* survival, which needs life
tables and case-mix weights (metrics reference §7). What the platform can honestly show from
its own data is *observed* survival: Kaplan-Meier from ``diagnosis_date`` to ``date_of_death``
(``deaths`` linked on NHS number), every pathway censored at the data's latest date (the
end of the latest loaded submission period) and at 365 days. Every output carries
:data:`~.rules.SURVIVAL_LABEL` so nobody mistakes it for the index.

Kaplan-Meier and its 95% log-log ("exponential Greenwood") interval come from
:func:`cancer_alliance.stats.kaplan_meier` (lifelines underneath).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from cancer_alliance.dataset import periods
from cancer_alliance.metrics.api import backend_for
from cancer_alliance.metrics.engines import to_frame
from cancer_alliance.metrics.measures import rules
from cancer_alliance.metrics.measures.cohorts import enriched, survival_cohort
from cancer_alliance.metrics.measures.grouping import (
    apply_filters,
    parse_by,
    period_filter,
)
from cancer_alliance.stats import kaplan_meier

CURVE_COLUMNS = ["time", "at_risk", "events", "censored", "survival", "lower", "upper"]
ONE_YEAR_COLUMNS = ["n", "survival_1y", "lower", "upper", "label"]


def censor_date(con: duckdb.DuckDBPyConnection) -> date | None:
    """The data's latest date: the last day of the latest loaded submission period.

    A store loaded without submissions (tests, imports) falls back to the latest date
    recorded in pathways or deaths.
    """
    (latest,), = con.execute(
        "SELECT max(period) FROM submissions WHERE status = 'loaded'").fetchall()
    if latest:
        return periods.month_end(latest)
    (d,), = con.execute(
        "SELECT greatest(max(diagnosis_date), max(first_treatment_date), "
        "max(pathway_closed_date), (SELECT max(date_of_death) FROM deaths)) FROM pathways"
    ).fetchall()
    return d


def follow_up(diagnosed: pd.Series, died: pd.Series, censor: date,
              horizon: int = rules.SURVIVAL_HORIZON_DAYS) -> tuple[np.ndarray, np.ndarray]:
    """(days followed, died within them) for each pathway, truncated at ``horizon`` days.

    A death after the censor date or after the horizon is censored there; a death
    recorded before diagnosis (a data error) counts at day 0.
    """
    dx = pd.to_datetime(diagnosed)
    dead = pd.to_datetime(died)
    end = pd.Timestamp(censor)
    to_censor = (end - dx).dt.days.clip(lower=0)
    to_death = (dead - dx).dt.days.clip(lower=0)
    event = dead.notna() & (dead <= end) & (to_death <= horizon)
    time = np.where(event, to_death, np.minimum(to_censor, horizon))
    return time.astype(float), event.to_numpy(dtype=bool)


def _frame(con: duckdb.DuckDBPyConnection, groups: list[str], grain: str | None,
           period: Any, filters: Mapping[str, Any] | None) -> tuple[pd.DataFrame, list[str]]:
    with backend_for(con, "duckdb") as backend:
        t = survival_cohort(backend, enriched(backend))
        t = apply_filters(period_filter(t, period), filters)
        df = to_frame(t.select(*groups, "_date", "date_of_death"))
    keys = list(groups)
    if grain is not None:
        df["period"] = [periods.label(f"{d.year:04d}-{d.month:02d}", grain)
                        for d in pd.to_datetime(df["_date"])]
        keys = ["period", *groups]
    return df, keys


def _groups(df: pd.DataFrame, keys: list[str]):
    """(key values, rows) for each group; nothing at all for an empty cohort."""
    if df.empty:
        return
    if not keys:
        yield (), df
        return
    for key, part in df.groupby(keys, dropna=False, sort=True):
        yield (key if isinstance(key, tuple) else (key,)), part


def _curve(part: pd.DataFrame, censor: date) -> pd.DataFrame:
    times, events = follow_up(part["_date"], part["date_of_death"], censor)
    return kaplan_meier(times, events, confidence=rules.SURVIVAL_CONFIDENCE)[CURVE_COLUMNS]


def survival(con: duckdb.DuckDBPyConnection, by: Sequence[str] | str | None = None,
             filters: Mapping[str, Any] | None = None,
             period: str | tuple[str, str] | None = None) -> pd.DataFrame:
    """Observed Kaplan-Meier curve(s) to one year: group columns + :data:`CURVE_COLUMNS`.

    ``by`` takes the measures' breakdown columns and optionally a time grain (the diagnosis
    period cohort, as column ``period``).
    """
    groups, grain = parse_by(by)
    df, keys = _frame(con, groups, grain, period, filters)
    censor = censor_date(con)
    frames = []
    for key, part in _groups(df, keys):
        curve = _curve(part, censor)
        for k, v in zip(keys, key, strict=True):
            curve.insert(keys.index(k), k, v)
        frames.append(curve)
    if not frames:
        return pd.DataFrame(columns=[*keys, *CURVE_COLUMNS, "label"])
    return pd.concat(frames, ignore_index=True).assign(label=rules.SURVIVAL_LABEL)


def _at_horizon(curve: pd.DataFrame, horizon: int) -> tuple[float, float, float]:
    """S(horizon) with its interval: the last step at or before the horizon.

    Blank (NaN) when nobody in the group was followed as far as the horizon: the curve then
    stops before one year, and carrying its last value forward would report, say, a cohort
    diagnosed last month as having a one-year survival it has not had time to show.
    """
    if curve.empty or curve["time"].max() < horizon:
        return float("nan"), float("nan"), float("nan")
    upto = curve[curve["time"] <= horizon]
    if upto.empty:  # nobody died or was censored before the horizon: S = 1
        return 1.0, float("nan"), float("nan")
    last = upto.iloc[-1]
    return float(last["survival"]), float(last["lower"]), float(last["upper"])


def one_year_survival(con: duckdb.DuckDBPyConnection, by: Sequence[str] | str | None = None,
                      filters: Mapping[str, Any] | None = None,
                      period: str | tuple[str, str] | None = None) -> pd.DataFrame:
    """Observed survival at 365 days: group columns + ``n, survival_1y, lower, upper, label``.

    ``survival_1y``, ``lower`` and ``upper`` are proportions (0-1), blank for a group with
    nobody followed for a full year (the data cannot show one-year survival yet).
    """
    groups, grain = parse_by(by)
    df, keys = _frame(con, groups, grain, period, filters)
    censor = censor_date(con)
    rows = []
    for key, part in _groups(df, keys):
        s, lo, hi = _at_horizon(_curve(part, censor), rules.SURVIVAL_HORIZON_DAYS)
        rows.append({**dict(zip(keys, key, strict=True)), "n": len(part),
                     "survival_1y": s, "lower": lo, "upper": hi,
                     "label": rules.SURVIVAL_LABEL})
    return pd.DataFrame(rows, columns=[*keys, *ONE_YEAR_COLUMNS])


def survival_by_stage(con: duckdb.DuckDBPyConnection,
                      filters: Mapping[str, Any] | None = None,
                      curves: bool = False) -> pd.DataFrame:
    """One-year observed survival by ``stage_group`` (the curves with ``curves=True``)."""
    fn = survival if curves else one_year_survival
    return fn(con, by=("stage_group",), filters=filters)


def survival_measure(con: duckdb.DuckDBPyConnection, groups: list[str], grain: str | None,
                     period: Any, filters: Mapping[str, Any] | None) -> pd.DataFrame:
    """ONE_YEAR_SURVIVAL_OBSERVED in compute_measure's shape (percentages)."""
    by = [*groups, grain] if grain else groups
    df = one_year_survival(con, by=by, filters=filters, period=period)
    if grain is None:
        df.insert(0, "period", pd.Series([_whole_period(con, period)] * len(df), dtype=object))
    out = df.rename(columns={"survival_1y": "value"})
    for c in ("value", "lower", "upper"):
        out[c] = (100.0 * out[c].astype("float64")).round(2)
    out.insert(0, "measure", "ONE_YEAR_SURVIVAL_OBSERVED")
    return out[["measure", "period", *groups, "n", "value", "lower", "upper", "label"]]


def _whole_period(con: duckdb.DuckDBPyConnection, period: Any) -> str:
    rng = periods.month_range(period)
    if rng:
        return rng[0] if rng[0] == rng[1] else f"{rng[0]}..{rng[1]}"
    (first, last), = con.execute(
        "SELECT strftime(min(diagnosis_date), '%Y-%m'), strftime(max(diagnosis_date), '%Y-%m')"
        " FROM pathways").fetchall()
    return "" if first is None else (first if first == last else f"{first}..{last}")
