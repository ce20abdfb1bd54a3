"""Security headers, strict CSP without inline code, vendored assets, no identifiers leaked."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from starlette.requests import Request

from cancer_alliance.web.security import CSP, _same_origin

from . import synthetic

PAGES = ["/", "/standards/62_DAY", "/providers/RAA", "/equity", "/outcomes", "/ptl",
         "/submissions", "/submissions/1", "/public", "/definitions", "/admin/audit",
         "/admin/users", "/rare-cancers", "/login", "/api/docs"]
VENDOR = Path(__file__).parents[2] / "cancer_alliance" / "web" / "static" / "vendor"


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_strict_headers_and_no_inline_code(clients, path):
    r = clients["admin"].get(path)
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["cache-control"] == "no-store"
    soup = BeautifulSoup(r.text, "html.parser")
    for script in soup.find_all("script"):
        assert script.get("src", "").startswith("/static/"), "inline or external script"
        assert not script.string
    assert not soup.find_all("style"), "inline <style> breaks the CSP"
    for tag in soup.find_all(True):
        assert "style" not in tag.attrs, f"inline style attribute on <{tag.name}>"
        assert not any(a.startswith("on") for a in tag.attrs), f"event handler on <{tag.name}>"
    for link in soup.find_all(["link", "script", "img"]):
        url = link.get("href") or link.get("src") or ""
        assert not re.match(r"^(https?:)?//", url), f"external asset {url}"


def test_vendored_assets_carry_versions_and_are_served(clients):
    names = sorted(p.name for p in VENDOR.iterdir() if p.suffix in (".js", ".css"))
    assert names, "no vendored assets"
    for name in names:
        assert re.search(r"-\d+\.\d+\.\d+\.min\.(js|css)$", name), name
        r = clients["public"].get(f"/static/vendor/{name}")
        assert r.status_code == 200
        assert "immutable" in r.headers["cache-control"]
    page = clients["public"].get("/public").text
    assert "/static/vendor/htmx-" in page


def test_error_pages_do_not_echo_what_was_asked(clients):
    nhs = "9434765919"
    for path in (f"/providers/{nhs}", f"/commissioners/{nhs}", f"/tumour-groups/{nhs}",
                 f"/no-such-page/{nhs}", f"/submissions/{nhs}", f"/standards/{nhs}",
                 f"/ptl?band={nhs}&sort={nhs}", f"/ptl?provider={nhs}",
                 f"/standards/FDS?provider={nhs}", f"/standards/FDS?period={nhs}",
                 f"/standards/FDS/provider.csv?period={nhs}", f"/providers/RAA?standard={nhs}",
                 f"/equity?standard={nhs}", f"/api/v1/metrics/FDS?period={nhs}",
                 f"/submissions?provider={nhs}", f"/api/v1/metrics/FDS?by={nhs}"):
        r = clients["analyst"].get(path)
        assert nhs not in r.text
        assert "content-security-policy" in r.headers


def test_no_patient_identifier_in_any_link(clients, store):
    """Links and form actions on every page never carry an NHS number or pathway id."""
    cur = store.cursor()
    ids = {r[0] for r in cur.execute("SELECT nhs_number FROM pathways").fetchall()}
    ids |= {r[0] for r in cur.execute("SELECT pathway_id FROM pathways").fetchall()}
    cur.close()
    for role, path in [("admin", p) for p in PAGES] + [("provider", "/ptl"),
                                                       ("provider", "/harm-review")]:
        soup = BeautifulSoup(clients[role].get(path).text, "html.parser")
        for tag in soup.find_all(["a", "form"]):
            url = tag.get("href") or tag.get("action") or ""
            assert not any(i in url for i in ids if i), f"identifier in link on {path}: {url}"
    # but the tracking list does show identifiers to the patient's own trust, and only it
    assert any(i in clients["provider"].get("/ptl").text for i in ids)
    assert not any(i in clients["admin"].get("/ptl").text for i in ids if i)


def test_crash_logs_and_pages_hold_no_patient_data(app, clients, caplog, monkeypatch):
    from cancer_alliance.web import data

    def boom(*a, **k):
        raise RuntimeError("NHS number 9434765919 broke")

    monkeypatch.setattr(data, "ptl", boom)
    with caplog.at_level(logging.ERROR, logger="cancer_alliance.web"):
        from fastapi.testclient import TestClient

        c = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
        c.cookies = clients["admin"].cookies
        r = c.get("/ptl")
    assert r.status_code == 500
    assert "9434765919" not in r.text
    assert "9434765919" not in caplog.text
    assert "RuntimeError" in caplog.text


def test_csp_constant_is_what_is_sent(clients):
    assert clients["public"].get("/public").headers["content-security-policy"] == CSP


def test_census_fixture_is_used():
    assert synthetic.CENSUS == "2024-06-30"


def test_login_redirect_never_carries_an_identifier(client):
    r = client.get("/providers/9434765919", follow_redirects=False)
    assert r.status_code == 302 and "9434765919" not in r.headers["location"]
    page = client.get("/login?next=/providers/9434765919")
    assert "9434765919" not in page.text


@pytest.mark.parametrize(("headers", "same"), [
    # Chromium's own form post under this site's no-referrer policy: Origin null, but fetch
    # metadata says same-origin (a real browser test found logins refused before this).
    ({"sec-fetch-site": "same-origin", "origin": "null"}, True),
    ({"sec-fetch-site": "none"}, True),
    ({"sec-fetch-site": "cross-site", "origin": "http://testserver"}, False),
    ({"sec-fetch-site": "same-site"}, False),
    ({"origin": "null"}, False),
    ({"origin": "https://evil.example"}, False),
    ({"origin": "http://testserver"}, True),
    ({}, True),
])
def test_same_origin_trusts_fetch_metadata_over_a_null_origin(headers, same):
    raw = [(b"host", b"testserver")] + [(k.encode(), v.encode()) for k, v in headers.items()]
    request = Request({"type": "http", "method": "POST", "path": "/login", "headers": raw})
    assert _same_origin(request) is same
