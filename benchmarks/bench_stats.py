"""Print how long the statistics package takes on dashboard-sized inputs.

Run: ``.venv/bin/python benchmarks/bench_stats.py``. Figures only; never a test.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from cancer_alliance.stats import (
    funnel_plot_data,
    kaplan_meier,
    proportion_table,
    protect_table,
    spc,
)


def timed(label: str, fn, repeat: int = 3) -> None:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<58} {best * 1000:9.1f} ms")


def main() -> None:
    rng = np.random.default_rng(4)
    n_units = 100_000
    den = rng.integers(1, 5000, n_units)
    props = pd.DataFrame({"unit": np.arange(n_units), "denominator": den,
                          "numerator": rng.binomial(den, 0.75)})
    timed("proportion_table, 100,000 rows, 95% and 99.8%",
          lambda: proportion_table(props, "numerator", "denominator"))
    practices = props.head(6000)
    timed("funnel_plot_data, 6,000 GP practices",
          lambda: funnel_plot_data(practices))
    series = [list(rng.normal(75, 4, 60)) for _ in range(200)]
    timed("spc, 200 charts of 60 monthly points",
          lambda: [spc(s, target=75) for s in series])
    raw = pd.DataFrame({
        "provider": rng.choice([f"R{i:02d}" for i in range(40)], 200_000),
        "ethnic_group": rng.choice(list("ABCDEFGHJKLMNPRSZ"), 200_000),
        "within": rng.integers(0, 2, 200_000),
        "total": 1,
    })
    timed("protect_table, 200,000 pathways -> 40 x 17 groups",
          lambda: protect_table(raw, ["within", "total"], ["provider", "ethnic_group"],
                                percentages={"performance": ("within", "total")}))
    times = rng.exponential(30, 50_000).round()
    events = rng.integers(0, 2, 50_000)
    timed("kaplan_meier, 50,000 patients", lambda: kaplan_meier(times, events))


if __name__ == "__main__":
    main()
