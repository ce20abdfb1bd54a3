"""Reading a lake: the files of a table as its current manifest lists them.

Every reader (pyarrow, DuckDB, Spark, polars) is given the manifest's file list and the
table's root as the Hive base path, so partition columns come from the folder names and a
filter on ``period`` or ``provider_code`` skips whole files. Files of superseded versions
that still sit in the folders are never read.
"""

from __future__ import annotations

import os

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from cancer_alliance.lake.fs import Location, locate
from cancer_alliance.lake.layout import ALL_TABLES, PARTITION_COLUMNS
from cancer_alliance.lake.manifest import Manifest, TableEntry, require_manifest


def read_partition(loc: Location, path: str) -> pa.Table:
    """One partition's file (without its partition columns)."""
    with loc.fs.open_input_file(loc.path(path)) as f:
        return pq.read_table(f)


def dataset(loc: Location, entry: TableEntry) -> ds.Dataset:
    """A pyarrow dataset of one table, partition columns typed as strings."""
    files = [loc.path(p.path) for p in entry.partitions]
    if not files:
        return ds.dataset(entry.schema.empty_table())
    if entry.partition_by:
        part = ds.partitioning(pa.schema([(c, pa.string()) for c in entry.partition_by]),
                               flavor="hive")
        return ds.dataset(files, schema=entry.schema, filesystem=loc.fs, format="parquet",
                          partitioning=part, partition_base_dir=loc.path(entry.root))
    return ds.dataset(files, schema=entry.schema, filesystem=loc.fs, format="parquet")


def register_duckdb(con: duckdb.DuckDBPyConnection, lake: str | os.PathLike,
                    tables: tuple[str, ...] = ALL_TABLES) -> Manifest:
    """Make each lake table a view of the same name on ``con`` (DuckDB over the lake).

    Arrow datasets let DuckDB push filters and column choices into the scan, on any
    filesystem pyarrow opens (DuckDB's own remote-file extensions are not needed).
    """
    loc = locate(lake)
    manifest = require_manifest(loc)
    for name in tables:
        entry = manifest.tables.get(name)
        if entry is not None:
            con.register(name, dataset(loc, entry))
    return manifest


def spark_paths(loc: Location, entry: TableEntry) -> tuple[str, list[str]]:
    """(base path, files) of a table in Hadoop's spelling, for ``spark.read.parquet``."""
    return (loc.spark_path(entry.root),
            [loc.spark_path(p.path) for p in entry.partitions])


__all__ = ["PARTITION_COLUMNS", "dataset", "read_partition", "register_duckdb", "spark_paths"]
