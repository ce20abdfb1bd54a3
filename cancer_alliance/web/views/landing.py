"""Where each role lands after logging in, and the board member's one-page summary.

A trust user lands on their trust (``/providers/{org}``), a commissioner on their
population (``/commissioners/{org}``: standards, backlog, stage at diagnosis and outcomes
for their residents), a board member on ``/board`` (the executive summary the board pack
prints, from :func:`cancer_alliance.reports.summary.board_summary`), everyone else on the
alliance overview. The rule is :func:`landing_path`; the role comes from the session,
never from the URL.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from cancer_alliance.auth.model import Actor
from cancer_alliance.reports.summary import board_summary
from cancer_alliance.web import data, selection
from cancer_alliance.web.deps import get_con, render, require

router = APIRouter()


def landing_path(actor: Actor) -> str:
    """The first page for ``actor``'s role (the overview when the role has no own page)."""
    if actor.role == "provider" and actor.org_code:
        return f"/providers/{actor.org_code}"
    if actor.role == "commissioner" and actor.org_code:
        return f"/commissioners/{actor.org_code}"
    if actor.role == "board":
        return "/board"
    return "/"


@router.get("/board", include_in_schema=False)
def board_page(request: Request, con=Depends(get_con),
               actor: Actor = Depends(require("view_operations"))):
    """One page for a board member: the executive summary, the headline standards and the
    backlog, all protected as the board pack is (the same function builds both). Monthly,
    like the pack: a longer period chosen shows the month it ends at."""
    sel = selection.select(request, con)
    ctx: dict = {"title": "Board summary", "month": sel.last, "one_page": None}
    if sel.last:
        ctx["one_page"] = data.cached(con, ("board-summary", sel.last, data.plans_version(con)),
                                      lambda: board_summary(con, sel.last))
    return render(request, "board.html", **ctx)
