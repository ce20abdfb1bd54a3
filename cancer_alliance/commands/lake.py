"""Commands: lake export, lake show, lake import-results (the partitioned Parquet lake).

A lake is the store's tables as Hive-partitioned Parquet with a manifest, in a folder or any
filesystem URI, so a Spark cluster (or DuckDB, pyarrow, polars) reads them directly.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cancer_alliance.commands.options import DbOption

lake_app = typer.Typer(help="The lake: the store's tables as partitioned Parquet that a Spark "
                       "cluster reads directly, and the results it writes back.",
                       no_args_is_help=True)

LakeUriOption = Annotated[str, typer.Option(
    "--lake", help="The lake: a folder, file:///path, or a Hadoop-compatible URI "
    "(s3a://bucket/lake, hdfs://namenode:8020/lake).")]


@lake_app.command("export")
def export_command(
    lake: LakeUriOption,
    db: DbOption = None,
    lake_only: Annotated[bool, typer.Option(
        "--lake-only", help="Finish an interrupted ingest --lake-only: write the store's "
        "rows to a lake that is their home, then clear them from the store.")] = False,
) -> None:
    """Write the store's dataset tables (current rows and superseded versions) and reference
    tables into the lake: only the partitions that changed since the last export, as a new
    version switched to atomically. Prints a JSON summary."""
    from cancer_alliance.lake import clear_dataset_rows, export_store
    from cancer_alliance.store import connect

    with connect(db) as con:
        summary = export_store(con, lake, home="lake" if lake_only else "store")
        if lake_only:
            clear_dataset_rows(con)
    print(json.dumps(summary.as_dict()))


@lake_app.command("show")
def show_command(lake: LakeUriOption) -> None:
    """The current version's tables, partitions, rows and bytes, as JSON."""
    from cancer_alliance.lake import locate, require_manifest

    m = require_manifest(locate(lake))
    print(json.dumps({
        "version": m.version, "created_at": m.created_at, "home": m.home,
        "schema_version": m.schema_version, "data_version": m.data_version(),
        "tables": {n: {"partitions": len(t.partitions), "rows": t.rows,
                       "bytes": sum(p.bytes for p in t.partitions)}
                   for n, t in sorted(m.tables.items())}}, indent=1))


@lake_app.command("compact")
def compact_command(
    lake: LakeUriOption,
    keep: Annotated[int, typer.Option(
        "--keep", help="Versions to keep readable, the new one included.")] = 3,
    min_age: Annotated[str, typer.Option(
        "--min-age", help="Also keep every version replaced less than this long ago, and "
        "unreferenced files younger than this (30m, 6h, 7d), so running queries finish.")]
        = "0s",
    target_mb: Annotated[int, typer.Option(
        "--target-mb", help="Files at least this size (MiB) are left as they are.")] = 128,
) -> None:
    """Merge the small files within each partition into one file, as a new version (the
    previous one stays readable; the rows and the data version are unchanged). Running it
    again changes nothing. Then removes the versions beyond --keep. The results an engine
    wrote back (`refresh --lake`) are compacted the same way, into a new run that stays
    fresh, and result runs beyond --keep are removed. Prints a JSON summary."""
    from cancer_alliance.lake.compact import compact_lake
    from cancer_alliance.lake.retention import parse_duration
    from cancer_alliance.metrics.lake_results_compact import compact_results

    age, target = parse_duration(min_age), target_mb * 1024 * 1024
    summary = compact_lake(lake, keep=keep, min_age=age, target_bytes=target)
    results = compact_results(lake, keep=keep, min_age=age, target_bytes=target)
    print(json.dumps({**summary.as_dict(), "results": results}))


@lake_app.command("import-results")
def import_results_command(lake: LakeUriOption, db: DbOption = None) -> None:
    """Load the outcomes an engine wrote into the lake (`refresh --lake`) into the store's
    materialised outcomes, so the dashboard reads them. Prints a JSON summary."""
    from cancer_alliance.metrics.lake_results import import_results
    from cancer_alliance.store import connect

    with connect(db) as con:
        print(json.dumps(import_results(con, lake)))


def register(app: typer.Typer) -> None:
    """Add this family's commands to the app."""
    app.add_typer(lake_app, name="lake")
