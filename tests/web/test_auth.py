"""Logging in and out: argon2, throttling, sessions, cookies, CSRF, disabling accounts."""

from __future__ import annotations

from http.cookies import SimpleCookie

from cancer_alliance.auth import throttle, users

from .conftest import PASSWORD, csrf_from, login


def _new_user(store, name, role="analyst", org=None):
    cur = store.cursor()
    users.add_user(cur, name, role, org, PASSWORD)
    cur.close()


def test_password_is_stored_as_argon2id(store):
    _new_user(store, "hash-check")
    cur = store.cursor()
    (h,), = cur.execute("SELECT password_hash FROM users WHERE username = 'hash-check'").fetchall()
    cur.close()
    assert h.startswith("$argon2id$") and PASSWORD not in h


def test_login_sets_a_secure_session_cookie_and_logout_ends_it(store, client):
    _new_user(store, "cookie-check")
    r = login(client, "cookie-check")
    assert r.status_code == 303
    raw = [v for k, v in r.headers.multi_items() if k == "set-cookie" and "ca_session" in v][0]
    morsel = SimpleCookie(raw)["ca_session"]
    assert morsel["httponly"] and morsel["secure"] and morsel["samesite"].lower() == "lax"
    assert client.get("/ptl", follow_redirects=False).status_code == 200
    token = csrf_from(client.get("/").text)
    client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    # the old cookie value no longer works even if replayed
    client.cookies.set("ca_session", morsel.value)
    assert client.get("/ptl", follow_redirects=False).status_code == 302


def test_wrong_password_is_refused_with_one_message(store, client):
    _new_user(store, "wrong-pw")
    r = login(client, "wrong-pw", "not-the-password")
    assert r.status_code == 401 and "Wrong username or password" in r.text
    r2 = login(client, "no-such-user", "whatever-password")
    assert r2.status_code == 401 and "Wrong username or password" in r2.text


def test_login_is_throttled_after_repeated_failures(store, client):
    _new_user(store, "throttled")
    for _ in range(throttle.MAX_PER_USER):
        assert login(client, "throttled", "bad-password-123").status_code == 401
    r = login(client, "throttled")  # even the right password is refused now
    assert r.status_code == 429 and "too many failed logins" in r.text.lower()


def test_disabling_a_user_ends_their_session(store, client):
    _new_user(store, "to-disable", "board")
    assert login(client, "to-disable").status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 200
    cur = store.cursor()
    users.disable_user(cur, "to-disable")
    cur.close()
    assert client.get("/", follow_redirects=False).status_code == 302
    assert login(client, "to-disable").status_code == 401


def test_forms_without_a_valid_csrf_token_are_refused(store, client):
    _new_user(store, "csrf-check")
    client.get("/login")
    r = client.post("/login", data={"username": "csrf-check", "password": PASSWORD},
                    follow_redirects=False)
    assert r.status_code == 403 and "CSRF" in r.text
    other = client.__class__(client.app, base_url="https://testserver")
    foreign = csrf_from(other.get("/login").text)  # a token minted for another browser
    r = client.post("/login", data={"username": "csrf-check", "password": PASSWORD,
                                    "csrf_token": foreign}, follow_redirects=False)
    assert r.status_code == 403


def test_login_never_redirects_off_site(store, client):
    _new_user(store, "redirect-check")
    token = csrf_from(client.get("/login").text)
    r = client.post("/login", data={"username": "redirect-check", "password": PASSWORD,
                                    "csrf_token": token, "next": "//evil.example/x"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_every_login_is_audited(store, client):
    _new_user(store, "audited-login")
    login(client, "audited-login")
    cur = store.cursor()
    rows = cur.execute("SELECT action FROM audit_log WHERE username = 'audited-login'").fetchall()
    cur.close()
    assert rows == [("login",)]
