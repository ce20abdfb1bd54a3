"""Who is dragging the figure down: each unit's share of the alliance's breaches.

A unit (a trust, usually) *at* the standard's threshold ``t`` (per cent) would have
``total * (1 - t/100)`` breaches; its **excess** is the breaches it has above that:

    excess = breaches - total * (1 - t / 100)

Excesses add up: the units' excesses sum to the alliance's own (its breaches above what it
would have at the threshold), so a unit's excess is its contribution to the alliance's gap,
in patients. A negative excess is a unit doing better than the threshold and carrying
others. ``gain_points`` is how many percentage points the alliance's figure would rise if
that unit alone came up to the threshold (a unit already at or above it: 0):

    gain_points = max(excess, 0) / alliance total * 100

``share_of_excess`` is the unit's part of the sum of positive excesses (None when no unit
is below the threshold). Counts may be half-patients (transfer shares): nothing is rounded.
"""

from __future__ import annotations

import pandas as pd

COLUMNS = ("total", "within", "breaches", "allowed", "excess", "gain_points",
           "share_of_excess")


def breach_contribution(df: pd.DataFrame, unit_col: str, threshold_percent: float
                        ) -> pd.DataFrame:
    """One row per unit of ``df`` (columns ``unit_col``, ``total``, ``within``), worst
    first: ``unit_col`` and :data:`COLUMNS`. ``threshold_percent`` is the standard's
    threshold in force (e.g. 85 for 85%)."""
    if not 0 <= threshold_percent <= 100:
        raise ValueError(f"a threshold is a percentage from 0 to 100, not {threshold_percent}")
    g = df.groupby(unit_col, as_index=False, dropna=False)[["total", "within"]].sum()
    g = g[g["total"] > 0].copy()
    if g.empty:
        return pd.DataFrame(columns=[unit_col, *COLUMNS])
    g["breaches"] = g["total"] - g["within"]
    g["allowed"] = g["total"] * (1 - threshold_percent / 100)
    g["excess"] = g["breaches"] - g["allowed"]
    positive = g["excess"].clip(lower=0)
    g["gain_points"] = positive / g["total"].sum() * 100
    spread = positive.sum()
    g["share_of_excess"] = positive / spread * 100 if spread > 0 else None
    g = g.sort_values(["excess", unit_col], ascending=[False, True])
    return g[[unit_col, *COLUMNS]].reset_index(drop=True)
