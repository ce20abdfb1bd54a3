"""Aggregating a measure's cohort by period and breakdown: ``compute_measure``.

The grouping vocabulary and period labels are the metrics engine's (``provider_code``,
``commissioner_code``, ``tumour_group``, ... and ``month`` ``YYYY-MM``, ``quarter``
``YYYY-Qn``, ``financial_year`` ``YYYY/YY``), so a measure and a standard line up in the
same table. The engine aggregates to months; the roll-up to coarser periods is pandas, as in
:mod:`cancer_alliance.metrics.api`. ``provider_code`` here is the submitting provider: the
one that received the referral, diagnosed or treated the patient (there is no transfer
split for outcome measures).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import ibis
import pandas as pd

from cancer_alliance.errors import NotFound, UsageError
from cancer_alliance.metrics.api import backend_for
from cancer_alliance.metrics.data_start import data_start, from_day
from cancer_alliance.metrics.engines import to_frame
from cancer_alliance.metrics.measures.cohorts import COHORTS, enriched
from cancer_alliance.metrics.measures.definitions import MEASURES
from cancer_alliance.metrics.measures.grouping import (
    PROPORTION_COLUMNS,
    apply_filters,
    label_periods,
    parse_by,
    period_filter,
)
from cancer_alliance.metrics.measures.survival import survival_measure


def definition(code: str):
    """The :class:`MeasureDefinition` of ``code``, or NotFound naming the known codes."""
    try:
        return MEASURES[code]
    except KeyError:
        raise NotFound(f"unknown measure {code!r}; known: {', '.join(MEASURES)}") from None


def _month_counts(t: ibis.Table, code: str, groups: list[str], mix: bool) -> ibis.Table:
    """Numerator and denominator by year, month and groups, tagged with the measure code.

    Every measure's counts have the same columns (``_stratum`` is null except for the
    follow-up mix), so several measures can be unioned and run as one query.
    """
    stratum = t._stratum if mix else ibis.null("string")
    return t.group_by(
        _measure=ibis.literal(code), _y=t._date.year(), _m=t._date.month(),
        _stratum=stratum, **{k: t[k] for k in groups},
    ).aggregate(numerator=t._num.sum().cast("int64"), denominator=t.count().cast("int64"))


def _split(df: pd.DataFrame, codes: list[str]) -> dict[str, pd.DataFrame]:
    df = df.assign(_month=[f"{int(y):04d}-{int(m):02d}"
                           for y, m in zip(df["_y"], df["_m"], strict=True)])
    df = df.drop(columns=["_y", "_m"])
    return {code: df[df["_measure"] == code].drop(columns="_measure") for code in codes}


def compute_measure(
    con: duckdb.DuckDBPyConnection,
    code: str,
    by: Sequence[str] | str | None = ("provider_code", "month"),
    period: str | tuple[str, str] | None = None,
    filters: Mapping[str, Any] | None = None,
    engine: str = "duckdb",
    spark: Any = None,
) -> pd.DataFrame:
    """One measure by period and breakdown.

    Proportions: ``measure, period, <groups>, numerator, denominator, value`` (value a
    percentage). URGENT_REFERRALS: ``measure, period, <groups>, referrals``. SFU_MIX adds
    ``follow_up_stratum`` after the groups. ONE_YEAR_SURVIVAL_OBSERVED: ``measure, period,
    <groups>, n, value, lower, upper, label`` (percentages; the period is the diagnosis
    period's cohort).
    """
    defn = definition(code)
    if defn.kind == "survival":
        groups, grain = parse_by(by)
        return survival_measure(con, groups, grain, period, filters)
    return compute_measures(con, [code], by, period, filters, engine, spark)[code]


def compute_measures(
    con: duckdb.DuckDBPyConnection,
    codes: Sequence[str] | None = None,
    by: Sequence[str] | str | None = ("provider_code", "month"),
    period: str | tuple[str, str] | None = None,
    filters: Mapping[str, Any] | None = None,
    engine: str = "duckdb",
    spark: Any = None,
    share: bool = True,
) -> dict[str, pd.DataFrame]:
    """Several measures in one run: ``{code: compute_measure's table}``.

    Every measure's monthly counts are unioned into one ibis query, so the engine runs
    once; with more than one measure and ``share`` the enriched pathways are cached first
    (a temporary table on DuckDB, a cached DataFrame on Spark), as neither engine would
    otherwise share their joins between the measures in the union. Caching writes every
    enriched column, which pays off for many measures (the outcomes page); for a handful
    (the overview's four) ``share=False`` lets the engine plan the union itself, about
    twice as fast on the demo alliance (``benchmarks/bench_web.py``). Survival is not an
    ibis aggregate and is left to :func:`compute_measure`.
    """
    codes = list(codes) if codes is not None else [
        c for c, m in MEASURES.items() if m.kind != "survival"]
    defs = {c: definition(c) for c in codes}
    if any(d.kind == "survival" for d in defs.values()):
        raise UsageError("ONE_YEAR_SURVIVAL_OBSERVED is computed by compute_measure alone")
    groups, grain = parse_by(by)
    start = data_start(con, engine)
    with backend_for(con, engine, spark) as backend:
        p = enriched(backend)
        cached = p.cache() if share and len(codes) > 1 else None
        try:
            parts = []
            for code in codes:
                t = COHORTS[code](backend, p if cached is None else cached)
                t = apply_filters(from_day(period_filter(t, period), start), filters)
                parts.append(_month_counts(t, code, groups, defs[code].kind == "mix"))
            monthly = _split(to_frame(ibis.union(*parts)), codes)
        finally:
            if cached is not None:
                cached.release()
    return {code: _finish(code, defs[code].kind, monthly[code], groups, grain)
            for code in codes}


def _finish(code: str, kind: str, df: pd.DataFrame, groups: list[str],
            grain: str | None) -> pd.DataFrame:
    """Roll months up to the grain and add the value (a percentage)."""
    keys = [*groups, "_stratum"] if kind == "mix" else groups
    if kind != "mix":
        df = df.drop(columns="_stratum")
    df = label_periods(df, grain)
    rollup = df.groupby(["period", *keys], dropna=False, as_index=False)[
        ["numerator", "denominator"]].sum()
    if kind == "count":
        out = rollup.rename(columns={"denominator": "referrals"})
        out["referrals"] = out["referrals"].astype("int64")
        cols = ["measure", "period", *groups, "referrals"]
        order = ["period", *groups]
    else:
        if kind == "mix":
            rollup = _mix(rollup, groups)
            rollup = rollup.rename(columns={"_stratum": "follow_up_stratum"})
            groups_out = [*groups, "follow_up_stratum"]
        else:
            groups_out = groups
        rollup["numerator"] = rollup["numerator"].astype("int64")
        rollup["denominator"] = rollup["denominator"].astype("int64")
        rollup["value"] = (100.0 * rollup["numerator"] / rollup["denominator"]).where(
            rollup["denominator"] > 0).round(2)
        out = rollup
        cols = ["measure", "period", *groups_out, *PROPORTION_COLUMNS]
        order = ["period", *groups_out]
    out = out.assign(measure=code)
    if out.empty:
        return pd.DataFrame(columns=cols)
    return out.sort_values(order, na_position="last").reset_index(drop=True)[cols]


def _mix(rollup: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """Numerator = assignments of the stratum; denominator = all assignments in the cell."""
    keys = ["period", *groups]
    totals = rollup.groupby(keys, dropna=False)["numerator"].transform("sum")
    return rollup.assign(denominator=totals)
