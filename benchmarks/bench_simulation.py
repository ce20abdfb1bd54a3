"""Print how long the pathway simulation takes on the demo alliance (issue 17: a 24-month
simulation of an alliance with 20 replications in under 60 s).

Run: ``.venv/bin/python benchmarks/bench_simulation.py [--db alliance.duckdb]``. With
``--db`` it fits the baseline on that store (e.g. the one ``./dev demo`` loaded); without,
it generates the demo alliance into a temporary folder and loads it (generation and loading
are not part of the figures). Figures only; never a test.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def _demo_store(folder: Path) -> str:
    from _generated import load_generated

    from cancer_alliance.generate import demo_folder
    from cancer_alliance.store import connect

    demo_folder(folder / "data")
    db = str(folder / "demo.duckdb")
    con = connect(db)
    load_generated(con, folder / "data")
    con.close()
    return db


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", help="a store holding the alliance (default: generate the demo)")
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--replications", type=int, default=20)
    args = ap.parse_args()

    from cancer_alliance.outlook.simulation import Model, run_once, simulate
    from cancer_alliance.outlook.simulation_fit import fit_baseline
    from cancer_alliance.store import connect

    with tempfile.TemporaryDirectory(prefix="bench-simulation-") as tmp:
        db = args.db or _demo_store(Path(tmp))
        con = connect(db)
        start = time.perf_counter()
        baseline = fit_baseline(con)
        fit_s = time.perf_counter() - start
        con.close()
    streams = len(baseline.streams)
    per_month = sum(s.per_month for s in baseline.streams)
    print(f"baseline fitted on {baseline.fitted_on[0]}..{baseline.fitted_on[1]}: {streams} "
          f"streams, {per_month:,.0f} referrals a month, {len(baseline.capacity)} resources")
    print(f"{'fit the baseline from the store':<58} {fit_s:9.2f} s")

    import numpy as np

    model = Model(baseline, args.months)
    start = time.perf_counter()
    journey = run_once(model, np.random.SeedSequence(1))
    one = time.perf_counter() - start
    print(f"{'one replication, ' + str(args.months) + ' months (+ warm-up)':<58} {one:9.2f} s"
          f"   ({len(journey.patients.start):,} patients)")
    start, cpu = time.perf_counter(), time.process_time()
    out = simulate(baseline, args.months, args.replications)
    total, cpu = time.perf_counter() - start, time.process_time() - cpu
    label = f"{args.months}-month simulation, {args.replications} replications"
    # CPU time too: on a shared machine the wall clock also counts other people's work
    print(f"{label:<58} {total:9.2f} s   (CPU {cpu:.2f} s; target < 60 s)")
    last = out[out["month"] == out["month"].max()].set_index("measure")
    for m in ("FDS", "62_DAY", "62_DAY_BACKLOG"):
        r = last.loc[m]
        print(f"  {out['month'].max()} {m:<16} {r['mean']:10.1f}  95% CI "
              f"{r['lower']:.1f} to {r['upper']:.1f}")


if __name__ == "__main__":
    main()
