"""Benchmark the outlook: demand forecasts and breach-risk scoring. Prints figures only.

Run: ``.venv/bin/python benchmarks/bench_outlook.py --db alliance.duckdb`` on a loaded demo
store (``./dev demo`` makes one), or without ``--db`` to generate the synthetic alliance into
a temporary folder first (a few minutes). ``--part forecast`` or ``--part risk`` runs one half.

Forecasts: every provider x suspected-cancer-type series of the alliance, 24 months ahead,
then the rolling-origin backtest of each, with the model's and the seasonal-naive
baseline's MASE and interval coverage summarised. The import of statsforecast is timed in a
fresh interpreter (its cold-start cost).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))


def _store(db: str | None):
    from cancer_alliance.store import connect

    if db:
        return connect(db)
    from _generated import load_generated

    from cancer_alliance.generate import generate_alliance

    tmp = Path(tempfile.mkdtemp(prefix="bench-outlook-"))
    print(f"generating the synthetic alliance into {tmp} ...", flush=True)
    generate_alliance(tmp / "data", scale="alliance")
    con = connect(tmp / "alliance.duckdb")
    load_generated(con, tmp / "data")
    return con


def _cold_import() -> float:
    code = ("import time, numpy, pandas; t = time.perf_counter(); "
            "import statsforecast.models; print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return float(out.stdout.strip())


def bench_forecast(con) -> None:
    from cancer_alliance.outlook import demand, series
    from cancer_alliance.outlook.forecast import BASELINE

    print(f"statsforecast cold import (fresh interpreter): {_cold_import():.2f} s")
    start = time.perf_counter()
    groups = series.as_arrays(series.monthly_series(con, "referrals", "provider,cancer_type"))
    built = time.perf_counter() - start
    n_months = len(next(iter(groups.values()))[0]) if groups else 0
    print(f"series built: {len(groups)} provider x cancer type series of {n_months} complete "
          f"months in {built:.2f} s")
    demand.forecast_frame("referrals", dict(list(groups.items())[:1]), 24)  # warm the import
    start = time.perf_counter()
    fc = demand.forecast_frame("referrals", groups, 24)
    took = time.perf_counter() - start
    print(f"forecast, 24 months ahead, every series: {took:.2f} s "
          f"({1000 * took / max(len(groups), 1):.0f} ms a series; target < 10 s)")
    print("  methods chosen:", fc.drop_duplicates("group")["method"].value_counts().to_dict())
    start = time.perf_counter()
    bt = demand.backtest_frame("referrals", groups, 12)
    took = time.perf_counter() - start
    print(f"backtest, 12 rolling origins, every series: {took:.2f} s")
    bt = bt.dropna(subset=["mase"])
    model, base = bt[bt["method"] != BASELINE], bt[bt["method"] == BASELINE]
    for name, part in (("model", model), ("seasonal naive", base)):
        print(f"  {name:<15} median MASE {part['mase'].median():.3f}, "
              f"mean coverage 80% {part['coverage_80'].mean():.3f}, "
              f"95% {part['coverage_95'].mean():.3f} over {len(part)} series")
    merged = model.merge(base, on="group", suffixes=("", "_base"))
    better = np.mean(merged["mase"] < merged["mase_base"])
    print(f"  model beats the baseline's MASE in {better:.0%} of series")
    for by in ("alliance", "provider"):
        t = demand.demand_backtest(con, "referrals", by, 12)
        print(f"backtest of referrals by {by}:")
        print(t.to_string(index=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a loaded store (default: generate the alliance)")
    parser.add_argument("--part", choices=("forecast", "risk", "all"), default="all")
    args = parser.parse_args()
    con = _store(args.db)
    if args.part in ("forecast", "all"):
        bench_forecast(con)


if __name__ == "__main__":
    main()
