"""Login throttling: slow down password guessing against one account or from one client.

After ``MAX_PER_USER`` failed attempts for a username, or ``MAX_PER_CLIENT`` from one
client address, within ``WINDOW`` minutes, further attempts are refused until the window
has passed. A successful login does not wipe the failures: the count is a sliding window.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb

WINDOW_MINUTES = 15
MAX_PER_USER = 5
MAX_PER_CLIENT = 20


class Throttled(Exception):
    """Too many failed logins recently; try again later."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def check(con: duckdb.DuckDBPyConnection, username: str, client: str) -> None:
    """Raise :class:`Throttled` when this username or client has failed too often lately."""
    since = _now() - timedelta(minutes=WINDOW_MINUTES)
    rows = con.execute(
        "SELECT count(*) FILTER (WHERE username = ?), count(*) FILTER (WHERE client = ?)"
        " FROM login_attempts WHERE NOT success AND attempted_at >= ?",
        [username, client, since],
    ).fetchall()
    by_user, by_client = rows[0]
    if by_user >= MAX_PER_USER or (client and by_client >= MAX_PER_CLIENT):
        raise Throttled(f"too many failed logins; try again in {WINDOW_MINUTES} minutes")


def note(con: duckdb.DuckDBPyConnection, username: str, client: str, success: bool) -> None:
    """Record one attempt."""
    con.execute(
        "INSERT INTO login_attempts (username, client, attempted_at, success) VALUES (?, ?, ?, ?)",
        [username, client, _now(), success],
    )
