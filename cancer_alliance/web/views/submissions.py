"""Submissions and data quality: upload in the browser, row-level report, history, completeness.

The upload runs the same ingest as the command line
(:func:`cancer_alliance.ingest.ingest_submission`). The row-level report (rejected rows)
is patient-level: it needs ``view_patient`` for the submission's provider and is audited.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile

from cancer_alliance import metrics
from cancer_alliance.auth import policy
from cancer_alliance.auth.model import Actor
from cancer_alliance.dataset import periods
from cancer_alliance.errors import SubmissionRejected
from cancer_alliance.ingest import ingest_submission
from cancer_alliance.web import data, params
from cancer_alliance.web.deps import Forbidden, check, get_con, render, require
from cancer_alliance.web.views.standards import csv_response

router = APIRouter()

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".parquet", ".xlsx")


def run_ingest(con, actor: Actor, provider: str, period: str, files: dict[str, bytes]):
    """Validate and apply one submission exactly as ``cancer-alliance ingest`` does.

    Then refresh the materialised outcomes of the providers it touched, so the next page
    view aggregates stored rows.
    """
    result = ingest_submission(con, provider=provider, period=period,
                               submitted_by=actor.username, files=files)
    metrics.refresh(con, result.submission_id)
    data.clear_cache()
    return result


def validate_upload(actor: Actor, provider: str, period: str) -> None:
    """Refuse a bad period or a provider outside the actor's scope (one 403 path)."""
    if not periods.is_month(period):
        raise HTTPException(400, "The period must be a month written YYYY-MM.")
    if not policy.decide(actor, "submit_data", provider).allowed:
        raise Forbidden(policy.decide(actor, "submit_data", provider).reason)


async def read_files(uploads: list[UploadFile]) -> dict[str, bytes]:
    files, size = {}, 0
    for up in uploads:
        name = (up.filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
        if not name:
            continue
        if not name.lower().endswith(ALLOWED_SUFFIXES):
            # the file's name is not repeated: it could be anything, an NHS number included
            raise HTTPException(400, "Each file must be CSV, Parquet or Excel (.csv, .parquet "
                                "or .xlsx).")
        content = await up.read()
        size += len(content)
        if size > MAX_UPLOAD_BYTES:
            raise HTTPException(413, "The upload is larger than 200 MB.")
        files[name] = content
    if not files:
        raise HTTPException(400, "Choose at least one file (pathways.csv is required).")
    return files


@router.get("/submissions", include_in_schema=False)
def submissions_page(request: Request, provider: str | None = None, con=Depends(get_con),
                     actor: Actor = Depends(require("submit_data", org_param="provider"))):
    own = policy.submit_scope(actor)
    provider = own or params.org_code(provider)
    providers = [own] if own else data.organisations(con, "PROVIDER")["org_code"].tolist()
    return render(
        request, "submissions.html", title="Submissions and data quality",
        history=data.submissions(con, provider).to_dict("records"),
        completeness=_completeness(con, provider), providers=providers, provider=provider,
        periods=data.periods(con),
    )


def _completeness(con, provider: str | None) -> list[dict]:
    df = data.completeness(con, provider)
    rows = []
    for r in df.to_dict("records"):
        r["stage_pct"] = 100 * r["staged"] / r["diagnosed"] if r["diagnosed"] else None
        r["ethnicity_pct"] = 100 * r["ethnicity_stated"] / r["pathways"] if r["pathways"] else None
        r["nhs_pct"] = 100 * r["nhs_number_present"] / r["pathways"] if r["pathways"] else None
        rows.append(r)
    return rows


@router.post("/submissions", include_in_schema=False)
async def upload(
    request: Request, provider: str = Form(...), period: str = Form(...),
    files: list[UploadFile] = File(...), actor: Actor = Depends(require("submit_data")),
):
    validate_upload(actor, provider, period)
    contents = await read_files(files)
    cur = request.app.state.con.cursor()
    try:
        try:
            result = run_ingest(cur, actor, provider, period, contents)
        except SubmissionRejected as exc:
            return render(request, "submission_result.html", status_code=422,
                          title="Submission rejected", rejected_whole=str(exc), result=None,
                          rejections=[], provider=provider, period=period)
        except data.DataUnavailable as exc:
            return render(request, "submission_result.html", status_code=503,
                          title="Upload unavailable", rejected_whole=str(exc), result=None,
                          rejections=[], provider=provider, period=period)
        summary = result.as_dict() if hasattr(result, "as_dict") else dict(result)
        check(request, actor, "view_patient", provider)
        rejections = data.rejections(cur, int(summary["submission_id"])).to_dict("records")
    finally:
        cur.close()
    return render(request, "submission_result.html", title="Submission loaded", result=summary,
                  rejections=rejections, rejected_whole=None, provider=provider, period=period)


def _submission_for(request: Request, con, actor: Actor, submission_id: int) -> dict:
    sub = data.submission(con, submission_id)
    if sub is None:
        raise HTTPException(404)
    check(request, actor, "view_patient", sub["provider_code"])
    return sub


@router.get("/submissions/{submission_id}", include_in_schema=False)
def submission_report(request: Request, submission_id: int, con=Depends(get_con),
                      actor: Actor = Depends(require("submit_data"))):
    sub = _submission_for(request, con, actor, submission_id)
    return render(request, "submission_result.html", title=f"Submission {submission_id}",
                  result=sub, rejections=data.rejections(con, submission_id).to_dict("records"),
                  rejected_whole=sub.get("message") if sub.get("status") == "rejected" else None,
                  provider=sub["provider_code"], period=sub["period"])


@router.get("/submissions/{submission_id}/rejections.csv", include_in_schema=False)
def rejections_csv(request: Request, submission_id: int, con=Depends(get_con),
                   actor: Actor = Depends(require("submit_data"))):
    sub = _submission_for(request, con, actor, submission_id)
    return csv_response(data.rejections(con, submission_id),
                        f"rejections-{sub['provider_code']}-{sub['period']}-{submission_id}.csv")
