"""``/looking-ahead/scenarios``: the baseline against up to three ready-made scenarios.

A user picks scenarios (:data:`cancer_alliance.outlook.scenario_presets.PRESETS`), a horizon
and a number of replications; the comparison runs as a background job (``scenarios``,
:func:`cancer_alliance.jobs.runner.run_scenarios`: a fit and several simulations take tens
of seconds), and its status page links back here with ``?job=ID``, where FDS, 62-day
performance and the 62-day backlog are drawn one chart per measure, every scenario on the
same axes with its 95% interval over replications, and the alliance's plan (its trajectory
for the measure, ``operations.trajectories``) where one is set for the simulated months, so
a reader sees which scenario reaches the plan. Figures are simulated, not counts of
real patients, and alliance-wide, so any role that may see "Looking ahead"
(``view_operations``) may run and read a comparison; a job's results are shown only to
those who may see the job (:func:`cancer_alliance.web.views.jobs.may_see`).
"""

from __future__ import annotations

import pandas as pd
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from cancer_alliance.auth.model import Actor
from cancer_alliance.charts import ChartSpec, Series, builders, render_interactive
from cancer_alliance.errors import UsageError
from cancer_alliance.jobs import queue
from cancer_alliance.operations import trajectories
from cancer_alliance.operations.actuals import ALLIANCE
from cancer_alliance.outlook.scenario_presets import (
    COMPARED,
    MAX_SCENARIOS,
    PRESETS,
    check_presets,
)
from cancer_alliance.web.deps import get_con, render, require
from cancer_alliance.web.views.jobs import may_see

router = APIRouter()
MONTHS = (12, 24)
REPLICATIONS = (10, 20)
TITLES = {"FDS": ("Faster Diagnosis Standard", "%"), "62_DAY": ("62-day standard", "%"),
          "62_DAY_BACKLOG": ("62-day backlog (pathways past day 62)", "")}


def _chart(measure: str, rows: pd.DataFrame, order: list[str],
           planned: dict[str, float] | None = None) -> ChartSpec:
    """One measure's chart: each scenario's mean and 95% interval by month, and the plan
    (``{month: planned value}``, the trajectory of the same measure code) where it covers a
    simulated month."""
    title, unit = TITLES[measure]
    mine = rows[rows["measure"] == measure]
    xs = sorted(mine["month"].unique())
    series = []
    for name in order:
        part = mine[mine["scenario"] == name].set_index("month").reindex(xs)
        label = "Baseline" if name == "baseline" else PRESETS[name].label
        series.append(Series.of(label, xs, part["mean"].tolist()))
        series.append(Series.of(f"{label}: lower 95%", xs, part["lower"].tolist(),
                                role="limit"))
        series.append(Series.of(f"{label}: upper 95%", xs, part["upper"].tolist(),
                                role="limit"))
    plan = builders.plan_line(xs, planned or {})
    if plan is not None:  # first, so the legend names it however many scenarios follow
        series.insert(0, plan)
    return ChartSpec(kind="line", title=title, series=tuple(series), x_title="Month",
                     y_title=title, unit=unit,
                     description=f"{title} by month, simulated: the baseline and each "
                     "scenario (mean over replications, with its 95% interval), same axes"
                     + ("; the dotted line is the alliance's plan." if plan else "."))


def _results(job: queue.Job, plans: dict[str, dict[str, float]]) -> dict:
    """The comparison's charts and last-month table; ``plans`` is the alliance's trajectory
    by measure code (read on every view: a plan changes without the job changing)."""
    r = job.result or {}
    rows = pd.DataFrame(r.get("rows", []), columns=["scenario", "month", "measure", "mean",
                                                    "lower", "upper"])
    order = ["baseline", *r.get("presets", [])]
    last = rows[rows["month"] == rows["month"].max()] if len(rows) else rows
    table = []
    for name in order:
        mine = last[last["scenario"] == name].set_index("measure")
        table.append({"scenario": "Baseline" if name == "baseline" else PRESETS[name].label,
                      **{m: (mine.loc[m, "mean"], mine.loc[m, "lower"], mine.loc[m, "upper"])
                         for m in COMPARED if m in mine.index}})
    return {"charts": [render_interactive(_chart(m, rows, order, plans.get(m)))
                       for m in COMPARED],
            "table": table, "last_month": last["month"].max() if len(last) else None,
            "months": r.get("months"), "replications": r.get("replications"),
            "fitted_on": r.get("fitted_on")}


@router.get("/looking-ahead/scenarios", include_in_schema=False)
def scenarios_page(request: Request, job: int | None = None, con=Depends(get_con),
                   actor: Actor = Depends(require("view_operations"))):
    ctx: dict = {"title": "Scenarios", "presets": list(PRESETS.values()),
                 "max_scenarios": MAX_SCENARIOS, "months_choices": MONTHS,
                 "replication_choices": REPLICATIONS, "job": None, "results": None}
    if job is not None:
        found = queue.get_job(con, job)
        if found is None or found.kind != "scenarios" or not may_see(actor, found):
            raise HTTPException(404, "There is no such comparison.")
        ctx["job"] = found
        if found.state == "done":
            ctx["results"] = _results(found, {m: trajectories.get_planned(con, ALLIANCE, m)
                                              for m in COMPARED})
    return render(request, "looking_ahead_scenarios.html", **ctx)


@router.post("/looking-ahead/scenarios", include_in_schema=False)
def run_comparison(request: Request, presets: list[str] = Form([]), months: int = Form(12),
                   replications: int = Form(10), con=Depends(get_con),
                   actor: Actor = Depends(require("view_operations"))):
    """Queue the comparison as a job and show its status page."""
    try:
        chosen = check_presets(presets)
    except UsageError as exc:
        raise HTTPException(400, str(exc)) from None
    if months not in MONTHS or replications not in REPLICATIONS:
        raise HTTPException(400, "Choose a horizon and a number of replications from the "
                            "lists.")
    job_id = queue.enqueue(con, "scenarios", created_by=actor.username,
                           params={"presets": chosen, "months": months,
                                   "replications": replications})
    request.app.state.jobs.notify()
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)
