"""``lake export``: write the store's tables into a lake, only the partitions that changed.

Order of work, so that a kill at any moment leaves the previous version readable:

1. fingerprint every partition in the store (row count and the sum of row hashes, one
   grouped query per table) and compare with the current manifest;
2. write each changed partition as a new Parquet file named by its content (an existing
   name already holds those bytes, so re-running after a crash rewrites nothing);
3. write the new version's manifest, then switch ``CURRENT`` to it (one atomic rename);
4. remove files that no kept version refers to.

Nothing changed means no new version: exporting twice is the same as exporting once.

The capacity dataset's tables (``capacity``, ``workforce`` and their superseded versions)
are exported by the same code, partitioned by their rows' own month and provider, and
always as a mirror of the store (see :mod:`.layout`); ``ingest-capacity --lake`` exports
only them and their register (:data:`CAPACITY_EXPORT`).

With ``home="lake"`` (``ingest --lake-only``) the store holds only what one ingest needs:
the current rows of the providers it touched, hydrated from the lake beforehand
(:func:`hydrate`), and the versions that ingest superseded. Those superseded tables are then
*appended* to the lake's partitions (history only grows), and the store's copies are
cleared afterwards (:func:`clear_dataset_rows`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from cancer_alliance.calendar import read_calendar
from cancer_alliance.errors import UsageError
from cancer_alliance.lake.fs import Location, locate, write_once
from cancer_alliance.lake.layout import (
    CAPACITY_DATASET_TABLES,
    CAPACITY_REGISTER,
    CURRENT_TABLES,
    DATASET_TABLES,
    PARTITION_COLUMNS,
    PARTITIONED_TABLES,
    REFERENCE_TABLES,
    SUPERSEDED_TABLES,
    UNREGISTERED,
    has_provider_column,
    is_capacity,
    partition_dir,
    source_table,
)
from cancer_alliance.lake.manifest import (
    Manifest,
    Partition,
    TableEntry,
    combine_fingerprints,
    publish,
    read_manifest,
)
from cancer_alliance.lake.read import read_partition
from cancer_alliance.lake.retention import clean

KEEP_VERSIONS = 3


@dataclass
class ExportSummary:
    """What an export did; ``as_dict()`` is the command's JSON output."""

    lake: str
    version: int
    new_version: bool
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    rows_written: int = 0
    bytes_written: int = 0

    def as_dict(self) -> dict:
        return {"lake": self.lake, "version": self.version, "new_version": self.new_version,
                "partitions_written": len(self.written), "partitions_unchanged": self.unchanged,
                "partitions_removed": len(self.removed), "rows_written": self.rows_written,
                "bytes_written": self.bytes_written}


def _data_columns(table: str) -> list[str]:
    """The columns written in a partition's file (``period`` and ``provider_code`` are in
    its folder)."""
    cols = [*source_table(table).column_names, "submission_id"]
    return [c for c in cols if c not in PARTITION_COLUMNS]


def _provider_sql(table: str) -> str:
    return ("t.provider_code" if has_provider_column(table)
            else f"coalesce(s.provider_code, '{UNREGISTERED}')")


def _period_sql(table: str) -> str:
    """A pathway row's partition month is its submission's; a capacity row names its own."""
    return "t.period" if is_capacity(table) else f"coalesce(s.period, '{UNREGISTERED}')"


def _from_sql(table: str) -> str:
    """The table's rows, joined to the register that gives their partition month."""
    if is_capacity(table):
        return f"{table} t"
    return f"{table} t LEFT JOIN submissions s ON s.submission_id = t.submission_id"


def _fingerprint_sql(columns: Iterable[str], source: str) -> str:
    cols = ", ".join(f'"{c}"' for c in columns)
    return f"SELECT count(*), coalesce(sum(hash({cols})), 0) FROM {source}"


def _rows_sql(table: str, where: str = "TRUE") -> str:
    """The rows of a dataset table with their partition values, in a stable order."""
    key = ", ".join(f"t.{c}" for c in source_table(table).key)
    cols = ", ".join(f"t.{c}" for c in _data_columns(table))
    return (f"SELECT {cols}, {_period_sql(table)} AS period, "
            f"{_provider_sql(table)} AS provider_code FROM {_from_sql(table)} "
            f"WHERE {where} ORDER BY period, provider_code, {key}, t.submission_id")


def _store_fingerprints(con: duckdb.DuckDBPyConnection, table: str,
                        providers: list[str] | None) -> dict[tuple, tuple[int, str]]:
    """(period, provider) -> (rows, fingerprint) of a dataset table in the store."""
    cols = ", ".join(f"t.{c}" for c in _data_columns(table))
    where = "TRUE" if providers is None else f"{_provider_sql(table)} IN ?"
    sql = (f"SELECT {_period_sql(table)}, {_provider_sql(table)}, count(*), "
           f"coalesce(sum(hash({cols})), 0) FROM {_from_sql(table)} "
           f"WHERE {where} GROUP BY ALL")
    params = [] if providers is None else [providers]
    return {(("period", per), ("provider_code", prov)): (int(n), f"{n}:{h}")
            for per, prov, n, h in con.execute(sql, params).fetchall()}


def encode(table: pa.Table) -> bytes:
    """A partition's Parquet bytes (zstd), named by their digest when written."""
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


class _Writer:
    """Writes partitions' files and collects their manifest entries."""

    def __init__(self, loc: Location, summary: ExportSummary):
        self.loc, self.summary = loc, summary

    def write(self, table: str, values: dict[str, str], data: pa.Table,
              fingerprint: str) -> Partition:
        raw = encode(data)
        digest = hashlib.sha256(raw).hexdigest()
        rel = f"{partition_dir(table, values)}/part-{digest[:20]}.parquet"
        write_once(self.loc, self.loc.path(rel), raw)
        _pause_for_crash_test()
        label = "/".join([table, *(f"{k}={v}" for k, v in values.items())])
        self.summary.written.append(label)
        self.summary.rows_written += data.num_rows
        self.summary.bytes_written += len(raw)
        return Partition(values, rel, data.num_rows, len(raw), digest, fingerprint)


def fingerprint_arrow(data: pa.Table) -> str:
    """``rows:sum of row hashes`` of an Arrow table, as the store's partitions are summed."""
    con = duckdb.connect()
    try:
        con.register("x", data)
        (n, h), = con.execute(_fingerprint_sql(data.column_names, "x")).fetchall()
    finally:
        con.close()
    return f"{n}:{h}"


def _export_dataset(con, table: str, previous: TableEntry | None, writer: _Writer,
                    providers: list[str] | None, append: bool) -> TableEntry:
    """One dataset table: carry over unchanged partitions, rewrite the changed ones.

    ``append`` (the history of a ``--lake-only`` lake): the store holds only the versions
    this ingest superseded, so a partition keeps its files and gains one more holding the
    rows it lacked (history only grows; ``lake compact`` merges the files later).
    """
    old = previous.by_key() if previous else {}
    now = _store_fingerprints(con, table, providers)
    keep: dict[tuple, list[Partition]] = {}
    changed: dict[tuple, tuple[int, str]] = {}
    for key, files in old.items():
        provider = dict(key)["provider_code"]
        in_scope = providers is None or provider in providers
        if append or not in_scope:
            keep[key] = files  # history only grows; out of scope: untouched
        elif key in now and now[key][1] == combine_fingerprints(p.fingerprint for p in files):
            keep[key] = files
        elif key not in now:
            writer.summary.removed.extend(p.path for p in files)
    for key, fp in now.items():
        if append or key not in old or (
                combine_fingerprints(p.fingerprint for p in old[key]) != fp[1]):
            changed[key] = fp
    schema = _schema(con, table)
    for period in sorted({dict(k)["period"] for k in changed}):
        keys = sorted(k for k in changed if dict(k)["period"] == period)
        provs = [dict(k)["provider_code"] for k in keys]
        where = f"{_period_sql(table)} = ? AND {_provider_sql(table)} IN ?"
        sql = _rows_sql(table, where)
        data = con.sql(sql, params=[period, provs]).to_arrow_table()
        offset = 0
        cols = _data_columns(table)
        for key in keys:
            n = changed[key][0]
            piece = data.slice(offset, n).select(cols)
            offset += n
            fingerprint = changed[key][1]
            if append and key in old:
                piece = _missing_rows(writer.loc, old[key], piece)
                if piece.num_rows == 0:
                    continue
                fingerprint = fingerprint_arrow(piece)
                keep[key] = [*old[key], writer.write(table, dict(key), piece, fingerprint)]
                continue
            keep[key] = [writer.write(table, dict(key), piece, fingerprint)]
    writer.summary.unchanged += sum(1 for k, files in keep.items() if old.get(k) is files)
    return TableEntry(table, PARTITION_COLUMNS, schema,
                      [p for files in keep.values() for p in files])


def _missing_rows(loc: Location, old: list[Partition], new: pa.Table) -> pa.Table:
    """The rows of ``new`` that no file of an appended history partition holds yet, each once
    (re-running an interrupted ingest's export appends nothing twice)."""
    before = pa.concat_tables([read_partition(loc, p.path).select(new.column_names)
                               .cast(new.schema) for p in old])
    con = duckdb.connect()
    try:
        con.register("x", new)
        con.register("y", before)
        return con.sql("SELECT * FROM x EXCEPT SELECT * FROM y ORDER BY ALL").to_arrow_table()
    finally:
        con.close()


def _schema(con, table: str) -> pa.Schema:
    """The lake schema of a table: its file columns, then the partition columns as strings."""
    if table in PARTITIONED_TABLES:
        cols = ", ".join(_data_columns(table))
        file_schema = con.sql(f"SELECT {cols} FROM {table} LIMIT 0").to_arrow_table().schema
        for c in PARTITION_COLUMNS:
            file_schema = file_schema.append(pa.field(c, pa.string()))
        return file_schema
    return con.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema


def _export_reference(con, table: str, previous: TableEntry | None,
                      writer: _Writer) -> TableEntry:
    schema = _schema(con, table)
    (n, h), = con.execute(_fingerprint_sql(schema.names, table)).fetchall()
    fp = f"{n}:{h}"
    if previous and previous.partitions and previous.partitions[0].fingerprint == fp:
        writer.summary.unchanged += 1
        return TableEntry(table, (), schema, list(previous.partitions))
    data = con.sql(f"SELECT * FROM {table} ORDER BY ALL").to_arrow_table()
    return TableEntry(table, (), schema, [writer.write(table, {}, data, fp)])


def export_store(con: duckdb.DuckDBPyConnection, lake: str | os.PathLike, *,
                 providers: list[str] | None = None, home: str = "store",
                 keep_versions: int = KEEP_VERSIONS,
                 tables: Iterable[str] | None = None) -> ExportSummary:
    """Write the store's dataset, capacity and reference tables into ``lake``; see the
    module docstring.

    ``providers`` limits the comparison to those providers' partitions (an ingest knows
    which it touched), carrying every other partition over unread. ``tables`` limits the
    export to those tables (``ingest-capacity --lake``: :data:`CAPACITY_EXPORT`), carrying
    every other table of the current version over as it is.
    """
    loc = locate(lake)
    previous = read_manifest(loc)
    if previous is not None and previous.home != home:
        raise UsageError(_home_mismatch(loc, previous.home))
    summary = ExportSummary(loc.uri, previous.version if previous else 0, False)
    writer = _Writer(loc, summary)
    chosen = set(tables) if tables is not None else None
    out: dict[str, TableEntry] = {}
    for table in (*PARTITIONED_TABLES, *REFERENCE_TABLES, CAPACITY_REGISTER):
        before = previous.tables.get(table) if previous else None
        if chosen is not None and table not in chosen:
            if before is not None:
                out[table] = before
            continue
        if table in PARTITIONED_TABLES:
            # the history of a --lake-only lake only grows; capacity always mirrors the store
            append = home == "lake" and table in SUPERSEDED_TABLES
            scope = None if (home == "lake" and table == "deaths") else providers
            out[table] = _export_dataset(con, table, before, writer, scope, append)
        else:
            out[table] = _export_reference(con, table, before, writer)
    start = read_calendar(con).data_start
    if (previous is not None and not summary.written and not summary.removed
            and previous.data_start == start):
        return summary
    manifest = Manifest((previous.version if previous else 0) + 1,
                        dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), home, out,
                        data_start=start)
    publish(loc, manifest)
    summary.version, summary.new_version = manifest.version, True
    clean(loc, manifest.version, keep_versions)
    return summary


#: The tables a capacity submission changes, and so all ``ingest-capacity --lake`` exports.
CAPACITY_EXPORT = (*CAPACITY_DATASET_TABLES, CAPACITY_REGISTER)


def _home_mismatch(loc: Location, home: str) -> str:
    if home == "lake":
        return (f"lake {loc.uri} is the home of its rows (written by ingest --lake-only): "
                f"exporting a store over it would lose them; keep ingesting with --lake-only")
    return (f"lake {loc.uri} mirrors a store (written by lake export or ingest --lake): "
            f"ingest into that store with --lake, or start a new lake for --lake-only")


def hydrate(con: duckdb.DuckDBPyConnection, lake: str | os.PathLike,
            providers: list[str]) -> int:
    """Load into the (empty) store the lake's current rows that an ingest of ``providers``
    may replace or check against: their partitions of the current tables, and every death
    (deaths are keyed by patient, so any provider's may be superseded). Returns rows loaded."""
    loc = locate(lake)
    manifest = read_manifest(loc)
    (stored,), = con.execute(" + ".join(
        f"(SELECT count(*) FROM {t})" for t in DATASET_TABLES).join(["SELECT ", ""])).fetchall()
    if stored:
        raise UsageError("--lake-only needs a store without dataset rows (it keeps only "
                         "submissions, rejections and reference data): use a new --db, or "
                         "--lake without --lake-only to mirror this store")
    if manifest is None:
        return 0
    if manifest.home != "lake":
        raise UsageError(_home_mismatch(loc, manifest.home))
    loaded = 0
    for table in CURRENT_TABLES:
        entry = manifest.tables.get(table)
        if entry is None:
            continue
        columns = source_table(table).column_names + ["submission_id"]
        for part in entry.partitions:
            if table != "deaths" and part.values.get("provider_code") not in providers:
                continue
            data = read_partition(loc, part.path)
            if "provider_code" in columns and "provider_code" not in data.column_names:
                data = data.append_column(
                    "provider_code", pa.array([part.values["provider_code"]] * data.num_rows,
                                              pa.string()))
            con.register("_lake_part", data.select(columns))
            try:
                con.execute(f"INSERT INTO {table} ({', '.join(columns)}) "
                            f"SELECT {', '.join(columns)} FROM _lake_part")
            finally:
                con.unregister("_lake_part")
            loaded += data.num_rows
    return loaded


def clear_dataset_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Empty the store's dataset tables once the lake holds their rows (``--lake-only``)."""
    con.execute("BEGIN TRANSACTION")
    try:
        for table in DATASET_TABLES:
            con.execute(f"DELETE FROM {table}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _pause_for_crash_test() -> None:
    """Test hook: with ``CANCER_ALLIANCE_TEST_PAUSE_IN_LAKE_EXPORT=FILE`` set, create FILE
    after the first data file is written and wait, so a test can kill the export there."""
    marker = os.environ.get("CANCER_ALLIANCE_TEST_PAUSE_IN_LAKE_EXPORT")
    if marker and not Path(marker).exists():
        Path(marker).touch()
        time.sleep(120)
