"""Where the metric definitions run: an ibis backend over DuckDB or over Spark.

The definitions in :mod:`cancer_alliance.metrics` are ibis expressions and never name an
engine. This module makes the backends they run on, behind two runner objects:

* :class:`DuckDBRunner`: the store itself (:func:`duckdb_backend`, the embedded default), or
  with ``lake=`` DuckDB over a lake's Parquet files (no store needed);
* :class:`SparkRunner`: a Spark session on any master (``local[*]``, ``spark://``, ``yarn``,
  ``k8s://``) or Spark Connect, made from :class:`SparkSettings` by :func:`spark_session`.
  With ``lake=`` the executors read the lake's files directly (:func:`spark_lake_backend`);
  without, the store is exported to a temporary folder first (:func:`export_parquet`, for
  a single machine only: executors elsewhere cannot see the driver's disk).

The runners say *where* the definitions run; :class:`Engine` (:func:`engine_for` a
backend) holds every difference in *how* the compiler uses a backend: how a run's inputs
are pinned (a temporary table on DuckDB, a cached view on Spark) and how compiled SQL is
exposed as a table. Nothing outside this module tests an engine's name or reaches into a
backend's private state.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyarrow.types as pat
from ibis.backends.duckdb.converter import DuckDBPandasData

from cancer_alliance.errors import UsageError
from cancer_alliance.lake import (
    Location,
    dataset,
    locate,
    register_duckdb,
    require_manifest,
    spark_paths,
)
from cancer_alliance.lake.manifest import TableEntry

#: The store tables the metric definitions read. Spark gets exactly these.
METRIC_SOURCE_TABLES = (
    "pathways",
    "subsequent_treatments",
    "recovery_events",
    "deaths",
    "organisations",
    "cancer_types",
    "tumour_groups",
    "icd10_tumour_groups",
    "lsoa_imd",
)

ENGINES = ("duckdb", "spark")


def duckdb_backend(con: duckdb.DuckDBPyConnection) -> Any:
    """An ibis DuckDB backend that shares ``con`` (no copy, sees uncommitted state)."""
    return ibis.duckdb.from_connection(con)


def export_parquet(
    con: duckdb.DuckDBPyConnection, directory: str | os.PathLike,
    tables: tuple[str, ...] = METRIC_SOURCE_TABLES,
) -> Path:
    """Write each store table in ``tables`` to ``directory/<table>.parquet``; return the dir.

    Spark cannot open a DuckDB file, so this is how it reads the store.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    for name in tables:
        if name not in present:
            continue
        target = out / f"{name}.parquet"
        con.execute(f"COPY (SELECT * FROM {name}) TO '{target}' (FORMAT parquet)")
    return out


def spark_backend(session: Any, source: str | os.PathLike) -> Any:
    """An ibis PySpark backend whose tables are the Parquet files in ``source``.

    Each ``source/<table>.parquet`` becomes a temporary view named ``<table>``, so the
    definitions call ``backend.table("pathways")`` exactly as on DuckDB.
    """
    src = Path(source)
    for path in sorted(src.glob("*.parquet")):
        session.read.parquet(str(path)).createOrReplaceTempView(path.stem)
    return ibis.pyspark.connect(session)


MASTER_ENV = "CANCER_ALLIANCE_SPARK_MASTER"
DEFAULT_MASTER = "local[*]"
#: Settings every session gets unless the user's configuration says otherwise: UTC dates,
#: partition values kept as strings (a provider code ``123`` is not a number), no web UI.
DEFAULT_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}


@dataclass(frozen=True)
class SparkSettings:
    """Which Spark to use: a master URL or a Spark Connect URL, extra configuration, and how
    long to wait for it before saying it cannot be reached."""

    master: str | None = None
    remote: str | None = None
    conf: tuple[tuple[str, str], ...] = ()
    timeout: float = 60.0

    @property
    def resolved_master(self) -> str:
        return self.master or os.environ.get(MASTER_ENV) or DEFAULT_MASTER


def parse_spark_conf(pairs: list[str] | tuple[str, ...] = (),
                     conf_file: str | os.PathLike | None = None) -> tuple[tuple[str, str], ...]:
    """``key=value`` pairs, after those of a ``spark-defaults.conf``-style file (``key value``
    or ``key=value`` per line, ``#`` comments); later settings win."""
    out: dict[str, str] = {}
    if conf_file is not None:
        path = Path(conf_file)
        if not path.is_file():
            raise UsageError(f"--spark-conf-file {path}: no such file")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            first = line.split(None, 1)
            if "=" in first[0]:
                key, _, value = line.partition("=")
            else:
                key, value = first[0], first[1] if len(first) > 1 else ""
            if not key.strip() or not value.strip():
                raise UsageError(f"{path}, line {n}: expected 'key value' or 'key=value'")
            out[key.strip()] = value.strip()
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--spark-conf {pair!r}: expected key=value, e.g. "
                             "spark.executor.memory=4g")
        out[key.strip()] = value.strip()
    return tuple(out.items())


def _endpoints(url: str) -> list[tuple[str, int]]:
    """(host, port) pairs a master URL names; none for local, yarn or unknown schemes."""
    if url.startswith("spark://"):
        return [(h, int(p or 7077)) for h, _, p in
                (hp.partition(":") for hp in url[len("spark://"):].split(","))]
    if url.startswith(("k8s://", "sc://")):
        parts = urlsplit(url[len("k8s://"):] if url.startswith("k8s://") else url)
        default = 15002 if url.startswith("sc://") else (443 if parts.scheme == "https" else 80)
        return [(parts.hostname or "", parts.port or default)]
    return []


def probe(url: str, timeout: float) -> None:
    """Fail fast, naming ``url``, when none of its endpoints accepts a connection."""
    problems = []
    for host, port in _endpoints(url):
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return
        except TimeoutError:
            problems.append(f"{host}:{port} did not answer within {timeout:g} s")
        except OSError as exc:
            problems.append(f"{host}:{port}: {exc.strerror or exc}")
    if problems:
        raise UsageError(f"cannot reach the Spark master {url}: {'; '.join(problems)}")


def _require_connect(url: str) -> None:
    try:
        from pyspark.sql.connect.utils import check_dependencies

        check_dependencies("pyspark.sql.connect")
    except ImportError as exc:
        raise UsageError(f"--spark-remote {url} needs Spark Connect's client libraries, which "
                         f"this installation lacks ({exc}); install pyspark[connect] or use "
                         "--spark-master") from None


def spark_session(settings: SparkSettings | None = None) -> Any:
    """A Spark session on the configured master (or Spark Connect server), ready to run.

    A ``spark://`` or ``k8s://`` master, or a Spark Connect URL, is probed first, and on a
    standalone master the session waits (up to ``timeout``) for an executor to register, so
    a wrong URL or a cluster without free workers is a clear error, never a hang. A session
    already running in this process on a different master is an error too: Spark would
    silently hand it back instead of the one asked for.
    """
    settings = settings or SparkSettings()
    from pyspark.sql import SparkSession

    if settings.remote:
        if not settings.remote.startswith("sc://"):
            raise UsageError(f"--spark-remote {settings.remote}: expected sc://host:port")
        _require_connect(settings.remote)
        probe(settings.remote, settings.timeout)
        builder = SparkSession.builder.remote(settings.remote)
        # the server's static settings (executors, UI) are its own; the SQL defaults are the
        # session's, so a server in another time zone still gives UTC dates
        sql_defaults = {k: v for k, v in DEFAULT_CONF.items() if k.startswith("spark.sql.")}
        for key, value in {**sql_defaults, **dict(settings.conf)}.items():
            builder = builder.config(key, value)
        return builder.getOrCreate()
    master = settings.resolved_master
    active = SparkSession.getActiveSession()
    if active is not None and active.sparkContext.master != master:
        raise UsageError(f"a Spark session on {active.sparkContext.master} is already running "
                         f"in this process; cannot also use {master}")
    probe(master, min(settings.timeout, 10.0))
    builder = SparkSession.builder.master(master).appName("cancer-alliance")
    # executors on this machine run this interpreter (with pyspark installed); a cluster's
    # own Python is set with --spark-conf spark.pyspark.python=...
    conf = {**DEFAULT_CONF, "spark.pyspark.python": os.environ.get(
        "PYSPARK_PYTHON", sys.executable), **dict(settings.conf)}
    for key, value in conf.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    if master.startswith("spark://"):
        _await_executor(session, master, settings.timeout)
    return session


def _await_executor(session: Any, master: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    status = session.sparkContext._jsc.sc().getExecutorMemoryStatus()
    while status.size() < 2:  # the driver counts as one
        if time.monotonic() > deadline:
            session.stop()
            raise UsageError(f"the Spark master {master} gave this application no executor "
                             f"within {timeout:g} s: is a worker registered with free cores "
                             "and memory?")
        time.sleep(0.25)
        status = session.sparkContext._jsc.sc().getExecutorMemoryStatus()


def local_spark_session() -> Any:
    """A local-mode Spark session on ``$CANCER_ALLIANCE_SPARK_MASTER`` or ``local[*]``."""
    return spark_session(SparkSettings())


def spark_read_lake(session: Any, lake: str | os.PathLike,
                    tables: tuple[str, ...] | None = None, prefix: str = "") -> Any:
    """Register each lake table as a temporary view ``<prefix><table>`` read straight from
    the lake's files (the executors open them; nothing passes through the driver).

    Partition columns come from the folder names (``basePath``), so a filter on ``period``,
    ``provider_code`` or ``reporting_period`` prunes whole files. Returns the manifest."""
    loc = locate(lake)
    manifest = require_manifest(loc)
    session.conf.set("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
    for name, entry in manifest.tables.items():
        if tables is not None and name not in tables:
            continue
        spark_view(session, loc, entry, prefix + name)
    return manifest


def spark_view(session: Any, loc: Any, entry: Any, view: str) -> None:
    """One lake table (or results table) as a Spark temporary view."""
    from pyspark.sql.pandas.types import from_arrow_schema

    base, files = spark_paths(loc, entry)
    schema = from_arrow_schema(entry.schema)
    if files:
        df = session.read.option("basePath", base).schema(schema).parquet(*files)
    else:
        df = session.createDataFrame([], schema)
    df.createOrReplaceTempView(view)


class DuckDBRunner:
    """The definitions on DuckDB: the store's connection, or DuckDB over a lake."""

    name = "duckdb"

    def __init__(self, lake: str | os.PathLike | None = None):
        self.lake = lake

    @contextmanager
    def backend(self, con: duckdb.DuckDBPyConnection | None) -> Iterator[Any]:
        if self.lake is None:
            if con is None:
                raise UsageError("the duckdb engine needs a store (--db) or a lake (--lake)")
            yield duckdb_backend(con)
            return
        scratch = duckdb.connect()
        try:
            register_duckdb(scratch, self.lake)
            yield duckdb_backend(scratch)
        finally:
            scratch.close()

    @property
    def reads_store_outcomes(self) -> bool:
        """Whether the store's materialised ``metric_outcomes`` are this engine's to read."""
        return self.lake is None

    def register_view(self, backend: Any, loc: Location, entry: TableEntry,
                      view: str) -> None:
        backend.con.register(view, dataset(loc, entry))

    def write_parquet(self, backend: Any, expr: ibis.Table, loc: Location, rel: str,
                      partition_by: tuple[str, ...]) -> None:
        pq.write_to_dataset(backend.to_pyarrow(expr), loc.path(rel),
                            partition_cols=list(partition_by), filesystem=loc.fs)

    def stop(self) -> None:
        """Nothing to stop: DuckDB runs in this process."""


class SparkRunner:
    """The definitions on Spark: a given session, or one made from :class:`SparkSettings`
    when first needed (and stopped by :meth:`stop`)."""

    name = "spark"

    def __init__(self, session: Any = None, settings: SparkSettings | None = None,
                 lake: str | os.PathLike | None = None):
        self._session, self._own = session, session is None
        self.settings = settings or SparkSettings()
        self.lake = lake

    @property
    def session(self) -> Any:
        if self._session is None:
            self._session = spark_session(self.settings)
        return self._session

    @contextmanager
    def backend(self, con: duckdb.DuckDBPyConnection | None) -> Iterator[Any]:
        if self.lake is not None:
            spark_read_lake(self.session, self.lake)
            yield ibis.pyspark.connect(self.session)
            return
        if con is None:
            raise UsageError("the spark engine needs a lake (--lake) or a store (--db)")
        with tempfile.TemporaryDirectory(prefix="cancer-alliance-spark-") as tmp:
            export_parquet(con, tmp)
            yield spark_backend(self.session, tmp)

    reads_store_outcomes = False

    def register_view(self, backend: Any, loc: Location, entry: TableEntry,
                      view: str) -> None:
        spark_view(self.session, loc, entry, view)

    def write_parquet(self, backend: Any, expr: ibis.Table, loc: Location, rel: str,
                      partition_by: tuple[str, ...]) -> None:
        """The executors write their own files: nothing is collected on the driver."""
        df = self.session.sql(ibis.to_sql(expr, dialect="pyspark"))
        df.write.mode("overwrite").partitionBy(*partition_by).parquet(loc.spark_path(rel))

    def stop(self) -> None:
        """Stop the session if this engine made it."""
        if self._own and self._session is not None:
            self._session.stop()
            self._session = None


def make_engine(engine: Any = "duckdb", spark: Any = None,
                lake: str | os.PathLike | None = None) -> DuckDBRunner | SparkRunner:
    """An engine object from ``engine`` (a name or already an engine object)."""
    if isinstance(engine, (DuckDBRunner, SparkRunner)):
        return engine
    if engine == "duckdb":
        return DuckDBRunner(lake)
    if engine == "spark":
        return SparkRunner(spark, lake=lake)
    raise UsageError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")


class Engine:
    """What the metric compiler needs from an engine, beyond ibis itself."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend

    @property
    def dialect(self) -> str:
        """The SQL dialect ibis compiles to for this engine."""
        return self.backend.name

    def pin(self, name: str, build: Callable[[], ibis.Table], key: Hashable,
            materialise: bool) -> None:
        """Make the table ``build()`` readable as ``name`` for the rest of the run.

        ``materialise``: it will be read many times, so compute it once. ``key`` identifies
        the expression ``build`` returns, so an engine may reuse work done for the same key.
        """
        raise NotImplementedError

    def expose(self, name: str, sql: str) -> ibis.Table:
        """The SQL ``sql`` (this engine's dialect) as a temporary view ``name``, as a table."""
        raise NotImplementedError

    def frame(self, expr: ibis.Table) -> pd.DataFrame:
        """``expr``'s rows as the pandas frame ibis's ``to_pandas`` gives."""
        return expr.to_pandas()


#: The dataset tables pinned inputs are built from (their columns key the compiled SQL).
_PINNED_SOURCES = ("pathways", "subsequent_treatments")


#: The Arrow type a gappy date or timestamp column is cast to, giving the dtype ibis gives
#: (``datetime64[s]`` for dates, ``datetime64[ns]`` for timestamps without a time zone).
_DATE_UNITS = {"date": pa.timestamp("s"), "timestamp": pa.timestamp("ns")}


def _temporal(arrow_type: pa.DataType) -> str:
    """``"date"``, ``"timestamp"`` (no time zone) or ``""``: which fast cast applies."""
    if pat.is_date(arrow_type):
        return "date"
    if pat.is_timestamp(arrow_type) and arrow_type.tz is None:
        return "timestamp"
    return ""


class DuckDBEngine(Engine):
    """DuckDB: inputs as temporary tables (or views) from SQL compiled once per process
    (ibis compiling takes longer than DuckDB running it on a whole alliance)."""

    _SQL: dict[Hashable, str] = {}
    _SQL_CACHE_SIZE = 64

    def pin(self, name: str, build: Callable[[], ibis.Table], key: Hashable,
            materialise: bool) -> None:
        # The compiled SQL names the input tables' columns, so the key carries their shape:
        # a store's pathways and a lake's (with its partition columns) differ.
        shape = tuple(tuple(self.backend.table(t).schema().names) for t in _PINNED_SOURCES)
        sql_key = (self.dialect, name, key, shape)
        if sql_key not in self._SQL:
            self._SQL[sql_key] = ibis.to_sql(build(), dialect=self.dialect)
            if len(self._SQL) > self._SQL_CACHE_SIZE:
                self._SQL.pop(next(iter(self._SQL)))
        self._drop_temp(name)
        kind = "TABLE" if materialise else "VIEW"
        self.backend.con.execute(f"CREATE TEMP {kind} {name} AS {self._SQL[sql_key]}")

    def expose(self, name: str, sql: str) -> ibis.Table:
        self._drop_temp(name)
        self.backend.con.execute(f"CREATE TEMP VIEW {name} AS {sql}")
        return self.backend.table(name)

    def frame(self, expr: ibis.Table) -> pd.DataFrame:
        """The frame ``expr.to_pandas()`` gives, made faster where dates have gaps.

        ibis (12) turns every Arrow column holding a null into Python objects, one value at
        a time, before casting it back: a million pathways' dates with a gap (no treatment
        yet, no death) took about a second a column, in the serving process, holding
        Python's interpreter lock while every other request waited. Date and plain
        timestamp columns are cast by Arrow instead (nulls become ``NaT``, as before);
        every other column takes ibis's own path, and ibis's own conversion to the
        expression's schema runs last, so dtypes and values are unchanged
        (``tests/metrics/test_to_frame.py`` compares the two)."""
        table = expr.to_pyarrow()
        columns = {}
        for name, col in zip(table.column_names, table.columns, strict=True):
            cast_to = _DATE_UNITS.get(_temporal(col.type)) if col.null_count else None
            if cast_to is not None:
                try:
                    columns[name] = col.cast(cast_to).to_pandas()
                    continue
                except pa.ArrowInvalid:  # beyond pandas' nanosecond range: ibis's path
                    pass
            if pat.is_nested(col.type) or pat.is_dictionary(col.type) or col.null_count:
                columns[name] = col.to_pylist()
            else:
                columns[name] = col.to_pandas()
        df = pd.DataFrame(columns)
        return DuckDBPandasData.convert_table(df, expr.schema())

    def _drop_temp(self, name: str) -> None:
        """Drop a temporary table or view of this name, whichever it is."""
        rows = self.backend.con.execute(
            "SELECT 'TABLE' FROM duckdb_tables() WHERE temporary AND table_name = ? "
            "UNION ALL SELECT 'VIEW' FROM duckdb_views() WHERE temporary AND view_name = ?",
            [name, name]).fetchall()
        for (kind,) in rows:
            self.backend.con.execute(f"DROP {kind} IF EXISTS temp.{name}")


class SparkEngine(Engine):
    """Spark: inputs as temporary views, cached when read many times."""

    def pin(self, name: str, build: Callable[[], ibis.Table], key: Hashable,
            materialise: bool) -> None:
        self.backend.create_view(name, build(), overwrite=True)
        if materialise:
            self.backend.raw_sql(f"CACHE LAZY TABLE {name}")

    def expose(self, name: str, sql: str) -> ibis.Table:
        self.backend.raw_sql(sql).createOrReplaceTempView(name)
        return self.backend.table(name)


_ENGINES: dict[str, type[Engine]] = {"duckdb": DuckDBEngine, "pyspark": SparkEngine}


def to_frame(expr: ibis.Table) -> pd.DataFrame:
    """``expr``'s rows as a pandas frame, on whichever engine ``expr`` is bound to.

    Use instead of ``expr.to_pandas()``: the same frame, by the engine's fastest route
    (:meth:`Engine.frame`)."""
    return engine_for(ibis.get_backend(expr)).frame(expr)


def engine_for(backend: Any) -> Engine:
    """The :class:`Engine` of an ibis backend made by this module."""
    try:
        return _ENGINES[backend.name](backend)
    except KeyError:
        raise ValueError(f"no metrics engine for the ibis backend {backend.name!r}") from None
