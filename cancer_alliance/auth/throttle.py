"""Login throttling: slow down password guessing against one account or from one client.

After ``MAX_PER_USER`` failed attempts for a username, or ``MAX_PER_CLIENT`` from one
client address, within ``WINDOW`` minutes, further attempts are refused until the window
has passed. A successful login does not wipe the failures: the count is a sliding window.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import duckdb

WINDOW_MINUTES = 15
MAX_PER_USER = 5
MAX_PER_CLIENT = 20


# Attempts checked but not yet noted (their password is being verified). Counting them makes
# check-then-note atomic: 12 concurrent wrong passwords against a limit of 5 get at most 5
# verifications. An attempt that would pass the limit only because others are still in
# flight waits for them (up to WAIT_SECONDS) rather than being refused: in-flight attempts
# may well succeed, and 20 people logging in to one account at once are not guessing. One
# serving process holds a store (store/sharing.py), so a process-wide lock is enough.
_COND = threading.Condition()
_IN_FLIGHT: Counter[tuple[str, str]] = Counter()
WAIT_SECONDS = 10.0


class Throttled(Exception):
    """Too many failed logins recently; try again later."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def check(con: duckdb.DuckDBPyConnection, username: str, client: str) -> None:
    """Raise :class:`Throttled` when this username or client has failed too often lately.

    Counts recorded failures plus attempts still being verified; when only the latter
    would pass the limit, waits for them to be noted and looks again.
    """
    deadline = time.monotonic() + WAIT_SECONDS
    with _COND:
        while True:
            since = _now() - timedelta(minutes=WINDOW_MINUTES)
            rows = con.execute(
                "SELECT count(*) FILTER (WHERE username = ?), count(*) FILTER (WHERE client = ?)"
                " FROM login_attempts WHERE NOT success AND attempted_at >= ?",
                [username, client, since],
            ).fetchall()
            failed_user, failed_client = rows[0]
            if failed_user >= MAX_PER_USER or (client and failed_client >= MAX_PER_CLIENT):
                raise Throttled(f"too many failed logins; try again in {WINDOW_MINUTES} minutes")
            by_user = failed_user + _IN_FLIGHT[("user", username)]
            by_client = failed_client + _IN_FLIGHT[("client", client)]
            if by_user < MAX_PER_USER and not (client and by_client >= MAX_PER_CLIENT):
                _IN_FLIGHT[("user", username)] += 1
                _IN_FLIGHT[("client", client)] += 1
                return
            left = deadline - time.monotonic()
            if left <= 0:
                raise Throttled("too many logins at once; try again in a moment")
            _COND.wait(left)


def note(con: duckdb.DuckDBPyConnection, username: str, client: str, success: bool) -> None:
    """Record one attempt (after :func:`check` let it through)."""
    try:
        con.execute(
            "INSERT INTO login_attempts (username, client, attempted_at, success) "
            "VALUES (?, ?, ?, ?)", [username, client, _now(), success],
        )
    finally:
        with _COND:
            for key in (("user", username), ("client", client)):
                if _IN_FLIGHT[key] > 0:
                    _IN_FLIGHT[key] -= 1
            _COND.notify_all()
