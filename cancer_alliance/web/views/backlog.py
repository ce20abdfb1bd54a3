"""The 62-day backlog and the 104-day waits: counts against the trajectory, and the
104-day list for harm review.

The backlog is a count of patients (open pathways past day 62 on a month-end census), to
bring down against a planned trajectory: it is shown as counts with an SPC chart for
counts (XmR, improvement = decrease), never as a percentage with confidence intervals or a
funnel (issue 13). The 104-day waits (day 105 on) are counted the same way, and listed
patient by patient on the harm-review page for roles that may see patients, scoped and
audited exactly like the tracking list.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Request

from cancer_alliance import stats
from cancer_alliance.auth import policy
from cancer_alliance.auth.model import Actor
from cancer_alliance.auth.policy import aggregates_protected
from cancer_alliance.charts import builders
from cancer_alliance.operations import trajectories
from cancer_alliance.operations.actuals import ALLIANCE
from cancer_alliance.web import data, params
from cancer_alliance.web.deps import get_con, render, require
from cancer_alliance.web.protect import for_actor
from cancer_alliance.web.views.overview import census_date
from cancer_alliance.web.views.ptl import (
    audit_identifiers,
    columns_for,
    display,
    filtered,
    validate,
)
from cancer_alliance.web.views.standards import csv_response

router = APIRouter()

COUNT_COLS = ["open", "backlog_62", "over_104"]
TABLES = ("provider", "commissioner", "tumour_group", "route")


def count_spc(title: str, months: list[str], values: list, plan: dict | None = None):
    """An XmR chart of a count (improvement = fewer), with the plan line if there is one."""
    clean = [float(v) if v is not None and not pd.isna(v) else float("nan") for v in values]
    result = None
    if len(clean) >= 2 and not any(pd.isna(v) for v in clean):
        try:
            result = stats.spc(clean, improvement="decrease")
        except Exception:  # noqa: BLE001 - a chart we cannot judge is shown without SPC
            result = None
    spec = builders.spc_chart(title, months, clean, result, unit="", y_title="Patients")
    line = builders.plan_line(months, plan) if plan else None
    if line is not None:
        spec = dataclasses.replace(spec, series=(*spec.series, line))
    return spec


def backlog_context(con, actor: Actor, defn, provider: str | None) -> dict:
    """What the backlog page shows: month-end counts from the data start to the latest
    complete month, their SPC, the plan, and the latest census by breakdown."""
    ctx: dict = {"title": defn.short_name, "defn": defn, "unavailable": None,
                 "provider": provider, "tables": [], "counts": True}
    try:
        filters = {"provider_code": provider} if provider else None
        ctx["providers"] = data.organisations(con, "PROVIDER")["org_code"].tolist()
        raw = data.upto_latest(con, data.backlog(con, ("month",), filters=filters))
        series = for_actor(actor, raw, COUNT_COLS, ["period"]).sort_values("period")
        if series.empty:
            ctx["no_data"] = "No month-end census has open pathways yet."
            return ctx
        months = series["period"].astype(str).tolist()
        plan = trajectories.get_planned(con, provider or ALLIANCE, defn.code)
        who = provider or "alliance"
        ctx["spc"] = count_spc(f"62-day backlog, {who}", months,
                               series["backlog_62"].tolist(), plan)
        ctx["spc_104"] = count_spc(f"Waiting over 104 days, {who}", months,
                                   series["over_104"].tolist())
        ctx["period"] = period = months[-1]
        ctx["latest"] = series.iloc[-1].to_dict()
        ctx["plan_latest"] = plan.get(period) if plan else None
        ctx["edition"] = data.edition(con, period)
        ctx["data_start"] = data.data_start(con)
        ctx["provisional"] = data.provisional_months(con)
        for b in TABLES:
            col = data.BREAKDOWNS[b][0]
            df = data.backlog(con, (col, "month"), period=period, filters=filters)
            df[col] = df[col].astype(object).where(df[col].notna(), "Not known")
            table = for_actor(actor, df, COUNT_COLS, [col], total_col="open", total_row=True)
            ctx["tables"].append((b, col, data.BREAKDOWNS[b][1], table.to_dict("records")))
    except data.DataUnavailable as exc:
        ctx["unavailable"] = str(exc)
    return ctx


@router.get(f"/standards/{data.BACKLOG}", include_in_schema=False)
def backlog_page(request: Request, provider: str | None = None, con=Depends(get_con),
                 actor: Actor = Depends(require("view_operations"))):
    """The backlog's page (before the generic standard page in the router order)."""
    defn = data.standard_defs()[data.BACKLOG]
    provider = params.org_code(provider)
    key = ("backlog-page", provider, aggregates_protected(actor),
           data.plans_version(con))  # the plan line changes without a submission
    ctx = data.cached(con, key, lambda: backlog_context(con, actor, defn, provider))
    return render(request, "backlog.html", **ctx,
                  can_list=policy.decide(actor, "view_patient").allowed)


@router.get("/harm-review", include_in_schema=False)
def harm_review(
    request: Request, provider: str | None = None, route: str | None = None,
    sort: str = "days_waited", desc: bool = True, con=Depends(get_con),
    actor: Actor = Depends(require("view_patient", org_param="provider",
                                   org_roles=("provider",))),
):
    """Every patient waiting more than 104 days on the census (the harm-review list)."""
    validate(provider, None, route, sort)
    ctx: dict = {"title": "104-day waits: harm review", "unavailable": None, "rows": [],
                 "columns": columns_for(actor), "census": census_date(request).isoformat(),
                 "filters": {"provider": provider or "", "route": route or ""}}
    try:
        df = _over_104(con, actor, request, provider, route, sort, desc)
        audit_identifiers(request, actor)
        ctx.update(total=len(df), rows=display(df))
    except data.DataUnavailable as exc:
        ctx["unavailable"] = str(exc)
    return render(request, "harm_review.html", **ctx)


@router.get("/harm-review.csv", include_in_schema=False)
def harm_review_csv(
    request: Request, provider: str | None = None, route: str | None = None,
    sort: str = "days_waited", desc: bool = True, con=Depends(get_con),
    actor: Actor = Depends(require("view_patient", org_param="provider",
                                   org_roles=("provider",))),
):
    validate(provider, None, route, sort)
    df = _over_104(con, actor, request, provider, route, sort, desc)
    audit_identifiers(request, actor)
    return csv_response(df[[c for c, _, _ in columns_for(actor) if c in df.columns]],
                        f"harm-review-{census_date(request).isoformat()}.csv")


def _over_104(con, actor, request, provider, route, sort, desc) -> pd.DataFrame:
    df = filtered(con, actor, census_date(request), provider, None, route, False, sort, desc)
    if "in_104_day_subset" not in df.columns:
        raise HTTPException(503, "The tracking list has no 104-day flag yet.")
    return df[df["in_104_day_subset"].fillna(False).astype(bool)]
