"""The embedded store: one DuckDB file with a versioned schema."""

from cancer_alliance.store.db import DEFAULT_DB, connect, resolve_db_path

__all__ = ["DEFAULT_DB", "connect", "resolve_db_path"]
