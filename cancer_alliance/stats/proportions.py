"""Proportions with Wilson score confidence intervals.

Why Wilson: it is the method of PHEindicatormethods (``wilson_lower``/``wilson_upper``,
``phe_proportion``), used across English public health, and it behaves at the edges
where the simple normal interval fails: 0 events gives a lower limit of exactly 0, all
events an upper limit of exactly 1, and a denominator of 1 still gives a sensible,
wide interval. The arithmetic is statsmodels' ``proportion_confint(method="wilson")``,
which is algebraically the PHE formula ``(2x + z² ± z√(z² + 4x(1 − x/n))) / 2(n + z²)``
with ``z`` the two-sided normal quantile.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from statsmodels.stats.proportion import proportion_confint

from cancer_alliance.errors import UsageError
from cancer_alliance.stats._checks import check_confidence, check_count

DEFAULT_LEVELS = (0.95, 0.998)


def level_suffix(confidence: float) -> str:
    """Column suffix for a confidence level: 0.95 -> ``95``, 0.998 -> ``99_8``."""
    text = f"{confidence * 100:.10g}"
    return text.replace(".", "_")


def wilson_interval(
    successes: float, total: float, confidence: float = 0.95
) -> tuple[float, float]:
    """Wilson score interval for ``successes`` out of ``total`` as proportions in [0, 1].

    Matches PHEindicatormethods 2.1.0 ``wilson_lower``/``wilson_upper``. Counts may be
    fractional (62-day inter-provider shares of 0.5). ``total`` must be above 0: a
    proportion of nothing has no interval (PHE stops with an error too).
    """
    conf = check_confidence(confidence)
    x = check_count("successes", successes)
    n = check_count("total", total)
    if n <= 0:
        raise UsageError(f"total {total!r} must be greater than 0 for a proportion")
    if x > n:
        raise UsageError(f"successes {successes!r} must not exceed total {total!r}")
    lower, upper = wilson_arrays([x], [n], conf)
    return float(lower[0]), float(upper[0])


def wilson_arrays(
    successes: ArrayLike, totals: ArrayLike, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised Wilson limits; rows whose total is 0 or missing get NaN limits."""
    conf = check_confidence(confidence)
    x = np.asarray(successes, dtype=float)
    n = np.asarray(totals, dtype=float)
    if np.any(x < 0) or np.any(n < 0):
        raise UsageError("numerators and denominators must be 0 or more")
    if np.any(x > n):
        raise UsageError("a numerator is larger than its denominator")
    ok = (n > 0) & ~np.isnan(x)
    lower = np.full(x.shape, np.nan)
    upper = np.full(x.shape, np.nan)
    if ok.any():
        lo, hi = proportion_confint(x[ok], n[ok], alpha=1 - conf, method="wilson")
        lower[ok] = np.clip(lo, 0.0, 1.0)
        upper[ok] = np.clip(hi, 0.0, 1.0)
    # PHE's closed form is exactly 0 at 0 events and 1 at all events; drop rounding noise.
    lower[ok & (x == 0)] = 0.0
    upper[ok & (x == n)] = 1.0
    return lower, upper


def proportion_table(
    df: pd.DataFrame,
    numerator_col: str,
    denominator_col: str,
    confidence_levels: Iterable[float] = DEFAULT_LEVELS,
) -> pd.DataFrame:
    """A copy of ``df`` with ``proportion`` and Wilson limits for each confidence level.

    Added columns: ``proportion``, then ``lower_95``/``upper_95`` and
    ``lower_99_8``/``upper_99_8`` for the default levels (named by :func:`level_suffix`).
    Rows with a denominator of 0, or a missing (suppressed) figure, get NaN everywhere
    rather than an error, so one empty provider does not blank a whole dashboard table.
    """
    for col in (numerator_col, denominator_col):
        if col not in df.columns:
            raise UsageError(f"column {col!r} is not in the table (have {list(df.columns)})")
    out = df.copy()
    # Nullable columns (protected figures use <NA> for suppressed) become NaN rows.
    x = out[numerator_col].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    n = out[denominator_col].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["proportion"] = np.where(n > 0, x / np.where(n > 0, n, 1), np.nan)
    for level in confidence_levels:
        lower, upper = wilson_arrays(x, n, level)
        suffix = level_suffix(level)
        out[f"lower_{suffix}"] = lower
        out[f"upper_{suffix}"] = upper
    return out
