"""The "Looking ahead" page: referral forecasts with their intervals beside the actuals.

Aggregate counts, so ``view_operations``; a provider user sees the alliance and its own
trust only (``policy.pack_scope``), and every figure shown passes small-number protection
(``stats.protect_count``) since board members read this page too. Each chart carries its
backtest (MASE against the seasonal-naive baseline and interval coverage) so a reader can
see whether to trust it. Charts use the project's chart specs (SVG, with a data table).

Two referral counts can be drawn (``?measure=``): urgent suspected-cancer referrals (the
default) and urgent referrals including breast symptomatic, the ``URGENT_REFERRALS`` measure
a plan can be set for; for that one each chart also draws the plan (the alliance's or the
trust's trajectory, ``outlook.series.PLAN_CODE``) over the months it covers, actual and
forecast. Plans change without a submission, so the cache key carries
``data.plans_version``.
"""

from __future__ import annotations

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Request

from cancer_alliance import labels
from cancer_alliance.auth import policy
from cancer_alliance.auth.model import Actor
from cancer_alliance.charts import ChartSpec, Series, builders, render_interactive
from cancer_alliance.operations import trajectories
from cancer_alliance.operations.actuals import ALLIANCE
from cancer_alliance.outlook import demand, series
from cancer_alliance.outlook.forecast import BASELINE
from cancer_alliance.stats import protect_count
from cancer_alliance.web import data
from cancer_alliance.web.deps import get_con, render, require

router = APIRouter()
HORIZON = 12
#: Months of actuals drawn before the forecast.
HISTORY = 24
#: The referral counts the page offers: measure (``outlook.series``) -> what it counts.
MEASURES = {series.REFERRALS: "Urgent suspected-cancer referrals",
            series.URGENT_REFERRALS: "Urgent referrals (suspected cancer and breast "
                                     "symptomatic)"}


def _protected(values) -> list[float | None]:
    return [protect_count(v) if v is not None and v == v else None for v in values]


def _chart(group: str, months: list[str], actual, fc: pd.DataFrame,
           measure: str = series.REFERRALS,
           planned: dict[str, float] | None = None) -> ChartSpec:
    """Actuals, then the forecast with its limits, and the plan (``{month: value}``) where
    one covers a month drawn. A plan is a figure the alliance set, not a count of patients,
    so it is drawn as set."""
    what = MEASURES[measure]
    xs = months[-HISTORY:] + fc["month"].tolist()
    pad_a = [None] * len(fc)
    pad_f = [None] * len(months[-HISTORY:])
    plan = builders.plan_line(xs, planned or {})
    s = [] if plan is None else [plan]  # first: the legend names it whatever follows
    s += [Series.of("Actual referrals", xs, _protected(list(actual[-HISTORY:])) + pad_a),
         Series.of("Forecast", xs, pad_f + _protected(fc["forecast"].tolist()))]
    for col, name in (("lower_95", "Lower 95%"), ("lower_80", "Lower 80%"),
                      ("upper_80", "Upper 80%"), ("upper_95", "Upper 95%")):
        s.append(Series.of(name, xs, pad_f + _protected(fc[col].tolist()), role="limit"))
    return ChartSpec(
        kind="line", title=f"{what}: {group}", series=tuple(s),
        x_title="Month", y_title="Referrals", unit="",
        description=f"{what} a month for {group}: the last {HISTORY} complete months, then "
        f"a {HORIZON}-month forecast with 80% and 95% prediction intervals"
        + ("; the dotted line is the plan." if plan is not None else "."))


def _plan(con, measure: str, by: str, group: str) -> dict[str, float]:
    """The trajectory planning this chart's count: the alliance's for the alliance chart, the
    trust's for a trust's; none for a measure no trajectory counts."""
    code = series.PLAN_CODE.get(measure)
    if code is None:
        return {}
    return trajectories.get_planned(con, ALLIANCE if by == "alliance" else group, code)


def _panels(con, by: str, keep: list[str] | None,
            measure: str = series.REFERRALS) -> list[dict]:
    names = data.org_names(con)
    groups = series.as_arrays(series.monthly_series(con, measure, by))
    if keep is not None:
        groups = {g: v for g, v in groups.items() if g in keep}
    fc = demand.forecast_frame(measure, groups, HORIZON)
    bt = demand.backtest_frame(measure, groups, HORIZON)
    panels = []
    for group, (months, values) in groups.items():
        mine = fc[fc["group"] == group]
        scores = bt[bt["group"] == group]
        model = scores[scores["method"] != BASELINE]
        base = scores[scores["method"] == BASELINE]
        panels.append({
            "group": group, "method": mine["method"].iloc[0],
            "chart": render_interactive(_chart(labels.org(group, names), months, values, mine,
                                               measure, _plan(con, measure, by, group))),
            "model": model.to_dict("records")[0] if len(model) else None,
            "baseline": base.to_dict("records")[0] if len(base) else None,
        })
    return panels


@router.get("/looking-ahead", include_in_schema=False)
def looking_ahead(request: Request, measure: str = series.REFERRALS, con=Depends(get_con),
                  actor: Actor = Depends(require("view_operations"))):
    if measure not in MEASURES:
        raise HTTPException(400, "That measure is not offered.")
    own = policy.pack_scope(actor)
    ctx: dict = {"title": "Looking ahead", "unavailable": None, "horizon": HORIZON,
                 "measure": measure, "measures": MEASURES,
                 "planned": measure in series.PLAN_CODE}
    try:
        plans = data.plans_version(con) if measure in series.PLAN_CODE else None
        ctx["alliance"] = data.cached(con, ("outlook", measure, "alliance", plans),
                                      lambda: _panels(con, "alliance", None, measure))
        key = ("outlook", measure, "provider", own or "*", plans)
        ctx["providers"] = data.cached(
            con, key, lambda: _panels(con, "provider", [own] if own else None, measure))
    except data.DataUnavailable as exc:
        ctx["unavailable"] = str(exc)
    return render(request, "looking_ahead.html", **ctx)
