"""Spark Connect for real: a Spark Connect server started from the installed PySpark on
127.0.0.1 computes every completed standard and the 62-day backlog from the lake through
``--spark-remote``, and the results equal DuckDB's on the store row for row (counts exact,
shares to the half-patient); the command line gives DuckDB's output byte for byte."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cancer_alliance import metrics
from cancer_alliance.metrics.standalone import connect_server
from cancer_alliance.store import connect

from .conftest import IN_CI_REQUIRES_JAVA
from .test_cluster import same

pytestmark = [pytest.mark.slow, pytest.mark.spark]

HERE = Path(__file__).parent
PERIOD, MONTH = "2024-02..2024-04", "2024-03"


def _require_connect_client() -> None:
    """The Connect client libraries come with the spark extra: under CI, missing is a fault."""
    try:
        from pyspark.sql.connect.utils import check_dependencies

        check_dependencies("pyspark.sql.connect")
    except ImportError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Spark Connect's client libraries are required under CI: {exc}")
        pytest.skip(f"Spark Connect's client libraries are not installed: {exc}")


def test_spark_connect_equals_duckdb(multi_store, tmp_path):
    IN_CI_REQUIRES_JAVA()
    _require_connect_client()
    db, lake = multi_store
    lake_copy = tmp_path / "lake"
    shutil.copytree(lake, lake_copy)
    out = tmp_path / "out"
    out.mkdir()
    conf = (("spark.sql.shuffle.partitions", "2"),)
    with connect_server(tmp_path / "connect", master="local[2]", conf=conf) as server:
        assert server.url.startswith("sc://127.0.0.1:")
        run = subprocess.run(
            [sys.executable, str(HERE / "connect_run.py"), server.url, str(lake_copy),
             str(out), PERIOD], capture_output=True, text=True, timeout=900)
        assert run.returncode == 0, run.stderr[-3000:]
        cli = subprocess.run(
            [sys.executable, "-m", "cancer_alliance", "metrics", "--standard", "FDS",
             "--period", MONTH, "--engine", "spark", "--spark-remote", server.url,
             "--lake", str(lake_copy)], capture_output=True, text=True, timeout=600)
        assert cli.returncode == 0, cli.stderr[-3000:]
        server_log = (tmp_path / "connect" / "connect.log").read_text(errors="replace")
    assert server.process.poll() is not None  # stopped on leaving the block
    info = json.loads((out / "info.json").read_text())
    # a Connect client session, and the server saw it (the work ran there, not in-process)
    assert info["session"].startswith("pyspark.sql.connect") and info["version"] == "4.0.5"
    assert "Spark Connect server started" in server_log
    assert info["session_id"] in server_log

    with connect(db) as con:
        same(pd.read_pickle(out / "standards.pkl"),
             metrics.compute_many(con, by="provider,month"),
             ["standard", "period", "provider_code"])
        same(pd.read_pickle(out / "backlog.pkl"),
             metrics.compute_metrics(con, "62_DAY_BACKLOG", by="provider,month",
                                     period=PERIOD), ["period", "provider_code"])
    expected = subprocess.run(  # after the store is closed: DuckDB locks the file
        [sys.executable, "-m", "cancer_alliance", "metrics", "--standard", "FDS",
         "--period", MONTH, "--db", str(db)], capture_output=True, text=True, check=True)
    # the same figures; the edition comes from the store's reporting calendar, which a run
    # over the lake alone does not have (blank there)
    lake_rows = list(csv.DictReader(io.StringIO(cli.stdout)))
    store_rows = list(csv.DictReader(io.StringIO(expected.stdout)))
    assert all(r.pop("edition") == "" for r in lake_rows)
    assert all(r.pop("edition") in ("final", "provisional", "") for r in store_rows)
    assert lake_rows == store_rows and len(store_rows) > 1
