"""Jobs seen from the web: who may see a job, and the upload handlers stay off the event loop.

Issue 14, finding 1/3: upload handlers were ``async def`` and ran the synchronous ingest on
the event loop, so one upload stalled every user. They are now plain functions (run in the
thread pool) that only save the files and queue a job.
"""

from __future__ import annotations

import inspect

import pytest
from fastapi.testclient import TestClient

from cancer_alliance.jobs import queue
from cancer_alliance.web.views import api, capacity_returns, submissions

from .conftest import login


def test_upload_handlers_never_run_on_the_event_loop():
    for handler in (submissions.upload, api.post_submission,
                    capacity_returns.upload_capacity):
        assert not inspect.iscoroutinefunction(handler), handler.__name__


@pytest.fixture(scope="module")
def jobs_by_owner(store):
    """Two finished jobs made directly in the store: one by the provider user for RAA, one by
    the analyst for RBB (no worker needed to test who may see them)."""
    cur = store.cursor()
    cur.execute("BEGIN")  # settled before any worker could see them queued
    mine = queue.enqueue(cur, "ingest", created_by="t-provider", org_code="RAA",
                         period="2024-06")
    theirs = queue.enqueue(cur, "ingest", created_by="t-analyst", org_code="RBB",
                           period="2024-06")
    for job_id in (mine, theirs):
        queue.fail(cur, job_id, "made by a test")
    cur.execute("COMMIT")
    cur.close()
    return mine, theirs


# role -> (sees RAA's job by t-provider, sees RBB's job by t-analyst)
SEES = {"admin": (True, True), "analyst": (True, True), "provider": (True, False),
        "commissioner": (False, False), "board": (False, False)}


@pytest.mark.parametrize("role", sorted(SEES))
def test_who_may_see_a_job(clients, jobs_by_owner, role):
    for job_id, allowed in zip(jobs_by_owner, SEES[role], strict=True):
        page = clients[role].get(f"/jobs/{job_id}")
        api_answer = clients[role].get(f"/api/v1/jobs/{job_id}")
        assert page.status_code == (200 if allowed else 404), (role, job_id)
        assert api_answer.status_code == (200 if allowed else 404), (role, job_id)
        if allowed:
            assert api_answer.json()["state"] == "failed"


def test_the_public_is_sent_to_log_in_and_the_api_says_401(client, jobs_by_owner):
    r = client.get(f"/jobs/{jobs_by_owner[0]}", follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"].startswith("/login")
    assert client.get(f"/api/v1/jobs/{jobs_by_owner[0]}").status_code == 401


def test_an_unknown_job_is_the_same_404(clients):
    assert clients["admin"].get("/jobs/999999").status_code == 404
    assert clients["admin"].get("/api/v1/jobs/999999").status_code == 404


def test_a_running_job_page_refreshes_itself_without_script(app, store):
    cur = store.cursor()
    cur.execute("BEGIN")
    job_id = queue.enqueue(cur, "pack", created_by="t-analyst", period="2024-06",
                           params={"kind": "BOARD", "fmt": "html"})
    # claimed by hand (as a worker would), so the page shows a running job
    cur.execute("UPDATE jobs SET state = 'running', stage = 'building the pack', "
                "progress = 0.3 WHERE job_id = ?", [job_id])
    cur.execute("COMMIT")
    cur.close()
    c = TestClient(app, base_url="https://testserver")
    assert login(c, "t-analyst").status_code == 303
    html = c.get(f"/jobs/{job_id}").text
    assert '<meta http-equiv="refresh" content="2">' in html
    assert 'value="30"' in html and "building the pack" in html
    cur = store.cursor()
    queue.fail(cur, job_id, "made by a test")
    cur.close()
