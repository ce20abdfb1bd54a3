"""Where the metric definitions run: an ibis backend over DuckDB or over Spark.

The definitions in :mod:`cancer_alliance.metrics` are ibis expressions and never name an
engine. This module makes the two backends they run on:

* :func:`duckdb_backend` wraps an open store connection (the embedded default);
* :func:`spark_backend` wraps a Spark session over the *same* store tables exported as
  Parquet by :func:`export_parquet`, one ``<table>.parquet`` per store table, so both
  engines read identical data.
"""

from __future__ import annotations

import os
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
