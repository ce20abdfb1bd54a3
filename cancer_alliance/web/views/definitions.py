"""Definitions: every measure, its rule, threshold history and source, from the definitions."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from cancer_alliance.web import data
from cancer_alliance.web.deps import render, require

router = APIRouter()


@router.get("/definitions", include_in_schema=False)
def definitions(request: Request, actor=Depends(require("view_aggregate"))):
    standards = list(data.standard_defs().values())
    return render(request, "definitions.html", title="Definitions", standards=standards,
                  measures=list(data.measure_defs().items()))


@router.get("/api/docs", include_in_schema=False)
def api_docs(request: Request):
    """Swagger UI from vendored files (no CDN, no inline script) over /api/openapi.json."""
    return request.app.state.templates.TemplateResponse(request, "api_docs.html", {})


@router.get("/healthz", include_in_schema=False)
def healthz(request: Request):
    """Up, and whether the pages are prepared for the current data (``ready``) or the
    warm-up is still preparing them (``preparing``: pages answer, some computed on demand).
    Touches no store, so it answers whatever the service is doing."""
    warmer = getattr(request.app.state, "warmer", None)
    ready = warmer is None or warmer.wait_idle(0)
    return {"status": "ok", "pages": "ready" if ready else "preparing"}
