"""lake compact on the results an engine wrote back: the current run's many files per
partition (as Spark's tasks leave them) become one per partition, in a new run with the same
rows that stays fresh; compacting again changes nothing; old runs beyond --keep go, except
those replaced less than --min-age ago and runs still being written."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from cancer_alliance import metrics
from cancer_alliance.lake import dataset, export_store, locate
from cancer_alliance.lake.manifest import TableEntry
from cancer_alliance.metrics.engines import DuckDBRunner, SparkRunner
from cancer_alliance.metrics.lake_results import (
    AGGREGATES,
    OUTCOMES,
    current_results,
    fresh_results,
    import_results,
    write_results,
)
from cancer_alliance.metrics.lake_results_compact import compact_results, removable_runs
from cancer_alliance.store import connect

TASKS = 3


class TaskWriter(DuckDBRunner):
    """DuckDB, writing results the way Spark's tasks do: each of ``TASKS`` slices of the
    rows writes its own file into every partition folder it has rows for."""

    def write_parquet(self, backend, expr, loc, rel, partition_by) -> None:
        table = backend.to_pyarrow(expr)
        step = -(-table.num_rows // TASKS)
        for task in range(TASKS):
            pq.write_to_dataset(table.slice(task * step, step), loc.path(rel),
                                partition_cols=list(partition_by), filesystem=loc.fs,
                                basename_template=f"part-{task:05d}-{{i}}.parquet")


def table_rows(lake: Path, doc: dict, name: str) -> list[tuple]:
    """A results table's rows, partition columns included, as a run document lists them."""
    loc = locate(lake)
    con = duckdb.connect()
    try:
        con.register("t", dataset(loc, TableEntry.from_dict(name, doc["tables"][name])))
        return con.execute("SELECT * FROM t ORDER BY ALL").fetchall()
    finally:
        con.close()


def files_per_partition(doc: dict, name: str) -> list[int]:
    entry = TableEntry.from_dict(name, doc["tables"][name])
    return [len(files) for files in entry.by_key().values()]


@pytest.fixture(scope="module")
def results_lake(store3, tmp_path_factory) -> tuple[Path, Path]:
    """(store, lake) with results written by TaskWriter: several files per partition."""
    root = tmp_path_factory.mktemp("results-compact")
    db, lake = root / "store.duckdb", root / "lake"
    shutil.copy(store3, db)
    with connect(db) as con:
        export_store(con, lake)
    write_results(TaskWriter(lake))
    return db, lake


def test_compact_merges_result_files_into_a_fresh_run(results_lake, tmp_path):
    db, src = results_lake
    lake = tmp_path / "lake"
    shutil.copytree(src, lake)
    before = current_results(locate(lake))
    assert max(files_per_partition(before, OUTCOMES)) > 1  # the case compaction is for
    rows = {n: table_rows(lake, before, n) for n in (OUTCOMES, AGGREGATES)}
    done = subprocess.run([sys.executable, "-m", "cancer_alliance", "lake", "compact",
                           "--lake", str(lake), "--keep", "2"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)["results"]
    after = current_results(locate(lake))
    assert summary["new_run"] and summary["run"] == after["run"] != before["run"]
    assert after["compacted_from"] == before["run"]
    crowded = [n for name in (OUTCOMES, AGGREGATES)
               for n in files_per_partition(before, name) if n > 1]
    assert summary["partitions_compacted"] == len(crowded)
    assert summary["files_before"] == sum(crowded) and summary["files_after"] == len(crowded)
    for name in (OUTCOMES, AGGREGATES):
        assert set(files_per_partition(after, name)) == {1}, name
        assert table_rows(lake, after, name) == rows[name], name  # the same rows
        assert all(p["path"].startswith(f"results/{after['run']}/{name}/")
                   for p in after["tables"][name]["partitions"])
    # still fresh: the same source data and engine version
    assert after["source_data_version"] == before["source_data_version"]
    assert fresh_results(locate(lake))["run"] == after["run"]
    # the previous run is kept (--keep 2) and still readable
    assert table_rows(lake, before, OUTCOMES) == rows[OUTCOMES]
    # compacting again changes nothing
    again = compact_results(lake, keep=2)
    assert not again["new_run"] and again["run"] == after["run"]
    assert again["runs_removed"] == []
    # the figures read from the compacted results equal the store's own
    copy = tmp_path / "import.duckdb"
    shutil.copy(db, copy)
    with connect(copy) as con:
        con.execute("DELETE FROM metric_outcomes")
        computed = metrics.compute_many(con, by="provider,month")
    pd.testing.assert_frame_equal(
        metrics.compute_many(None, by="provider,month", engine=DuckDBRunner(lake)), computed)
    with connect(copy) as con:
        imported = import_results(con, lake)
    assert imported["fresh"] and imported["run"] == after["run"]
    assert imported["rows"] == len(rows[OUTCOMES])


def test_old_runs_go_beyond_keep_and_min_age(results_lake, tmp_path):
    _, src = results_lake
    lake = tmp_path / "lake"
    shutil.copytree(src, lake)
    first = current_results(locate(lake))["run"]
    compact_results(lake, keep=3)
    current = current_results(locate(lake))["run"]
    loc = locate(lake)
    # a killed refresh (no results.json) older than the current run, one still writing after
    killed, writing = "r00000000T000000-dead00", "r99991231T235959-busy00"
    for run in (killed, writing):
        (lake / "results" / run / OUTCOMES).mkdir(parents=True)
    now = dt.datetime.now(dt.UTC)
    # replaced just now: kept while --min-age lasts, and a fresh killed folder too
    assert removable_runs(loc, current, 1, dt.timedelta(hours=1), now) == []
    assert removable_runs(loc, current, 1, None, now) == [killed, first]
    assert removable_runs(loc, current, 2, None, now) == [killed]
    assert removable_runs(loc, current, 1, dt.timedelta(hours=1),
                          now + dt.timedelta(hours=2)) == [killed, first]
    removed = compact_results(lake, keep=1)["runs_removed"]
    assert removed == [killed, first]
    assert sorted(p.name for p in (lake / "results").iterdir() if p.is_dir()) == sorted(
        [current, writing])
    assert fresh_results(loc)["run"] == current


@pytest.mark.spark
def test_spark_reads_the_compacted_results(spark_session, results_lake, tmp_path):
    db, src = results_lake
    lake = tmp_path / "lake"
    shutil.copytree(src, lake)
    assert compact_results(lake, keep=1)["new_run"]
    standards, month = ("FDS", "62_DAY", "31_DAY"), "2024-02"
    copy = tmp_path / "store.duckdb"
    shutil.copy(db, copy)
    with connect(copy) as con:
        con.execute("DELETE FROM metric_outcomes")
        expected = metrics.compute_many(con, standards, by="provider,month", period=month)
    got = metrics.compute_many(None, standards, by="provider,month", period=month,
                               engine=SparkRunner(session=spark_session, lake=lake))
    assert len(expected) > 0
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
