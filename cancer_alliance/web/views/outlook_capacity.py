"""``/looking-ahead/capacity``: demand against capacity by trust and resource, and the
workforce the forecast demand needs (:mod:`cancer_alliance.outlook.capacity`).

Aggregate figures, so ``view_operations``, like the rest of "Looking ahead"; a provider user
sees its own trust only (``policy.pack_scope``). Demand is derived from patient counts, so
it passes small-number protection (``stats.protect_count``) before it is drawn or listed,
and demand / capacity is withheld where that demand is suppressed
(``stats.protect_ratio``: capacity is shown exactly, so the ratio would give the count
back); capacity and activity are the trusts' own returns of tests and sessions, not counts
of patients, and are shown as submitted. One resource is
charted at a time (``?resource=CT``, a code of the capacity dataset).
"""

from __future__ import annotations

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Request

from cancer_alliance.auth import policy
from cancer_alliance.auth.model import Actor
from cancer_alliance.charts import ChartSpec, Series, render_interactive
from cancer_alliance.dataset.capacity_codes import (
    DIAGNOSTIC_MODALITY_LABELS,
    RESOURCE,
    RESOURCE_UNIT,
    STAFF_GROUP_LABELS,
    TREATMENT_RESOURCE_LABELS,
)
from cancer_alliance.outlook.capacity import capacity_outlook
from cancer_alliance.stats import protect_count, protect_ratio
from cancer_alliance.web import data
from cancer_alliance.web.deps import get_con, render, require

router = APIRouter()
HORIZON = 12
HISTORY = 24  # submitted months drawn before the forecast
LABELS = DIAGNOSTIC_MODALITY_LABELS | TREATMENT_RESOURCE_LABELS
SUBMITTED = "tests or sessions in the trust's own capacity return, not patients"


def _protected(values) -> list[float | None]:
    return [protect_count(v) if v is not None and v == v else None for v in values]


def _chart(trust: str, resource: str, rows: pd.DataFrame) -> ChartSpec:
    done = rows[rows["kind"] == "submitted"].tail(HISTORY)
    ahead = rows[rows["kind"] == "forecast"]
    shown = pd.concat([done, ahead])
    xs = shown["month"].tolist()
    gap_a, gap_d = [None] * len(ahead), [None] * len(done)
    s = [Series.of("Capacity", xs, shown["capacity"].tolist(), not_a_count=SUBMITTED),
         Series.of("Activity", xs, done["activity"].tolist() + gap_a, not_a_count=SUBMITTED),
         Series.of("Demand", xs, _protected(shown["demand"].tolist())),
         Series.of("Demand lower 80%", xs, gap_d + _protected(ahead["demand_lower"].tolist()),
                   role="limit"),
         Series.of("Demand upper 80%", xs, gap_d + _protected(ahead["demand_upper"].tolist()),
                   role="limit")]
    unit = RESOURCE_UNIT[resource]
    return ChartSpec(
        kind="line", title=f"{LABELS[resource]}: demand and capacity, {trust}",
        series=tuple(s), x_title="Month", y_title=unit.capitalize(),
        description=f"{LABELS[resource]} at {trust}, in {unit} a month: capacity and activity "
        f"as submitted, demand implied by the trust's cancer pathways (then forecast "
        f"{HORIZON} months ahead with its 80% interval, capacity held at its recent level).")


def _with_unit(resource: str) -> str:
    """``Computed tomography (tests)``; a label that names its unit already is kept."""
    label, unit = LABELS[resource], RESOURCE_UNIT[resource]
    return label if unit in label.lower() else f"{label} ({unit})"


def _summary(rows: pd.DataFrame) -> list[dict]:
    """One line per resource: the latest submitted month and the forecast's peak."""
    out = []
    for resource in RESOURCE:
        mine = rows[rows["resource"] == resource]
        done = mine[mine["kind"] == "submitted"]
        if done.empty:
            continue
        last = done.iloc[-1]
        ahead = mine[mine["kind"] == "forecast"]
        peak = ahead.loc[ahead["demand_ratio"].idxmax()] if ahead["demand_ratio"].notna().any() \
            else None
        out.append({
            "resource": resource, "label": _with_unit(resource),
            "month": last["month"], "capacity": last["capacity"], "activity": last["activity"],
            "utilisation": last["utilisation"], "demand": protect_count(last["demand"])
            if last["demand"] == last["demand"] else None,
            "demand_ratio": protect_ratio(last["demand"], last["capacity"]),
            "peak_month": None if peak is None else peak["month"],
            "peak_ratio": None if peak is None else protect_ratio(peak["demand"],
                                                                  peak["capacity"]),
            "method": None if peak is None else peak["method"]})
    return out


def _trusts(con, own: str | None, resource: str) -> list[dict]:
    outlook = capacity_outlook(con, horizon=HORIZON, providers=[own] if own else None)
    panels = []
    for trust, rows in outlook.rows.groupby("provider", sort=True):
        mine = rows[rows["resource"] == resource]
        workforce = outlook.workforce[outlook.workforce["provider"] == trust]
        panels.append({
            "trust": trust,
            "chart": render_interactive(_chart(trust, resource, mine)) if len(mine) else None,
            "summary": _summary(rows),
            "workforce": [dict(r, label=STAFF_GROUP_LABELS[r["staff_group"]])
                          for r in workforce.to_dict("records")],
        })
    return panels


@router.get("/looking-ahead/capacity", include_in_schema=False)
def capacity_page(request: Request, resource: str = "CT", con=Depends(get_con),
                  actor: Actor = Depends(require("view_operations"))):
    if resource not in RESOURCE:
        raise HTTPException(400, "unknown resource: choose one of the capacity dataset's codes")
    own = policy.pack_scope(actor)
    ctx: dict = {"title": "Demand and capacity", "unavailable": None, "horizon": HORIZON,
                 "resource": resource, "resources": [(r, LABELS[r]) for r in RESOURCE]}
    try:
        ctx["trusts"] = data.cached(con, ("capacity", own or "*", resource),
                                    lambda: _trusts(con, own, resource))
    except data.DataUnavailable as exc:
        ctx["unavailable"] = str(exc)
    return render(request, "looking_ahead_capacity.html", **ctx)
