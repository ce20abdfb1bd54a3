"""Ingesting into a lake as well as, or instead of, the store's dataset tables.

* ``mirror`` (``--lake``): the store keeps every row as always; after the ingest the
  partitions of the providers it touched are exported to the lake (:func:`export_store`).
* ``lake only`` (``--lake-only``, for national backfills): the lake is the rows' home. The
  store keeps submissions, their files, rejections and reference data, and holds dataset
  rows only while an ingest runs: the current rows of the providers being loaded are
  hydrated from the lake first, so validation (child rows against their pathways) and
  supersession work exactly as they do on a full store; the touched partitions are written
  back, the superseded versions appended to the lake's history, and the store's copies
  cleared. Validation and registration are the same code either way.
* capacity (``ingest-capacity --lake``): the store keeps the capacity rows in either kind
  of lake (a few per provider and month); after the ingest the provider's capacity
  partitions and the capacity register are exported, every other table carried over.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from cancer_alliance.lake import ExportSummary, clear_dataset_rows, export_store, hydrate
from cancer_alliance.lake.export import CAPACITY_EXPORT
from cancer_alliance.lake.fs import locate
from cancer_alliance.lake.manifest import read_manifest


@dataclass(frozen=True)
class LakeTarget:
    """Where accepted rows also go: a lake URI, and whether the store keeps them too."""

    uri: str | os.PathLike
    lake_only: bool = False

    @property
    def home(self) -> str:
        return "lake" if self.lake_only else "store"


def with_lake(con: duckdb.DuckDBPyConnection, target: LakeTarget | None,
              providers: list[str], load: Callable[[], object]) -> ExportSummary | None:
    """Run ``load`` (an ingest into ``con``), then write what it changed into the lake."""
    if target is None:
        load()
        return None
    if target.lake_only:
        hydrate(con, target.uri, sorted(set(providers)))
    try:
        load()
    finally:
        # whatever was committed reaches the lake, even when a later submission failed
        summary = export_store(con, target.uri, providers=sorted(set(providers)),
                               home=target.home)
        if target.lake_only:
            clear_dataset_rows(con)
    return summary


def with_capacity_lake(con: duckdb.DuckDBPyConnection, lake: str | os.PathLike | None,
                       provider: str, load: Callable[[], object]) -> ExportSummary | None:
    """Run ``load`` (a capacity ingest into ``con``), then mirror the provider's capacity
    partitions and the capacity register into ``lake``, whichever kind of lake it is."""
    if lake is None:
        load()
        return None
    current = read_manifest(locate(lake))
    try:
        load()
    finally:
        summary = export_store(con, lake, providers=[provider], tables=CAPACITY_EXPORT,
                               home=current.home if current else "store")
    return summary
