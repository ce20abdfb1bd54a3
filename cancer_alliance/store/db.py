"""Opening the store: where the file is, and bringing its schema up to date.

The path comes from ``--db``, else the ``CANCER_ALLIANCE_DB`` environment variable, else
``./alliance.duckdb``. Every connection runs pending migrations first, so a store made by an
older release is upgraded in place, each migration in its own transaction.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from cancer_alliance.store.migrations import apply_migrations
from cancer_alliance.store.sharing import open_when_free

DEFAULT_DB = "alliance.duckdb"
ENV_VAR = "CANCER_ALLIANCE_DB"


def resolve_db_path(db: str | os.PathLike | None = None) -> Path:
    """The store's path: the argument, else ``$CANCER_ALLIANCE_DB``, else ``./alliance.duckdb``."""
    if db:
        return Path(db)
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else Path(DEFAULT_DB)


def connect(
    db: str | os.PathLike | None = None, *, read_only: bool = False,
    wait: float | None = None, borrow: bool = True,
) -> duckdb.DuckDBPyConnection:
    """Open the store (creating it if needed) with its schema at the latest version.

    If another process holds the file, wait for it (or ask the running dashboard to lend
    it) for up to ``wait`` seconds (default ``$CANCER_ALLIANCE_STORE_WAIT``, else 300), then
    raise :class:`~cancer_alliance.errors.StoreBusy`: see :mod:`cancer_alliance.store.sharing`.
    ``borrow=False`` refuses to borrow from a running dashboard (``serve`` itself).
    """
    path = resolve_db_path(db)
    if str(path) == ":memory:":
        con = duckdb.connect(":memory:")
        apply_migrations(con)
        return con
    if read_only and path.exists():
        return open_when_free(path, lambda: duckdb.connect(str(path), read_only=True),
                              wait=wait, borrow=borrow)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = open_when_free(path, lambda: duckdb.connect(str(path)), wait=wait, borrow=borrow)
    apply_migrations(con)
    return con
