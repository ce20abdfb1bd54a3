"""Capacity returns in the browser (issue 17 item 3): upload queued as a job like a pathway
submission, history and rejections on the web, CSRF, scope by provider, audit.

A copy of the seeded store per test (an upload changes data). The valid rows are the
capacity dataset's examples for provider RAA; the hostile file breaks rules on purpose and
carries a formula and markup, which the page must show as text.
"""

from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from cancer_alliance.jobs import queue
from cancer_alliance.store import connect
from cancer_alliance.web.app import create_app
from cancer_alliance.web.settings import WebSettings

from .conftest import SECRET, copy_of_store, csrf_from, login

PERIOD = "2024-06"
CAPACITY = ["provider_code", "period", "resource", "capacity", "activity", "cancer_activity"]
WORKFORCE = ["provider_code", "period", "staff_group", "in_post_wte", "vacancy_wte",
             "agency_wte"]


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode()


GOOD = _csv(CAPACITY, [["RAA", PERIOD, "CT", "1200", "1150", "300"],
                       ["RAA", PERIOD, "MRI", "800", "760", "120"]])
WORKFORCE_OK = _csv(WORKFORCE, [["RAA", PERIOD, "RADIOLOGIST", "12.5", "2", "1.2"]])
HOSTILE = _csv(CAPACITY, [
    ["RAA", PERIOD, "CT", "1200", "1150", "300"],                     # row 2: fine
    ["RAA", PERIOD, "<script>alert(1)</script>", "10", "5", ""],      # row 3: invalid_code
    ["RAA", PERIOD, "MRI", "=HYPERLINK(\"x\")", "5", ""],             # row 4: invalid_integer
    ["RAA", "2024-05", "NOUS", "10", "5", ""],                        # row 5: wrong_period
    ["RAA", PERIOD, "SACT", "10", "5", "9"],                          # row 6: part_exceeds_total
])


@pytest.fixture
def own_app(store, tmp_path):
    db = copy_of_store(store, tmp_path)
    con = connect(db)
    app = create_app(WebSettings(secret=SECRET, oidc=None, census="2024-06-30"), con=con)
    yield app
    app.state.jobs.stop()
    con.close()


def _client(app, username: str) -> TestClient:
    c = TestClient(app, base_url="https://testserver")
    assert login(c, username).status_code == 303
    return c


def _upload(c: TestClient, provider: str, files: dict[str, bytes], token: str | None = None):
    token = token if token is not None else csrf_from(c.get("/capacity/submissions").text)
    return c.post("/capacity/submissions",
                  data={"provider": provider, "period": PERIOD, "csrf_token": token},
                  files=[("files", (n, b, "text/csv")) for n, b in files.items()],
                  follow_redirects=False)


def _audit(app, username: str) -> list[tuple]:
    return app.state.con.execute(
        "SELECT action, resource, detail FROM audit_log WHERE username = ? AND action = "
        "'submit_data' ORDER BY audit_id", [username]).fetchall()


def _finished_job(app, response) -> queue.Job:
    assert response.status_code == 303, response.text[:300]
    assert response.headers["location"].startswith("/jobs/")
    assert app.state.jobs.wait_idle()
    job = queue.get_job(app.state.con, int(response.headers["location"].rsplit("/", 1)[1]))
    assert job.kind == "capacity"
    return job


def test_a_provider_uploads_its_return_through_a_job_and_sees_it_listed(own_app):
    c = _client(own_app, "t-provider")
    r = _upload(c, "RAA", {"capacity.csv": GOOD, "workforce.csv": WORKFORCE_OK})
    job = _finished_job(own_app, r)
    assert job.state == "done", job.error
    assert (job.result["rows_read"], job.result["accepted"], job.result["rejected"]) == (3, 3, 0)
    sid = job.result["submission_id"]
    page = BeautifulSoup(c.get(r.headers["location"]).text, "html.parser")
    assert page.select_one("#job-state").get_text() == "done"
    assert page.select_one("#job-report")["href"] == f"/capacity/submissions/{sid}"
    rows = own_app.state.con.execute(
        "SELECT resource, capacity FROM capacity WHERE provider_code = 'RAA' AND period = ? "
        "ORDER BY resource", [PERIOD]).fetchall()
    assert rows == [("CT", 1200), ("MRI", 800)]
    listing = BeautifulSoup(c.get("/capacity/submissions").text, "html.parser")
    first = [td.get_text(strip=True) for td in listing.select("tbody tr")[0].select("td")]
    assert first[0] == str(sid) and first[2] == PERIOD and first[4] == "t-provider"
    assert c.get(f"/capacity/submissions/{sid}").status_code == 200
    # the spool folder went with the job
    assert not list(own_app.state.jobs.spool_root.glob("*/capacity.csv"))
    # audited: the upload, then the report opened
    trail = _audit(own_app, "t-provider")
    assert trail[0][1] == "POST /capacity/submissions"
    assert trail[0][2] == f"provider=RAA period={PERIOD} job={job.job_id}"
    assert trail[-1] == ("submit_data", f"GET /capacity/submissions/{sid}",
                         f"provider=RAA submission={sid}")


def test_a_hostile_file_is_reported_row_by_row_on_the_web(own_app):
    c = _client(own_app, "t-analyst")
    job = _finished_job(own_app, _upload(c, "RAA", {"capacity.csv": HOSTILE}))
    assert job.state == "done", job.error
    assert (job.result["accepted"], job.result["rejected"]) == (1, 4)
    sid = job.result["submission_id"]
    r = c.get(f"/capacity/submissions/{sid}")
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.text  # shown as text, never markup
    s = BeautifulSoup(r.text, "html.parser")
    table = s.select_one("table")
    heads = [th.get_text(strip=True) for th in table.select("thead th")]
    assert heads[:5] == ["File", "Row", "Column", "Value", "Rule"]
    cells = [[td.get_text(strip=True) for td in tr.select("td")][:5]
             for tr in table.select("tbody tr")]
    assert cells == [
        ["capacity.csv", "3", "resource", "<script>alert(1)</script>", "invalid_code"],
        ["capacity.csv", "4", "capacity", '=HYPERLINK("x")', "invalid_integer"],
        ["capacity.csv", "5", "period", "2024-05", "wrong_period"],
        ["capacity.csv", "6", "cancer_activity", "9", "part_exceeds_total"],
    ]
    download = c.get(f"/capacity/submissions/{sid}/rejections.csv")
    assert download.status_code == 200
    lines = download.text.splitlines()
    assert lines[0] == "file,row,column,value,rule,message"
    # CSV injection: the formula is neutralised in the download
    assert any(line.startswith("capacity.csv,4,capacity,\"'=HYPERLINK") for line in lines)


def test_a_provider_cannot_upload_or_read_another_trusts_return(own_app):
    analyst = _client(own_app, "t-analyst")
    other = _csv(CAPACITY, [["RBB", PERIOD, "CT", "100", "90", "10"]])
    job = _finished_job(own_app, _upload(analyst, "RBB", {"capacity.csv": other}))
    assert job.state == "done", job.error
    c = _client(own_app, "t-provider")
    before = own_app.state.con.execute("SELECT count(*) FROM jobs").fetchall()[0][0]
    r = _upload(c, "RBB", {"capacity.csv": other})
    assert r.status_code == 403
    assert own_app.state.con.execute("SELECT count(*) FROM jobs").fetchall()[0][0] == before
    sid = job.result["submission_id"]
    assert c.get(f"/capacity/submissions/{sid}").status_code == 403
    assert c.get(f"/capacity/submissions/{sid}/rejections.csv").status_code == 403
    assert c.get(f"/jobs/{job.job_id}").status_code == 404
    listing = c.get("/capacity/submissions").text
    assert f"/capacity/submissions/{sid}\"" not in listing
    assert c.get("/capacity/submissions?provider=RBB").status_code == 403


def test_an_upload_without_the_form_token_is_refused(own_app):
    c = _client(own_app, "t-analyst")
    before = own_app.state.con.execute("SELECT count(*) FROM jobs").fetchall()[0][0]
    r = _upload(c, "RAA", {"capacity.csv": GOOD}, token="not-the-token")
    assert r.status_code == 403
    assert own_app.state.con.execute("SELECT count(*) FROM jobs").fetchall()[0][0] == before


def test_a_file_that_is_not_csv_excel_or_parquet_is_refused_before_queueing(own_app):
    c = _client(own_app, "t-analyst")
    r = _upload(c, "RAA", {"capacity.exe": b"MZ"})
    assert r.status_code == 400


def test_a_capacity_job_interrupted_after_its_load_is_settled_from_the_store(tmp_path):
    """A restart after the return's one transaction committed: recovery finds the capacity
    submission (not a pathway submission) and marks the job done, without loading twice."""
    from cancer_alliance.ingest.capacity import ingest_capacity
    from cancer_alliance.reference.loaders import load_reference_data

    con = connect(tmp_path / "s.duckdb")
    load_reference_data(con)
    job_id = queue.enqueue(con, "capacity", created_by="t-provider", org_code="RAA",
                           period=PERIOD)
    assert queue.claim_next(con).job_id == job_id
    loaded = ingest_capacity(con, files={"capacity.csv": GOOD}, provider="RAA", period=PERIOD,
                             submitted_by="t-provider", archive_dir=tmp_path / "archive")
    assert queue.recover(con) == [(job_id, queue.DONE)]
    job = queue.get_job(con, job_id)
    assert job.result["submission_id"] == loaded.submission_id
    assert job.result["accepted"] == 2
    con.close()
