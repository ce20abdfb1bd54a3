"""Compacting the results an engine wrote back to a lake, and removing old result runs.

Spark writes ``refresh --lake``'s outcome rows with ``partitionBy``: every task writes a
file into every reporting-month and provider folder it holds rows for, so one run leaves
up to tasks x partitions small files (a cluster with hundreds of shuffle partitions, many
thousands), and every dashboard query that reads the results pays for each. Each refresh
also leaves a whole run folder behind (``results/<run>/``), which nothing removed.

:func:`compact_results` (run by ``lake compact`` after the dataset tables):

1. for the current run (``results/CURRENT``), writes a new run folder in which each
   partition of ``metric_outcomes`` and ``metric_aggregates`` is one file: the files smaller
   than ``target_bytes`` merged (rows in a fixed order, the count checked), bigger files
   copied as they are. A run's tables must each sit under one folder (it is their Hive base
   path), hence a copy rather than a reference to the old run's files;
2. writes its ``results.json`` with the same source data version and engine version (the
   rows are unchanged, so fresh results stay fresh) and switches ``results/CURRENT`` to it
   last, only if no refresh published meanwhile;
3. removes complete runs older than the last ``keep`` (the current one included), except
   any replaced less than ``min_age`` ago; a run folder without ``results.json`` (a refresh
   still writing, or one killed) is removed only when it is older than the current run and
   than ``min_age``.

A run whose partitions hold one file each is not rewritten: compacting twice is compacting
once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import replace
from typing import Any

from pyarrow.fs import FileSelector, FileType

from cancer_alliance.errors import UsageError
from cancer_alliance.lake import Location, locate
from cancer_alliance.lake.compact import TARGET_BYTES, merge_files
from cancer_alliance.lake.export import KEEP_VERSIONS
from cancer_alliance.lake.fs import read_bytes, write_atomic, write_once
from cancer_alliance.lake.manifest import Partition, TableEntry
from cancer_alliance.metrics.lake_results import POINTER, current_results, new_run_name


def _compact_entry(loc: Location, entry: TableEntry, root: str, target_bytes: int,
                   summary: dict[str, Any]) -> TableEntry:
    """The table rewritten under ``root``: one file per partition (big files kept apart)."""
    parts: list[Partition] = []
    for files in entry.by_key().values():
        small = [p for p in files if p.bytes < target_bytes]
        whole = [p for p in files if p.bytes >= target_bytes] + (small if len(small) < 2
                                                                 else [])
        for p in whole:
            rel = root + p.path[len(entry.root):]
            raw = read_bytes(loc, loc.path(p.path))
            if raw is None:
                raise UsageError(f"lake {loc.uri}: result file {p.path} is missing; run "
                                 "refresh --lake again")
            write_once(loc, loc.path(rel), raw)
            parts.append(replace(p, path=rel))
        if len(small) >= 2:
            merged = merge_files(loc, entry, small, root)
            parts.append(merged)
            summary["partitions_compacted"] += 1
            summary["files_before"] += len(small)
            summary["files_after"] += 1
    return TableEntry(entry.name, entry.partition_by, entry.schema, parts, root)


def _runs(loc: Location) -> list[str]:
    """The run folders under ``results/``, oldest first (a run's name starts with the UTC
    time it was started)."""
    base = loc.path("results")
    if loc.fs.get_file_info(base).type != FileType.Directory:
        return []
    return sorted(i.base_name for i in loc.fs.get_file_info(FileSelector(base))
                  if i.type == FileType.Directory)


def _document(loc: Location, run: str) -> dict | None:
    raw = read_bytes(loc, loc.path("results", run, "results.json"))
    return None if raw is None else json.loads(raw)


def _published_at(doc: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(doc.get("compacted_at", doc["created_at"]))


def removable_runs(loc: Location, current: str, keep: int, min_age: dt.timedelta | None,
                   now: dt.datetime) -> list[str]:
    """The run folders the rules in the module docstring allow removing, oldest first."""
    if keep < 1:
        raise UsageError("--keep must be at least 1 (the current version)")
    runs = [r for r in _runs(loc) if r < current]
    docs = {r: _document(loc, r) for r in runs}
    docs[current] = _document(loc, current)
    complete = [r for r in runs if docs[r] is not None]
    kept = set(complete[max(0, len(complete) - (keep - 1)):]) if keep > 1 else set()
    order = [*complete, current]
    out = []
    for run in runs:
        if run in kept:
            continue
        if docs[run] is None:  # still being written, or killed: judged by its folder's age
            mtime = loc.fs.get_file_info(loc.path("results", run)).mtime
            started = now if mtime is None else mtime.replace(tzinfo=mtime.tzinfo or dt.UTC)
            if min_age and now - started < min_age:
                continue
        else:  # replaced when the next complete run was published
            following = docs[order[order.index(run) + 1]]
            if min_age and following and now - _published_at(following) < min_age:
                continue
        out.append(run)
    return out


def compact_results(lake: str | os.PathLike, *, keep: int = KEEP_VERSIONS,
                    min_age: dt.timedelta | None = None,
                    target_bytes: int = TARGET_BYTES) -> dict[str, Any]:
    """Merge the current results' small files into a new run, then remove old runs; see
    the module docstring. Returns what it did (``lake compact``'s ``results`` figures)."""
    loc = locate(lake)
    summary: dict[str, Any] = {"run": None, "new_run": False, "partitions_compacted": 0,
                               "files_before": 0, "files_after": 0, "runs_removed": []}
    doc = current_results(loc)
    if doc is None:
        return summary
    summary["run"] = doc["run"]
    entries = {n: TableEntry.from_dict(n, d) for n, d in doc["tables"].items()}
    crowded = any(sum(1 for p in files if p.bytes < target_bytes) >= 2
                  for e in entries.values() for files in e.by_key().values())
    now = dt.datetime.now(dt.UTC)
    if crowded:
        run = new_run_name()
        tables = {n: _compact_entry(loc, e, f"results/{run}/{n}", target_bytes, summary)
                  for n, e in entries.items()}
        new = {**doc, "run": run, "compacted_from": doc["run"],
               "compacted_at": now.isoformat(timespec="seconds"),
               "tables": {n: e.as_dict() for n, e in tables.items()}}
        write_atomic(loc, loc.path("results", run, "results.json"), json.dumps(new).encode())
        if (current_results(loc) or {}).get("run") != doc["run"]:
            raise UsageError(f"lake {loc.uri}: new results were written while they were "
                             "being compacted; run lake compact again")
        write_atomic(loc, loc.path(POINTER), (run + "\n").encode())
        summary.update(run=run, new_run=True)
    removed = removable_runs(loc, summary["run"], keep, min_age, now)
    for old in removed:
        loc.fs.delete_dir(loc.path("results", old))
    summary["runs_removed"] = removed
    return summary
