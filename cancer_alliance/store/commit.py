"""Committing a transaction whose change another one may have made first.

DuckDB checks a primary key against other open transactions only when they commit: two
requests adding bid ``B1`` at once both insert, and the second ``COMMIT`` fails with a
``TransactionException`` (nothing of it is kept). That is the user's error, not the
server's: it becomes a :class:`~cancer_alliance.errors.UsageError` (a 400, exit code 2)
that says nothing was changed.
"""

from __future__ import annotations

import duckdb

from cancer_alliance.errors import UsageError


def commit(con: duckdb.DuckDBPyConnection) -> None:
    """``COMMIT``; a conflict with a change committed meanwhile is a clear refusal."""
    try:
        con.execute("COMMIT")
    except duckdb.TransactionException as exc:
        reason = str(exc).split("Failed to commit: ", 1)[-1]
        raise UsageError("nothing was changed: another change to the same record was saved "
                         f"at the same time ({reason}); try again") from None
