"""Local user accounts: add, list, disable, find, and log in with throttling.

Accounts are rows of ``users``; a disabled account keeps its row (the audit log refers to
it) but cannot log in, and its sessions are revoked at once.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from cancer_alliance.auth import throttle
from cancer_alliance.auth.model import ROLES, SCOPED_ROLES, Actor
from cancer_alliance.auth.passwords import check_strength, hash_password, verify_password
from cancer_alliance.errors import NotFound, UsageError
from cancer_alliance.reference.organisations import check_organisation, organisations

ACCOUNT_ROLES = tuple(r for r in ROLES if r != "public")


def add_user(
    con: duckdb.DuckDBPyConnection,
    username: str,
    role: str,
    org_code: str | None = None,
    password: str | None = None,
    *,
    oidc_subject: str | None = None,
    enforce_strength: bool = True,
) -> int:
    """Create an account and return its user_id. Scoped roles need ``org_code``."""
    username = username.strip()
    if not username:
        raise UsageError("a username cannot be blank")
    if role not in ACCOUNT_ROLES:
        raise UsageError(f"role {role!r} is not one of {', '.join(ACCOUNT_ROLES)}")
    if role in SCOPED_ROLES and not org_code:
        raise UsageError(f"a {role} user needs --org (their organisation code)")
    if role not in SCOPED_ROLES and org_code:
        raise UsageError(f"a {role} user is alliance-wide; do not give --org")
    if org_code:  # a provider user's code is a provider of the reference data, and so on
        check_organisation(org_code, organisations(con), role.upper(), "organisation")
    if password is not None and enforce_strength:
        try:
            check_strength(password)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    exists = con.execute("SELECT count(*) FROM users WHERE username = ?", [username]).fetchall()
    if exists[0][0]:
        raise UsageError(f"user {username!r} already exists")
    pw_hash = hash_password(password) if password is not None else None
    rows = con.execute(
        "INSERT INTO users (user_id, username, role, org_code, password_hash, oidc_subject)"
        " VALUES (nextval('user_id_seq'), ?, ?, ?, ?, ?) RETURNING user_id",
        [username, role, org_code, pw_hash, oidc_subject],
    ).fetchall()
    return int(rows[0][0])


def list_users(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every account (never the password hash)."""
    return con.execute(
        "SELECT user_id, username, role, org_code, active, created_at,"
        " oidc_subject IS NOT NULL AS single_sign_on FROM users ORDER BY username"
    ).df()


def disable_user(con: duckdb.DuckDBPyConnection, username: str) -> None:
    """Stop an account logging in and end its open sessions."""
    rows = con.execute(
        "UPDATE users SET active = FALSE WHERE username = ? RETURNING user_id", [username]
    ).fetchall()
    if not rows:
        raise NotFound(f"no user {username!r}")
    con.execute("UPDATE sessions SET revoked = TRUE WHERE user_id = ?", [rows[0][0]])


def _actor(row) -> Actor:
    user_id, username, role, org_code = row[:4]
    return Actor(username=username, role=role, org_code=org_code, user_id=int(user_id))


def actor_by_id(con: duckdb.DuckDBPyConnection, user_id: int) -> Actor | None:
    """The active account with this id, as an Actor."""
    rows = con.execute(
        "SELECT user_id, username, role, org_code FROM users WHERE user_id = ? AND active",
        [user_id],
    ).fetchall()
    return _actor(rows[0]) if rows else None


def actor_by_oidc_subject(con: duckdb.DuckDBPyConnection, subject: str) -> Actor | None:
    """The active account linked to a single-sign-on subject."""
    rows = con.execute(
        "SELECT user_id, username, role, org_code FROM users WHERE oidc_subject = ? AND active",
        [subject],
    ).fetchall()
    return _actor(rows[0]) if rows else None


def authenticate(
    con: duckdb.DuckDBPyConnection, username: str, password: str, client: str = ""
) -> Actor:
    """Check a username and password, with throttling; return the Actor or raise.

    Raises :class:`throttle.Throttled` when too many recent failures, and
    :class:`PermissionError` for a wrong username, wrong password or disabled account (one
    message for all three so the answer does not reveal which accounts exist).
    """
    throttle.check(con, username, client)
    ok = False
    try:  # noted whatever happens, so an attempt never stays "in flight"
        rows = con.execute(
            "SELECT user_id, username, role, org_code, password_hash, active FROM users"
            " WHERE username = ?",
            [username],
        ).fetchall()
        stored = rows[0][4] if rows else None
        ok = verify_password(stored, password) and bool(rows) and bool(rows[0][5])
    finally:
        throttle.note(con, username, client, ok)
    if not ok:
        raise PermissionError("wrong username or password")
    return _actor(rows[0])
