"""Fixtures for the web tests: one seeded store and app per test process, a client per role.

The store holds the small synthetic alliance of :mod:`tests.web.synthetic` and one account
per role. Tests that change state (logins, uploads, audit rows) use their own usernames or
compare before/after, so they do not depend on order or on each other.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _stores import web_store
from fastapi.testclient import TestClient

from cancer_alliance.auth import users
from cancer_alliance.store import connect
from cancer_alliance.web.app import create_app
from cancer_alliance.web.settings import WebSettings

from . import synthetic

PASSWORD = "correct-horse-battery"
# role -> (username, org_code)
ACCOUNTS = {
    "admin": ("t-admin", None),
    "analyst": ("t-analyst", None),
    "provider": ("t-provider", "RAA"),
    "commissioner": ("t-commissioner", "QAA"),
    "board": ("t-board", None),
}
SECRET = "test-secret-not-for-production-0123456789"


def _build(path) -> None:
    con = connect(path)
    synthetic.load(con)
    for role, (username, org) in ACCOUNTS.items():
        users.add_user(con, username, role, org, PASSWORD)
    con.close()


@pytest.fixture(scope="session")
def store(tmp_path_factory):
    """The seeded store: built once per run (``tests/_stores.py``; building means
    materialising every standard, the slow part), copied for this process."""
    path = tmp_path_factory.mktemp("web") / "alliance.duckdb"
    shutil.copyfile(web_store(tmp_path_factory, _build), path)
    con = connect(path)
    yield con
    con.close()


@pytest.fixture(scope="session")
def app(store):
    settings = WebSettings(db=None, secret=SECRET, secure_cookies=True, oidc=None,
                           census=synthetic.CENSUS)
    return create_app(settings, con=store)


def copy_of_store(store, folder) -> Path:
    """The shared store's file copied (after a checkpoint) to ``folder/copy.duckdb``, for a
    test that changes data without touching the other tests' store."""
    cur = store.cursor()
    cur.execute("CHECKPOINT")
    (path,), = cur.execute("SELECT path FROM duckdb_databases() WHERE NOT internal"
                           " AND database_name = current_database()").fetchall()
    cur.close()
    db = Path(folder) / "copy.duckdb"
    shutil.copyfile(path, db)
    return db


def own_app_on_a_copy(store, tmp_path, *, warm_pages: bool = False):
    """An app of its own on a copy of the shared store (for tests that change data or run
    jobs and the warm-up); yields it, then stops its threads and closes the copy."""
    con = connect(copy_of_store(store, tmp_path))
    app = create_app(WebSettings(secret=SECRET, oidc=None, census="2024-06-30",
                                 warm_pages=warm_pages), con=con)
    yield app
    assert app.state.warmer.stop()
    app.state.jobs.stop()
    con.close()


def login(client: TestClient, username: str, password: str = PASSWORD):
    """Log in through the real form (fetching its CSRF token first)."""
    page = client.get("/login")
    token = csrf_from(page.text)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token, "next": "/"},
                       follow_redirects=False)


def csrf_from(html: str) -> str:
    from bs4 import BeautifulSoup

    field = BeautifulSoup(html, "html.parser").find("input", attrs={"name": "csrf_token"})
    assert field is not None, "page has no CSRF field"
    return field["value"]


@pytest.fixture(scope="session")
def clients(app):
    """A logged-in TestClient per role (plus 'public', not logged in)."""
    out = {"public": TestClient(app, base_url="https://testserver")}
    for role, (username, _) in ACCOUNTS.items():
        c = TestClient(app, base_url="https://testserver")
        r = login(c, username)
        assert r.status_code == 303, r.text
        out[role] = c
    return out


@pytest.fixture
def client(app):
    """A fresh anonymous client (own cookies)."""
    return TestClient(app, base_url="https://testserver")


@pytest.fixture(autouse=True)
def _forget_the_period_choice(request):
    """The shared clients remember a period choice in a cookie (as a browser would); no
    test may inherit another's choice, so it is forgotten after each test that used them."""
    yield
    if "clients" in request.fixturenames:
        for c in request.getfixturevalue("clients").values():
            c.cookies.delete("ca_period")
