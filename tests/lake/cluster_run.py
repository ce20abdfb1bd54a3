"""Run in a subprocess by test_cluster.py: every standard, the backlog, the PTL and the
outcome measures on a Spark standalone cluster, through the engine ``--spark-master`` makes.

A separate process because a Python process holds one Spark driver: the test process may
already have a local session. Writes each result as a pickle into OUT.

Usage: python cluster_run.py MASTER_URL LAKE OUT CENSUS PERIOD
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

from cancer_alliance import metrics
from cancer_alliance.metrics.engines import SparkRunner, SparkSettings
from cancer_alliance.metrics.lake_results import write_results
from cancer_alliance.metrics.measures.compute import compute_measures

CLUSTER_CONF = (("spark.driver.host", "127.0.0.1"), ("spark.driver.bindAddress", "127.0.0.1"),
                ("spark.executor.memory", "512m"), ("spark.cores.max", "2"),
                ("spark.driver.memory", "1g"), ("spark.sql.shuffle.partitions", "2"))


def _step(name: str, started: float) -> float:
    print(f"cluster_run: {name} {time.monotonic() - started:.1f} s", file=sys.stderr,
          flush=True)
    return time.monotonic()


def main(master: str, lake: str, out: str, census: str, period: str) -> None:
    out_dir = Path(out)
    engine = SparkRunner(settings=SparkSettings(master, conf=CLUSTER_CONF, timeout=90),
                         lake=lake)
    t = time.monotonic()
    try:
        sc = engine.session.sparkContext
        t = _step("session", t)
        info = {"master": sc.master, "app_id": sc.applicationId,
                "executors": sc._jsc.sc().getExecutorMemoryStatus().size() - 1}
        # refresh --lake: the executors compute every standard and write the outcome rows
        info["results"] = write_results(engine)
        t = _step("results", t)
        # the aggregates then read those rows (fresh results), as the command line does
        metrics.compute_many(None, by="provider,month", engine=engine).to_pickle(
            out_dir / "standards.pkl")
        t = _step("standards", t)
        metrics.compute_metrics(None, "62_DAY_BACKLOG", by="provider,month", period=period,
                                engine=engine).to_pickle(out_dir / "backlog.pkl")
        t = _step("backlog", t)
        metrics.ptl(None, date.fromisoformat(census), engine=engine).to_pickle(
            out_dir / "ptl.pkl")
        t = _step("ptl", t)
        for code, df in compute_measures(None, by="provider,month", engine=engine).items():
            df.to_pickle(out_dir / f"measure-{code}.pkl")
        t = _step("measures", t)
    finally:
        engine.stop()
    (out_dir / "info.json").write_text(json.dumps(info))


if __name__ == "__main__":
    main(*sys.argv[1:])
