"""Loading a published CWT file into the store's ``published_cwt`` table.

NHS England publishes each month more than once: a provisional edition, then a final one
after the next month's revisions, and sometimes a revised file; the names differ
(``...-Provisional.xlsx``, ``...-Final.xlsx``, ``...-with-Revisions.xlsx``) and one file
may span several months. So an edition is recognised by what it covers, not by its name:
loading a file replaces every stored row of the same **basis, month, organisation and
standard** (whichever file it came from), and any earlier rows of a file of the same name.
Loading provisional then final therefore leaves the final figures once; loading the same
file twice changes nothing (idempotent); all in one transaction, so a file that fails to
read leaves the store exactly as it was. The file loaded last wins: load editions in the
order NHS England published them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from cancer_alliance.published.readers import COLUMNS, read_published

#: What one edition of a published figure is: NHS England republishes an organisation's
#: month of a standard as a whole (provisional, final, revised).
EDITION_KEY = ("basis", "period", "org_code", "standard")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_published(con: duckdb.DuckDBPyConnection, path: str | Path) -> dict[str, Any]:
    """Read ``path`` (CSV or XLSX layout), replace its rows in the store; return a summary.

    The summary has ``source_file, layout, rows_loaded, rows_replaced, replaced_files,
    subtotal_rows, not_published_cells, periods, standards, bases``; ``rows_replaced``
    counts the stored rows this edition replaced and ``replaced_files`` names their files.
    """
    path = Path(path)
    layout, rows = read_published(path)  # raises before anything is changed
    rows = rows.assign(source_file=path.name)
    sha = _sha256(path)
    covered = rows[list(EDITION_KEY)].drop_duplicates()
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("_covered", covered)
        same = " AND ".join(f"c.{k} = published_cwt.{k}" for k in EDITION_KEY)
        where = (f"WHERE source_file = ? OR EXISTS (SELECT 1 FROM _covered c WHERE {same})")
        replaced = con.execute(
            f"SELECT source_file, count(*) FROM published_cwt {where} GROUP BY 1 ORDER BY 1",
            [path.name],
        ).fetchall()
        con.execute(f"DELETE FROM published_cwt {where}", [path.name])
        con.unregister("_covered")
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
        "rows_replaced": int(sum(n for _, n in replaced)),
        "replaced_files": [f for f, _ in replaced],
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
