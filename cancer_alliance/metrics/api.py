"""The Python API that mirrors the ``outcomes``, ``metrics`` and ``ptl`` commands.

Each function takes an open store connection and an ``engine``: ``"duckdb"`` (default) runs
the ibis definitions on the store itself; ``"spark"`` exports the store tables to Parquet in
a temporary folder and runs the *same* definitions on a Spark session (``spark``, or a local
one made here). ``engine`` may also be an engine object from :mod:`.engines`
(``SparkRunner(settings=..., lake=URI)``, ``DuckDBRunner(lake=URI)``): with a lake, ``con``
may be None, since nothing is read from a store. Results come back as pandas DataFrames with
the contract's columns.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import duckdb
import ibis
import pandas as pd

from cancer_alliance.dataset import periods
from cancer_alliance.dataset.breakdowns import Vocabulary
from cancer_alliance.errors import NotFound, UsageError
from cancer_alliance.metrics.base import enriched_pathways
from cancer_alliance.metrics.compile import (
    BREAKDOWN_COLUMNS,
    OUTCOME_COLUMNS,
    WIDE_COLUMNS,
    outcomes_table,
    referring_provider,
    transfer_phases_met,
)
from cancer_alliance.metrics.data_start import data_start, from_month
from cancer_alliance.metrics.definition import Era
from cancer_alliance.metrics.engines import make_engine, to_frame
from cancer_alliance.metrics.lake_results import stored_outcomes
from cancer_alliance.metrics.ptl import PTL_COLUMNS, census_table, ptl_table
from cancer_alliance.metrics.reuse import key_of, remembered
from cancer_alliance.metrics.standards import COMPLETED, STANDARDS

METRIC_COLUMNS = ["total", "within", "breaches", "performance", "threshold", "met"]
#: Columns ``by`` and ``filters`` accept; ``provider_code`` means the accountable provider.
GROUP_COLUMNS = ("provider_code", *BREAKDOWN_COLUMNS)
#: What a standard can be broken down and filtered by (parsed in one place).
BREAKDOWNS = Vocabulary("a standard", GROUP_COLUMNS)
_DATE_COLUMNS = ("clock_start", "clock_stop", "next_step_due")
_INT_COLUMNS = ("treatment_number", "adjustment_days", "days", "limit_days", "days_waited",
                "days_to_breach", "days_to_next_step", "imd_quintile")


def threshold_for(code: str, on: date) -> float | None:
    """The threshold (percent) of standard ``code`` in force on ``on`` (None: none set)."""
    return definition(code).threshold_on(on)


def definition(code: str):
    """The definition of standard ``code``, or a NotFound naming the known codes."""
    try:
        return STANDARDS[code]
    except KeyError:
        raise NotFound(f"unknown standard {code!r}; known: {', '.join(STANDARDS)}") from None


@contextmanager
def backend_for(con: duckdb.DuckDBPyConnection | None, engine: Any = "duckdb",
                spark: Any = None) -> Iterator[Any]:
    """An ibis backend for ``engine`` (a name or an engine object, see the module docstring)."""
    with make_engine(engine, spark).backend(con) as backend:
        yield backend


def _tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Engine-neutral pandas types: dates as ``date``, whole numbers as nullable Int64."""
    df = df.copy()
    for col in df.columns:
        if col in _DATE_COLUMNS:
            values = pd.to_datetime(df[col])
            df[col] = values.dt.date.astype(object).where(values.notna(), None)
        elif col in _INT_COLUMNS:
            df[col] = pd.array(df[col], dtype="Int64")
        elif col in ("included", "in_62_day_backlog", "in_104_day_subset", "transferred",
                     "rare_less_common", "diagnosed"):
            df[col] = df[col].astype("boolean")
    return df


def _period_filter(t: ibis.Table, period: Any) -> ibis.Table:
    rng = periods.month_range(period)
    if rng is None:
        return t
    return t.filter((t.reporting_period >= rng[0]) & (t.reporting_period <= rng[1]))


def _sort_outcomes(df: pd.DataFrame) -> pd.DataFrame:
    order = {c: i for i, c in enumerate(STANDARDS)}
    df = df.assign(_o=df["standard"].map(order))
    df = df.sort_values(["_o", "provider_code", "pathway_id", "treatment_number",
                         "accountable_provider_code"], na_position="last")
    return df.drop(columns="_o").reset_index(drop=True)


def _codes(standard_code: str | None) -> tuple[str, ...]:
    if standard_code is None:
        return COMPLETED
    if definition(standard_code).era == Era.OPEN:
        raise UsageError(f"{standard_code} counts open pathways: use ptl (or metrics)")
    return (standard_code,)


def outcomes(con: duckdb.DuckDBPyConnection, standard: str | None = None,
             period: str | tuple[str, str] | None = None, engine: str = "duckdb",
             spark: Any = None, wide: bool = False) -> pd.DataFrame:
    """Per-pathway outcomes: one row per pathway, standard, treatment and accountable provider.

    Excluded pathways appear once with their ``exclusion_reason``. ``wide=True`` adds the
    breakdown columns (tumour group, age band, ...).
    """
    codes = _codes(standard)
    with backend_for(con, engine, spark) as backend:
        t = _period_filter(outcomes_table(backend, codes), period)
        df = to_frame(t.select(*(WIDE_COLUMNS if wide else OUTCOME_COLUMNS)))
    return _sort_outcomes(_tidy(df))


def _finish_metrics(code: str, df: pd.DataFrame, groups: list[str],
                    grain: str | None) -> pd.DataFrame:
    """Roll months up to the grain, then add performance, threshold and met."""
    defn = definition(code)
    columns = ["standard", "period", *groups, *METRIC_COLUMNS]
    if df.empty:
        return pd.DataFrame(columns=columns)
    if grain is None:
        first, last = df["reporting_period"].min(), df["reporting_period"].max()
        df = df.assign(period=first if first == last else f"{first}..{last}")
        on_date = {p: periods.first_day(last) for p in df["period"].unique()}
    else:
        df = df.assign(period=df["reporting_period"].map(lambda m: periods.label(m, grain)))
        # The threshold in force in the period's first month with data, so a financial year
        # that straddles the October 2023 change still gets the new standard's threshold.
        first_month = df.groupby("period")["reporting_period"].min()
        on_date = {p: periods.first_day(m) for p, m in first_month.items()}
    agg = df.groupby(["period", *groups], dropna=False, as_index=False)[
        ["total", "within"]].sum()
    agg["breaches"] = agg["total"] - agg["within"]
    agg["performance"] = (100.0 * agg["within"] / agg["total"]).where(agg["total"] > 0)
    agg["threshold"] = agg["period"].map(lambda p: defn.threshold_on(on_date[p])).astype(
        "float64")
    met = []
    for perf, thr in zip(agg["performance"], agg["threshold"], strict=True):
        met.append(None if thr is None or pd.isna(thr) or pd.isna(perf) else bool(perf >= thr))
    agg["met"] = pd.array(met, dtype="boolean")
    agg["performance"] = agg["performance"].round(2)
    agg["standard"] = code
    for g in groups:
        # A whole-number group (IMD quintile) with blanks arrives as float: print 3, not 3.0.
        if g in _INT_COLUMNS:
            agg[g] = pd.array(agg[g], dtype="Int64")
    agg = agg.sort_values(["period", *groups], na_position="last").reset_index(drop=True)
    return agg[columns]


def compute_metrics(con: duckdb.DuckDBPyConnection, standard: str,
                    by: Sequence[str] | str = ("provider_code", "month"),
                    period: str | tuple[str, str] | None = None,
                    filters: Mapping[str, Any] | None = None, engine: str = "duckdb",
                    spark: Any = None) -> pd.DataFrame:
    """Aggregate one standard: total, within, breaches, performance %, threshold and met.

    ``provider_code`` groups and filters by the *accountable* provider, summing shares.
    Months before the alliance's data start are left out (:mod:`.data_start`).
    Reads the materialised outcomes when they are fresh (DuckDB only), else computes.
    Inside :func:`.reuse.reusing`, the same aggregate is computed once.
    """
    if engine == "duckdb" and spark is None:
        key = key_of(con, "metrics", standard, by, period,
                     sorted(filters.items()) if filters else None)
        return remembered(key, lambda: _compute_metrics(con, standard, by, period, filters,
                                                        engine, spark))
    return _compute_metrics(con, standard, by, period, filters, engine, spark)


def _compute_metrics(con, standard, by, period, filters, engine, spark) -> pd.DataFrame:
    defn = definition(standard)
    groups, grain = BREAKDOWNS.parse_by(by)
    if defn.era == Era.OPEN:
        return _backlog_metrics(con, standard, groups, grain, period, filters, engine, spark)
    return compute_many(con, (standard,), by, period, filters, engine, spark)


def compute_many(con: duckdb.DuckDBPyConnection, standards: Sequence[str] | None = None,
                 by: Sequence[str] | str = ("provider_code", "month"),
                 period: str | tuple[str, str] | None = None,
                 filters: Mapping[str, Any] | None = None, engine: str = "duckdb",
                 spark: Any = None) -> pd.DataFrame:
    """:func:`compute_metrics` for several completed-waits standards in one engine pass
    (default: all of them), rows of each standard one after another."""
    codes = tuple(standards) if standards else COMPLETED
    for code in codes:
        if definition(code).era == Era.OPEN:
            raise UsageError(f"{code} counts open pathways: use compute_metrics for it")
    groups, grain = BREAKDOWNS.parse_by(by)
    column_of = {"provider_code": "accountable_provider_code"}
    eng = make_engine(engine, spark)
    with eng.backend(con) as backend:
        t = stored_outcomes(eng, con, backend)
        if t is not None:
            t = t.filter(t.standard.isin(codes))
        else:
            # derive only the breakdowns this aggregate groups or filters by
            needed = tuple(sorted({*groups, *BREAKDOWNS.names(filters)}))
            t = outcomes_table(backend, codes, breakdowns=needed)
        t = t.filter(t.included)
        if _names_alliance(groups, filters):
            t = _accountable_alliance(backend, t)
        t = from_month(_period_filter(t, period), data_start(con, eng))
        t = BREAKDOWNS.filter(t, filters, column_of)
        keys = {g: t[column_of.get(g, g)] for g in groups}
        within_share = ibis.cases((t.outcome == "within", t.share), else_=0.0)
        agg = t.group_by(standard=t.standard, reporting_period=t.reporting_period,
                         **keys).aggregate(total=t.share.sum(), within=within_share.sum())
        df = to_frame(agg)
    frames = [_finish_metrics(code, df[df["standard"] == code].drop(columns="standard"),
                              groups, grain) for code in codes]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _names_alliance(groups: list[str], filters: Mapping[str, Any] | None) -> bool:
    return "alliance_code" in groups or "alliance_code" in BREAKDOWNS.names(filters)


def _accountable_alliance(backend: Any, t: ibis.Table) -> ibis.Table:
    """Outcome rows with ``alliance_code`` of the *accountable* provider.

    Results are provider-based (by accountable provider, summing shares), so an alliance's
    figure must be the sum of its providers' figures: a transfer's 0.5 share credited to a
    provider in another alliance belongs to that alliance, not to the submitter's.
    """
    orgs = backend.table("organisations")
    orgs = orgs.select(_acc_org=orgs.org_code, _acc_alliance=orgs.alliance_code)
    j = t.left_join(orgs, t.accountable_provider_code == orgs._acc_org)
    return j.mutate(alliance_code=j._acc_alliance).drop("_acc_org", "_acc_alliance")


def _census_counts(con, groups, grain, period, filters, engine, spark) -> pd.DataFrame:
    """Open pathways by month-end census from the data start: ``reporting_period``, groups,
    ``open``, ``backlog_62`` (day 63 on) and ``over_104`` (day 105 on). A quarter or year
    takes its last month's census; no grain, the last month's."""
    if "modality" in groups or "modality" in BREAKDOWNS.names(filters):
        raise UsageError("the backlog counts open pathways, which have no treatment yet: "
                         "it cannot be broken down or filtered by modality")
    with backend_for(con, engine, spark) as backend:
        months = _census_months(con, backend, period, engine)
        if not months:
            return pd.DataFrame()
        # one set-based query over every census (pathways joined to a calendar of month
        # ends): planned and run once, on a distributed engine one job, not one a month
        censuses = {m: periods.month_end(m) for m in months}
        t = BREAKDOWNS.filter(census_table(backend, censuses), filters)
        keys = {g: t[g] for g in groups}
        df = to_frame(t.group_by(reporting_period=t.reporting_period, **keys).aggregate(
            open=t.count().cast("float64"),
            backlog_62=ibis.cases((t.in_62_day_backlog, 1.0), else_=0.0).sum(),
            over_104=ibis.cases((t.in_104_day_subset, 1.0), else_=0.0).sum()))
    if not groups:
        # a census with nobody open is a count of zero, not a missing month
        df = df.set_index("reporting_period").reindex(list(censuses), fill_value=0.0)
        df = df.rename_axis("reporting_period").reset_index()
    if grain not in (None, "month") and not df.empty:
        # A census is a snapshot: a quarter or year takes its last month's census.
        df = df.assign(_label=df["reporting_period"].map(lambda m: periods.label(m, grain)))
        last = df.groupby("_label")["reporting_period"].transform("max")
        df = df[df["reporting_period"] == last].drop(columns="_label")
    elif grain is None and not df.empty:
        df = df[df["reporting_period"] == df["reporting_period"].max()]
    return df


def _census_months(con, backend: Any, period: Any, engine: Any) -> list[str]:
    """The months whose month-end census a backlog series has: ``period`` (default: the
    months the pathways span), less the months before the alliance's data start (calendar
    rule C5; over a lake alone, the data start it was exported with)."""
    rng = periods.month_range(period) or _data_months(backend)
    if rng is None:
        return []
    start = data_start(con, engine)
    if start is not None:
        if rng[1] < start:
            return []
        rng = (max(rng[0], start), rng[1])
    return list(periods.months_between(*rng))


def census_months(con: duckdb.DuckDBPyConnection, period: str | tuple[str, str] | None = None,
                  engine: str = "duckdb", spark: Any = None) -> list[str]:
    """The months :func:`backlog_counts` has a census for, every one of them, including a
    census with nobody open (a count of zero)."""
    with backend_for(con, engine, spark) as backend:
        return _census_months(con, backend, period, engine)


def _backlog_metrics(con, code, groups, grain, period, filters, engine, spark):
    """62_DAY_BACKLOG by month-end census: total on the PTL, within = not past day 62."""
    df = _census_counts(con, groups, grain, period, filters, engine, spark)
    if not df.empty:
        df = df.assign(total=df["open"], within=df["open"] - df["backlog_62"])
    return _finish_metrics(code, df, groups, grain)


def backlog_counts(con: duckdb.DuckDBPyConnection, by: Sequence[str] | str = ("month",),
                   period: str | tuple[str, str] | None = None,
                   filters: Mapping[str, Any] | None = None, engine: str = "duckdb",
                   spark: Any = None) -> pd.DataFrame:
    """The 62-day backlog and the 104-day waits as counts, by month-end census (§5).

    Columns ``period``, groups, ``open``, ``backlog_62``, ``over_104``: counts to compare
    with a trajectory (a plan in patients), never a percentage (platform rule 15).
    """
    groups, grain = BREAKDOWNS.parse_by(by)
    df = _census_counts(con, groups, grain, period, filters, engine, spark)
    columns = ["period", *groups, "open", "backlog_62", "over_104"]
    if df.empty:
        return pd.DataFrame(columns=columns)
    label = grain or "month"
    df = df.assign(period=df["reporting_period"].map(lambda m: periods.label(m, label)))
    for g in groups:
        if g in _INT_COLUMNS:
            df[g] = pd.array(df[g], dtype="Int64")
    return df.sort_values(["period", *groups], na_position="last").reset_index(
        drop=True)[columns]


def _data_months(backend: Any) -> tuple[str, str] | None:
    """First and last month the stored pathways have any event in (the backlog's default
    range), computed by the engine itself."""
    p = backend.table("pathways")
    first = p.referral_received_date.coalesce(p.upgrade_date).min()
    last = ibis.coalesce(p.pathway_closed_date, p.first_treatment_date,
                         p.diagnosis_communicated_date, p.first_seen_date,
                         p.referral_received_date).max()
    row = to_frame(p.aggregate(first=first, last=last)).iloc[0]
    if pd.isna(row["first"]):
        return None
    return (pd.Timestamp(row["first"]).strftime("%Y-%m"),
            pd.Timestamp(row["last"]).strftime("%Y-%m"))


def ptl(con: duckdb.DuckDBPyConnection | None, census: date, engine: str = "duckdb",
        spark: Any = None) -> pd.DataFrame:
    """Every open urgent pathway on ``census`` with days waited, band and backlog flags."""
    if isinstance(census, str):
        census = date.fromisoformat(census)
    if engine == "duckdb" and spark is None:
        return remembered(key_of(con, "ptl", census), lambda: _ptl(con, census, engine, spark))
    return _ptl(con, census, engine, spark)


def _ptl(con, census: date, engine: Any, spark: Any) -> pd.DataFrame:
    with backend_for(con, engine, spark) as backend:
        df = to_frame(ptl_table(backend, census).select(*PTL_COLUMNS))
    df = _tidy(df)
    return df.sort_values(["provider_code", "pathway_id"]).reset_index(drop=True)


def transfer_phases(con: duckdb.DuckDBPyConnection, period: Any = None,
                    by: Sequence[str] | str = ("provider_code", "month"),
                    engine: str = "duckdb", spark: Any = None,
                    standard: str = "62_DAY") -> pd.DataFrame:
    """§4 phase counts for the pathways of ``standard`` (a standard split at a transfer:
    the 62-day ones) with an inter-provider transfer.

    The 38-day investigative phase is counted for the referring provider, the 24-day
    treatment phase for the treating provider, in the month of treatment; both phases and
    the referring provider come from :mod:`.compile`, as in the standard's own split.
    Columns: ``period``, groups, ``phase``, ``total``, ``within``, ``breaches``,
    ``performance``.
    """
    defn = definition(standard)
    if not defn.has_transfer_phases:
        raise UsageError(f"{standard} is not split at a transfer: it has no transfer phases")
    groups, grain = BREAKDOWNS.parse_by(by)
    with backend_for(con, engine, spark) as backend:
        p = enriched_pathways(backend)
        refer = referring_provider(p)
        treat = p.first_treatment_provider_code.coalesce(p.provider_code)
        if defn.routes is not None:
            p = p.filter(p.referral_route.isin(defn.routes))
        p = p.filter(p.transfer_received_date.notnull() & p.first_treatment_date.notnull()
                     & p.clock_start.notnull() & refer.notnull() & (refer != treat))
        p = p.mutate(reporting_period=p.first_treatment_date.strftime("%Y-%m"),
                     _refer=refer, _treat=treat)
        p = _period_filter(p, period)
        met38, met24 = transfer_phases_met(p.transfer_received_date, p.clock_start,
                                           p.first_treatment_date,
                                           p.treatment_adjustment_days.coalesce(0))
        frames = []
        for phase, who, met in (("38_day", p._refer, met38), ("24_day", p._treat, met24)):
            keys = {g: (who if g == "provider_code" else p[g]) for g in groups}
            agg = p.group_by(reporting_period=p.reporting_period, **keys).aggregate(
                total=p.count(), within=met.cast("int64").sum())
            frames.append(to_frame(agg).assign(phase=phase))
    df = pd.concat(frames, ignore_index=True)
    columns = ["period", *groups, "phase", "total", "within", "breaches", "performance"]
    if df.empty:
        return pd.DataFrame(columns=columns)
    df["period"] = df["reporting_period"].map(
        lambda m: periods.label(m, grain) if grain else "all")
    df = df.groupby(["period", *groups, "phase"], dropna=False, as_index=False)[
        ["total", "within"]].sum()
    df["breaches"] = df["total"] - df["within"]
    df["performance"] = (100.0 * df["within"] / df["total"]).round(2)
    return df.sort_values(["period", *groups, "phase"]).reset_index(drop=True)[columns]
