"""Loading a published CWT file into the store's ``published_cwt`` table.

A file is identified by its name: loading the same name again replaces its earlier rows,
all in one transaction, so a corrected re-download never doubles the counts and a file
that fails to read leaves the store exactly as it was.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from cancer_alliance.published.readers import COLUMNS, read_published


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_published(con: duckdb.DuckDBPyConnection, path: str | Path) -> dict[str, Any]:
    """Read ``path`` (CSV or XLSX layout), replace its rows in the store; return a summary.

    The summary has ``source_file, layout, rows_loaded, subtotal_rows, not_published_cells,
    periods, standards, bases``.
    """
    path = Path(path)
    layout, rows = read_published(path)  # raises before anything is changed
    rows = rows.assign(source_file=path.name)
    sha = _sha256(path)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM published_cwt WHERE source_file = ?", [path.name])
        con.execute("DELETE FROM published_files WHERE source_file = ?", [path.name])
        if len(rows):
            con.register("_published_rows", rows)
            cols = ", ".join(COLUMNS + ["source_file"])
            con.execute(f"INSERT INTO published_cwt ({cols}) SELECT {cols} FROM _published_rows")
            con.unregister("_published_rows")
        con.execute(
            "INSERT INTO published_files (source_file, layout, sha256, rows_loaded)"
            " VALUES (?, ?, ?, ?)",
            [path.name, layout, sha, len(rows)],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    counts = rows[["total", "within", "breaches"]]
    return {
        "source_file": path.name,
        "layout": layout,
        "rows_loaded": int(len(rows)),
        "subtotal_rows": int(rows["is_subtotal"].sum()) if len(rows) else 0,
        "not_published_cells": int(counts.isna().sum().sum()),
        "periods": sorted(rows["period"].unique().tolist()),
        "standards": sorted(rows["standard"].unique().tolist()),
        "bases": sorted(rows["basis"].unique().tolist()),
    }


def published_rows(con: duckdb.DuckDBPyConnection, standard: str | None = None) -> pd.DataFrame:
    """Every stored published row (optionally one standard), in file order."""
    sql = "SELECT * FROM published_cwt"
    params: list[Any] = []
    if standard:
        sql += " WHERE standard = ?"
        params.append(standard)
    sql += " ORDER BY source_file, source_row"
    return con.execute(sql, params).df()
