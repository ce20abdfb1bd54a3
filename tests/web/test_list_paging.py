"""Long lists come a page at a time (issue 16: 352 submissions once filled one page).

The submissions history, a submission's rejected rows, the capacity returns and the audit
log are paged by ``web/paging.py`` (50 rows a page); the links keep the checked filters
and nothing else.
The store is a private copy of the web tests' store with 120 extra submissions, 120
rejected rows, 120 capacity returns and 120 audit entries written in.
"""

from __future__ import annotations

import shutil
from urllib.parse import parse_qs, urlparse

import pytest
from _stores import web_store
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from cancer_alliance.store import connect
from cancer_alliance.web.app import create_app
from cancer_alliance.web.paging import PAGE_SIZE
from cancer_alliance.web.settings import WebSettings

from .conftest import ACCOUNTS, SECRET, _build, login

EXTRA = 120


@pytest.fixture(scope="module")
def admin(tmp_path_factory):
    """(connection, the admin's client) on a store with long lists."""
    db = tmp_path_factory.mktemp("paging") / "alliance.duckdb"
    shutil.copyfile(web_store(tmp_path_factory, _build), db)
    con = connect(db)
    (top,), = con.execute("SELECT coalesce(max(submission_id), 0) FROM submissions").fetchall()
    for i in range(1, EXTRA + 1):
        con.execute(
            "INSERT INTO submissions (submission_id, provider_code, period, submitted_by,"
            " submitted_at, status, message, dataset_version, rows_read, accepted, rejected)"
            " VALUES (?, 'RAA', '2023-01', 'paging-test', TIMESTAMP '2023-02-01' + ? * "
            "INTERVAL 1 MINUTE, 'rejected', 'test', 1, 0, 0, 0)", [top + i, i])
        con.execute(
            "INSERT INTO rejections (submission_id, file, row, \"column\", value, rule,"
            " message) VALUES (?, 'pathways.csv', ?, 'period', 'x', 'R1', 'fix it')",
            [top + 1, i])
        con.execute(
            "INSERT INTO capacity_submissions (submission_id, provider_code, period,"
            " submitted_by, submitted_at, status, message, dataset_version, rows_read,"
            " accepted, rejected) VALUES (?, 'RAA', '2023-01', 'paging-test', TIMESTAMP"
            " '2023-02-01' + ? * INTERVAL 1 MINUTE, 'rejected', 'test', 1, 0, 0, 0)",
            [9_000_000 + i, i])
        con.execute(
            "INSERT INTO audit_log (audit_id, occurred_at, username, role, action, resource)"
            " VALUES (?, TIMESTAMP '2020-01-01' + ? * INTERVAL 1 MINUTE, 'paging-test',"
            " 'analyst', 'view_ptl', 'ptl')",
            [10_000_000 + i, i])
    app = create_app(WebSettings(db=None, secret=SECRET, secure_cookies=True, oidc=None),
                     con=con)
    c = TestClient(app, base_url="https://testserver")
    assert login(c, ACCOUNTS["admin"][0]).status_code == 303
    yield con, c, top
    con.close()


def _rows(html: str, selector: str = "table.data") -> int:
    table = BeautifulSoup(html, "html.parser").select_one(selector)
    return len(table.select("tbody tr"))


def _links(html: str) -> dict[str, str]:
    pager = BeautifulSoup(html, "html.parser").select_one("nav.pager")
    assert pager is not None, "the list has paging links"
    return {a.get_text(strip=True): a["href"] for a in pager.select("a")}


def test_submissions_history_is_paged(admin):
    con, c, _ = admin
    (total,), = con.execute("SELECT count(*) FROM submissions").fetchall()
    assert total > PAGE_SIZE
    first = c.get("/submissions")
    assert _rows(first.text) == PAGE_SIZE
    assert f"of {total:,}" in first.text
    last = c.get(_links(first.text)["Last"])
    assert _rows(last.text) == total - PAGE_SIZE * (-(-total // PAGE_SIZE) - 1)


def test_submissions_paging_keeps_the_chosen_provider(admin):
    con, c, _ = admin
    (mine,), = con.execute(
        "SELECT count(*) FROM submissions WHERE provider_code = 'RAA'").fetchall()
    page = c.get("/submissions?provider=RAA")
    nxt = _links(page.text)["Next"]
    assert parse_qs(urlparse(nxt).query) == {"provider": ["RAA"], "page": ["2"]}
    assert f"of {mine:,}" in page.text


def test_rejected_rows_are_paged_and_the_csv_keeps_them_all(admin):
    _, c, top = admin
    page = c.get(f"/submissions/{top + 1}")
    assert _rows(page.text) == PAGE_SIZE
    page3 = c.get(f"/submissions/{top + 1}?page=3")
    assert _rows(page3.text) == EXTRA - 2 * PAGE_SIZE
    csv = c.get(f"/submissions/{top + 1}/rejections.csv")
    assert len(csv.text.strip().splitlines()) == EXTRA + 1  # heading and every row


def test_capacity_returns_are_paged(admin):
    con, c, _ = admin
    (total,), = con.execute("SELECT count(*) FROM capacity_submissions").fetchall()
    page = c.get("/capacity/submissions?provider=RAA")
    assert _rows(page.text) == PAGE_SIZE
    assert f"of {total:,}" in page.text
    assert parse_qs(urlparse(_links(page.text)["Next"]).query) == {
        "provider": ["RAA"], "page": ["2"]}


def test_audit_log_is_paged_keeping_only_a_known_filter(admin):
    _, c, _ = admin
    page = c.get("/admin/audit?username=paging-test")
    assert _rows(page.text) == PAGE_SIZE
    assert parse_qs(urlparse(_links(page.text)["Next"]).query) == {
        "username": ["paging-test"], "page": ["2"]}
    unknown = c.get("/admin/audit?username=<b>nobody</b>")
    assert "nobody" not in unknown.text


def test_a_page_number_that_is_not_a_number_is_refused(admin):
    _, c, _ = admin
    assert c.get("/submissions?page=abc").status_code == 400
    assert c.get("/admin/audit?page=0").status_code == 400
