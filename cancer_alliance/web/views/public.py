"""The public view: no login, aggregates only, always with small-number protection.

Figures are computed as the anonymous public sees them, whoever is logged in, so a
screenshot of this page is always safe to publish.
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
    return render(request, "public.html", public_protected=True, **ctx)
