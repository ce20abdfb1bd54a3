"""Issue 14, findings 9-11: a change and its audit row are one transaction, ten-digit names
are refused first (possible NHS numbers), creating a bid never overwrites one, and the
login throttle is checked atomically."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

from cancer_alliance.auth import throttle, users
from cancer_alliance.operations import funding
from cancer_alliance.store import connect
from cancer_alliance.web.app import create_app
from cancer_alliance.web.settings import WebSettings

from .conftest import PASSWORD, SECRET, copy_of_store, csrf_from, login


@pytest.fixture
def own(store, tmp_path):
    db = copy_of_store(store, tmp_path)
    con = connect(db)
    app = create_app(WebSettings(secret=SECRET, oidc=None), con=con)
    c = TestClient(app, base_url="https://testserver")
    assert login(c, "t-admin").status_code == 303
    yield c, con
    con.close()


def _count(con, sql, *args) -> int:
    return con.execute(sql, list(args)).fetchall()[0][0]


def _post(c, page, url, data):
    token = csrf_from(c.get(page).text)
    return c.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


def test_ten_digit_user_and_token_are_refused_before_any_change(own):
    c, con = own
    audits = _count(con, "SELECT count(*) FROM audit_log WHERE action = 'admin'")
    r = _post(c, "/admin/users", "/admin/users", {"username": "1234567891", "role": "analyst",
                                                   "password": "a-long-password-1"})
    assert r.status_code == 400 and "NHS number" in r.text and "1234567891" not in r.text
    assert _count(con, "SELECT count(*) FROM users WHERE username = '1234567891'") == 0
    r = _post(c, "/admin/users", "/admin/tokens", {"provider_code": "0123456789"})
    assert r.status_code == 400
    assert _count(con, "SELECT count(*) FROM api_tokens WHERE provider_code = '0123456789'") == 0
    assert _count(con, "SELECT count(*) FROM audit_log WHERE action = 'admin'") == audits


def test_an_allowed_change_and_its_audit_row_are_written_together(own):
    c, con = own
    r = _post(c, "/admin/users", "/admin/users", {"username": "newbie", "role": "analyst",
                                                   "password": "a-long-password-1"})
    assert r.status_code == 303
    assert _count(con, "SELECT count(*) FROM users WHERE username = 'newbie'") == 1
    assert _count(con, "SELECT count(*) FROM audit_log WHERE detail = "
                       "'added newbie as analyst'") == 1


def _bid(bid_id: str, cost: str) -> dict:
    return {"bid_id": bid_id, "title": "Navigator", "partner_code": "RAA",
            "priority_area": next(iter(funding.PRIORITY_AREAS)), "cost_year": "2026",
            "cost": cost, "expected_benefit": "10"}


def test_a_ten_digit_bid_is_refused_and_creating_never_overwrites(own):
    c, con = own
    r = _post(c, "/operations/bids", "/operations/bids", _bid("2026000001", "5"))
    assert r.status_code == 400
    assert _count(con, "SELECT count(*) FROM bids WHERE bid_id = '2026000001'") == 0
    assert _post(c, "/operations/bids", "/operations/bids",
                 _bid("BX1", "400000")).status_code == 303
    r = _post(c, "/operations/bids", "/operations/bids", _bid("BX1", "1"))
    assert r.status_code == 400 and "already exists" in r.text
    assert con.execute("SELECT amount FROM bid_costs WHERE bid_id = 'BX1'").fetchall() == [
        (400000.0,)]
    assert _count(con, "SELECT count(*) FROM audit_log WHERE detail = 'submitted bid BX1'") == 1


def test_concurrent_wrong_passwords_are_checked_at_most_the_limit(own):
    _, con = own
    results = []

    def attempt():
        cur = con.cursor()
        try:
            users.authenticate(cur, "t-analyst", "wrong-password-xx", "10.0.0.9")
        except throttle.Throttled:
            results.append("throttled")
        except PermissionError:
            results.append("checked")
        finally:
            cur.close()

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("checked") == throttle.MAX_PER_USER
    assert results.count("throttled") == 12 - throttle.MAX_PER_USER


def test_many_people_logging_in_at_once_are_not_throttled(own):
    """In-flight attempts count against the limit only until they are known: 20 correct
    logins to one account from one address at once all succeed (15 of 20 were refused as
    "too many failed logins" when in-flight attempts counted as failures)."""
    _, con = own
    results = []
    start = threading.Barrier(20)

    def attempt():
        cur = con.cursor()
        start.wait()
        try:
            users.authenticate(cur, "t-analyst", PASSWORD, "10.0.0.7")
            results.append("in")
        except throttle.Throttled:
            results.append("throttled")
        finally:
            cur.close()

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["in"] * 20
