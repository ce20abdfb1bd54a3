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


def _reliability(p, a):
    import pandas as pd

    bins = pd.cut(p, [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
                  include_lowest=True)
    return pd.DataFrame({"p": p, "a": a}).groupby(bins, observed=True).agg(
        pathways=("a", "size"), mean_predicted=("p", "mean"), observed=("a", "mean")).round(3)


def bench_risk(con, train_months_before_end: int = 12) -> None:
    """Fit at one census, score the PTL at each later month-end whose outcomes are known."""
    from datetime import timedelta

    import pandas as pd
    from sklearn.metrics import brier_score_loss, roc_auc_score

    from cancer_alliance.outlook import breach_risk as br
    from cancer_alliance.outlook import tracking_list as tl
    from cancer_alliance.outlook.series import complete_months

    last = pd.Period(complete_months(con)[-1], freq="M")
    end = last.end_time.date()
    census = (last - train_months_before_end).end_time.date()
    known_until = end - timedelta(days=br.LIMIT_62 + 1)
    start = time.perf_counter()
    known = tl.load_pathways(con, census)
    took = time.perf_counter() - start
    print(f"\nbreach risk: {len(known)} pathways loaded as of {census} in {took:.2f} s")
    start = time.perf_counter()
    model = br.fit(known, census)
    print(f"fitted as of {census} in {time.perf_counter() - start:.2f} s: training rows "
          f"{model.training_rows}, pathways {model.training_pathways}")
    pathways = tl.load_pathways(con, end)
    truth = br.as_of(pathways, end)
    later = [d.date() for d in pd.date_range(census + timedelta(days=1), known_until, freq="ME")]
    print(f"held-out censuses: {later[0]} .. {later[-1]} ({len(later)} month-ends; outcomes "
          f"known to {end})")
    for limit, col in ((br.LIMIT_62, "breach_risk_62"), (br.LIMIT_28, "breach_risk_28")):
        preds, actual = [], []
        for day in later:
            scored = br.score(model, pathways, day)
            waited = (pd.Timestamp(day) - pathways["clock_start"].astype("datetime64[ns]")).dt.days
            ok = scored[col].notna() & (waited < limit)
            left = br.exit_day(truth.reindex(pathways.index), limit)
            preds.append(scored.loc[ok, col])
            actual.append((left.isna() | (left > limit))[ok].astype(int))
        p, a = pd.concat(preds), pd.concat(actual)
        print(f"{col}: {len(p)} open pathway-censuses not yet past day {limit}; breach rate "
              f"{a.mean():.3f}; AUC {roc_auc_score(a, p):.3f}; Brier {brier_score_loss(a, p):.4f}"
              f" (base rate alone {a.mean() * (1 - a.mean()):.4f})")
        print(_reliability(p, a).to_string())
    # A national-size list: ten copies of the alliance, each under its own provider codes
    # (so 80 providers, as many distinct pathway states as ten alliances), fitted and scored
    # as one store would be.
    day = later[-1]
    ptl = tl.metrics.ptl(con, day)
    copies = max(1, round(150_000 / max(len(ptl), 1)))
    as_of_day = tl.load_pathways(con, day)

    def tenfold(frame):
        return pd.concat([frame.assign(provider_code=frame["provider_code"] + f"-{i}")
                          for i in range(copies)], ignore_index=True)

    everything = tenfold(as_of_day)
    open_rows = tenfold(ptl[tl.KEYS].merge(as_of_day, on=tl.KEYS, how="left"))
    start, cpu = time.perf_counter(), time.process_time()
    national_model = br.fit(everything, day)
    print(f"national-size fit ({len(everything)} pathways, {copies * 8} providers, sampled to "
          f"{br.MAX_TRAINING_PATHWAYS}): {time.perf_counter() - start:.2f} s "
          f"(CPU {time.process_time() - cpu:.2f} s)")
    start, cpu = time.perf_counter(), time.process_time()
    scored = br.score(national_model, open_rows, day)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    # CPU time too: on a shared machine the wall clock also counts other people's work
    print(f"scoring a national-size PTL: {len(open_rows)} open pathways in {took:.2f} s "
          f"(CPU {cpu:.2f} s; target < 5 s); {scored['breach_risk_62'].notna().sum()} with a "
          "62-day risk")
    start = time.perf_counter()
    tl.ptl_with_risk(con, later[-1])
    print(f"ptl --census {later[-1]} with risks, end to end (load, fit, score): "
          f"{time.perf_counter() - start:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a loaded store (default: generate the alliance)")
    parser.add_argument("--part", choices=("forecast", "risk", "all"), default="all")
    args = parser.parse_args()
    con = _store(args.db)
    if args.part in ("forecast", "all"):
        bench_forecast(con)
    if args.part in ("risk", "all"):
        bench_risk(con)


if __name__ == "__main__":
    main()
