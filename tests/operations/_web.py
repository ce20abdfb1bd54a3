"""Helpers for the operations web tests: accounts per role, a logged-in client, CSRF."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from cancer_alliance.auth import users
from cancer_alliance.web.app import create_app
from cancer_alliance.web.settings import WebSettings

PASSWORD = "ops-test-password-123"
ACCOUNTS = {"analyst": ("o-analyst", None), "board": ("o-board", None),
            "provider": ("o-provider", None)}


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF field on the page"
    return m.group(1)


@pytest.fixture
def app_con(ops_con):
    prov = ops_con.execute("SELECT min(provider_code) FROM pathways").fetchone()[0]
    for role, (name, _) in ACCOUNTS.items():
        users.add_user(ops_con, name, role, prov if role == "provider" else None, PASSWORD)
    app = create_app(WebSettings(db=None, secret="ops-secret-0123456789abcdef", oidc=None,
                                 secure_cookies=False), con=ops_con)
    return app, ops_con, prov


def _client(app, role):
    c = TestClient(app, base_url="http://testserver")
    page = c.get("/login")
    r = c.post("/login", data={"username": ACCOUNTS[role][0], "password": PASSWORD,
                               "csrf_token": _csrf(page.text), "next": "/"},
               follow_redirects=False)
    assert r.status_code in (302, 303), r.text[:300]
    return c
