"""Small helpers for reading operations tables as plain dicts (for templates and packs)."""

from __future__ import annotations

from collections.abc import Sequence


def rows(con, sql: str, params: Sequence = ()) -> list[dict]:
    """Run ``sql`` and return its rows as dicts keyed by column name."""
    cur = con.execute(sql, list(params))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def next_id(con) -> int:
    return int(con.execute("SELECT nextval('ops_id_seq')").fetchone()[0])
