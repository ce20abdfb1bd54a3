"""A job's status page: where an upload (or a pack being made) is, and what it did.

Who may see a job: the person (or token) who queued it, and anyone the one policy lets
act for the job's provider (``submit_data`` for an ingest, ``edit_operations`` for a pack).
Anyone else gets the same 404 as for a job that does not exist.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request

from cancer_alliance.auth import policy
from cancer_alliance.auth.model import Actor
from cancer_alliance.jobs import queue
from cancer_alliance.web.deps import get_con, render, require

router = APIRouter()
REFRESH_S = 2  # the page reloads itself while the job is queued or running (no script)


def may_see(actor: Actor, job: queue.Job) -> bool:
    if actor.is_anonymous:
        return False
    if actor.username == job.created_by and actor.role != "public":
        return True
    action = "submit_data" if job.kind in ("ingest", "capacity") else "edit_operations"
    return policy.decide(actor, action, job.org_code).allowed


@router.get("/jobs/{job_id}", include_in_schema=False)
def job_page(request: Request, job_id: int, con=Depends(get_con),
             actor: Actor = Depends(require("view_operations"))):
    job = queue.get_job(con, job_id)
    if job is None or not may_see(actor, job):
        raise HTTPException(404, "There is no such job.")
    what = {"ingest": "Upload", "capacity": "Capacity return",
            "scenarios": "Scenario comparison"}.get(job.kind, "Pack")
    return render(request, "job.html", title=f"{what} {job_id}: {job.state}", job=job,
                  refresh=None if job.finished else REFRESH_S,
                  percent=round(100 * job.progress))
