"""Capacity returns in the browser: upload capacity.csv / workforce.csv, history, rejections.

The capacity dataset (docs/reference/capacity-dataset.md) is submitted exactly as the pathway
dataset is (:mod:`.submissions`): the same checks on the provider, month and file names, the
files saved to the spool and queued as a background job (kind ``capacity``), which runs the
very ingest of ``cancer-alliance ingest-capacity`` off the request path. Who may upload or
read a return is the policy's ``submit_data``: the alliance team for any provider, a provider
user for its own trust only. Capacity rows hold no patient data, but an upload and every
opening of a return's report write an audit row, as the issue asks of submissions.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse

from cancer_alliance.auth import audit, policy
from cancer_alliance.auth.model import Actor
from cancer_alliance.web import data, paging, params
from cancer_alliance.web.deps import audit_resource, check, get_con, render, require
from cancer_alliance.web.views.standards import csv_response
from cancer_alliance.web.views.submissions import queue_upload, validate_upload

router = APIRouter()
BASE = "/capacity/submissions"
#: The job kind of :data:`cancer_alliance.jobs.runner.HANDLERS` that loads a capacity return.
JOB_KIND = "capacity"


def _audit(request: Request, actor: Actor, detail: str) -> None:
    cur = request.app.state.con.cursor()
    try:
        audit.record(cur, actor, "submit_data", resource=audit_resource(request),
                     detail=detail)
    finally:
        cur.close()


@router.get(BASE, include_in_schema=False)
def capacity_returns_page(request: Request, provider: str | None = None,
                          con=Depends(get_con),
                          actor: Actor = Depends(require("submit_data",
                                                         org_param="provider"))):
    own = policy.submit_scope(actor)
    provider = own or params.org_code(provider)
    providers = [own] if own else data.organisations(con, "PROVIDER")["org_code"].tolist()
    # a page of returns at a time; the links keep only the provider, checked above
    pager = paging.paginate(data.capacity_submissions(con, provider), request,
                            keep=("provider",) if provider else ())
    return render(request, "capacity_returns.html", title="Capacity returns",
                  history=pager.rows, pager=pager, providers=providers, provider=provider)


@router.post(BASE, include_in_schema=False)
def upload_capacity(
    request: Request, provider: str = Form(...), period: str = Form(...),
    files: list[UploadFile] = File(...), actor: Actor = Depends(require("submit_data")),
):
    """Queue the month's capacity return and show its job's status page."""
    validate_upload(request, actor, provider, period)
    job_id = queue_upload(request, actor, provider, period, files, kind=JOB_KIND,
                          needs="capacity.csv, workforce.csv or both")
    _audit(request, actor, f"provider={provider} period={period} job={job_id}")
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


def _return_for(request: Request, con, actor: Actor, submission_id: int) -> dict:
    sub = data.capacity_submission(con, submission_id)
    if sub is None:
        raise HTTPException(404)
    check(request, actor, "submit_data", sub["provider_code"], audit_view=False)
    _audit(request, actor, f"provider={sub['provider_code']} submission={submission_id}")
    return sub


@router.get(BASE + "/{submission_id}", include_in_schema=False)
def capacity_return_report(request: Request, submission_id: int, con=Depends(get_con),
                           actor: Actor = Depends(require("submit_data"))):
    sub = _return_for(request, con, actor, submission_id)
    pager = paging.paginate(data.capacity_rejections(con, submission_id), request)
    return render(request, "submission_result.html",
                  title=f"Capacity return {submission_id}", result=sub, base=BASE,
                  rejections=pager.rows, pager=pager,
                  rejected_whole=sub.get("message") if sub.get("status") == "rejected" else None,
                  provider=sub["provider_code"], period=sub["period"])


@router.get(BASE + "/{submission_id}/rejections.csv", include_in_schema=False)
def capacity_rejections_csv(request: Request, submission_id: int, con=Depends(get_con),
                            actor: Actor = Depends(require("submit_data"))):
    sub = _return_for(request, con, actor, submission_id)
    return csv_response(data.capacity_rejections(con, submission_id),
                        f"capacity-rejections-{sub['provider_code']}-{sub['period']}-"
                        f"{submission_id}.csv")
