"""The sections of provider and board packs, each built from aggregates only.

Every function here returns plain dicts/lists of counts and percentages: no pathway id, NHS
number or any other patient-level value leaves this module, so a pack can be shown to a
provider or a board. A section whose source cannot be computed says so (``error``) rather
than silently disappearing, because what a provider was *not* shown matters too.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd

from cancer_alliance import labels, metrics, stats
from cancer_alliance.calendar import read_calendar
from cancer_alliance.charts import builders, render_svg
from cancer_alliance.dataset import periods
from cancer_alliance.metrics.platform_rules import equity_reference
from cancer_alliance.metrics.rebuild import as_text
from cancer_alliance.operations import governance, trajectories
from cancer_alliance.operations.actuals import ALLIANCE
from cancer_alliance.operations.actuals import unit as actuals_unit
from cancer_alliance.operations.db import rows
from cancer_alliance.outlook import demand, series
from cancer_alliance.outlook.forecast import BASELINE, INSUFFICIENT
from cancer_alliance.reports.figure_rows import figure_id

PACK_STANDARDS = ("FDS", "31_DAY", "62_DAY")
HISTORY_MONTHS = 24
HOTSPOT_MIN_TOTAL = 5


def edition_section(con, period: str, name_missing: bool = True) -> dict:
    """Which edition of the month's figures the pack uses: final or provisional, whether
    every expected provider was in (and who was missing), the alliance's latest complete
    month and data start. Printed in the pack and kept in the archive with its bytes.
    ``name_missing=False`` (a provider's pack) counts the missing providers without naming
    them: a provider pack names no other provider."""
    cal = read_calendar(con)
    month = cal.month(period)
    out = {"period": period, "latest_complete": cal.latest_complete,
           "data_start": cal.data_start, "edition": None, "complete": False, "missing": [],
           "final_deadline": None, "finalised_by": None}
    if month is None:
        out["note"] = f"No provider has submitted {period}: the pack has no figures for it."
        return out
    out.update(edition=month.edition, complete=month.complete, missing=list(month.missing),
               final_deadline=month.final_deadline.isoformat(),
               finalised_by=month.finalised_by)
    if not month.in_data:
        note = f"{period} is before the alliance's data start ({cal.data_start})."
    elif month.final:
        how = f"finalised by {month.finalised_by}" if month.finalised_by else \
            f"final since its deadline {month.final_deadline.isoformat()}"
        note = f"Figures for {period} are final ({how})."
    else:
        note = (f"Figures for {period} are provisional: providers may revise them until "
                f"{month.final_deadline.isoformat()}.")
    if not month.complete:
        named = f" (missing: {', '.join(month.missing)})" if name_missing else ""
        note += (f" The month is incomplete: {len(month.received)} of {len(month.expected)} "
                 f"expected providers are in{named}; the latest complete month is "
                 f"{cal.latest_complete or 'none yet'}.")
    if not name_missing:
        out["missing"] = len(month.missing)
    out["note"] = note
    return out


def _safe(fn):
    """Run a section builder; an error becomes a visible note in the pack."""
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - shown to the reader, never hidden
            return {"error": f"{type(exc).__name__}: {exc}"}
    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def _label(code: str) -> str:
    d = metrics.STANDARDS.get(code)
    return getattr(d, "name", None) or code


PERFORMANCE_COUNTS = ["within", "breaches", "total"]


def protect_performance(df: pd.DataFrame, group_cols: list[str],
                        total_row: bool = True) -> pd.DataFrame:
    """Within / breaches / total by ``group_cols`` through small-number protection, called
    exactly as the dashboard's breakdown tables call it (``web.protect.for_actor`` with
    ``total_col="total"``), so a board member sees the same cells in the pack and on the
    web. The performance is computed from the true counts and withheld or rounded for
    display only (``stats.suppression``)."""
    return stats.protect_table(df, PERFORMANCE_COUNTS, group_cols, total_row=total_row,
                               total_col="total",
                               percentages={"performance": ("within", "total")})


def _none(v):
    return None if pd.isna(v) else float(v)


@_safe
def standard_section(con, code: str, period: str, provider: str | None,
                     protect: bool = False) -> dict:
    """Performance history with an SPC chart and, for a provider, its funnel position.

    With ``protect`` (board packs, and a provider pack opened by a board member) the counts
    and percentages shown are the protected ones the board sees on the web; the SPC verdict
    and met / not met are always computed from the true counts (never from rounded ones),
    so every role gets the same verdict. The funnel, which places the provider by its exact
    counts, is left out of a protected pack.
    """
    start = periods.shift(period, 1 - HISTORY_MONTHS)
    by = ("provider_code", "month") if provider else ("month",)
    # every month, then the pack's window: the same question as the funnel's month and the
    # provider's trajectories ask (operations.actuals), so a pack computes it once
    # (metrics.reuse); a month's row does not depend on the other months asked for
    every = metrics.compute_metrics(con, code, by=by)
    df = every[(every["period"] >= start) & (every["period"] <= period)]
    if provider:
        df = df[df["provider_code"] == provider]
    df = df.dropna(subset=["performance"]).sort_values("period")
    out: dict = {"code": code, "name": _label(code), "months": len(df)}
    if df.empty:
        out["error"] = "no completed pathways in the period"
        return out
    last = df.iloc[-1]
    out.update(
        latest_period=str(last["period"]), total=float(last["total"]),
        within=float(last["within"]), breaches=float(last["breaches"]),
        performance=float(last["performance"]),
        threshold=None if pd.isna(last["threshold"]) else float(last["threshold"]),
        applies=metrics.definition(code).applicable(periods.month_start(str(last["period"]))
                                                    ).words,
        met=None if pd.isna(last["met"]) else bool(last["met"]),
        protected=protect,
    )
    out["figure"] = figure_id(code, out["latest_period"])
    if not protect:  # each point of the chart, exact: the figures the pathway rows rebuild
        out["series"] = [{"period": str(p), "total": float(t), "within": float(w),
                          "figure": figure_id(code, str(p))}
                         for p, t, w in zip(df["period"], df["total"], df["within"],
                                            strict=True)]
    values = df["performance"].astype(float).tolist()
    result = stats.spc(values, improvement="increase", target=out["threshold"])
    out["variation"], out["assurance"] = result.variation, result.assurance
    shown_values = values
    if protect:
        shown = protect_performance(df[["period", *PERFORMANCE_COUNTS]], ["period"],
                                    total_row=False)
        shown_values = [_none(v) for v in shown["performance"]]
        top = shown.iloc[-1]
        out.update(total=_none(top["total"]), within=_none(top["within"]),
                   breaches=_none(top["breaches"]), performance=_none(top["performance"]))
        if out["performance"] is None:  # a verdict on a withheld figure is withheld too
            out["met"] = None
    title = f"{labels.standard_short(code)} performance, " + (
        labels.org(provider, _names(con), with_code=False) if provider else "alliance")
    spec = builders.spc_chart(title, df["period"].tolist(), shown_values, result,
                              target=out["threshold"])
    plan_line = builders.plan_line(df["period"].tolist(),
                                   trajectories.get_planned(con, provider or ALLIANCE, code))
    if plan_line is not None:  # plan against actual on every chart of the measure
        spec = dataclasses.replace(spec, series=(*spec.series, plan_line))
    out["has_plan"] = plan_line is not None
    out["chart_svg"] = render_svg(spec, width=680, height=260)
    if provider and not protect:
        out["funnel"] = _funnel(con, code, period, provider,
                                every[every["period"] == period])
    return out


def _funnel(con, code: str, period: str, provider: str, df: pd.DataFrame) -> dict:
    """This provider's position on the month's funnel (``df``: every provider's counts that
    month); other providers are not named."""
    df = df[df["total"] > 0]
    if len(df) < 2:
        return {"error": "fewer than two providers with activity this month"}
    others = iter(range(1, len(df) + 1))
    units = pd.DataFrame({
        "unit": [p if p == provider else f"Other provider {next(others)}"
                 for p in df["provider_code"]],
        "numerator": df["within"].astype(float),
        "denominator": df["total"].astype(float),
    })
    points, curve = stats.funnel_plot_data(units)
    me = points[points["unit"] == provider].iloc[0]
    name = labels.org(provider, _names(con))
    spec = builders.funnel_chart(
        f"{labels.standard_short(code)} {period}: {name} against the alliance", points, curve,
        names={provider: name})
    spec = _highlight(spec, provider, name)
    return {
        "flag": str(me["flag"]), "proportion": float(me["proportion"]) * 100,
        "baseline": float(me["baseline"]) * 100, "denominator": float(me["denominator"]),
        "chart_svg": render_svg(spec, width=680, height=260),
    }


UNKNOWN_TUMOUR_GROUP = "Not yet known"


def _highlight(spec, provider: str, name: str | None = None):
    """Draw the pack's own provider as its own highlighted series (larger, outlined, its
    code beside it), so the reader finds it on the funnel even when it is an outlier
    (whose marker takes the outlier's colour); the other providers stay one unnamed,
    untagged series. The provider's point is found by its tag, the unit's code."""
    data, rest = spec.series[0], spec.series[1:]
    mine = tuple(p for p in data.points if p.tag == provider)
    others = tuple(dataclasses.replace(p, tag=None) for p in data.points if p.tag != provider)
    if not mine:
        return spec
    series = (dataclasses.replace(data, name="Other providers", points=others),
              dataclasses.replace(data, name=f"{name or provider} (this provider)",
                                  points=mine, highlight=True), *rest)
    return dataclasses.replace(spec, series=series)


def _names(con) -> dict[str, str]:
    return dict(con.execute("SELECT org_code, org_name FROM organisations").fetchall())


@_safe
def backlog_section(con, period: str, provider: str | None, protect: bool = False) -> dict:
    """Open pathways at the month-end census: bands, 62-day backlog, 104+ long waits.

    Most pathways in the backlog have no tumour group yet (cancer not yet diagnosed), so they
    are counted under :data:`UNKNOWN_TUMOUR_GROUP` rather than dropped, and the breakdown
    adds up to the headline. With ``protect`` (board packs) the band and tumour-group
    breakdowns pass small-number protection, since they are below the alliance level.
    """
    census = periods.month_end(period)
    p = metrics.ptl(con, census)
    if provider:
        p = p[p["provider_code"] == provider]
    bands = p.groupby("band").size().to_dict() if len(p) else {}
    backlog = p[p["in_62_day_backlog"].astype(bool)] if len(p) else p
    by_group = (
        backlog["tumour_group"].astype(object).where(backlog["tumour_group"].notna(),
                                                     UNKNOWN_TUMOUR_GROUP)
        .value_counts().sort_values(ascending=False).head(8).to_dict() if len(backlog) else {}
    )
    bands = {str(k): int(v) for k, v in bands.items()}
    by_group = {str(k): int(v) for k, v in by_group.items()}
    if protect:
        bands = _protect_counts(bands, "band")
        by_group = _protect_counts(by_group, "tumour_group")
    head = {
        "open": int(len(p)),
        "backlog_62": int(p["in_62_day_backlog"].astype(bool).sum()) if len(p) else 0,
        "over_104": int(p["in_104_day_subset"].astype(bool).sum()) if len(p) else 0,
    }
    if protect:  # the headline too, or it would contradict the rounded bands beside it
        head = {k: stats.protect_count(v) for k, v in head.items()}
    return {
        "census": census.isoformat(), **head,
        "bands": bands,
        "backlog_by_tumour_group": by_group,
        "protected": protect,
    }


def _protect_counts(counts: dict[str, int], group: str) -> dict[str, float | None]:
    """``{group: count}`` through small-number protection (None = suppressed, shown *)."""
    if not counts:
        return {}
    df = pd.DataFrame({group: list(counts), "n": list(counts.values())})
    prot = stats.protect_table(df, ["n"], [group], total_row=False)
    out = {}
    for r in prot.to_dict("records"):
        out[str(r[group])] = None if pd.isna(r["n"]) else float(r["n"])
    # keep the original order (largest first), not the table's sorted order
    return {k: out[k] for k in counts if k in out}


@_safe
def transfer_section(con, period: str, provider: str | None, protect: bool = False) -> dict:
    """The 38-day and 24-day phases of inter-provider transfers over the last 3 months
    (with ``protect``, counts through small-number protection)."""
    start = periods.shift(period, 1 - 3)
    df = metrics.transfer_phases(con, period=(start, period), by=("provider_code",))
    if provider:
        df = df[df["provider_code"] == provider]
    agg = df.groupby("phase")[["total", "within"]].sum().reset_index()
    out = []
    for r in agg.itertuples():
        perf = 100.0 * r.within / r.total if r.total else None
        out.append({"phase": r.phase, "total": float(r.total), "within": float(r.within),
                    "performance": perf})
    if protect and out:
        out = _protect(out, "phase", total_row=False)
    return {"from": start, "to": period, "phases": out, "protected": protect}


@_safe
def hotspot_section(con, period: str, provider: str | None, protect: bool = False) -> dict:
    """Tumour groups furthest below the 62-day threshold over the last 3 months."""
    start = periods.shift(period, 1 - 3)
    by = ("provider_code", "tumour_group") if provider else ("tumour_group",)
    df = metrics.compute_metrics(con, "62_DAY", by=by, period=(start, period))
    if provider:
        df = df[df["provider_code"] == provider]
    df = df[df["total"] >= HOTSPOT_MIN_TOTAL]
    df = df[df["performance"] < df["threshold"]].sort_values("performance").head(6)
    items = [{"tumour_group": str(r.tumour_group), "total": float(r.total),
              "within": float(r.within), "performance": float(r.performance),
              "threshold": float(r.threshold)} for r in df.itertuples()]
    if provider and not protect:  # a provider pack's figures, each rebuildable from rows
        for item in items:
            item["figure"] = figure_id("62_DAY", f"{start}..{period}", "tumour_group",
                                       item["tumour_group"])
    if protect and items:
        items = _protect(items, "tumour_group", total_row=False)
    return {"from": start, "to": period, "min_total": HOTSPOT_MIN_TOTAL, "items": items,
            "protected": bool(protect)}


def _protect(items: list[dict], group: str, total_row: bool = True) -> list[dict]:
    """Small-number protection for board packs, as the dashboard protects the same table
    (:func:`protect_performance`); rows need ``within`` and ``total``."""
    df = pd.DataFrame(items)
    df["breaches"] = df["total"] - df["within"]
    prot = protect_performance(df, [group], total_row=total_row)
    out = []
    for r in prot.to_dict("records"):
        out.append({k: (None if pd.isna(v) else v) for k, v in r.items()})
    return out


@_safe
def equity_section(con, period: str, provider: str | None, standard: str = "FDS",
                   protect: bool = False) -> dict:
    """Performance gaps by deprivation quintile and ethnic group over the last 6 months.

    With ``protect``, each group's patients and performance come from protected counts,
    and the gap and its significance (statistics of the exact counts) are not shown,
    as on the dashboard's equity page for protected users."""
    start = periods.shift(period, 1 - 6)
    out = {"standard": standard, "from": start, "to": period, "gaps": []}
    for col, label in (("imd_quintile", "Deprivation quintile (1 = most deprived)"),
                       ("ethnic_group", "Ethnic group")):
        by = ("provider_code", col) if provider else (col,)
        df = metrics.compute_metrics(con, standard, by=by, period=(start, period))
        if provider:
            df = df[df["provider_code"] == provider]
        df = df.dropna(subset=[col])
        df = df[df["total"] > 0]
        if df["total"].sum() == 0 or df[col].nunique() < 2:
            continue
        # the one rule of the web's equity page too (quintile 5, else the largest group)
        reference = equity_reference(col, df.groupby(col)["total"].sum().to_dict())
        gap = stats.equity_gap(df, col, "within", "total", reference_group=reference)
        rows_ = []
        for r in gap.to_dict("records"):
            group = as_text(r["group"])
            rows_.append({
                "group": group,
                "figure": figure_id(standard, f"{start}..{period}", col, group),
                "denominator": float(r["denominator"]),
                "numerator": float(r["numerator"]),
                "proportion": float(r["proportion"]) * 100,  # stats gives 0-1
                "difference": None if pd.isna(r["difference"])
                else float(r["difference"]) * 100,  # percentage points
                "significant": bool(r["significant"]) if not pd.isna(r["significant"])
                else False,
                "is_reference": bool(r["is_reference"]),
            })
        if protect:
            rows_ = _protect_equity(df, col, rows_)
        out["gaps"].append({"by": label, "column": col, "rows": rows_})
    out["protected"] = protect
    return out


def _protect_equity(df: pd.DataFrame, col: str, rows_: list[dict]) -> list[dict]:
    counts = df.groupby(col)[["within", "total"]].sum().reset_index()
    counts[col] = [str(int(g)) if isinstance(g, float) and g == int(g) else str(g)
                   for g in counts[col]]
    prot = stats.protect_table(counts, ["within", "total"], [col], total_row=False,
                               percentages={"performance": ("within", "total")})
    by_group = {str(r[col]): r for r in prot.to_dict("records")}
    out = []
    for r in rows_:
        p = by_group.get(r["group"], {})
        out.append({**r, "numerator": None,  # the exact count stays out of a protected pack
                    "denominator": None if pd.isna(p.get("total")) else p["total"],
                    "proportion": None if pd.isna(p.get("performance")) else p["performance"],
                    "difference": None, "significant": None})
    return out


@_safe
def data_quality_section(con, period: str, provider: str | None,
                         protect: bool = False) -> dict:
    """The month's submissions: rows read, accepted, rejected, and the commonest rules broken
    (with ``protect``, each count through small-number protection)."""
    where, params = "s.period = ?", [period]
    if provider:
        where += " AND s.provider_code = ?"
        params.append(provider)
    subs = rows(con, f"SELECT s.provider_code, count(*) AS submissions,"
                     f" sum(rows_read) AS rows_read, sum(accepted) AS accepted,"
                     f" sum(rejected) AS rejected FROM submissions s"
                     f" WHERE {where} GROUP BY 1 ORDER BY 1", params)
    rules_ = rows(con, f"SELECT r.rule, count(*) AS n FROM rejections r JOIN submissions s"
                       f" USING (submission_id) WHERE {where} GROUP BY 1 ORDER BY 2 DESC LIMIT 5",
                  params)
    if protect:
        for r in subs:
            for k in ("rows_read", "accepted", "rejected"):
                r[k] = stats.protect_count(r[k])
        for r in rules_:
            r["n"] = stats.protect_count(r["n"])
    return {"submissions": subs, "top_rules": rules_}


@_safe
def trajectory_section(con, org_code: str, period: str | None = None) -> dict:
    """Each trajectory's status as it stood at the end of ``period`` (later months ignored)."""
    items = []
    for c in trajectories.status_for(con, org_code, until=period):
        items.append({
            "measure_code": c.measure_code, "status": c.status,
            "months_off_plan": c.months_off_plan,
            "forecast_year_end": c.forecast_year_end, "planned_year_end": c.planned_year_end,
            "year_end_month": c.year_end_month,
            "unit": actuals_unit(c.measure_code),
        })
    return {"method": trajectories.FORECAST_METHOD, "items": items}


@_safe
def actions_section(con, provider: str | None, as_of: date) -> dict:
    acts = governance.actions(con, provider_code=provider, open_only=True, as_of=as_of)
    keep = ("action_id", "action", "owner", "due_date", "status", "measure_code", "overdue",
            "provider_code")
    return {"items": [{k: a[k] for k in keep} for a in acts]}


OUTLOOK_MONTHS = 6


@_safe
def outlook_section(con, period: str) -> dict:
    """The board's one-page outlook: urgent referrals forecast for the next
    :data:`OUTLOOK_MONTHS` months, alliance and providers, from complete months up to
    ``period``, with each forecast's backtest. Counts pass small-number protection."""
    rows_ = []
    for by in ("alliance", "provider"):
        groups = series.as_arrays(series.monthly_series(con, "referrals", by, through=period))
        fc = demand.forecast_frame("referrals", groups, OUTLOOK_MONTHS)
        bt = demand.backtest_frame("referrals", groups, OUTLOOK_MONTHS)
        for group, part in fc.groupby("group", sort=False):
            if part["method"].iloc[0] == INSUFFICIENT:
                continue  # too few complete months to forecast: left out, not shown as *
            scores = bt[bt["group"] == group]
            model = scores[scores["method"] != BASELINE]
            base = scores[scores["method"] == BASELINE]
            rows_.append({
                "level": by, "group": group, "method": part["method"].iloc[0],
                "months": [{"month": m, **{k: stats.protect_count(v) for k, v in (
                    ("forecast", f), ("lower_80", lo), ("upper_80", hi))}}
                    for m, f, lo, hi in zip(part["month"], part["forecast"], part["lower_80"],
                                            part["upper_80"], strict=True)],
                "mase": model["mase"].iloc[0] if len(model) else None,
                "baseline_mase": base["mase"].iloc[0] if len(base) else None,
                "coverage_80": model["coverage_80"].iloc[0] if len(model) else None,
            })
    return {"months": OUTLOOK_MONTHS, "rows": rows_, "protected": True}
