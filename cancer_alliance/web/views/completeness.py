"""The completeness grid: which provider has sent which month, and the month's edition.

Months down the page, providers across: each cell says the state (not due, awaiting,
submitted, resubmitted, late, final), the rows accepted and rejected and when the latest
submission arrived. Scoped like the submissions page: a provider user sees its own column.
The alliance team can finalise a month here (``finalise_month`` in the policy, audited),
and sees the revisions of final months (resubmissions after they were final).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from cancer_alliance.auth import audit, policy
from cancer_alliance.auth.model import Actor
from cancer_alliance.calendar import finalise
from cancer_alliance.dataset import periods
from cancer_alliance.errors import UsageError
from cancer_alliance.metrics.revisions import revisions as figure_revisions
from cancer_alliance.web import data
from cancer_alliance.web.deps import get_con, render, require

router = APIRouter()

STATE_LABELS = {"not_due": "Not due", "awaiting": "Awaiting", "submitted": "Submitted",
                "resubmitted": "Resubmitted", "late": "Late", "final": "Final"}


def grid_context(con, provider: str | None) -> dict:
    """Rows (one per month, newest first) of cells (one per provider) for the page."""
    cal = data.reporting_calendar(con)
    cells = [c for c in cal.cells if provider is None or c.provider_code == provider]
    providers = sorted({c.provider_code for c in cells})
    by_key = {(c.provider_code, c.period): c for c in cells}
    months = []
    for m in reversed(cal.months):
        months.append({
            "period": m.period, "complete": m.complete, "edition": m.edition,
            "in_data": m.in_data, "missing": ", ".join(m.missing),
            "received": len(m.received), "expected": len(m.expected),
            "deadline": m.deadline, "final_deadline": m.final_deadline,
            "finalised_by": m.finalised_by, "finalised_at": m.finalised_at,
            "can_finalise": not m.final and bool(m.received)
            and (cal.as_of is None or cal.as_of > periods.month_end(m.period)),
            "cells": [by_key.get((p, m.period)) for p in providers],
        })
    revisions = figure_revisions(con)
    if provider is not None:
        revisions = revisions[revisions["provider_code"] == provider]
    counts: dict[str, int] = {}
    for c in cells:
        counts[c.state] = counts.get(c.state, 0) + 1
    return {"providers": providers, "months": months,
            "latest": cal.latest_complete, "data_start": cal.data_start,
            "settings": cal.settings, "counts": counts, "labels": STATE_LABELS,
            "revisions": revisions.to_dict("records")}


@router.get("/completeness", include_in_schema=False)
def completeness_page(request: Request, con=Depends(get_con),
                      actor: Actor = Depends(require("submit_data"))):
    own = policy.submit_scope(actor)
    ctx = grid_context(con, own)
    return render(request, "completeness.html", title="Completeness by provider and month",
                  scoped_to=own, can_finalise=policy.decide(actor, "finalise_month").allowed,
                  **ctx)


@router.post("/completeness/finalise", include_in_schema=False)
def finalise_month(request: Request, period: str = Form(...),
                   actor: Actor = Depends(require("finalise_month"))):
    """Make a month final now; refused (with the reason) if it cannot be."""
    if not periods.is_month(period):
        raise HTTPException(400, "The period must be a month written YYYY-MM.")
    cur = request.app.state.con.cursor()
    try:
        with audit.atomic(cur, actor, "finalise_month", "calendar", f"finalised {period}"):
            try:
                finalise(cur, period, actor.username)
            except UsageError as exc:
                raise HTTPException(409, str(exc)) from None
    finally:
        cur.close()
    data.clear_cache()
    return RedirectResponse("/completeness", status_code=303)
