"""Demo accounts, one per role, for ``cancer-alliance demo`` (never for a real deployment).

Passwords are deterministic so the demo's printed instructions stay true; the demo store
is synthetic data only.
"""

from __future__ import annotations

import duckdb

from cancer_alliance.auth import users


def _first(con: duckdb.DuckDBPyConnection, org_type: str, fallback: str) -> str:
    rows = con.execute(
        "SELECT org_code FROM organisations WHERE org_type = ? ORDER BY org_code LIMIT 1",
        [org_type],
    ).fetchall()
    if rows:
        return rows[0][0]
    rows = con.execute(
        "SELECT DISTINCT provider_code FROM pathways ORDER BY 1 LIMIT 1"
        if org_type == "PROVIDER"
        else "SELECT DISTINCT commissioner_code FROM pathways ORDER BY 1 LIMIT 1"
    ).fetchall()
    return rows[0][0] if rows else fallback


def create_demo_accounts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str | None]]:
    """Create (or keep) one account per role; return (username, password, role, org)."""
    provider = _first(con, "PROVIDER", "RAA")
    commissioner = _first(con, "COMMISSIONER", "QAA")
    wanted = [
        ("demo-admin", "demo-admin-password", "admin", None),
        ("demo-analyst", "demo-analyst-password", "analyst", None),
        ("demo-provider", "demo-provider-password", "provider", provider),
        ("demo-commissioner", "demo-commissioner-password", "commissioner", commissioner),
        ("demo-board", "demo-board-password", "board", None),
    ]
    existing = {r[0] for r in con.execute("SELECT username FROM users").fetchall()}
    for username, password, role, org in wanted:
        if username not in existing:
            users.add_user(con, username, role, org, password)
    return wanted
