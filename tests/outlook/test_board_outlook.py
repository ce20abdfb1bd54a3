"""The board pack's outlook section: forecasts from months up to the pack's, protected."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cancer_alliance.reports.sections import OUTLOOK_MONTHS, outlook_section
from tests.outlook.conftest import insert_pathways, insert_submissions


def test_outlook_counts_are_protected_and_start_after_the_period(tiny_store):
    con, _ = tiny_store
    months = [str(p) for p in pd.period_range("2022-01", "2024-12", freq="M").strftime("%Y-%m")]
    insert_submissions(con, {"RAA": months, "RBB": months})
    rng = np.random.default_rng(4)
    rows = []
    for m in months:
        for provider, mean in (("RAA", 30), ("RBB", 6)):  # RBB small enough to suppress
            for _ in range(rng.poisson(mean)):
                rows.append({"provider_code": provider, "suspected_cancer_type": "LUNG",
                             "referral_received_date": f"{m}-{rng.integers(1, 28):02d}"})
    insert_pathways(con, rows)
    out = outlook_section(con, "2024-06")
    assert "error" not in out, out
    assert [r["group"] for r in out["rows"]] == ["E1", "RAA", "RBB"]
    values = []
    for r in out["rows"]:
        assert [m["month"] for m in r["months"]] == [
            "2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12"][:OUTLOOK_MONTHS]
        assert r["mase"] is not None and r["baseline_mase"] is not None
        for m in r["months"]:
            values += [m["forecast"], m["lower_80"], m["upper_80"]]
    assert all(v is None or v == 0 or v % 5 == 0 for v in values)
    assert None in values  # RBB's small forecasts are suppressed
