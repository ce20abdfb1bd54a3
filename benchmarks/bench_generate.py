"""Generator throughput: rows written per second, for sizes from one alliance to the nation.

Prints figures; never run as a test. Usage:
    python benchmarks/bench_generate.py            # alliance 3 years + national 1 month
    python benchmarks/bench_generate.py --year     # also a national year (a few minutes)
National over 10 years is extrapolated from the national slices (the work is linear in
months x pathways) and the output says so.
"""

from __future__ import annotations

import sys
import tempfile
import time

from _memory import peak_mb

from cancer_alliance.generate import generate


def run(label: str, **kwargs) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        summary = generate(tmp, seed=1, **kwargs)
        seconds = time.perf_counter() - began
    rows = sum(summary.rows.values())
    peak = peak_mb()
    print(f"{label:<34} {summary.pathways_simulated:>11,} pathways {rows:>12,} rows "
          f"{seconds:8.1f} s {rows / seconds:>11,.0f} rows/s  peak RSS {peak:,.0f} MB")
    return seconds / kwargs["months"]


def main() -> None:
    print("size                               simulated      written       time      "
          "throughput")
    run("alliance, 36 months, csv", scale="alliance", start="2023-01", months=36)
    run("alliance, 36 months, parquet", scale="alliance", start="2023-01", months=36,
        file_format="parquet")
    per_month = run("national, 1 month, parquet", scale="national", start="2024-01", months=1,
                    file_format="parquet")
    basis = "1-month run (includes 6 lead-in months of simulation, so an over-estimate)"
    if "--year" in sys.argv:
        per_month = run("national, 12 months, parquet", scale="national", start="2024-01",
                        months=12, file_format="parquet")
        basis = "12-month run"
    print(f"extrapolated national 10 years (120 months, parquet): about "
          f"{per_month * 120 / 60:,.0f} minutes, linear from the national {basis}; not measured")


if __name__ == "__main__":
    main()
