"""The lake: the store's tables as Hive-partitioned Parquet that a cluster reads directly.

Layout (``<lake>`` is a folder or a filesystem URI)::

    <lake>/CURRENT                                   the current version's name
    <lake>/versions/v000007/manifest.json            tables, schemas, partitions, checksums
    <lake>/data/<table>/period=YYYY-MM/provider_code=XXX/part-<sha>.parquet
    <lake>/data/<reference table>/part-<sha>.parquet
    <lake>/results/...                               outcomes written back by an engine

:mod:`.export` writes it (incrementally and crash-safely), :mod:`.read` reads it through the
manifest. Sits between the store and ingest: ingest writes accepted rows here, the metrics
engines read from here.
"""

from cancer_alliance.lake.export import (
    ExportSummary,
    clear_dataset_rows,
    export_store,
    hydrate,
)
from cancer_alliance.lake.fs import Location, locate
from cancer_alliance.lake.manifest import Manifest, read_manifest, require_manifest
from cancer_alliance.lake.read import dataset, register_duckdb, spark_paths

__all__ = [
    "ExportSummary", "Location", "Manifest", "clear_dataset_rows", "dataset", "export_store",
    "hydrate", "locate", "read_manifest", "register_duckdb", "require_manifest", "spark_paths",
]
