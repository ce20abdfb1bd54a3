"""Partition pruning: on Spark, a one-month query over fresh results reads only that month's
files. Every other month's files are overwritten with bytes that are not Parquet: the query
still succeeds (and equals DuckDB on the store), so Spark never opened them; a query that
does need one of them fails, which shows the check would catch a full scan."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from cancer_alliance import metrics
from cancer_alliance.lake import export_store
from cancer_alliance.metrics.engines import DuckDBRunner, SparkRunner
from cancer_alliance.metrics.lake_results import write_results
from cancer_alliance.store import connect

pytestmark = pytest.mark.spark
MONTH, NEXT = "2024-02", "2024-03"
STANDARDS = ("FDS", "62_DAY", "31_DAY")


def test_one_month_reads_one_months_files(spark_session, store3, tmp_path):
    lake = tmp_path / "lake"
    with connect(store3) as con:
        export_store(con, lake)
        expected = metrics.compute_many(con, STANDARDS, by="provider,month", period=MONTH)
    write_results(DuckDBRunner(lake))  # refresh --lake
    outcomes = next((lake / "results").glob("r*/metric_outcomes"))
    spoiled = 0
    for folder in outcomes.glob("reporting_period=*"):
        if folder.name != f"reporting_period={MONTH}":
            for f in folder.rglob("*.parquet"):
                f.write_bytes(b"not parquet" * 100)
                spoiled += 1
    assert spoiled > 0
    engine = SparkRunner(session=spark_session, lake=lake)
    got = metrics.compute_many(None, STANDARDS, by="provider,month", period=MONTH,
                               engine=engine)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    with pytest.raises(Exception):  # noqa: B017 - any read error of the spoiled files
        metrics.compute_many(None, STANDARDS, by="provider,month",
                             period=f"{MONTH}..{NEXT}", engine=engine)
    shutil.rmtree(lake / "results")
