"""Where the metric definitions run: an ibis backend over DuckDB or over Spark.

The definitions in :mod:`cancer_alliance.metrics` are ibis expressions and never name an
engine. This module makes the two backends they run on:

* :func:`duckdb_backend` wraps an open store connection (the embedded default);
* :func:`spark_backend` wraps a Spark session over the *same* store tables exported as
  Parquet by :func:`export_parquet`, one ``<table>.parquet`` per store table, so both
  engines read identical data.

and holds every difference between them behind one small interface, :class:`Engine`
(:func:`engine_for` a backend): how a run's inputs are pinned (a temporary table on DuckDB,
a cached view on Spark) and how compiled SQL is exposed as a table. Nothing outside this
module tests an engine's name or reaches into a backend's private state.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import duckdb
import ibis

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


def local_spark_session() -> Any:
    """A small local-mode Spark session for the command line (tests use their fixture)."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[2]")
        .appName("cancer-alliance-metrics")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )


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


class DuckDBEngine(Engine):
    """DuckDB: inputs as temporary tables (or views) from SQL compiled once per process
    (ibis compiling takes longer than DuckDB running it on a whole alliance)."""

    _SQL: dict[Hashable, str] = {}
    _SQL_CACHE_SIZE = 64

    def pin(self, name: str, build: Callable[[], ibis.Table], key: Hashable,
            materialise: bool) -> None:
        sql_key = (self.dialect, name, key)
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


def engine_for(backend: Any) -> Engine:
    """The :class:`Engine` of an ibis backend made by this module."""
    try:
        return _ENGINES[backend.name](backend)
    except KeyError:
        raise ValueError(f"no metrics engine for the ibis backend {backend.name!r}") from None
