"""Results written back to the lake (refresh --lake) and loaded into a store
(lake import-results): the store is then fresh and its figures are unchanged."""

from __future__ import annotations

import shutil

import pandas as pd

from cancer_alliance import metrics
from cancer_alliance.lake import export_store
from cancer_alliance.metrics.engines import DuckDBRunner
from cancer_alliance.metrics.lake_results import import_results, write_results
from cancer_alliance.store import connect


def test_results_round_trip_into_a_store(store3, tmp_path):
    db = tmp_path / "store.duckdb"
    shutil.copy(store3, db)
    lake = tmp_path / "lake"
    with connect(db) as con:
        export_store(con, lake)
        con.execute("DELETE FROM metric_outcomes")
        computed = metrics.compute_many(con, by="provider,month")
        assert not metrics.is_fresh(con)
    # the lake, read by DuckDB, gives the store's figures
    pd.testing.assert_frame_equal(
        metrics.compute_many(None, by="provider,month", engine=DuckDBRunner(lake)), computed)
    written = write_results(DuckDBRunner(lake))
    assert written["metric_outcomes"] > 0 and written["metric_aggregates"] > 0
    with connect(db) as con:
        summary = import_results(con, lake)
        assert summary["fresh"] and summary["rows"] == written["metric_outcomes"]
        assert metrics.is_fresh(con)
        pd.testing.assert_frame_equal(metrics.compute_many(con, by="provider,month"), computed)
