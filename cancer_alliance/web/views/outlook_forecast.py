"""The "Looking ahead" page: referral forecasts with their intervals beside the actuals.

Aggregate counts, so ``view_operations``; a provider user sees the alliance and its own
trust only (``policy.pack_scope``), and every figure shown passes small-number protection
(``stats.protect_count``) since board members read this page too. Each chart carries its
backtest (MASE against the seasonal-naive baseline and interval coverage) so a reader can
see whether to trust it. Charts use the project's chart specs (SVG, with a data table).
"""

from __future__ import annotations

import pandas as pd
from fastapi import APIRouter, Depends, Request

from cancer_alliance import labels
from cancer_alliance.auth import policy
from cancer_alliance.auth.model import Actor
from cancer_alliance.charts import ChartSpec, Series, render_interactive
from cancer_alliance.outlook import demand, series
from cancer_alliance.outlook.forecast import BASELINE
from cancer_alliance.stats import protect_count
from cancer_alliance.web import data
from cancer_alliance.web.deps import get_con, render, require

router = APIRouter()
HORIZON = 12
#: Months of actuals drawn before the forecast.
HISTORY = 24


def _protected(values) -> list[float | None]:
    return [protect_count(v) if v is not None and v == v else None for v in values]


def _chart(group: str, months: list[str], actual, fc: pd.DataFrame) -> ChartSpec:
    xs = months[-HISTORY:] + fc["month"].tolist()
    pad_a = [None] * len(fc)
    pad_f = [None] * len(months[-HISTORY:])
    s = [Series.of("Actual referrals", xs, _protected(list(actual[-HISTORY:])) + pad_a),
         Series.of("Forecast", xs, pad_f + _protected(fc["forecast"].tolist()))]
    for col, name in (("lower_95", "Lower 95%"), ("lower_80", "Lower 80%"),
                      ("upper_80", "Upper 80%"), ("upper_95", "Upper 95%")):
        s.append(Series.of(name, xs, pad_f + _protected(fc[col].tolist()), role="limit"))
    return ChartSpec(
        kind="line", title=f"Urgent suspected-cancer referrals: {group}", series=tuple(s),
        x_title="Month", y_title="Referrals", unit="",
        description=f"Referrals a month for {group}: the last {HISTORY} complete months, then "
        f"a {HORIZON}-month forecast with 80% and 95% prediction intervals.")


def _panels(con, by: str, keep: list[str] | None) -> list[dict]:
    names = data.org_names(con)
    groups = series.as_arrays(series.monthly_series(con, "referrals", by))
    if keep is not None:
        groups = {g: v for g, v in groups.items() if g in keep}
    fc = demand.forecast_frame("referrals", groups, HORIZON)
    bt = demand.backtest_frame("referrals", groups, HORIZON)
    panels = []
    for group, (months, values) in groups.items():
        mine = fc[fc["group"] == group]
        scores = bt[bt["group"] == group]
        model = scores[scores["method"] != BASELINE]
        base = scores[scores["method"] == BASELINE]
        panels.append({
            "group": group, "method": mine["method"].iloc[0],
            "chart": render_interactive(_chart(labels.org(group, names), months, values, mine)),
            "model": model.to_dict("records")[0] if len(model) else None,
            "baseline": base.to_dict("records")[0] if len(base) else None,
        })
    return panels


@router.get("/looking-ahead", include_in_schema=False)
def looking_ahead(request: Request, con=Depends(get_con),
                  actor: Actor = Depends(require("view_operations"))):
    own = policy.pack_scope(actor)
    ctx: dict = {"title": "Looking ahead", "unavailable": None, "horizon": HORIZON}
    try:
        ctx["alliance"] = data.cached(con, ("outlook", "alliance"),
                                      lambda: _panels(con, "alliance", None))
        key = ("outlook", "provider", own or "*")
        ctx["providers"] = data.cached(
            con, key, lambda: _panels(con, "provider", [own] if own else None))
    except data.DataUnavailable as exc:
        ctx["unavailable"] = str(exc)
    return render(request, "looking_ahead.html", **ctx)
