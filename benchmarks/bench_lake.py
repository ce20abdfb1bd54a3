"""Benchmark: how the work grows from 1 to 5 to 10 years, on DuckDB (the store), DuckDB over
the lake, Spark local and a Spark standalone cluster of two workers on this machine, and
what that says about national scale.

Usage::

    .venv/bin/python benchmarks/bench_lake.py [--generated DIR] [--years 1,5,10]
        [--engines duckdb-store,duckdb-lake,spark-local,spark-cluster]
        [--repeat 3] [--spark-repeat 1]

Data: a generated alliance (8 trusts, 3.1 million people: about 1/18 of England's 57
million), ``12 * max(years)`` months written once with a fixed seed (or ``--generated DIR``,
any ``cancer-alliance generate --format parquet`` output). For each number of years, the
first ``12 * years`` months are loaded into a store without validation (the latest version
of every row, as resubmissions leave it: ingest's own throughput is ``bench_ingest.py``'s
business) and exported to a lake.

Workload: every completed standard by accountable provider by month
(``metrics.compute_many(by="provider,month")``), timed ``--repeat`` times on DuckDB and
``--spark-repeat`` times on Spark (best and median printed). Each engine runs in a fresh
child process; this process samples, every 0.2 s, the whole process tree doing the work
(the child, its JVM, and for the cluster the master, the workers and their executors):

* **peak memory**: the largest sum of the tree's resident memory (RSS) seen;
* **bytes read**: the growth of the tree's ``rchar`` (bytes returned by ``read`` calls,
  page-cache hits included) during the timed runs, per run. For Spark it includes what the
  JVMs read from sockets (shuffle, driver-executor traffic), so it is what the engine moved,
  not just what it read from disk;
* the machine's **load average** (1 minute) before and after each engine's runs, beside
  every figure, since the machine is shared.

Then it fits ``time = a + b * pathways`` per engine (least squares over the sizes run),
extrapolates to NHS England's ten years (about 32 million pathways, 65 million submission
rows), and says for how many worker cores a cluster would overtake DuckDB on one machine.
The method and its assumptions are printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ENGINES = ("duckdb-store", "duckdb-lake", "spark-local", "spark-cluster")
SPARK_CONF = (("spark.driver.host", "127.0.0.1"), ("spark.driver.bindAddress", "127.0.0.1"),
              ("spark.driver.memory", "2g"), ("spark.executor.memory", "1g"),
              ("spark.sql.shuffle.partitions", "4"))
#: NHS England over ten years (the issue's figures).
NATIONAL_PATHWAYS, NATIONAL_SUBMISSION_ROWS = 32e6, 65e6
SEED, START = 7, "2016-04"


# ---------------------------------------------------------------- the child: one engine


def run_engine(engine: str, db: str, lake: str, master: str | None, repeat: int) -> dict:
    """One engine, ``repeat`` runs of the workload, in this (fresh) process. Prints START and
    END around the timed runs so the parent can count the bytes read between them."""
    from cancer_alliance import metrics
    from cancer_alliance.metrics.engines import DuckDBRunner, SparkRunner, SparkSettings
    from cancer_alliance.store import connect

    con = connect(db, read_only=True) if engine == "duckdb-store" else None
    if engine == "duckdb-store":
        eng = DuckDBRunner()
    elif engine == "duckdb-lake":
        eng = DuckDBRunner(lake)
    else:
        eng = SparkRunner(settings=SparkSettings(master or "local[2]", conf=SPARK_CONF,
                                                 timeout=180), lake=lake)
        _ = eng.session  # start the driver (and get executors) before timing
    times, rows = [], 0
    try:
        print("START", flush=True)
        for _ in range(repeat):
            t = time.perf_counter()
            rows = len(metrics.compute_many(con, by="provider,month", engine=eng))
            times.append(time.perf_counter() - t)
        print("END", flush=True)
    finally:
        eng.stop()
        if con is not None:
            con.close()
    return {"best": min(times), "median": statistics.median(times), "result_rows": rows}


# ---------------------------------------------------------------- process-tree sampling


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        kids.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return kids


def _tree(roots: list[int]) -> set[int]:
    kids, out, todo = _children(), set(), list(roots)
    while todo:
        pid = todo.pop()
        if pid not in out:
            out.add(pid)
            todo.extend(kids.get(pid, []))
    return out


def _rss_and_rchar(pid: int) -> tuple[int, int] | None:
    try:
        rss = next(int(line.split()[1]) for line in
                   Path(f"/proc/{pid}/status").read_text().splitlines()
                   if line.startswith("VmRSS:"))
        rchar = next(int(line.split()[1]) for line in
                     Path(f"/proc/{pid}/io").read_text().splitlines()
                     if line.startswith("rchar:"))
        return rss * 1024, rchar
    except (OSError, StopIteration, ValueError):
        return None


class TreeSampler(threading.Thread):
    """Peak RSS of a process tree, and each process's latest ``rchar`` (kept after it exits)."""

    def __init__(self, roots: list[int]):
        super().__init__(daemon=True)
        self.roots, self.peak, self.rchar = roots, 0, {}
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(0.2)

    def sample(self) -> None:
        total = 0
        for pid in _tree(self.roots):
            got = _rss_and_rchar(pid)
            if got is not None:
                total += got[0]
                self.rchar[pid] = got[1]
        self.peak = max(self.peak, total)

    def stop(self) -> None:
        self._halt.set()
        self.join()
        self.sample()


def measure(engine: str, db: str, lake: str, repeat: int, work: Path) -> dict:
    """Run one engine in a child process (and a cluster when asked), sampling its tree."""
    from cancer_alliance.metrics.standalone import standalone_cluster

    cluster_cm = cluster = None
    if engine == "spark-cluster":
        cluster_cm = standalone_cluster(work / "cluster", workers=2, cores=1, memory="1500m")
        cluster = cluster_cm.__enter__()
    load_before = os.getloadavg()[0]
    try:
        args = [sys.executable, __file__, "--one",
                json.dumps([engine, db, lake, cluster.url if cluster else None, repeat])]
        child = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        roots = [child.pid, *(cluster.pids() if cluster else [])]
        sampler = TreeSampler(roots)
        sampler.start()
        start = end = None
        lines = []
        for line in child.stdout:
            lines.append(line)
            if line.strip() == "START":
                sampler.sample()
                start = dict(sampler.rchar)
            elif line.strip() == "END":
                sampler.sample()
                end = dict(sampler.rchar)
        err = child.stderr.read()
        child.wait()
        sampler.stop()
        if child.returncode != 0 or start is None or end is None:
            raise SystemExit(f"{engine} failed:\n{err[-3000:]}")
    finally:
        if cluster_cm is not None:
            cluster_cm.__exit__(None, None, None)
    r = json.loads(lines[-1])
    moved = sum(v - start.get(pid, 0) for pid, v in end.items())
    r.update(peak_mb=sampler.peak / 1e6, read_mb=moved / 1e6 / repeat,
             load=(load_before, os.getloadavg()[0]))
    return r


# ---------------------------------------------------------------- data


def prepare(generated: Path, months: int, work: Path) -> dict:
    """Load the first ``months`` months into a store, export a lake; sizes and counts."""
    sys.path.insert(0, str(Path(__file__).parent))
    import pyarrow.parquet as pq
    from _generated import load_generated

    from cancer_alliance.lake import export_store
    from cancer_alliance.store import connect

    periods = sorted({p.name for p in generated.glob("submissions/*/*")})[:months]
    db, lake = work / f"m{months}.duckdb", work / f"lake{months}"
    with connect(db) as con:
        pathways = load_generated(con, generated, periods=set(periods), link=True)
        t = time.perf_counter()
        export_store(con, lake)
        export_s = time.perf_counter() - t
    submitted = sum(pq.ParquetFile(f).metadata.num_rows
                    for f in generated.glob("submissions/*/*/*.parquet")
                    if f.parent.name in periods)
    lake_bytes = sum(f.stat().st_size for f in lake.rglob("*.parquet"))
    return {"db": str(db), "lake": str(lake), "pathways": pathways, "submitted": submitted,
            "store_mb": db.stat().st_size / 1e6, "lake_mb": lake_bytes / 1e6,
            "export_s": export_s, "first": periods[0], "last": periods[-1]}


def generate(months: int, out: Path) -> Path:
    from cancer_alliance.generate import generate as write

    t = time.perf_counter()
    write(out, scale="alliance", start=START, months=months, seed=SEED, format="parquet")
    print(f"generated {months} months of an alliance in {time.perf_counter() - t:.0f} s "
          f"(load {os.getloadavg()[0]:.1f})", flush=True)
    return out


# ---------------------------------------------------------------- growth and extrapolation


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares ``y = a + b x`` (two or more distinct x)."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    b = sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0
    return my - b * mx, b


def crossover(duck: tuple[float, float], spark: tuple[float, float], measured_cores: int,
              cores: int) -> float | None:
    """Pathways (millions) beyond which Spark on ``cores`` worker cores beats DuckDB on this
    machine, assuming Spark's per-row part divides by cores and its fixed part does not."""
    a_d, b_d = duck
    a_s, b_s = spark
    b_scaled = b_s * measured_cores / cores
    if b_scaled >= b_d:
        return None
    return max(0.0, (a_s - a_d) / (b_d - b_scaled))


def report(results: dict[str, list[tuple[dict, dict]]]) -> None:
    print("\n== growth: time = a + b x pathways (millions), fitted over the sizes above")
    fits = {}
    for engine, runs in results.items():
        pts = [(d["pathways"] / 1e6, r["best"]) for d, r in runs]
        mem = [(d["pathways"] / 1e6, r["peak_mb"]) for d, r in runs]
        if len({x for x, _ in pts}) < 2:
            continue
        a, b = fit(pts)
        if b <= 0:
            print(f"  {engine:14s} did not grow with the data (b {b:.2f}): the machine's load "
                  "varied more than the work did; not extrapolated")
            continue
        fits[engine] = (a, b)
        ma, mb = fit(mem)
        print(f"  {engine:14s} a {a:7.1f} s  b {b:7.2f} s per M pathways  ->  national 10 y "
              f"({NATIONAL_PATHWAYS / 1e6:.0f} M): {a + b * NATIONAL_PATHWAYS / 1e6:8.0f} s, "
              f"peak memory {ma + mb * NATIONAL_PATHWAYS / 1e6:8.0f} MB")
    duck = fits.get("duckdb-store")
    for spark, cores in (("spark-local", 2), ("spark-cluster", 2)):
        if duck is None or spark not in fits:
            continue
        print(f"  {spark} (measured on {cores} cores) against duckdb-store on this machine:")
        for n in (2, 8, 32, 128, 512):
            p = crossover(duck, fits[spark], cores, n)
            print(f"    {n:4d} worker cores: " + ("never (its per-row cost stays above "
                  "DuckDB's)" if p is None else f"overtakes beyond {p:9.1f} M pathways "
                  f"({p / (NATIONAL_PATHWAYS / 1e6):6.1f} x NHS England's ten years)"))
    print("  Method: straight lines through the best times (and peak memory) at 1, 5 and 10 "
          "years, extended to 32 M pathways; a cluster of N cores is assumed to divide the "
          "per-row part by N/2 (it was measured on 2) and not the fixed part (planning, "
          "scheduling). Both are estimates: a line fitted on a loaded 2-core machine.")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--generated", type=Path,
                    help="a generate --format parquet output (default: generate an alliance)")
    ap.add_argument("--years", default="1,5,10")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--spark-repeat", type=int, default=1)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:  # a child process: run one engine and print its figures as JSON
        print(json.dumps(run_engine(*json.loads(args.one))), flush=True)
        return
    years = [int(y) for y in args.years.split(",")]
    engines = args.engines.split(",")
    results: dict[str, list[tuple[dict, dict]]] = {e: [] for e in engines}
    with tempfile.TemporaryDirectory(prefix="bench-lake-") as tmp:
        work = Path(tmp)
        generated = args.generated or generate(12 * max(years), work / "generated")
        for y in years:
            data = prepare(generated, 12 * y, work)
            print(f"\n== {y} year(s) ({data['first']}..{data['last']}): "
                  f"{data['pathways']:,} pathways, {data['submitted']:,} submission rows; "
                  f"store {data['store_mb']:.0f} MB, lake {data['lake_mb']:.0f} MB "
                  f"(export {data['export_s']:.1f} s, load {os.getloadavg()[0]:.1f})",
                  flush=True)
            print(f"  {'engine':14s} {'best':>8s} {'median':>8s} {'runs':>4s} "
                  f"{'peak tree':>10s} {'read/run':>10s}  load before/after")
            for engine in engines:
                repeat = args.spark_repeat if engine.startswith("spark") else args.repeat
                r = measure(engine, data["db"], data["lake"], repeat, work)
                results[engine].append((data, r))
                print(f"  {engine:14s} {r['best']:7.1f}s {r['median']:7.1f}s {repeat:4d} "
                      f"{r['peak_mb']:8.0f}MB {r['read_mb']:8.0f}MB  "
                      f"{r['load'][0]:.1f}/{r['load'][1]:.1f}", flush=True)
            for engine in engines[1:]:
                a, b = results[engines[0]][-1][1], results[engine][-1][1]
                if a["result_rows"] != b["result_rows"]:
                    print(f"  WARNING: {engine} gave {b['result_rows']} rows, "
                          f"{engines[0]} {a['result_rows']}")
            for f in (Path(data["db"]),):
                f.unlink()
    report(results)


if __name__ == "__main__":
    main()
