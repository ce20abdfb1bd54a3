"""Materialised outcomes and aggregates written back to a lake, and loaded from it.

``refresh --lake URI`` (on Spark or DuckDB) computes the wide outcome rows of every
completed-waits standard from the lake and writes them to
``<lake>/results/<run>/metric_outcomes/reporting_period=YYYY-MM/provider_code=XXX/`` (the
engine's own writers: on Spark the executors write, nothing is collected on the driver),
with per-month aggregates beside them in ``metric_aggregates``. A small JSON document records
which lake data version and engine version they were computed from, and ``results/CURRENT``
is switched to it last, so readers see the previous results or the new, never half.

Results are used only while fresh: the lake's data version and :data:`ENGINE_VERSION`
unchanged. A one-month query then reads one month's folders of ``metric_outcomes``.
``lake import-results`` loads them into a DuckDB store's ``metric_outcomes`` (marking the
store fresh only when it holds the same submissions and reference data as the lake).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from typing import Any

import duckdb
import ibis
import pyarrow as pa
import pyarrow.parquet as pq
from pyarrow.fs import FileSelector, FileType

from cancer_alliance.errors import NotFound, UsageError
from cancer_alliance.lake import Location, dataset, locate, register_duckdb, require_manifest
from cancer_alliance.lake.fs import read_bytes, write_atomic
from cancer_alliance.lake.manifest import Partition, TableEntry
from cancer_alliance.metrics.compile import WIDE_COLUMNS, outcomes_table
from cancer_alliance.metrics.materialise import (
    ENGINE_VERSION,
    is_fresh,
    latest_submissions,
    reference_fingerprint,
)
from cancer_alliance.metrics.standards import COMPLETED

POINTER = "results/CURRENT"
OUTCOMES = "metric_outcomes"
AGGREGATES = "metric_aggregates"
PARTITION_BY = ("reporting_period", "provider_code")
AGGREGATE_PARTITION_BY = ("reporting_period",)
#: The view a fresh results table is read through.
RESULTS_VIEW = "_lake_metric_outcomes"


def aggregates(t: ibis.Table) -> ibis.Table:
    """Included shares by standard, month and accountable provider (what the dashboards sum)."""
    t = t.filter(t.included)
    within = ibis.cases((t.outcome == "within", t.share), else_=0.0)
    return t.group_by(standard=t.standard, reporting_period=t.reporting_period,
                      accountable_provider_code=t.accountable_provider_code).aggregate(
        total=t.share.sum(), within=within.sum())


def write_results(engine: Any) -> dict:
    """Compute every completed standard on ``engine`` over its lake and write the results."""
    if engine.lake is None:
        raise UsageError("writing results needs a lake (--lake)")
    loc = locate(engine.lake)
    manifest = require_manifest(loc)
    run = new_run_name()
    tables = {}
    with engine.backend(None) as backend:
        wide = outcomes_table(backend, COMPLETED).select(*WIDE_COLUMNS)
        rel = f"results/{run}/{OUTCOMES}"
        engine.write_parquet(backend, wide, loc, rel, PARTITION_BY)
        tables[OUTCOMES] = _entry(loc, rel, OUTCOMES, PARTITION_BY)
        # the aggregates read the rows just written rather than computing them again
        engine.register_view(backend, loc, tables[OUTCOMES], RESULTS_VIEW)
        rel = f"results/{run}/{AGGREGATES}"
        engine.write_parquet(backend, aggregates(backend.table(RESULTS_VIEW)), loc, rel,
                             AGGREGATE_PARTITION_BY)
        tables[AGGREGATES] = _entry(loc, rel, AGGREGATES, AGGREGATE_PARTITION_BY)
    doc = {"run": run, "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
           "engine": engine.name, "engine_version": ENGINE_VERSION,
           "lake_version": manifest.version, "source_data_version": manifest.data_version(),
           "tables": {n: e.as_dict() for n, e in tables.items()}}
    write_atomic(loc, loc.path("results", run, "results.json"), json.dumps(doc).encode())
    write_atomic(loc, loc.path(POINTER), (run + "\n").encode())
    return {"run": run, "lake_version": manifest.version,
            **{n: e.rows for n, e in tables.items()}}


def new_run_name() -> str:
    """``r<UTC start time>-<random>``: run folders sort by when they were started."""
    return "r" + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def _entry(loc: Location, rel: str, name: str, cols: tuple[str, ...]) -> TableEntry:
    """The files an engine wrote under ``rel``, with their partition values and row counts."""
    root = loc.path(rel)
    parts, schema = [], None
    for info in sorted(loc.fs.get_file_info(FileSelector(root, recursive=True)),
                       key=lambda i: i.path):
        base = info.path.rsplit("/", 1)[-1]
        if info.type != FileType.File or not base.endswith(".parquet") or base[0] in "._":
            continue
        sub = info.path[len(root) + 1:]
        values = dict(seg.split("=", 1) for seg in sub.split("/")[:-1])
        with loc.fs.open_input_file(info.path) as f:
            meta = pq.ParquetFile(f).metadata
            schema = schema or meta.schema.to_arrow_schema()
        parts.append(Partition(values, f"{rel}/{sub}", meta.num_rows, info.size, "", ""))
    if schema is None:
        raise NotFound(f"the engine wrote no {name} files under {loc.uri}/{rel}")
    for c in cols:
        schema = schema.append(pa.field(c, pa.string()))
    return TableEntry(name, cols, schema, parts, rel)


def current_results(loc: Location) -> dict | None:
    """The document of the run ``results/CURRENT`` names, or None."""
    raw = read_bytes(loc, loc.path(POINTER))
    if raw is None:
        return None
    doc = read_bytes(loc, loc.path("results", raw.decode().strip(), "results.json"))
    return None if doc is None else json.loads(doc)


def fresh_results(loc: Location) -> dict | None:
    """The current results document, if its outcomes reflect the lake as it is now."""
    doc = current_results(loc)
    if doc is None or doc["engine_version"] != ENGINE_VERSION:
        return None
    if doc["source_data_version"] != require_manifest(loc).data_version():
        return None
    return doc


def stored_outcomes(engine: Any, con: duckdb.DuckDBPyConnection | None,
                    backend: Any) -> ibis.Table | None:
    """Fresh materialised outcome rows for ``engine``, or None (then compute them)."""
    if engine.reads_store_outcomes:
        return backend.table("metric_outcomes") if con is not None and is_fresh(con) else None
    if engine.lake is None:
        return None
    loc = locate(engine.lake)
    doc = fresh_results(loc)
    if doc is None:
        return None
    entry = TableEntry.from_dict(OUTCOMES, doc["tables"][OUTCOMES])
    engine.register_view(backend, loc, entry, RESULTS_VIEW)
    return backend.table(RESULTS_VIEW)


def import_results(con: duckdb.DuckDBPyConnection, lake: str | os.PathLike) -> dict:
    """Load the lake's current outcomes into the store's ``metric_outcomes``.

    The store is marked fresh only when it holds exactly the lake's submissions and
    reference data (else the rows are loaded but the dashboards recompute, as after any
    change)."""
    loc = locate(lake)
    doc = current_results(loc)
    if doc is None:
        raise NotFound(f"lake {loc.uri} has no results: run `cancer-alliance refresh --lake "
                       f"{loc.uri}` (with --engine spark on a cluster) first")
    entry = TableEntry.from_dict(OUTCOMES, doc["tables"][OUTCOMES])
    scratch = duckdb.connect()
    try:
        register_duckdb(scratch, lake)
        lake_latest = latest_submissions(scratch)
        lake_reference = reference_fingerprint(scratch)
    finally:
        scratch.close()
    matches = (latest_submissions(con) == lake_latest
               and reference_fingerprint(con) == lake_reference
               and fresh_results(loc) is not None)
    con.register("_lake_results", dataset(loc, entry))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM metric_outcomes")
        con.execute("DELETE FROM metric_refresh_state")
        con.execute(f"INSERT INTO metric_outcomes BY NAME SELECT {', '.join(WIDE_COLUMNS)} "
                    "FROM _lake_results")
        if matches:
            for provider, sub in lake_latest.items():
                con.execute("INSERT OR REPLACE INTO metric_refresh_state VALUES (?, ?, ?)",
                            [provider, sub, now])
        meta = {"engine_version": doc["engine_version"] if matches else "imported-stale",
                "reference": lake_reference}
        for key, value in meta.items():
            con.execute("INSERT OR REPLACE INTO metric_refresh_meta VALUES (?, ?)",
                        [key, value])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("_lake_results")
    (n,), = con.execute("SELECT count(*) FROM metric_outcomes").fetchall()
    return {"run": doc["run"], "rows": int(n), "fresh": matches}
