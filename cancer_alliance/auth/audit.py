"""The audit log: who saw which patient-level data, or changed what, and when.

``resource`` and ``detail`` must never hold a patient identifier (NHS number, name, the
provider's pathway_id): describe what was seen by page, organisation and counts, e.g.
``resource="ptl"``, ``detail="provider=RAA rows=132"``. :func:`record` refuses text that
looks like an NHS number as a last line of defence.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pandas as pd

from cancer_alliance.auth.model import Actor
from cancer_alliance.errors import UsageError
from cancer_alliance.store.commit import commit

_TEN_DIGITS = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")


def _check(text: str | None) -> str | None:
    if text is not None and _TEN_DIGITS.search(text):
        raise ValueError("audit text must not contain a patient identifier (10-digit number)")
    return text


class PossibleIdentifier(UsageError):
    """A change would have to name a 10-digit number (a possible NHS number) in the audit log:
    it is refused before anything is written."""


def refuse_identifiers(*texts: str | None) -> None:
    """Refuse, before any change, values whose audit text would hold a 10-digit number.

    Platform rule (docs/explanation/security.md, "Audit"): a user name, provider code or
    bid id that looks like an NHS number is refused with a clear message rather than
    written unaudited or audited with the number in it.
    """
    for text in texts:
        if text is not None and _TEN_DIGITS.search(text):
            raise PossibleIdentifier("a value here looks like an NHS number (10 digits): "
                                     "names and codes must not be patient identifiers; "
                                     "choose another")


@dataclass
class Change:
    """What :func:`atomic` will write in the audit row; a block may complete ``detail``
    with what the change made (a new record's id), and it is checked again before writing."""

    resource: str
    detail: str


@contextlib.contextmanager
def atomic(con: duckdb.DuckDBPyConnection, actor: Actor, action: str, resource: str,
           detail: str) -> Iterator[Change]:
    """A change and its audit row in one transaction: both are written, or neither.

    The audit text is checked first (:func:`refuse_identifiers`), so a refused text never
    follows a committed change; a detail completed inside the block is checked before the
    row is written, and a refusal then rolls the change back. Use for every administrative
    or operations change; the caller's ``con`` must not be in a transaction already."""
    refuse_identifiers(resource, detail)
    change = Change(resource, detail)
    con.execute("BEGIN TRANSACTION")
    try:
        yield change
        refuse_identifiers(change.resource, change.detail)
        record(con, actor, action, change.resource, change.detail)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    commit(con)


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
