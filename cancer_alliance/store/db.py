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

DEFAULT_DB = "alliance.duckdb"
ENV_VAR = "CANCER_ALLIANCE_DB"


def resolve_db_path(db: str | os.PathLike | None = None) -> Path:
    """The store's path: the argument, else ``$CANCER_ALLIANCE_DB``, else ``./alliance.duckdb``."""
    if db:
        return Path(db)
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else Path(DEFAULT_DB)


def connect(
    db: str | os.PathLike | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the store (creating it if needed) with its schema at the latest version."""
    path = resolve_db_path(db)
    if read_only and path.exists():
        return duckdb.connect(str(path), read_only=True)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    apply_migrations(con)
    return con
