"""Uploading a month in the browser runs the real ingest and shows the row-level report.

Uses a copy of the seeded store per test (an upload changes data) and the contract's four
example rows: three accepted, one rejected for its NHS number check digit.
"""

from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from cancer_alliance.auth import tokens

from .conftest import csrf_from, login, own_app_on_a_copy

ingest = pytest.importorskip("cancer_alliance.ingest")

COLUMNS = ["provider_code", "pathway_id", "nhs_number", "date_of_birth", "sex",
           "ethnic_category", "commissioner_code", "referral_route", "suspected_cancer_type",
           "referral_received_date", "first_seen_date", "first_seen_provider_code",
           "diagnosis_communicated_date", "fds_outcome", "pathway_closed_reason",
           "pathway_closed_date"]
ROWS = [
    ["RAA", "UP1", "9434765919", "1950-01-01", "1", "A", "QAA", "USC", "LUNG", "2024-06-01",
     "2024-06-08", "RAA", "2024-06-20", "RULED_OUT", "RULED_OUT", "2024-06-20"],
    ["RAA", "UP2", "9434765870", "1948-06-30", "2", "B", "QAA", "USC", "BREAST", "2024-06-03",
     "", "", "", "", "", ""],
    ["RAA", "UP3", "9434765838", "1960-02-02", "1", "Z", "QAA", "USC", "SKIN", "2024-06-04",
     "", "", "", "", "", ""],
    ["RAA", "UP4", "9434765911", "1960-02-02", "1", "Z", "QAA", "USC", "SKIN", "2024-06-05",
     "", "", "", "", "", ""],
]


def _csv() -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    w.writerows(ROWS)
    return buf.getvalue().encode()


@pytest.fixture
def own_app(store, tmp_path):
    # the pages are prepared after each job, as in ``serve``: uploads must work alongside it
    yield from own_app_on_a_copy(store, tmp_path, warm_pages=True)


def test_browser_upload_queues_a_job_whose_page_shows_the_row_level_report(own_app):
    c = TestClient(own_app, base_url="https://testserver")
    assert login(c, "t-provider").status_code == 303
    token = csrf_from(c.get("/submissions").text)
    r = c.post("/submissions", data={"provider": "RAA", "period": "2024-06",
                                     "csrf_token": token},
               files={"files": ("pathways.csv", _csv(), "text/csv")}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
    assert own_app.state.jobs.wait_idle()
    s = BeautifulSoup(c.get(r.headers["location"]).text, "html.parser")
    assert s.select_one("#job-state").get_text() == "done"
    assert not s.select("meta[http-equiv=refresh]")  # finished: no more reloading
    summary = dict(zip([d.get_text() for d in s.select("dl.summary-list dt")],
                       [d.get_text() for d in s.select("dl.summary-list dd")], strict=True))
    assert summary["Rows read"] == "4" and summary["Accepted"] == "3"
    assert summary["Rejected"] == "1"
    s = BeautifulSoup(c.get(s.select_one("#job-report")["href"]).text, "html.parser")
    cells = [td.get_text(strip=True) for td in s.select("table.data tbody td")]
    assert "pathways.csv" in cells and "nhs_number" in cells and "9434765911" in cells
    link = s.select_one("a.download")["href"]
    assert "9434765911" not in link
    download = c.get(link)
    assert "9434765911" in download.text and "nhs_number" in download.text


def test_api_token_submission_answers_202_and_its_job_gives_the_summary(own_app):
    cur = own_app.state.con.cursor()
    token = tokens.create_token(cur, "RAA", "test")
    cur.close()
    c = TestClient(own_app, base_url="https://testserver")
    auth = {"authorization": f"Bearer {token}"}
    r = c.post("/api/v1/submissions", headers=auth,
               data={"period": "2024-06"}, files={"files": ("pathways.csv", _csv(), "text/csv")})
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["state"] in ("queued", "running", "done") and body["kind"] == "ingest"
    assert r.headers["location"] == body["status_url"] == f"/api/v1/jobs/{body['job_id']}"
    assert own_app.state.jobs.wait_idle()
    job = c.get(body["status_url"], headers=auth).json()
    assert job["state"] == "done" and job["progress"] == 1
    result = job["result"]
    assert (result["rows_read"], result["accepted"], result["rejected"]) == (4, 3, 1)
    assert "pathways.csv" not in str(job)  # file names stay out of the job row


def test_a_whole_submission_rejected_fails_its_job_with_the_reason(own_app):
    cur = own_app.state.con.cursor()
    token = tokens.create_token(cur, "RAA", "test")
    cur.close()
    c = TestClient(own_app, base_url="https://testserver")
    auth = {"authorization": f"Bearer {token}"}
    r = c.post("/api/v1/submissions", headers=auth, data={"period": "2024-06"},
               files={"files": ("pathways.csv", b"not,a,pathway,file\n1,2,3,4\n", "text/csv")})
    assert r.status_code == 202
    assert own_app.state.jobs.wait_idle()
    job = c.get(r.json()["status_url"], headers=auth).json()
    assert job["state"] == "failed" and "pathways.csv" in job["error"]


def test_a_long_file_name_is_a_400_not_a_500(own_app):
    cur = own_app.state.con.cursor()
    token = tokens.create_token(cur, "RAA", "test")
    cur.close()
    c = TestClient(own_app, base_url="https://testserver")
    r = c.post("/api/v1/submissions", headers={"authorization": f"Bearer {token}"},
               data={"period": "2024-06"},
               files={"files": ("p" * 300 + ".csv", _csv(), "text/csv")})
    assert r.status_code == 400 and "p" * 50 not in r.text
    spool = own_app.state.jobs.spool_root
    assert not spool.exists() or not any(spool.iterdir())  # no orphan folder


def test_after_an_upload_the_pages_are_prepared_before_anyone_asks(own_app):
    c = TestClient(own_app, base_url="https://testserver")
    assert login(c, "t-analyst").status_code == 303
    token = csrf_from(c.get("/submissions").text)
    r = c.post("/submissions", data={"provider": "RAA", "period": "2024-06",
                                     "csrf_token": token},
               files={"files": ("pathways.csv", _csv(), "text/csv")}, follow_redirects=False)
    assert r.status_code == 303
    assert own_app.state.jobs.wait_idle()
    assert own_app.state.warmer.wait_idle(300)
    run = own_app.state.warmer.last_run
    assert run and all(status == 200 for _, _, _, status in run), run
    cache = own_app.state.results
    prepared = len(cache)
    for path in ("/", "/standards/62_DAY_BACKLOG", "/standards/62_DAY", "/outcomes", "/equity"):
        assert c.get(path).status_code == 200
    assert len(cache) == prepared  # every figure of those pages was ready: none computed
