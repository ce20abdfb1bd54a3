"""A page per standard: SPC over time, funnel plot, breakdown tables with intervals, CSVs."""

from __future__ import annotations

import dataclasses
import io
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from cancer_alliance import labels
from cancer_alliance.auth import policy
from cancer_alliance.auth.model import Actor
from cancer_alliance.auth.policy import aggregates_protected
from cancer_alliance.charts import builders
from cancer_alliance.dataset import periods
from cancer_alliance.metrics import rebuild
from cancer_alliance.metrics.contribution import breach_contribution
from cancer_alliance.metrics.definition import Era
from cancer_alliance.metrics.output import neutralise_frame
from cancer_alliance.operations import trajectories
from cancer_alliance.operations.actuals import ALLIANCE
from cancer_alliance.web import analysis, data, paging, params, selection
from cancer_alliance.web.deps import get_con, render, require
from cancer_alliance.web.protect import exact, for_actor, is_protected
from cancer_alliance.web.views.overview import (
    COUNTS,
    organisations_phrase,
    standard_series,
    true_series,
)

router = APIRouter()

TABLE_BREAKDOWNS = ("provider", "commissioner", "tumour_group", "route", "modality")


def table_breakdowns(defn) -> tuple[str, ...]:
    """The page's tables: open pathways (the backlog) have no treatment, so no modality."""
    if defn.era == Era.OPEN:
        return tuple(b for b in TABLE_BREAKDOWNS if b != "modality")
    return TABLE_BREAKDOWNS


def _definition(code: str):
    defs = data.standard_defs()
    if code not in defs:
        raise HTTPException(404)
    return defs[code]


def breakdown_table(con, actor: Actor, code: str, breakdown: str, period: str | None,
                    filters: dict | None = None) -> pd.DataFrame:
    """One breakdown for one period (a month, or a span ``first..last`` summed over its
    months), protected for the actor, with 95% intervals if allowed."""
    if breakdown not in data.BREAKDOWNS:
        raise HTTPException(404)
    protected = aggregates_protected(actor)
    key = ("breakdown", code, breakdown, period, tuple(sorted((filters or {}).items())),
           protected)
    return data.cached(con, key, lambda: _breakdown(con, actor, code, breakdown, period,
                                                    filters)).copy()


def true_breakdown(con, code: str, breakdown: str, period: str | None,
                   filters: dict | None = None) -> pd.DataFrame:
    """The same breakdown with true counts: what funnel positions are computed from, for
    every actor (a protected viewer sees only the positions, never these counts)."""
    if breakdown not in data.BREAKDOWNS:
        raise HTTPException(404)
    key = ("true-breakdown", code, breakdown, period, tuple(sorted((filters or {}).items())))
    return data.cached(con, key, lambda: _breakdown(con, None, code, breakdown, period,
                                                    filters)).copy()


def _breakdown(con, actor: Actor | None, code: str, breakdown: str, period: str | None,
               filters: dict | None) -> pd.DataFrame:
    col = data.BREAKDOWNS[breakdown][0]
    df = data.metric(con, code, by=(col,), period=period, filters=filters)
    if df.empty:
        return pd.DataFrame(columns=[col, *COUNTS, "performance"])
    df[col] = df[col].astype(object).where(df[col].notna(), "Not known")
    pcts = {"performance": ("within", "total")}
    if actor is None:
        return exact(df, COUNTS, [col], True, pcts)
    out = for_actor(actor, df, COUNTS, [col], total_col="total", total_row=True,
                    percentages=pcts)
    if not aggregates_protected(actor):
        out = analysis.with_intervals(out)
    return out


def latest_or(con, code: str, period: str | None) -> str | None:
    """The month asked for, else the alliance's latest complete month (else the latest
    month with data, for a store without a calendar)."""
    if period:
        return period
    df = data.upto_latest(con, data.metric(con, code, by=("month",)))
    return str(df["period"].max()) if not df.empty else None


@router.get("/standards", include_in_schema=False)
def standards_index(request: Request, actor: Actor = Depends(require("view_operations"))):
    defs = data.standard_defs()
    return render(request, "standards_index.html", title="Standards", standards=defs.values())


@router.get("/standards/{code}", include_in_schema=False)
def standard_page(
    request: Request, code: str, period: str | None = None, provider: str | None = None,
    funnel_by: str = "provider", tumour_group: str | None = None, con=Depends(get_con),
    actor: Actor = Depends(require("view_operations")),
):
    defn = _definition(code)
    provider = params.org_code(provider)
    funnel_by = params.breakdown(funnel_by)
    tumour_group = params.tumour_group(con, tumour_group)
    sel = selection.select(request, con)
    key = ("standard-page", code, sel.kind, sel.month, provider, tumour_group, funnel_by,
           aggregates_protected(actor),
           data.published_version(con))  # England's figures change with a published load
    ctx = data.cached(con, key, lambda: standard_context(con, actor, defn, sel, provider,
                                                         funnel_by, tumour_group))
    # Outside the cache: the page is shared by actors with the same protection, the link
    # only shown to those the policy lets see patient-level rows.
    can_export = defn.era != Era.OPEN and policy.decide(actor, "view_patient").allowed
    return render(request, "standard.html", can_export=can_export,
                  **_with_plan(con, ctx, code, provider))


def _with_plan(con, ctx: dict, code: str, provider: str | None) -> dict:
    """Plan against actual on the standard's chart: the alliance's (or this provider's)
    trajectory, read on every view because a plan changes without a new submission."""
    spc = ctx.get("spc")
    if spc is None:
        return ctx
    months = [pt.x for pt in spc.series[0].points]
    plan = builders.plan_line(months, trajectories.get_planned(con, provider or ALLIANCE, code))
    if plan is None:
        return ctx
    return {**ctx, "spc": dataclasses.replace(spc, series=(*spc.series, plan))}


def drill_filters(provider: str | None, tumour_group: str | None) -> dict | None:
    """The drill-down's filters (standard -> tumour group -> trust) as metric filters."""
    out = {k: v for k, v in (("tumour_group", tumour_group), ("provider_code", provider)) if v}
    return out or None


def drill_href(code: str, **chosen: str | None) -> str:
    """A link one level down the drill, keeping the levels above (the period travels in
    the chooser's cookie)."""
    query = urlencode({k: v for k, v in chosen.items() if v})
    return f"/standards/{code}" + (f"?{query}" if query else "")


def standard_context(con, actor: Actor, defn, sel: selection.Selection,
                     provider: str | None, funnel_by: str,
                     tumour_group: str | None = None) -> dict:
    """What a standard's page shows for the chosen span; the same for every actor with the
    same protection. The SPC chart is monthly up to the span's end; tables, funnel and the
    download cover the span. Drilled to a tumour group and/or a trust, the chart and tables
    are theirs; the funnel and the contribution table compare the trusts within the
    tumour group."""
    code = defn.code
    ctx: dict = {"title": defn.short_name, "defn": defn, "unavailable": None, "tables": [],
                 "ipt": None, "provider": provider, "funnel_by": funnel_by,
                 "tumour_group": tumour_group, "contribution": None,
                 "crumbs": _crumbs(con, defn, tumour_group, provider)}
    try:
        filters = drill_filters(provider, tumour_group)
        group_only = drill_filters(None, tumour_group)
        series = standard_series(con, actor, code, filters)
        truth = true_series(con, code, filters)
        if sel.last:  # the chart ends where the chosen span ends
            series = series[series["period"].astype(str) <= sel.last].reset_index(drop=True)
            truth = truth[truth["period"].astype(str) <= sel.last].reset_index(drop=True)
        ctx["providers"] = data.organisations(con, "PROVIDER")["org_code"].tolist()
        if series.empty:  # say so, rather than draw empty axes and tables for month "None"
            ctx["no_data"] = no_data_message(defn, provider)
            return ctx
        result = analysis.spc_for(truth, code)  # the verdict from true counts, for all
        target = defn.threshold_on(periods.month_start(str(series["period"].iloc[-1]))) if len(
            series) else None
        names = data.org_names(con)
        below = [words for words, _ in ctx["crumbs"][2:]] or ["alliance"]
        name = ", ".join([defn.short_name, *below])
        ctx["spc"] = builders.spc_chart(name, series["period"].tolist(),
                                        series["performance"].tolist(), result, target=target)
        ctx["period"] = period = sel.range
        ctx["period_label"] = sel.label
        ctx["edition"] = sel.edition
        ctx["applies"] = defn.applicable(periods.month_start(sel.last)) if period else None
        ctx["data_start"] = data.data_start(con)
        ctx["provisional"] = data.provisional_months(con)
        unit_col = data.BREAKDOWNS.get(funnel_by, data.BREAKDOWNS["provider"])[0]
        tables = {b: breakdown_table(con, actor, code, b, period, filters)
                  for b in table_breakdowns(defn)}
        funnel_key = funnel_by if funnel_by in tables else "provider"
        shown = breakdown_table(con, actor, code, funnel_key, period, group_only)
        fun_df = true_breakdown(con, code, funnel_key, period, group_only)
        fun_df = fun_df[fun_df[unit_col] != "Total"].dropna(subset=["within", "total"])
        funnel = analysis.funnel(fun_df, unit_col,
                                 shown if aggregates_protected(actor) else None)
        if funnel is not None:
            ctx["funnel"] = builders.funnel_chart(
                f"{defn.short_name} by {funnel_by}, {sel.label}", *funnel,
                unit_label=data.BREAKDOWNS[funnel_by][1] if funnel_by in data.BREAKDOWNS
                else "Provider", names={c: labels.org(c, names) for c in names})
        ctx["comparators"] = comparators(con, code, series, period)
        ctx["tables"] = [(b, data.BREAKDOWNS[b][0], data.BREAKDOWNS[b][1],
                          _drillable(code, b, t.to_dict("records"), provider, tumour_group))
                         for b, t in tables.items()]
        threshold = defn.threshold_on(periods.month_start(sel.last)) if period else None
        if threshold is not None and not aggregates_protected(actor):
            ctx["contribution"] = contribution_rows(con, code, period, group_only, threshold)
        if defn.has_transfer_phases:
            ctx["ipt"] = ipt_table(con, actor, period).to_dict("records")
    except data.DataUnavailable as exc:
        ctx["unavailable"] = str(exc)
    return ctx


def _crumbs(con, defn, tumour_group: str | None, provider: str | None
            ) -> list[tuple[str, str]]:
    """(words, link) from the standards list down to where the page is."""
    out = [("Standards", "/standards"), (defn.short_name, f"/standards/{defn.code}")]
    if tumour_group:
        group_labels = dict(data.tumour_groups(con)[["tumour_group", "label"]]
                            .itertuples(index=False))
        out.append((group_labels.get(tumour_group, tumour_group),
                    drill_href(defn.code, tumour_group=tumour_group)))
    if provider:
        out.append((labels.org(provider, data.org_names(con)),
                    drill_href(defn.code, tumour_group=tumour_group, provider=provider)))
    return out


def _drillable(code: str, breakdown: str, rows: list[dict], provider: str | None,
               tumour_group: str | None) -> list[dict]:
    """Rows of the tumour-group and provider tables linked one level down the drill
    (the Total row and groups not known stay text)."""
    if breakdown not in ("tumour_group", "provider"):
        return rows
    col = data.BREAKDOWNS[breakdown][0]
    out = []
    for row in rows:
        value = row.get(col)
        if isinstance(value, str) and value not in ("Total", "Not known"):
            chosen = {"tumour_group": tumour_group, "provider": provider}
            chosen["tumour_group" if breakdown == "tumour_group" else "provider"] = value
            row = {**row, col: (value, drill_href(code, **chosen))}
        out.append(row)
    return out


def contribution_rows(con, code: str, period: str, filters: dict | None,
                      threshold: float) -> list[dict]:
    """Each trust's breaches above what it would have at the threshold, worst first
    (:func:`cancer_alliance.metrics.contribution.breach_contribution`), from true counts:
    shown only to roles that see exact counts (excesses would undo small-number
    protection)."""
    df = data.metric(con, code, by=("provider_code",), period=period, filters=filters)
    if df.empty:
        return []
    out = breach_contribution(df, "provider_code", threshold)
    out["allowed_shown"] = [f"{v:.1f}" for v in out["allowed"]]
    return out.to_dict("records")


COMPARATOR_MONTHS = 12


def _number(v) -> float:
    """A figure as a float, NaN when withheld (a protected cell arrives as NA or None)."""
    return float("nan") if v is None or pd.isna(v) else float(v)


def comparators(con, code: str, series: pd.DataFrame, period: str | None) -> dict | None:
    """England (NHS England's published figures) beside the local series for the last
    months both have, and England's providers as peers for ``period``; None when no
    published data is loaded for the standard. The local figures are the ones the viewer
    sees (protected or not); England's are national, so shown as published."""
    england = data.published_comparators(con, code)
    if england.empty:
        return None
    eng = england.set_index(england["period"].astype(str))
    peer_set = data.published_peer_figures(con, code)
    mine = peer_set.set_index(peer_set["period"].astype(str))
    rows = []
    for r in series.tail(COMPARATOR_MONTHS).to_dict("records"):
        month = str(r["period"])
        if month not in eng.index:
            continue
        local, national = _number(r["performance"]), _number(eng.at[month, "performance"])
        gap = local - national
        row = {"period": month, "local": local, "england": national,
               "england_edition": eng.at[month, "edition"],
               "difference": None if gap != gap else gap, "peers": None,
               "peers_edition": None}
        if month in mine.index:
            row["peers"] = _number(mine.at[month, "performance"])
            row["peers_edition"] = (f"{mine.at[month, 'edition']}, "
                                    f"{organisations_phrase(int(mine.at[month, 'peers']))}")
        rows.append(row)
    peers = data.published_peers(con, code, period) if period else None
    if not rows and peers is None:
        return None
    basis, codes = data.published_peer_set(con)
    return {"rows": rows, "peers": peers, "period": period,
            "peer_set": ", ".join(codes), "has_peer_set": bool(codes)}


def no_data_message(defn, provider: str | None) -> str:
    """Why a standard's page has nothing to draw: no loaded month counts towards it (yet)."""
    where = f" at {provider}" if provider else ""
    text = f"No pathways in the months loaded count towards this standard{where}."
    in_force = next((t for t in defn.thresholds if t.value_percent is not None), None)
    if in_force is not None:
        text += f" It applies from {in_force.effective_from.isoformat()}."
    return text


def ipt_table(con, actor: Actor, period: str | None) -> pd.DataFrame:
    """The inter-provider 38-day and 24-day phases by provider."""
    df = data.transfer_phases(con, period)
    if df.empty:
        return df
    rng = periods.month_range(period)
    if rng and "period" in df.columns:
        months = df["period"].astype(str).str.slice(0, 7)
        df = df[(months >= rng[0]) & (months <= rng[1])]
    return for_actor(actor, df, COUNTS, ["phase", "provider_code"], total_col="total",
                     percentages={"performance": ("within", "total")})


def behind_figure(request: Request, con, actor: Actor, code: str, provider: str | None,
                  tumour_group: str | None) -> tuple[pd.DataFrame, str]:
    """The pathway rows behind the figure the page shows for the chosen span, drill-down
    filters and the actor's scope (:func:`cancer_alliance.metrics.rebuild.rows_behind`, the
    one rule every figure's download follows, packs included), and the span."""
    defn = _definition(code)
    if defn.era == Era.OPEN:
        raise HTTPException(400, "This standard counts open pathways: use the patient "
                            "tracking list.")
    period = selection.select(request, con).range
    if period is None:
        raise HTTPException(404, "No month has data for this standard yet.")
    out = rebuild.rows_behind(con, actor, code, period, params.org_code(provider),
                              params.tumour_group(con, tumour_group))
    return out, period


@router.get("/standards/{code}/outcomes.csv", include_in_schema=False)
def outcomes_csv(
    request: Request, code: str, period: str | None = None, provider: str | None = None,
    tumour_group: str | None = None, con=Depends(get_con),
    actor: Actor = Depends(require("view_patient", org_param="provider",
                                   org_roles=("provider",))),
):
    """The pathways behind a figure (as ``cancer-alliance outcomes``): patient-level,
    so only for roles allowed it, only inside their scope, and audited (by ``require``).

    Rows are the figure's own: by *accountable* provider with transfer shares, so the sum
    of ``share`` over included rows is the figure on the page (and ``within`` rows its
    numerator), to the half-patient."""
    out, period = behind_figure(request, con, actor, code, provider, tumour_group)
    who = "".join(f"-{v}" for v in (tumour_group, provider) if v)
    return csv_response(out, f"{code}-outcomes-{period.replace('..', '-to-')}{who}.csv")


PATHWAY_COLUMNS = (("pathway_id", "Pathway", "text"), ("provider_code", "Submitted by", "text"),
                   ("accountable_provider_code", "Accountable", "text"),
                   ("share", "Share", "text"), ("included", "Counted", "text"),
                   ("outcome", "Outcome", "text"), ("days", "Days", "num"),
                   ("clock_start", "Clock start", "text"), ("clock_stop", "Clock stop", "text"),
                   ("reporting_period", "Month", "text"), ("tumour_group", "Tumour group", "text"),
                   ("exclusion_reason", "Excluded because", "text"))


@router.get("/standards/{code}/pathways", include_in_schema=False)
def pathways_page(
    request: Request, code: str, provider: str | None = None,
    tumour_group: str | None = None, con=Depends(get_con),
    actor: Actor = Depends(require("view_patient", org_param="provider",
                                   org_roles=("provider",))),
):
    """The bottom of the drill-down: the pathways behind the figure, a page at a time,
    scoped and audited as the download is (the same rows, in the same order)."""
    out, period = behind_figure(request, con, actor, code, provider, tumour_group)
    defn = _definition(code)
    pager = paging.paginate(out, request, keep=("provider", "tumour_group", "window",
                                                "period"))
    included = out[out["included"].fillna(False).astype(bool)]
    return render(request, "pathways.html", title=f"{defn.short_name}: pathways",
                  defn=defn, pager=pager, columns=PATHWAY_COLUMNS,
                  crumbs=[*_crumbs(con, defn, params.tumour_group(con, tumour_group),
                                   params.org_code(provider)), ("Pathways", "")],
                  patients=float(included["share"].sum()),
                  within=float(included.loc[included["outcome"] == "within", "share"].sum()),
                  download=f"/standards/{code}/outcomes.csv?" + urlencode(
                      {k: v for k, v in (("tumour_group", tumour_group), ("provider", provider))
                       if v} | _span_query(request)))


def _span_query(request: Request) -> dict[str, str]:
    """The chosen span as query values (for links that must not depend on the cookie)."""
    sel = getattr(request.state, "selection", None)
    return {"window": sel.kind, "period": sel.month} if sel and sel.month else {}


@router.get("/standards/{code}/{breakdown}.csv", include_in_schema=False)
def standard_csv(
    request: Request, code: str, breakdown: str, period: str | None = None,
    con=Depends(get_con), actor: Actor = Depends(require("view_aggregate")),
):
    """Any breakdown as CSV, through the same protection as the page (public gets it too)."""
    _definition(code)
    params.breakdown(breakdown)
    sel = selection.select(request, con)
    period = sel.range
    table = breakdown_table(con, actor, code, breakdown, period)
    table.insert(0, "period", period)
    table.insert(0, "standard", code)
    if period:  # the same rule as the page: standard judged against, objective beside it
        applies = _definition(code).applicable(periods.month_start(sel.last))
        table["threshold"] = applies.standard.value_percent if applies.standard else None
        table["objective"] = applies.objective.value_percent if applies.objective else None
        table["edition"] = sel.edition
    name = (period or "none").replace("..", "-to-")
    return csv_response(table, f"{code}-{breakdown}-{name}.csv")


def csv_response(df: pd.DataFrame, filename: str) -> Response:
    buf = io.StringIO()
    out = neutralise_frame(df)  # OWASP CSV injection: text cells never run as formulas
    if is_protected(df):
        for c in out.columns:
            out[c] = out[c].astype(object).where(out[c].notna(), "*")
    out.to_csv(buf, index=False, float_format="%.4g")
    safe = "".join(ch for ch in filename if ch.isalnum() or ch in "-_.")
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{safe}"'})
