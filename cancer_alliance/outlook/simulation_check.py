"""How well the baseline reproduces the months it was fitted on.

The baseline is re-run over its own fit window (after the usual warm-up) and set beside the
platform's figures for the same months, computed from the store by the metrics engine
(:func:`cancer_alliance.metrics.compute_metrics`, alliance level). The docs show the table
(``cancer-alliance simulate --baseline --fit-check``).
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from cancer_alliance.metrics import compute_metrics
from cancer_alliance.outlook.scenarios import Scenario, month_index
from cancer_alliance.outlook.simulation import simulate

CHECKED = ("FDS", "62_DAY", "62_DAY_BACKLOG")
COLUMNS = ["month", "measure", "actual", "simulated", "lower", "upper", "difference"]


def actual_by_month(con, first: str, last: str) -> pd.DataFrame:
    """The alliance's FDS and 62-day performance (%) and 62-day backlog by month."""
    frames = []
    for code in CHECKED:
        df = compute_metrics(con, code, by="month", period=(first, last))
        value = df["total"] - df["within"] if code == "62_DAY_BACKLOG" else df["performance"]
        frames.append(pd.DataFrame({"month": df["period"].astype(str).str[:7],
                                    "measure": code, "actual": value.astype(float)}))
    return pd.concat(frames, ignore_index=True)


def fit_check(con, baseline: Scenario, replications: int = 20,
              seed: int | None = None) -> pd.DataFrame:
    """Simulated against actual, month by month, over the baseline's fit window."""
    if not baseline.fitted_on:
        raise ValueError("the scenario does not say which months it was fitted on")
    first, last = baseline.fitted_on
    window = dataclasses.replace(baseline, start=month_index(first))
    months = month_index(last) - month_index(first) + 1
    sim = simulate(window, months, replications, seed)
    sim = sim[sim["measure"].isin(CHECKED)].rename(columns={"mean": "simulated"})
    out = actual_by_month(con, first, last).merge(sim, on=["month", "measure"], how="left")
    out["difference"] = out["simulated"] - out["actual"]
    order = {m: i for i, m in enumerate(CHECKED)}
    out = out.sort_values(["measure", "month"], key=lambda s: s.map(order) if s.name ==
                          "measure" else s).reset_index(drop=True)
    return out[COLUMNS].round(2)
