"""The one place aggregates are made safe for the actor who will see them.

Every aggregate table a page, CSV download or API response shows goes through
:func:`for_actor`, which sums raw counts by the table's groups and then, for the public
and board members, applies small-number protection with secondary suppression
(:func:`cancer_alliance.stats.protect_table`, metrics reference §8), with percentages
computed from the true counts and only then withheld or rounded for display. Alliance
staff, providers and commissioners get the same shape of table with exact counts.
Because every breakdown and download starts again from raw counts through this one
function, no path can reveal a small count.

Statistics that judge a figure (SPC verdicts, funnel positions, met / not met) are never
computed from a protected table: pages compute them from :func:`exact` (the true counts)
and show them beside the protected figures, so every role sees the same verdict.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cancer_alliance import stats
from cancer_alliance.auth.model import Actor
from cancer_alliance.auth.policy import aggregates_protected

TOTAL_LABEL = "Total"


def exact(
    df: pd.DataFrame, count_cols: list[str], group_cols: list[str], total_row: bool,
    percentages: dict[str, tuple[str, str]],
) -> pd.DataFrame:
    """Raw counts summed by ``group_cols`` with exact percentages: the truth statistics use.

    Never shown to a protected actor as it is; :func:`for_actor` decides what may be shown.
    """
    if group_cols:
        out = df.groupby(group_cols, dropna=False, observed=True, sort=True)[count_cols].sum()
        out = out.reset_index()
    else:
        out = pd.DataFrame([df[count_cols].sum()])
    if total_row and group_cols:
        total = {g: TOTAL_LABEL for g in group_cols} | df[count_cols].sum().to_dict()
        out = out.astype({g: object for g in group_cols})
        out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    for name, (num, den) in percentages.items():
        n = out[num].to_numpy(dtype=float)
        d = out[den].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[name] = np.where(d > 0, n / d * 100.0, np.nan)
    return out


def for_actor(
    actor: Actor,
    df: pd.DataFrame,
    count_cols: Sequence[str],
    group_cols: Sequence[str],
    *,
    total_col: str | None = None,
    percentages: dict[str, tuple[str, str]] | None = None,
    total_row: bool = False,
) -> pd.DataFrame:
    """Raw counts in ``df`` summed by ``group_cols``, as ``actor`` may see them.

    ``percentages`` maps a new column to (numerator, denominator) count columns.
    ``total_col`` names the count column that is the sum of the other counts (secondary
    suppression uses it). For protected actors suppressed counts and their percentages
    are missing (shown ``*``), and the table is marked protected.
    """
    counts, groups = list(count_cols), list(group_cols)
    pcts = dict(percentages or {})
    df = df.copy()
    for c in counts:
        df[c] = pd.to_numeric(df[c], errors="coerce").fillna(0).astype(float)
    if aggregates_protected(actor):
        if df.empty:
            out = pd.DataFrame(columns=groups + counts + list(pcts))
            out.attrs[stats.suppression.PROTECTED_ATTR] = "empty"
            return out
        out = stats.protect_table(df, counts, groups, total_row=total_row, total_col=total_col,
                                  percentages=pcts)
        if not total_row and groups:
            out = out[~(out[groups] == TOTAL_LABEL).all(axis=1)].reset_index(drop=True)
        return out
    return exact(df, counts, groups, total_row, pcts)


def is_protected(df: pd.DataFrame) -> bool:
    return bool(df.attrs.get(stats.suppression.PROTECTED_ATTR))
