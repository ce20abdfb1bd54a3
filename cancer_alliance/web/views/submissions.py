"""Submissions and data quality: upload in the browser, row-level report, history, completeness.

An upload is saved and queued as a job (:mod:`cancer_alliance.jobs`), which runs the same
ingest as the command line (:func:`cancer_alliance.ingest.ingest_submission`) off the
request path; the browser is sent to the job's status page. The row-level report (rejected rows)
is patient-level: it needs ``view_patient`` for the submission's provider and is audited.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse

from cancer_alliance.auth import policy
from cancer_alliance.auth.model import Actor
from cancer_alliance.errors import UsageError
from cancer_alliance.ingest.admission import check_period, check_provider, data_start, open_month
from cancer_alliance.jobs import queue, spool
from cancer_alliance.reference.organisations import organisations
from cancer_alliance.web import data, paging, params
from cancer_alliance.web.deps import Forbidden, check, get_con, render, require
from cancer_alliance.web.upload_names import upload_name
from cancer_alliance.web.views.standards import csv_response

router = APIRouter()

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def validate_upload(request: Request, actor: Actor, provider: str, period: str) -> None:
    """Refuse a bad period or provider code (400, in fixed words: the values typed are not
    repeated), a provider the reference data does not hold (before anything is queued), or a
    provider outside the actor's scope (one 403 path). The rules are the ingest's own
    (:mod:`cancer_alliance.ingest.admission`)."""
    try:
        check_period(period)
    except UsageError:
        raise HTTPException(400, f"The period must be a month written YYYY-MM, from "
                            f"{data_start()} to the current month, {open_month()}.") from None
    try:
        check_provider(provider)
    except UsageError:
        raise HTTPException(400, "The provider must be an ODS code of 3 or 5 letters or "
                            "digits.") from None
    cur = request.app.state.con.cursor()
    try:
        known = organisations(cur)
    finally:
        cur.close()
    try:
        check_provider(provider, known)
    except UsageError:
        raise HTTPException(400, "The provider is not an organisation of the reference data "
                            "(or not a provider there).") from None
    if not policy.decide(actor, "submit_data", provider).allowed:
        raise Forbidden(policy.decide(actor, "submit_data", provider).reason)


def queue_upload(request: Request, actor: Actor, provider: str, period: str,
                 uploads: list[UploadFile], kind: str = "ingest",
                 needs: str = "pathways.csv is required") -> int:
    """Save the files to the spool and queue their ingest; return the job id.

    ``kind`` is the job's (``ingest`` for pathway submissions, ``capacity`` for capacity
    returns: :data:`cancer_alliance.jobs.runner.HANDLERS`); ``needs`` says which file the
    dataset cannot do without, for the message when none is chosen.

    Runs in the thread pool (the handlers are plain ``def``): copying a large upload and
    writing the job row never happen on the event loop. The ingest itself runs later on a
    job worker (:mod:`cancer_alliance.jobs`).
    """
    named = []
    for up in uploads:
        name = upload_name(up.filename)  # refused before anything is read or written
        if name:
            named.append((name, up.file))
    if not named:
        raise HTTPException(400, f"Choose at least one file ({needs}).")
    runner = request.app.state.jobs
    try:
        folder = spool.save(runner.spool_root, named, MAX_UPLOAD_BYTES)
    except spool.TooLarge:
        raise HTTPException(413, "The upload is larger than 200 MB.") from None
    cur = request.app.state.con.cursor()
    try:
        job_id = queue.enqueue(cur, kind, created_by=actor.username, org_code=provider,
                               period=period, params={"files": len(named)}, spool=folder)
    except BaseException:
        spool.remove(runner.spool_root, folder)
        raise
    finally:
        cur.close()
    runner.notify()
    return job_id


@router.get("/submissions", include_in_schema=False)
def submissions_page(request: Request, provider: str | None = None, con=Depends(get_con),
                     actor: Actor = Depends(require("submit_data", org_param="provider"))):
    own = policy.submit_scope(actor)
    provider = own or params.org_code(provider)
    providers = [own] if own else data.organisations(con, "PROVIDER")["org_code"].tolist()
    # a page of the history at a time (352 submissions once filled one page); the links
    # keep only the provider, already checked above
    pager = paging.paginate(data.submissions(con, provider), request,
                            keep=("provider",) if provider else ())
    return render(
        request, "submissions.html", title="Submissions and data quality",
        history=pager.rows, pager=pager,
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
def upload(
    request: Request, provider: str = Form(...), period: str = Form(...),
    files: list[UploadFile] = File(...), actor: Actor = Depends(require("submit_data")),
):
    """Queue the month's ingest and show its status page (which shows the report when done)."""
    validate_upload(request, actor, provider, period)
    job_id = queue_upload(request, actor, provider, period, files)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


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
    pager = paging.paginate(data.rejections(con, submission_id), request)  # the CSV has all
    return render(request, "submission_result.html", title=f"Submission {submission_id}",
                  result=sub, rejections=pager.rows, pager=pager,
                  rejected_whole=sub.get("message") if sub.get("status") == "rejected" else None,
                  provider=sub["provider_code"], period=sub["period"])


@router.get("/submissions/{submission_id}/rejections.csv", include_in_schema=False)
def rejections_csv(request: Request, submission_id: int, con=Depends(get_con),
                   actor: Actor = Depends(require("submit_data"))):
    sub = _submission_for(request, con, actor, submission_id)
    return csv_response(data.rejections(con, submission_id),
                        f"rejections-{sub['provider_code']}-{sub['period']}-{submission_id}.csv")
