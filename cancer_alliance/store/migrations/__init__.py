"""Numbered schema migrations.

Each module ``mNNNN_<name>.py`` in this package defines ``VERSION: int``,
``DESCRIPTION: str`` and ``apply(con)``. They run in version order, each in its own
transaction, and ``schema_migrations`` records which have run. Never edit a migration that
has shipped: add a new one.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import duckdb


def all_migrations() -> list[ModuleType]:
    mods = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            mods.append(importlib.import_module(f"{__name__}.{info.name}"))
    mods.sort(key=lambda m: m.VERSION)
    versions = [m.VERSION for m in mods]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a version: {versions}")
    return mods


def applied_versions(con: duckdb.DuckDBPyConnection) -> set[int]:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, description VARCHAR,"
        " applied_at TIMESTAMP DEFAULT current_timestamp)"
    )
    return {int(r[0]) for r in con.execute("SELECT version FROM schema_migrations").fetchall()}


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Run every migration the store has not recorded, in version order.

    Each family of tables has its own range of numbers, so a store can lack a lower number
    than its highest one (made before that family existed): it is applied too.
    """
    done = applied_versions(con)
    applied = []
    for mod in all_migrations():
        if mod.VERSION in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            mod.apply(con)
            con.execute(
                "INSERT INTO schema_migrations (version, description) VALUES (?, ?)",
                [mod.VERSION, mod.DESCRIPTION],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(mod.VERSION)
    return applied
