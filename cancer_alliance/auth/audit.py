"""The audit log: who saw which patient-level data, or changed what, and when.

``resource`` and ``detail`` must never hold a patient identifier (NHS number, name, the
provider's pathway_id): describe what was seen by page, organisation and counts, e.g.
``resource="ptl"``, ``detail="provider=RAA rows=132"``. :func:`record` refuses text that
looks like an NHS number as a last line of defence.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import duckdb
import pandas as pd

from cancer_alliance.auth.model import Actor

_TEN_DIGITS = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")


def _check(text: str | None) -> str | None:
    if text is not None and _TEN_DIGITS.search(text):
        raise ValueError("audit text must not contain a patient identifier (10-digit number)")
    return text


def record(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    action: str,
    resource: str,
    detail: str | None = None,
) -> None:
    """Write one audit row (who, what, when). Never pass a patient identifier."""
    con.execute(
        "INSERT INTO audit_log (audit_id, occurred_at, username, role, org_code, action,"
        " resource, detail)"
        " VALUES (nextval('audit_id_seq'), ?, ?, ?, ?, ?, ?, ?)",
        [
            datetime.now(UTC).replace(tzinfo=None),
            actor.username,
            actor.role,
            actor.org_code,
            action,
            _check(resource),
            _check(detail),
        ],
    )


def read(
    con: duckdb.DuckDBPyConnection,
    *,
    username: str | None = None,
    action: str | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """The most recent audit rows, newest first, optionally for one user or action."""
    where, params = [], []
    if username:
        where.append("username = ?")
        params.append(username)
    if action:
        where.append("action = ?")
        params.append(action)
    sql = "SELECT occurred_at, username, role, org_code, action, resource, detail FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY occurred_at DESC, audit_id DESC LIMIT ?"
    params.append(int(limit))
    return con.execute(sql, params).df()
