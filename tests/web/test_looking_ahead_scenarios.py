"""``/looking-ahead/scenarios``: a comparison queued as a job, then drawn side by side."""

from __future__ import annotations

import shutil

import pytest
from _stores import web_store
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from cancer_alliance.jobs import queue
from cancer_alliance.store import connect
from cancer_alliance.web.app import create_app
from cancer_alliance.web.settings import WebSettings

from . import synthetic
from .conftest import SECRET, _build, csrf_from, login


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenarios-web") / "alliance.duckdb"
    shutil.copyfile(web_store(tmp_path_factory, _build), path)
    con = connect(path)
    app = create_app(WebSettings(db=None, secret=SECRET, secure_cookies=True, oidc=None,
                                 census=synthetic.CENSUS), con=con)
    yield app
    app.state.jobs.stop()
    con.close()


def _client(app, username: str) -> TestClient:
    c = TestClient(app, base_url="https://testserver")
    assert login(c, username).status_code == 303
    return c


def _post(c: TestClient, **data):
    token = csrf_from(c.get("/looking-ahead/scenarios").text)
    return c.post("/looking-ahead/scenarios", data={"csrf_token": token, **data},
                  follow_redirects=False)


@pytest.fixture(scope="module")
def finished(app):
    c = _client(app, "t-analyst")
    r = _post(c, presets=["extra_ct", "demand_growth"], months="12", replications="10")
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
    job_id = int(r.headers["location"].rsplit("/", 1)[1])
    assert app.state.jobs.wait_idle(300)
    return c, job_id


def test_the_job_runs_the_baseline_and_each_scenario(app, finished):
    c, job_id = finished
    job = queue.get_job(app.state.con, job_id)
    assert job.state == "done", job.error
    rows = job.result["rows"]
    assert {(r[0], r[2]) for r in rows} == {
        (s, m) for s in ("baseline", "extra_ct", "demand_growth")
        for m in ("FDS", "62_DAY", "62_DAY_BACKLOG")}
    assert len({r[1] for r in rows}) == 12
    # the web store is tiny: a month with no pathway in a denominator has no figure (None)
    shown = [r for r in rows if r[3] is not None]
    assert {r[0] for r in shown} == {"baseline", "extra_ct", "demand_growth"}
    assert all(r[4] <= r[3] <= r[5] for r in shown)  # lower <= mean <= upper
    page = BeautifulSoup(c.get(f"/jobs/{job_id}").text, "html.parser")
    assert page.select_one("#job-report")["href"] == f"/looking-ahead/scenarios?job={job_id}"


def test_the_comparison_draws_each_measure_with_every_scenario(finished):
    c, job_id = finished
    s = BeautifulSoup(c.get(f"/looking-ahead/scenarios?job={job_id}").text, "html.parser")
    assert len(s.select("figure.scenario svg")) == 3
    rows = [tr.th.get_text(strip=True) for tr in s.select("#scenario-table tbody tr")]
    assert rows[0] == "Baseline" and rows[1].startswith("An extra CT list")
    assert rows[2].startswith("Referrals 10% above")
    assert "95% interval" in s.text


def test_only_who_may_see_the_job_sees_its_results(app, finished):
    _, job_id = finished
    assert _client(app, "t-board").get(f"/looking-ahead/scenarios?job={job_id}"
                                       ).status_code == 404
    assert _client(app, "t-admin").get(f"/looking-ahead/scenarios?job={job_id}"
                                       ).status_code == 200


def test_bad_choices_are_refused_and_nothing_is_queued(app):
    c = _client(app, "t-analyst")
    before = app.state.con.execute("SELECT count(*) FROM jobs").fetchall()
    assert _post(c, presets=["teleport"]).status_code == 400
    assert _post(c).status_code == 400
    assert _post(c, presets=["extra_ct"], months="7").status_code == 400
    assert app.state.con.execute("SELECT count(*) FROM jobs").fetchall() == before
