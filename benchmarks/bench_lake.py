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
* **CPU seconds** of each run: the growth of user plus system time (``/proc/<pid>/stat``)
  summed over every process of the tree (the child, its JVM, the cluster's daemons and
  executors; a process that exits keeps its last sampled time). On a shared machine wall
  time mostly measures the other users (a run waits for a core); CPU time measures the work
  the engine did, which load changes far less (caches, frequency), so growth is fitted on
  both;
* the machine's **load average** (1 minute) at the start of every run and after the last,
  beside every figure.

Then it fits ``y = a + b * pathways`` per engine on wall time and on CPU seconds (least
squares over the sizes run), extrapolates to NHS England's ten years (about 32 million
pathways, 65 million submission rows), and says for how many worker cores a cluster would
overtake DuckDB on one machine, from each fit. The method and its assumptions are printed
with the figures.
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
    """One engine, ``repeat`` runs of the workload, in this (fresh) process. Prints MARK
    before each timed run and after the last, and waits for the parent's nod, so the parent
    samples the tree's bytes read and CPU time exactly between runs."""
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
        for _ in range(repeat):
            _mark()
            t = time.perf_counter()
            rows = len(metrics.compute_many(con, by="provider,month", engine=eng))
            times.append(time.perf_counter() - t)
        _mark()
    finally:
        eng.stop()
        if con is not None:
            con.close()
    return {"best": min(times), "median": statistics.median(times), "result_rows": rows,
            "times": times}


def _mark() -> None:
    """Tell the parent a run starts or ends, and wait until it has sampled the tree."""
    print("MARK", flush=True)
    sys.stdin.readline()


# ---------------------------------------------------------------- process-tree sampling


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):  # a process may exit at any moment while we look
        if not name.isdigit():
            continue
        try:
            fields = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        kids.setdefault(int(fields[1]), []).append(int(name))
    return kids


def _tree(roots: list[int]) -> set[int]:
    kids, out, todo = _children(), set(), list(roots)
    while todo:
        pid = todo.pop()
        if pid not in out:
            out.add(pid)
            todo.extend(kids.get(pid, []))
    return out


_TICK = os.sysconf("SC_CLK_TCK")


def _sample(pid: int) -> tuple[int, int, float] | None:
    """(RSS bytes, rchar, CPU seconds: user + system of the process itself) of ``pid``."""
    try:
        rss = next(int(line.split()[1]) for line in
                   Path(f"/proc/{pid}/status").read_text().splitlines()
                   if line.startswith("VmRSS:"))
        rchar = next(int(line.split()[1]) for line in
                     Path(f"/proc/{pid}/io").read_text().splitlines()
                     if line.startswith("rchar:"))
        # fields after the command's closing parenthesis: state is field 3, utime 14, stime 15
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return rss * 1024, rchar, (int(stat[11]) + int(stat[12])) / _TICK
    except (OSError, StopIteration, ValueError, IndexError):
        return None


class TreeSampler(threading.Thread):
    """Peak RSS of a process tree, and each process's latest ``rchar`` and CPU seconds (kept
    after it exits, so a finished executor's work still counts)."""

    def __init__(self, roots: list[int]):
        super().__init__(daemon=True)
        self.roots, self.peak, self.rchar, self.cpu = roots, 0, {}, {}
        self._halt = threading.Event()
        self._lock = threading.Lock()

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(0.2)

    def sample(self) -> None:
        with self._lock:
            total = 0
            for pid in _tree(self.roots):
                got = _sample(pid)
                if got is not None:
                    total += got[0]
                    self.rchar[pid], self.cpu[pid] = got[1], got[2]
            self.peak = max(self.peak, total)

    def snapshot(self) -> tuple[dict[int, int], dict[int, float]]:
        self.sample()
        with self._lock:
            return dict(self.rchar), dict(self.cpu)

    def stop(self) -> None:
        self._halt.set()
        self.join()
        self.sample()


def _growth(before: dict, after: dict) -> float:
    """What a tree's counters grew by between two snapshots (a new process from zero)."""
    return sum(v - before.get(pid, 0) for pid, v in after.items())


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
        child = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        roots = [child.pid, *(cluster.pids() if cluster else [])]
        sampler = TreeSampler(roots)
        sampler.start()
        marks, loads, lines = [], [], []
        for line in child.stdout:
            lines.append(line)
            if line.strip() == "MARK":
                marks.append(sampler.snapshot())
                loads.append(os.getloadavg()[0])
                child.stdin.write("\n")
                child.stdin.flush()
        err = child.stderr.read()
        child.wait()
        sampler.stop()
        if child.returncode != 0 or len(marks) != repeat + 1:
            raise SystemExit(f"{engine} failed:\n{err[-3000:]}")
    finally:
        if cluster_cm is not None:
            cluster_cm.__exit__(None, None, None)
    r = json.loads(lines[-1])
    cpu = [_growth(a[1], b[1]) for a, b in zip(marks, marks[1:], strict=False)]
    r.update(peak_mb=sampler.peak / 1e6, read_mb=_growth(marks[0][0], marks[-1][0]) / 1e6
             / repeat, load=(load_before, os.getloadavg()[0]), run_loads=loads,
             cpu=cpu, cpu_best=min(cpu), cpu_median=statistics.median(cpu))
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
    write(out, scale="alliance", start=START, months=months, seed=SEED, file_format="parquet")
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


def crossover_cpu(duck: tuple[float, float], spark: tuple[float, float], machine_cores: int,
                  cores: int) -> float | None:
    """The same question from CPU seconds: pathways (millions) beyond which Spark's work
    spread over ``cores`` worker cores finishes before DuckDB's spread over the one machine's
    ``machine_cores``. Each engine's per-row CPU is assumed to divide by its cores and its
    fixed CPU (planning, start-up) not to (the driver does it alone)."""
    a_d, b_d = duck
    a_s, b_s = spark
    per_row_d, per_row_s = b_d / machine_cores, b_s / cores
    if per_row_s >= per_row_d:
        return None
    return max(0.0, (a_s - a_d) / (per_row_d - per_row_s))


def _fits(results: dict[str, list[tuple[dict, dict]]], key: str,
          unit: str) -> dict[str, tuple[float, float]]:
    fits = {}
    for engine, runs in results.items():
        pts = [(d["pathways"] / 1e6, r[key]) for d, r in runs]
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
        print(f"  {engine:14s} a {a:7.1f} {unit}  b {b:7.2f} {unit} per M pathways  ->  "
              f"national 10 y ({NATIONAL_PATHWAYS / 1e6:.0f} M): "
              f"{a + b * NATIONAL_PATHWAYS / 1e6:8.0f} {unit}, "
              f"peak memory {ma + mb * NATIONAL_PATHWAYS / 1e6:8.0f} MB")
    return fits


def _crossovers(fits: dict[str, tuple[float, float]], how) -> None:
    duck = fits.get("duckdb-store")
    for spark in ("spark-local", "spark-cluster"):
        if duck is None or spark not in fits:
            continue
        print(f"  {spark} (measured on 2 cores) against duckdb-store on this 2-core machine:")
        for n in (2, 8, 32, 128, 512):
            p = how(duck, fits[spark], 2, n)
            print(f"    {n:4d} worker cores: " + ("never (its per-row cost stays above "
                  "DuckDB's)" if p is None else f"overtakes beyond {p:9.1f} M pathways "
                  f"({p / (NATIONAL_PATHWAYS / 1e6):6.1f} x NHS England's ten years)"))


def report(results: dict[str, list[tuple[dict, dict]]]) -> None:
    print("\n== growth on wall time: time = a + b x pathways (millions), fitted over the sizes")
    _crossovers(_fits(results, "best", "s"), crossover)
    print("\n== growth on CPU seconds (every process of the tree): cpu = a + b x pathways")
    _crossovers(_fits(results, "cpu_best", "cpu-s"), crossover_cpu)
    print("  Method: straight lines through the best wall times, the lowest CPU seconds (and "
          "peak memory) of each size, extended to 32 M pathways. Wall: a cluster of N cores "
          "is assumed to divide the per-row part by N/2 (it was measured on 2) and not the "
          "fixed part. CPU: each engine's per-row CPU is divided by its cores (DuckDB: this "
          "machine's 2; Spark: N) and its fixed CPU is not. CPU time leaves out waiting "
          "(scheduling, I/O, a core taken by another user), so the CPU crossover is what the "
          "work itself allows; wall time on a loaded machine overstates every engine, Spark's "
          "most (it runs more threads than there are cores).")


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
            print(f"  {'engine':14s} {'best':>8s} {'median':>8s} {'cpu best':>9s} "
                  f"{'cpu med':>8s} {'runs':>4s} {'peak tree':>10s} {'read/run':>10s}  "
                  "load at each run / after")
            for engine in engines:
                repeat = args.spark_repeat if engine.startswith("spark") else args.repeat
                r = measure(engine, data["db"], data["lake"], repeat, work)
                results[engine].append((data, r))
                loads = " ".join(f"{x:.1f}" for x in r["run_loads"][:-1])
                print(f"  {engine:14s} {r['best']:7.1f}s {r['median']:7.1f}s "
                      f"{r['cpu_best']:8.1f}s {r['cpu_median']:7.1f}s {repeat:4d} "
                      f"{r['peak_mb']:8.0f}MB {r['read_mb']:8.0f}MB  "
                      f"{loads} / {r['run_loads'][-1]:.1f}", flush=True)
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
