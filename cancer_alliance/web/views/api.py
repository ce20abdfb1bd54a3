"""The HTTP API (JSON, OpenAPI at ``/api/docs``): submissions from trust systems, aggregates.

Trust systems authenticate with a per-provider bearer token (``Authorization: Bearer
cat_...``, made by ``cancer-alliance tokens add``). A token acts as a provider user of its
own trust: it can submit for that trust only. Aggregate endpoints pass through the same
protection as the pages (public callers get protected figures). Errors have one shape:
``{"error": {"status", "title", "message"}}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import (
    APIRouter,
    Depends,
    File,
    Form,
    HTTPException,
    Request,
    Response,
    Security,
    UploadFile,
)
from fastapi.security import HTTPBearer
from pydantic import BaseModel, Field

from cancer_alliance.auth.model import Actor
from cancer_alliance.dataset import periods
from cancer_alliance.jobs import queue as jobs
from cancer_alliance.web import data, params
from cancer_alliance.web.deps import LoginRequired, check, current_actor, get_con, require
from cancer_alliance.web.views.jobs import may_see
from cancer_alliance.web.views.standards import breakdown_table, latest_or
from cancer_alliance.web.views.submissions import queue_upload, validate_upload


class ErrorBody(BaseModel):
    status: int
    title: str
    message: str


class ErrorOut(BaseModel):
    """Every API error has this one shape (web/errors.py)."""

    error: ErrorBody


# Declared on every operation so the OpenAPI document says what the error path can answer
# (Schemathesis checks each status against it).
ERRORS = {code: {"model": ErrorOut, "description": text} for code, text in {
    400: "A bad parameter (the value is not repeated)", 401: "No or invalid token",
    403: "Not allowed for this caller", 404: "No such resource", 422: "Invalid request",
    503: "The store is briefly in use by a command-line task"}.items()}
router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS)

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


class JobOut(BaseModel):
    """A queued piece of long work (an upload's ingest) and how far it has got."""

    job_id: int
    kind: str
    state: str = Field(description="queued, running, done or failed")
    provider: str | None = None
    period: str | None = None
    stage: str | None = None
    progress: float = Field(ge=0, le=1)
    result: dict[str, Any] | None = Field(
        None, description="When done: the ingest summary (submission_id, rows_read, ...)")
    error: str | None = None
    created_at: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    status_url: str


def job_out(job) -> dict[str, Any]:
    return {**job.public(), "status_url": f"/api/v1/jobs/{job.job_id}"}


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


@router.post("/submissions", status_code=202, response_model=JobOut,
             responses={400: {"description": "A bad period or file"},
                        401: {"description": "No or invalid token"},
                        403: {"description": "Not allowed for this provider"},
                        413: {"description": "Larger than 200 MB"}},
             dependencies=TOKEN)
def post_submission(
    request: Request, response: Response,
    period: str = Form(..., description="Reporting month, YYYY-MM"),
    files: list[UploadFile] = File(..., description="pathways.csv and optional files"),
    provider: str | None = Form(None, description="Defaults to the token's provider"),
    actor: Actor = Depends(current_actor),
):
    """Submit one provider's month of data (multipart files). The ingest runs as a job:
    the answer is 202 with the job, whose ``status_url`` gives its state and, when done,
    the ingest summary (or why the whole submission was rejected)."""
    provider = provider or actor.org_code or ""
    check(request, actor, "submit_data", provider or None)
    validate_upload(request, actor, provider, period)
    job_id = queue_upload(request, actor, provider, period, files)
    response.headers["Location"] = f"/api/v1/jobs/{job_id}"
    cur = request.app.state.con.cursor()
    try:
        return job_out(jobs.get_job(cur, job_id))
    finally:
        cur.close()


@router.get("/jobs/{job_id}", response_model=JobOut, dependencies=TOKEN,
            responses={404: {"description": "No such job (or not yours)"}})
def get_job(request: Request, job_id: int, con=Depends(get_con),
            actor: Actor = Depends(current_actor)):
    """A job's state and progress; when done, its result (an ingest's summary)."""
    if actor.is_anonymous:
        raise LoginRequired()
    job = jobs.get_job(con, job_id)
    if job is None or not may_see(actor, job):
        raise HTTPException(404, "There is no such job.")
    return job_out(job)


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
