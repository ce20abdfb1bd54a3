"""The public view: no login, aggregates only, always with small-number protection.

Figures are computed as the anonymous public sees them, whoever is logged in, so a
screenshot of this page is always safe to publish. Being the same for everyone, the page is
kept per data version; just after a submission, while the warm-up prepares the new one,
visitors get the previous one at once with a note saying which data it shows.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from cancer_alliance.auth.model import Actor
from cancer_alliance.web import data
from cancer_alliance.web.deps import get_con, render, require
from cancer_alliance.web.views.overview import headline_rows
from cancer_alliance.web.views.standards import breakdown_table

router = APIRouter()


@router.get("/public", include_in_schema=False)
def public_page(request: Request, con=Depends(get_con),
                actor: Actor = Depends(require("view_aggregate"))):
    # the same for everyone (computed as the public sees it); just after a submission,
    # while the new figures are being prepared, the previous ones are shown, saying so
    ctx, previous = data.cached_or_previous(con, ("public-page",), lambda: _context(con))
    stale = data.loaded_at(previous) if previous is not None else None
    return render(request, "public.html", public_protected=True, stale_as_of=stale, **ctx)


def _context(con) -> dict:
    public = Actor.anonymous()
    ctx: dict = {"title": "Public view", "unavailable": None, "headlines": [], "tables": []}
    try:
        ctx["headlines"] = headline_rows(con, public)
        for code in data.HEADLINE:
            if code not in data.standard_defs():
                continue
            defn = data.standard_defs()[code]
            period = ctx["headlines"][0]["period"] if ctx["headlines"] else None
            t = breakdown_table(con, public, code, "provider", period)
            ctx["tables"].append((defn, period, t.to_dict("records")))
    except data.DataUnavailable as exc:
        ctx["unavailable"] = str(exc)
    return ctx
