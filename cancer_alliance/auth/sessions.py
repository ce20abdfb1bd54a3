"""Server-side sessions: the cookie carries a random id, the store a hash of it.

Keeping sessions in the store (not only in a signed cookie) lets an administrator's
``users disable`` end a session at once and lets logout really log out.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import duckdb

from cancer_alliance.auth.model import Actor
from cancer_alliance.auth.users import actor_by_id

LIFETIME = timedelta(hours=8)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def create(con: duckdb.DuckDBPyConnection, actor: Actor) -> str:
    """Open a session for a logged-in user; return the id to put in the cookie."""
    if actor.user_id is None:
        raise ValueError("only accounts have sessions")
    sid = secrets.token_urlsafe(32)
    now = _now()
    con.execute(
        "INSERT INTO sessions (session_id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        [_digest(sid), actor.user_id, now, now + LIFETIME],
    )
    return sid


def resolve(con: duckdb.DuckDBPyConnection, session_id: str | None) -> Actor | None:
    """The Actor of a live session, or None (expired, revoked, unknown or account disabled)."""
    if not session_id:
        return None
    rows = con.execute(
        "SELECT user_id FROM sessions WHERE session_id = ? AND NOT revoked AND expires_at > ?",
        [_digest(session_id), _now()],
    ).fetchall()
    return actor_by_id(con, int(rows[0][0])) if rows else None


def revoke(con: duckdb.DuckDBPyConnection, session_id: str | None) -> None:
    """End a session (logout)."""
    if session_id:
        con.execute(
            "UPDATE sessions SET revoked = TRUE WHERE session_id = ?", [_digest(session_id)]
        )
