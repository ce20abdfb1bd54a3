"""Writing a validated round of submissions to the store, inside the caller's transaction.

Everything here runs between ``BEGIN`` and ``COMMIT`` (see
:mod:`cancer_alliance.ingest.submission`), so either all of it lands or none of it does.
Rows go straight from the validation temp tables into the store with ``INSERT ... SELECT``:
no round trip through Python, and the file's row order is kept. Each row is written once:
to the current table, and to ``<table>_superseded`` only when a later version replaces it.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa

from cancer_alliance.dataset.datasets import PATHWAY_DATASET, Dataset
from cancer_alliance.ingest.readers import RawFile
from cancer_alliance.ingest.validate import CHILD_TABLES, TableResult


def new_submission_ids(con: duckdb.DuckDBPyConnection, n: int) -> list[int]:
    """``n`` fresh submission ids, ascending, drawn inside the open transaction."""
    rows = con.execute("SELECT nextval('submission_id_seq') FROM range(?)", [n]).fetchall()
    return sorted(int(r[0]) for r in rows)


def id_of_sub(ids: list[int]) -> str:
    """SQL mapping a row's ``_sub`` (position in the round) to its submission id."""
    return "[" + ", ".join(str(i) for i in ids) + "][_sub + 1]"


SUBMISSION_COLUMNS = {
    "submission_id": pa.int64(), "provider_code": pa.string(), "period": pa.string(),
    "submitted_by": pa.string(), "submitted_at": pa.timestamp("us"), "status": pa.string(),
    "message": pa.string(), "dataset_version": pa.int32(), "rows_read": pa.int64(),
    "accepted": pa.int64(), "rejected": pa.int64(), "archive_path": pa.string(),
}
FILE_COLUMNS = {
    "submission_id": pa.int64(), "file_name": pa.string(), "table_name": pa.string(),
    "sha256": pa.string(), "bytes": pa.int64(), "rows_read": pa.int64(),
    "accepted": pa.int64(), "rejected": pa.int64(),
}


def register_submissions(con: duckdb.DuckDBPyConnection, rows: list[tuple],
                         files: list[tuple], dataset: Dataset = PATHWAY_DATASET) -> None:
    """One ``submissions`` row per submission and one ``submission_files`` row per file
    (the capacity dataset's in its own tables of the same shape).

    ``rows``: (id, provider, period, submitted_by, rows_read, accepted, rejected, archive);
    ``files``: (id, file_name, table, sha256, bytes, rows_read, accepted, rejected)."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    _insert_rows(con, dataset.submissions_table, SUBMISSION_COLUMNS,
                 [(i, provider, period, who, now, "loaded", None, dataset.version, read,
                   accepted, rejected, archive)
                  for i, provider, period, who, read, accepted, rejected, archive in rows])
    _insert_rows(con, dataset.files_table, FILE_COLUMNS, files)


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, pa.DataType],
                 rows: list[tuple]) -> None:
    """Many rows in one statement, passed as an Arrow table: an ``INSERT ... VALUES`` with
    a parameter per value cost 70-110 ms for a national month's 500 files (binding 4,000
    parameters), ``executemany`` a statement per row."""
    values = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    data = pa.table({name: pa.array(list(v), type_)
                     for (name, type_), v in zip(columns.items(), values, strict=True)})
    view = f"new_{table}"
    con.register(view, data)
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"SELECT {', '.join(columns)} FROM {view}")
    finally:
        con.unregister(view)


def keep_rejections(con: duckdb.DuckDBPyConnection, result: TableResult, ids: list[int],
                    into: str = "rejections") -> None:
    """Every broken rule of every rejected row, in file and row order, into ``into``."""
    if result.failures is None:
        return
    con.execute(
        f"INSERT INTO {into} SELECT {id_of_sub(ids)}, file, \"row\", \"column\", value, "
        f"rule, message, raw_row FROM {result.failures} ORDER BY _seq, \"column\", rule"
    )


def apply_table(con: duckdb.DuckDBPyConnection, result: TableResult, ids: list[int],
                pathways: TableResult | None) -> None:
    """Make the accepted rows the current version of their keys; keep what they replace.

    The rows they replace move to ``<table>_superseded`` (so ``<table>_history`` still
    shows every version every submission sent, each stored once). A child file replaces the
    children of every pathway its submission sent, even when it has no accepted rows (an
    empty file says "none any more"). Within a round two submissions never share a
    provider, so keys that include ``provider_code`` cannot collide; a table keyed without
    it (deaths, by NHS number) keeps the latest submission's row current and the earlier
    ones superseded, exactly as loading the submissions one after another would."""
    table = result.table
    name = table.name
    accepted_rows = result.rows - sum(result.rejected_rows.values())
    if accepted_rows == 0 and name not in CHILD_TABLES:
        return
    cols = ", ".join(table.column_names)
    typed = ", ".join(f"t__{c}" for c in table.column_names)
    accepted = f"SELECT {typed}, {id_of_sub(ids)} FROM {result.checked} WHERE NOT _bad"
    typed_key = ", ".join(f"t__{k}" for k in table.key)
    if name in CHILD_TABLES:
        assert pathways is not None, "a child table is applied with its round's pathways"
        subs = ", ".join(str(s) for s in sorted({p.sub for p in result.parts}))
        replaced = (
            f"(provider_code, pathway_id) IN ("
            f"SELECT (t__provider_code, t__pathway_id) FROM {pathways.checked} "
            f"WHERE NOT _bad AND _sub IN ({subs}) UNION ALL "
            f"SELECT (t__provider_code, t__pathway_id) FROM {result.checked} WHERE NOT _bad)"
        )
    else:
        key = ", ".join(table.key)
        replaced = f"({key}) IN (SELECT ({typed_key}) FROM {result.checked} WHERE NOT _bad)"
    con.execute(f"INSERT INTO {name}_superseded ({cols}, submission_id) "
                f"SELECT {cols}, submission_id FROM {name} WHERE {replaced}")
    con.execute(f"DELETE FROM {name} WHERE {replaced}")
    if "provider_code" not in table.key and len({p.sub for p in result.parts}) > 1:
        latest = f"row_number() OVER (PARTITION BY {typed_key} ORDER BY _sub DESC)"
        con.execute(f"INSERT INTO {name}_superseded ({cols}, submission_id) "
                    f"{accepted} QUALIFY {latest} > 1")
        accepted += f" QUALIFY {latest} = 1"
    con.execute(f"INSERT INTO {name} ({cols}, submission_id) {accepted}")


def archive_files(raws: list[RawFile], root: Path, submission_id: int) -> Path:
    """Keep the raw files exactly as received (one copy of a workbook).

    Called inside the open transaction, just before the commit: a crash before the commit
    leaves at worst an archive folder that no submission refers to (replaced if the id is
    ever given again); a committed submission always has its archive."""
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{submission_id}-", dir=root))
    written = set()
    try:
        for raw in raws:
            name = raw.file_name.split(":", 1)[0]
            if name not in written:
                (tmp / name).write_bytes(raw.content)
                written.add(name)
    except BaseException:  # no half-written folder is left behind
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    final = root / str(submission_id)
    if final.exists():
        shutil.rmtree(final)
    tmp.rename(final)
    return final
