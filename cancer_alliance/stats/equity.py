"""Equity gaps: how far each group's proportion is from a reference group's.

A board sees, for every group (ethnic group, deprivation quintile, age band, sex, rare
versus common cancers...), the group's proportion with its Wilson interval and the
difference from the reference group with Newcombe's hybrid score interval (method 10,
built from the two Wilson intervals: statsmodels ``confint_proportions_2indep`` with
``method="newcomb"``). A gap is ``significant`` when that interval excludes 0, so small
groups with wide intervals are not called unequal on noise alone.
"""

from __future__ import annotations

import math

import pandas as pd
from statsmodels.stats.proportion import confint_proportions_2indep

from cancer_alliance.errors import UsageError
from cancer_alliance.stats._checks import check_confidence
from cancer_alliance.stats.proportions import wilson_arrays


def newcombe_difference(
    x1: float, n1: float, x2: float, n2: float, confidence: float = 0.95
) -> tuple[float, float, float]:
    """``(p1 − p2, lower, upper)`` with Newcombe's Wilson-based interval."""
    conf = check_confidence(confidence)
    if n1 <= 0 or n2 <= 0:
        return math.nan, math.nan, math.nan
    lower, upper = confint_proportions_2indep(
        x1, n1, x2, n2, method="newcomb", compare="diff", alpha=1 - conf
    )
    return x1 / n1 - x2 / n2, float(lower), float(upper)


def equity_gap(
    df: pd.DataFrame,
    group_col: str,
    numerator: str,
    denominator: str,
    reference_group: object | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Each group's proportion and its gap from ``reference_group``.

    Rows of ``df`` are summed by ``group_col`` first, so patient-level 0/1 rows or
    pre-aggregated counts both work. The reference defaults to the group with the
    largest denominator (the most precise comparator). Columns: ``group``, ``numerator``,
    ``denominator``, ``proportion``, ``lower``, ``upper``, ``reference_group``,
    ``difference``, ``difference_lower``, ``difference_upper``, ``significant`` and
    ``is_reference``. The reference row has a difference of 0 and no interval.
    """
    for col in (group_col, numerator, denominator):
        if col not in df.columns:
            raise UsageError(f"column {col!r} is not in the table (have {list(df.columns)})")
    sums = (
        df.groupby(group_col, dropna=False, observed=True)[[numerator, denominator]]
        .sum()
        .reset_index()
        .rename(columns={group_col: "group", numerator: "numerator", denominator: "denominator"})
    )
    if sums.empty:
        raise UsageError("an equity gap needs at least one group")
    if reference_group is None:
        reference_group = sums.loc[sums["denominator"].idxmax(), "group"]
    ref_rows = sums[sums["group"] == reference_group]
    if ref_rows.empty:
        raise UsageError(
            f"reference group {reference_group!r} is not among the groups "
            f"{sums['group'].tolist()}"
        )
    rx, rn = float(ref_rows["numerator"].iloc[0]), float(ref_rows["denominator"].iloc[0])
    if rn <= 0:
        raise UsageError(f"reference group {reference_group!r} has a denominator of 0")

    x = sums["numerator"].to_numpy(dtype=float)
    n = sums["denominator"].to_numpy(dtype=float)
    lower, upper = wilson_arrays(x, n, confidence)
    sums["proportion"] = [xi / ni if ni > 0 else math.nan for xi, ni in zip(x, n, strict=True)]
    sums["lower"] = lower
    sums["upper"] = upper
    sums["reference_group"] = reference_group
    sums["is_reference"] = sums["group"] == reference_group
    diffs = [
        (0.0, math.nan, math.nan) if is_ref else newcombe_difference(xi, ni, rx, rn, confidence)
        for xi, ni, is_ref in zip(x, n, sums["is_reference"], strict=True)
    ]
    sums["difference"] = [d for d, _, _ in diffs]
    sums["difference_lower"] = [lo for _, lo, _ in diffs]
    sums["difference_upper"] = [hi for _, _, hi in diffs]
    sums["significant"] = [
        bool(lo > 0 or hi < 0) if not (math.isnan(lo) or math.isnan(hi)) else False
        for _, lo, hi in diffs
    ]
    return sums
