"""The alliance overview: every headline standard for the latest month, backlog, freshness."""

from __future__ import annotations

from datetime import date

import pandas as pd
from fastapi import APIRouter, Depends, Request

from cancer_alliance.auth.model import Actor
from cancer_alliance.auth.policy import aggregates_protected
from cancer_alliance.dataset import periods
from cancer_alliance.web import analysis, data
from cancer_alliance.web.deps import check, current_actor, get_con, render
from cancer_alliance.web.protect import exact, for_actor

router = APIRouter()

COUNTS = ["within", "breaches", "total"]


def standard_series(con, actor: Actor, code: str, filters: dict | None = None) -> pd.DataFrame:
    """Monthly counts and performance for one standard, protected for the actor."""
    key = ("series", code, tuple(sorted((filters or {}).items())), aggregates_protected(actor))
    return data.cached(con, key, lambda: _series(con, actor, code, filters)).copy()


def true_series(con, code: str, filters: dict | None = None) -> pd.DataFrame:
    """Monthly counts and exact performance for one standard: what SPC verdicts, change and
    met / not met are computed from, for every actor (never shown as it is when protected)."""
    key = ("true-series", code, tuple(sorted((filters or {}).items())))
    return data.cached(con, key, lambda: _series(con, None, code, filters)).copy()


def _series(con, actor: Actor | None, code: str, filters: dict | None) -> pd.DataFrame:
    df = data.metric(con, code, by=("month",), filters=filters)
    if df.empty:
        return pd.DataFrame(columns=["period", *COUNTS, "performance"])
    pcts = {"performance": ("within", "total")}
    if actor is None:
        out = exact(df, COUNTS, ["period"], False, pcts)
    else:
        out = for_actor(actor, df, COUNTS, ["period"], total_col="total", percentages=pcts)
    return out.sort_values("period").reset_index(drop=True)


def headline_rows(con, actor: Actor, filters: dict | None = None) -> list[dict]:
    rows = []
    for code in data.HEADLINE:
        if code in data.standard_defs():
            series = standard_series(con, actor, code, filters)
            truth = true_series(con, code, filters)
            rows.append(analysis.headline(series, code, truth))
    return rows


def census_date(request: Request) -> date:
    """The PTL census: a fixed date if configured, else the end of the latest month submitted.

    Providers report monthly, so the store knows each open pathway's state only up to the
    end of the latest period; counting days beyond it would inflate waits and the backlog.
    Before any submission (or if the latest period is in the future) it is today.
    """
    fixed = request.app.state.settings.census
    if fixed:
        return date.fromisoformat(fixed)
    cur = request.app.state.con.cursor()
    try:
        latest = data.latest_period(cur)
    finally:
        cur.close()
    if latest is None:
        return date.today()
    return min(periods.month_end(latest), date.today())


def backlog_summary(con, actor: Actor, census: date) -> pd.DataFrame:
    """Open pathways past day 62 and past day 104 by provider, protected for the actor."""
    ptl = data.ptl(con, census, {})
    if ptl.empty:
        return pd.DataFrame(columns=["provider_code", "open", "backlog_62", "over_104"])
    ptl = ptl.assign(open=1, backlog_62=ptl["in_62_day_backlog"].astype(int),
                     over_104=ptl["in_104_day_subset"].astype(int))
    return for_actor(actor, ptl, ["open", "backlog_62", "over_104"], ["provider_code"],
                     total_row=True)


@router.get("/", include_in_schema=False)
def overview(request: Request, con=Depends(get_con), actor: Actor = Depends(current_actor)):
    if actor.is_anonymous:
        from fastapi.responses import RedirectResponse

        return RedirectResponse("/public", status_code=302)
    check(request, actor, "view_operations")
    census = census_date(request)
    key = ("overview-page", census.isoformat(), aggregates_protected(actor))
    ctx = data.cached(con, key, lambda: overview_context(con, actor, census))
    return render(request, "overview.html", **ctx)


def overview_context(con, actor: Actor, census: date) -> dict:
    """Everything the overview shows; the same for every actor with the same protection."""
    ctx: dict = {"title": "Alliance overview", "unavailable": None}
    try:
        ctx["headlines"] = headline_rows(con, actor)
        ctx["backlog"] = backlog_summary(con, actor, census).to_dict("records")
        ctx["census"] = census.isoformat()
    except data.DataUnavailable as exc:
        ctx.update(headlines=[], backlog=[], unavailable=str(exc))
    ctx["measures"] = measure_rows(con, actor)
    fresh = data.freshness(con)
    ctx["freshness"] = for_actor(actor, fresh, ["accepted", "rejected"],
                                 ["provider_code", "latest_period", "last_submitted"]
                                 ).to_dict("records")
    ctx["latest"] = data.latest_period(con)
    return ctx


KEY_MEASURES = ("EARLY_STAGE", "HNA_COVERAGE", "CARE_PLAN_COVERAGE", "TREATMENT_SUMMARY_COVERAGE")


def measure_rows(con, actor: Actor) -> list[dict]:
    """Early stage and Recovery Package measures (latest month), if the measures layer has them."""
    out = []
    defs = data.measure_defs()
    for code in KEY_MEASURES:
        defn = defs.get(code)
        if defn is None:
            continue
        try:
            df = data.measure(con, code, by=("month",))
        except Exception:  # noqa: BLE001 - one broken measure must not hide the overview
            continue
        if df.empty:
            continue
        t = for_actor(actor, df, ["numerator", "denominator"], ["period"],
                      percentages={"value": ("numerator", "denominator")})
        t = t.sort_values("period")
        last = t.iloc[-1]
        out.append({"code": code, "name": getattr(defn, "name", code), "period": last["period"],
                    "numerator": last["numerator"], "denominator": last["denominator"],
                    "value": last["value"]})
    return out
