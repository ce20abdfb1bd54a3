"""Ingest throughput: validated rows per second and peak memory (prints figures; not a test).

Usage::

    .venv/bin/python benchmarks/bench_ingest.py                 # alliance and national
    .venv/bin/python benchmarks/bench_ingest.py --scale alliance --repeats 5

For each scale the synthetic generator writes two months of submissions (CSV). Then:

* **first month**: every submission of 2024-01 loaded into a fresh store as ``ingest-folder``
  and ``demo`` do (``ingest_submissions``: rounds of submissions validated and applied
  together), ``--repeats`` times, each into a new store; best and median are printed;
* **second month**: 2024-02 loaded on top of the first, the steady monthly case, in which
  providers resend open pathways and the versions they replace are kept as superseded;
* **one at a time**: the first month again, one ``ingest_submission`` call per submission (the
  path of a trust's single upload), to show what the rounds save.

Each scale runs in its own process so the peak resident memory (VmHWM) belongs to that scale
alone (it includes the generator's). The goal is at least 200,000 validated rows per second
on a 2-core machine.

Wall-clock figures on a shared virtual machine move with the CPU time the host takes away
("steal"), so each line also gives the CPU seconds the load used (all threads) and the
machine's steal during it: when steal is high, the CPU figure is the steadier one.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _memory import peak_mb


def steal_ticks() -> tuple[int, int]:
    """(steal, total) CPU ticks of the whole machine so far, from /proc/stat (0, 0 if none)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


class Timer:
    """Wall time, this process's CPU time and the machine's steal share over a block."""

    def __enter__(self) -> Timer:
        self.wall, self.cpu, self.steal = time.perf_counter(), time.process_time(), steal_ticks()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        steal, total = (a - b for a, b in zip(steal_ticks(), self.steal, strict=True))
        self.steal_share = steal / total if total else 0.0


def run_scale(scale: str, repeats: int) -> None:
    from cancer_alliance.generate import generate
    from cancer_alliance.ingest import SubmissionItem, ingest_submission, ingest_submissions
    from cancer_alliance.ingest.folder import folder_submissions, load_folder_reference
    from cancer_alliance.store import connect

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "gen"
        t0 = time.perf_counter()
        generate(out, scale=scale, start="2024-01", months=2, seed=1, file_format="csv")
        gen_s = time.perf_counter() - t0
        found = folder_submissions(out)
        months = {m: [SubmissionItem(p, m, path) for p, mm, path in found if mm == m]
                  for m in ("2024-01", "2024-02")}

        def fresh_store(name: str):
            con = connect(Path(tmp) / f"{name}.duckdb")
            load_folder_reference(con, out)
            return con

        def load(con, items) -> tuple[int, Timer]:
            with Timer() as timer:
                results = ingest_submissions(con, items, submitted_by="bench",
                                             archive_dir=Path(tmp) / "archive")
            return sum(r.rows_read for r in results), timer

        first, second = [], []
        for i in range(repeats):
            con = fresh_store(f"run{i}")
            rows1, timer = load(con, months["2024-01"])
            first.append(timer)
            rows2, timer = load(con, months["2024-02"])
            second.append(timer)
            con.close()
        n1 = len(months["2024-01"])
        print(f"{scale:9s} first month:  {n1} submissions, {rows1:,} rows: "
              f"{summary(first, rows1)} ({repeats} runs; generation {gen_s:.1f} s)", flush=True)
        print(f"{scale:9s} second month: {rows2:,} rows on top of the first: "
              f"{summary(second, rows2)}", flush=True)
        con = fresh_store("single")
        t0 = time.perf_counter()
        for item in months["2024-01"]:
            ingest_submission(con, item.path, provider=item.provider, period=item.period,
                              submitted_by="bench", archive_dir=Path(tmp) / "archive")
        took = time.perf_counter() - t0
        con.close()
        print(f"{scale:9s} one at a time: {rows1:,} rows in {took:.2f} s = "
              f"{rows1 / took:,.0f} rows/s ({took / n1 * 1000:.0f} ms per submission); "
              f"peak RSS {peak_mb():,.0f} MB", flush=True)


def summary(timers: list[Timer], rows: int) -> str:
    """Best and median wall time as rows per second, with CPU time and steal of the best."""
    walls = sorted(t.wall for t in timers)
    best = min(timers, key=lambda t: t.wall)
    median = statistics.median(walls)
    return (f"best {best.wall:.2f} s = {rows / best.wall:,.0f} rows/s, median {median:.2f} s "
            f"= {rows / median:,.0f} rows/s; best run used {best.cpu:.2f} CPU s "
            f"({best.cpu / best.wall:.1f} cores), machine steal {best.steal_share:.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["alliance", "national"])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.scale:
        run_scale(args.scale, args.repeats)
        return
    for scale in ("alliance", "national"):
        subprocess.run([sys.executable, __file__, "--scale", scale,
                        "--repeats", str(args.repeats)], check=True)


if __name__ == "__main__":
    main()
