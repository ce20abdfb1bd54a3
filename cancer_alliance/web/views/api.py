"""The HTTP API (JSON, OpenAPI at ``/api/docs``): submissions from trust systems, aggregates.

Trust systems authenticate with a per-provider bearer token (``Authorization: Bearer
cat_...``, made by ``cancer-alliance tokens add``). A token acts as a provider user of its
own trust: it can submit for that trust only. Aggregate endpoints pass through the same
protection as the pages (public callers get protected figures). Errors have one shape:
``{"error": {"status", "title", "message"}}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, Security, UploadFile
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBearer
from pydantic import BaseModel

from cancer_alliance.auth.model import Actor
from cancer_alliance.dataset import periods
from cancer_alliance.errors import SubmissionRejected
from cancer_alliance.web import data, params
from cancer_alliance.web.deps import check, current_actor, get_con, require
from cancer_alliance.web.views.standards import breakdown_table, latest_or
from cancer_alliance.web.views.submissions import read_files, run_ingest, validate_upload

router = APIRouter(prefix="/api/v1", tags=["api"])

PROVIDER_TOKEN = HTTPBearer(
    scheme_name="ProviderToken", auto_error=False,
    description="A per-provider API token (`cancer-alliance tokens add --provider CODE`), "
    "sent as `Authorization: Bearer cat_...`. It acts as a provider user of that trust.",
)
"""Declares the bearer scheme in the OpenAPI document; :func:`current_actor` reads the token,
so who may do what is still decided by the one policy (``auto_error=False``: no 403 here)."""
TOKEN = [Security(PROVIDER_TOKEN)]


class SubmissionSummary(BaseModel):
    """What a submission did: the ingest summary, as ``cancer-alliance ingest --json``."""

    submission_id: int
    rows_read: int
    accepted: int
    rejected: int
    model_config = {"extra": "allow"}


class StandardOut(BaseModel):
    code: str
    name: str
    short_name: str
    era: str
    limit_days: int
    rule_text: str
    reference_section: str
    thresholds: list[dict[str, Any]]


@router.get("/standards", response_model=list[StandardOut])
def list_standards(actor: Actor = Depends(require("view_aggregate"))):
    """Every standard with its rule and threshold history."""
    return [
        StandardOut(code=d.code, name=d.name, short_name=d.short_name, era=d.era,
                    limit_days=d.limit_days, rule_text=d.rule_text,
                    reference_section=d.reference_section,
                    thresholds=[{"effective_from": t.effective_from.isoformat(),
                                 "value_percent": t.value_percent, "label": t.label}
                                for t in d.thresholds])
        for d in data.standard_defs().values()
    ]


@router.get("/metrics/{standard}")
def get_metric(standard: str, by: str = "provider", period: str | None = None,
               con=Depends(get_con), actor: Actor = Depends(require("view_aggregate"))):
    """One standard by a breakdown for a month (default latest), protected for the caller.

    ``by`` is one of provider, commissioner, tumour_group, route, modality, ethnic_group,
    imd_quintile, age_band, sex. Suppressed counts are ``null``.
    """
    if standard not in data.standard_defs():
        raise HTTPException(404, "There is no such standard.")  # never echo a URL value
    if by not in data.BREAKDOWNS:
        raise HTTPException(400, f"by must be one of {', '.join(data.BREAKDOWNS)}.")
    # default: the latest complete month, as on the pages (the reporting calendar)
    period = latest_or(con, standard, params.period(period))
    table = breakdown_table(con, actor, standard, by, period)
    rows = table.astype(object).where(table.notna(), None).to_dict("records")
    applies = (data.standard_defs()[standard].applicable(periods.month_start(period))
               if period else None)
    return {"standard": standard, "period": period, "by": by, "rows": rows,
            "edition": data.edition(con, period),
            "threshold": (applies.standard.value_percent
                          if applies and applies.standard else None),
            "objective": (applies.objective.value_percent
                          if applies and applies.objective else None)}


@router.post("/submissions", response_model=SubmissionSummary,
             responses={401: {"description": "No or invalid token"},
                        403: {"description": "Not allowed for this provider"},
                        422: {"description": "The whole submission was unreadable"}},
             dependencies=TOKEN)
async def post_submission(
    request: Request,
    period: str = Form(..., description="Reporting month, YYYY-MM"),
    files: list[UploadFile] = File(..., description="pathways.csv and optional files"),
    provider: str | None = Form(None, description="Defaults to the token's provider"),
    actor: Actor = Depends(current_actor),
):
    """Submit one provider's month of data (multipart files); returns the ingest summary."""
    provider = provider or actor.org_code or ""
    check(request, actor, "submit_data", provider or None)
    validate_upload(actor, provider, period)
    contents = await read_files(files)
    cur = request.app.state.con.cursor()
    try:
        result = run_ingest(cur, actor, provider, period, contents)
    except SubmissionRejected as exc:
        return JSONResponse({"error": {"status": 422, "title": "Submission rejected",
                                       "message": str(exc)}}, status_code=422)
    finally:
        cur.close()
    return result.as_dict() if hasattr(result, "as_dict") else dict(result)


@router.get("/submissions/{submission_id}", response_model=SubmissionSummary,
            dependencies=TOKEN)
def get_submission(request: Request, submission_id: int, con=Depends(get_con),
                   actor: Actor = Depends(current_actor)):
    """A submission's summary (counts only; the row-level report is on the web page)."""
    sub = data.submission(con, submission_id)
    if sub is None:
        raise HTTPException(404, "No such submission.")
    check(request, actor, "submit_data", sub["provider_code"])
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in sub.items()}
