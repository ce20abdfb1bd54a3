"""``/looking-ahead/scenarios``: a comparison queued as a job, then drawn side by side."""

from __future__ import annotations

import shutil

import pandas as pd
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


def test_a_chart_carries_the_plan_for_the_months_with_a_trajectory():
    """The plan is drawn for exactly the simulated months it covers (issue 17 item 5:
    forecast charts beside the plan trajectory); months outside the simulation are left off."""
    from cancer_alliance.web.views.outlook_scenarios import _chart

    rows = pd.DataFrame(
        [["baseline", m, "62_DAY_BACKLOG", v, v - 5, v + 5]
         for m, v in (("2027-01", 100.0), ("2027-02", 110.0), ("2027-03", 120.0))],
        columns=["scenario", "month", "measure", "mean", "lower", "upper"])
    planned = {"2026-12": 90.0, "2027-02": 105.0, "2027-03": 95.0, "2027-04": 80.0}
    spec = _chart("62_DAY_BACKLOG", rows, ["baseline"], planned)
    plan = [s for s in spec.series if s.name == "Plan"]
    assert len(plan) == 1 and plan[0].role == "target"
    assert [(p.x, p.y) for p in plan[0].points] == [
        ("2027-01", None), ("2027-02", 105.0), ("2027-03", 95.0)]
    assert "plan" in spec.description
    assert not [s for s in _chart("62_DAY_BACKLOG", rows, ["baseline"], {}).series
                if s.name == "Plan"]
    # a trajectory wholly outside the simulated months draws nothing
    assert not [s for s in _chart("62_DAY_BACKLOG", rows, ["baseline"],
                                  {"2026-01": 1.0}).series if s.name == "Plan"]


def _plan_column(html: str, title: str) -> dict[str, str]:
    s = BeautifulSoup(html, "html.parser")
    for table in s.select("figure.scenario table.data"):
        if table.caption.get_text(strip=True) == f"{title}: data":
            heads = [th.get_text(strip=True) for th in table.select("thead th")]
            if "Plan" not in heads:
                return {}
            i = heads.index("Plan")
            return {tr.th.get_text(strip=True): tr.select("td")[i - 1].get_text(strip=True)
                    for tr in table.select("tbody tr")}
    raise AssertionError(f"no chart titled {title}")


def test_the_alliance_plan_is_drawn_on_the_comparison_and_follows_an_edit(app, finished):
    from cancer_alliance.operations import trajectories

    c, job_id = finished
    months = sorted({r[1] for r in queue.get_job(app.state.con, job_id).result["rows"]})
    url = f"/looking-ahead/scenarios?job={job_id}"
    title = "62-day backlog (pathways past day 62)"
    assert _plan_column(c.get(url).text, title) == {}
    con = app.state.con
    try:
        trajectories.set_planned(con, "ALLIANCE", "62_DAY_BACKLOG",
                                 {months[0]: 40, months[1]: 35}, updated_by="test")
        plan = _plan_column(c.get(url).text, title)
        assert plan[months[0]] == "40" and plan[months[1]] == "35"
        assert all(plan[m] == "" for m in months[2:])
        # the legend names it
        s = BeautifulSoup(c.get(url).text, "html.parser")
        assert any("Plan" in g.get_text(" ") for g in s.select("figure.scenario g.legend"))
        trajectories.set_planned(con, "ALLIANCE", "62_DAY_BACKLOG", {months[0]: 30},
                                 updated_by="test")
        assert _plan_column(c.get(url).text, title)[months[0]] == "30"
    finally:
        con.execute("DELETE FROM trajectories WHERE org_code = 'ALLIANCE' "
                    "AND measure_code = '62_DAY_BACKLOG'")
