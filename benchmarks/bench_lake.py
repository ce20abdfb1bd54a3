"""Benchmark: the same national workload on DuckDB (store), DuckDB over the lake, Spark
local and a Spark standalone cluster on this machine.

Usage::

    .venv/bin/python benchmarks/bench_lake.py --generated DIR [--years 1,2] [--engines ...]

``DIR`` is the output of ``cancer-alliance generate --scale national --months N --format
parquet``. For each number of years, the first ``12 * years`` months are ingested (with
validation) into a store, exported to a lake, and the workload run three times per engine:
all completed standards by provider by month, and the PTL at the last month's census. Each
engine runs in a fresh subprocess, so its peak memory (VmHWM, and for Spark the JVMs'
resident memory sampled from /proc) is its own. Prints best and median of 3, peak memory
and bytes read (the lake's Parquet bytes for lake engines, the store file for DuckDB).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _memory import peak_mb

ENGINES = ("duckdb-store", "duckdb-lake", "spark-local", "spark-cluster")
SPARK_CONF = (("spark.driver.host", "127.0.0.1"), ("spark.driver.bindAddress", "127.0.0.1"),
              ("spark.driver.memory", "3g"), ("spark.executor.memory", "2g"))


def _jvm_rss_mb() -> float:
    """Resident memory of every java process on the machine (the driver and executors)."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if "\nName:\tjava" in "\n" + text:
            for line in text.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def run_engine(engine: str, db: str, lake: str, census: str, master: str | None) -> dict:
    """One engine, three runs of the workload, in this (fresh) process."""
    from datetime import date

    from cancer_alliance import metrics
    from cancer_alliance.metrics.engines import (
        DuckDBRunner,
        SparkRunner,
        SparkSettings,
    )
    from cancer_alliance.store import connect

    con = connect(db, read_only=True) if engine == "duckdb-store" else None
    if engine == "duckdb-store":
        eng = DuckDBRunner()
    elif engine == "duckdb-lake":
        eng = DuckDBRunner(lake)
    else:
        eng = SparkRunner(settings=SparkSettings(master or "local[*]", conf=SPARK_CONF,
                                                 timeout=120), lake=lake)
    times, jvm = [], 0.0
    try:
        for _ in range(3):
            t = time.perf_counter()
            metrics.compute_many(con, by="provider,month", engine=eng)
            metrics.ptl(con, date.fromisoformat(census), engine=eng)
            times.append(time.perf_counter() - t)
            jvm = max(jvm, _jvm_rss_mb())
    finally:
        eng.stop()
    return {"best": min(times), "median": statistics.median(times), "peak_mb": peak_mb(),
            "jvm_mb": jvm}


def prepare(generated: Path, months: int, work: Path) -> tuple[str, str, str, int, int]:
    from cancer_alliance.ingest import SubmissionItem, ingest_submissions
    from cancer_alliance.ingest.folder import folder_submissions, load_folder_reference
    from cancer_alliance.lake import export_store, locate, require_manifest
    from cancer_alliance.store import connect

    subs = folder_submissions(generated)
    wanted = sorted({m for _, m, _ in subs})[:months]
    db, lake = work / f"m{months}.duckdb", work / f"lake{months}"
    with connect(db) as con:
        load_folder_reference(con, generated)
        ingest_submissions(con, [SubmissionItem(p, m, path) for p, m, path in subs
                                 if m in wanted], submitted_by="bench")
        t = time.perf_counter()
        export_store(con, lake)
        print(f"  lake export {time.perf_counter() - t:.1f} s", flush=True)
    manifest = require_manifest(locate(str(lake)))
    lake_bytes = sum(p.bytes for t in manifest.tables.values() for p in t.partitions)
    from cancer_alliance.dataset.periods import month_end

    return str(db), str(lake), month_end(wanted[-1]).isoformat(), db.stat().st_size, lake_bytes


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--generated", required=True, type=Path)
    ap.add_argument("--years", default="1,2")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:  # a child process: run one engine and print its figures as JSON
        print(json.dumps(run_engine(*json.loads(args.one))))
        return
    engines = args.engines.split(",")
    with tempfile.TemporaryDirectory(prefix="bench-lake-") as tmp:
        work = Path(tmp)
        for years in (int(y) for y in args.years.split(",")):
            print(f"== {years} year(s) of national data", flush=True)
            db, lake, census, db_bytes, lake_bytes = prepare(args.generated, 12 * years, work)
            for engine in engines:
                master, cluster = None, None
                if engine == "spark-cluster":
                    from cancer_alliance.metrics.standalone import standalone_cluster

                    cluster = standalone_cluster(work / "cluster", workers=2, cores=1,
                                                 memory="3g")
                    master = cluster.__enter__().url
                try:
                    out = subprocess.run(
                        [sys.executable, __file__, "--generated", str(args.generated), "--one",
                         json.dumps([engine, db, lake, census, master])],
                        capture_output=True, text=True, check=True)
                finally:
                    if cluster is not None:
                        cluster.__exit__(None, None, None)
                r = json.loads(out.stdout.strip().splitlines()[-1])
                read = db_bytes if engine == "duckdb-store" else lake_bytes
                print(f"  {engine:14s} best {r['best']:7.1f} s  median {r['median']:7.1f} s  "
                      f"peak {r['peak_mb']:6.0f} MB (+ JVMs {r['jvm_mb']:6.0f} MB)  "
                      f"bytes read {read / 1e6:7.0f} MB", flush=True)


if __name__ == "__main__":
    main()
