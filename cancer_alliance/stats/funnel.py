"""Funnel plots for proportions, by PHEindicatormethods' Wilson-based method.

Why this method: PHE Fingertips (and PHEindicatormethods' ``phe_funnels`` and
``phe_funnel_significance``) draw the control limit at denominator ``n`` as the observed
proportion whose Wilson score interval just reaches the overall proportion. Because a
Wilson interval's end points are exactly the proportions ``p`` with
``|observed − p| = z·√(p(1 − p)/n)``, PHE's ``sigma_adjustment`` closed form reduces to
``p ± z·√(p(1 − p)/n)`` around the baseline ``p``: symmetric, with no continuity
correction, and outside [0, 1] at small denominators until clamped for drawing. We keep
PHE's own expression so the code reads against the package line by line.
A unit is flagged ``low``/``high`` at 0.025 when it is outside the 95% limits and at
0.001 when outside the 99.8% limits; comparisons are strict, as in the package, so a
unit exactly on a limit is not significant.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from cancer_alliance.errors import UsageError
from cancer_alliance.stats._checks import check_confidence, z_for
from cancer_alliance.stats.proportions import DEFAULT_LEVELS, level_suffix

CURVE_POINTS = 100


def _limits(p: ArrayLike, n: ArrayLike, z: float) -> tuple[np.ndarray, np.ndarray]:
    """PHEindicatormethods ``sigma_adjustment`` (low and high sides) as proportions."""
    p = np.asarray(p, dtype=float)
    n = np.asarray(n, dtype=float)
    z2 = z * z
    first = p * (n / z2 + 1)
    under_root = (-8 * p * (n / z2 + 1)) ** 2 - 64 * (1 / z2 + 1 / n) * p * (
        n * (p * (n / z2 + 2) - 1) + z2 * (p - 1)
    )
    # Exactly 0 in exact arithmetic when p is 0 or 1; keep rounding noise out of sqrt.
    adj = np.sqrt(np.maximum(under_root, 0.0))
    last = 1 / z2 + 1 / n
    lower = (first - adj / 8) / last / n
    upper = (first + adj / 8) / last / n
    # At a baseline of exactly 0 or 1 every unit must sit on it; the closed form only
    # gets there up to rounding, so pin it.
    edge = (p == 0) | (p == 1)
    lower = np.where(edge, p, lower)
    upper = np.where(edge, p, upper)
    return lower, upper


def funnel_limits(
    baseline_proportion: float, denominator: float, confidence: float
) -> tuple[float, float]:
    """Unclamped (lower, upper) funnel control limits at ``denominator``.

    ``confidence`` is two-sided: 0.95 gives the 0.025 limits (PHE's ``p = 0.975``),
    0.998 the 0.001 limits (``p = 0.999``). Use :func:`clamp` before plotting.
    """
    check_confidence(confidence)
    p = float(baseline_proportion)
    n = float(denominator)
    if not 0 <= p <= 1 or math.isnan(p):
        raise UsageError(f"baseline_proportion {baseline_proportion!r} must be between 0 and 1")
    if not n > 0:
        raise UsageError(f"denominator {denominator!r} must be greater than 0")
    lower, upper = _limits(p, n, z_for(confidence))
    return float(lower), float(upper)


def clamp(value: float) -> float:
    """Clamp a limit into [0, 1] for drawing (PHE's ``max(0, ...)``/``min(100, ...)``)."""
    return min(1.0, max(0.0, value))


def _axis_floor(x: float) -> float:
    """PHE ``signif.floor``: round 95% of ``x`` down to its leading digit."""
    if x == 0:
        return 0.0
    scaled = x * 0.95
    digits = len(str(math.floor(scaled))) - 1
    return math.floor(scaled / 10**digits) * 10**digits


def _axis_ceiling(x: float) -> float:
    """PHE ``signif.ceiling``: round 105% of ``x`` up to its two leading digits."""
    if x == 0:
        return 0.0
    scaled = x * 1.05
    digits = len(str(math.ceil(scaled))) - 2
    return math.ceil(scaled / 10**digits) * 10**digits


def curve_denominators(min_denominator: float, max_denominator: float) -> list[float]:
    """The 100 geometric denominators PHE's ``phe_funnels`` draws the curves at."""
    axis_min = 0.0 if max_denominator > 2 * min_denominator else _axis_floor(min_denominator)
    axis_max = _axis_ceiling(max_denominator)
    points = [max(1.0, axis_min)]
    for j in range(2, CURVE_POINTS + 1):
        prev = points[-1]
        step = round((axis_max / prev) ** (1 / (101 - j)) * prev)
        points.append(float(max(step, prev + 1)))
    return points


def _flag(proportion: float, limits: dict[float, tuple[float, float]]) -> tuple[str, float | None]:
    """Flag a unit against the outermost limits first, as ``phe_funnel_significance``."""
    if math.isnan(proportion):
        return "not calculated", None
    ordered = sorted(limits, reverse=True)
    for level in ordered:
        if proportion < limits[level][0]:
            return "low", round((1 - level) / 2, 6)
    for level in ordered:
        if proportion > limits[level][1]:
            return "high", round((1 - level) / 2, 6)
    return "not significant", None


def funnel_plot_data(
    units: pd.DataFrame, confidence_levels: Iterable[float] = DEFAULT_LEVELS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Points and curves for a funnel plot of a proportion across units.

    ``units`` has columns ``unit``, ``numerator`` and ``denominator``. Returns
    ``(points, curve)``:

    * ``points``: one row per unit with ``proportion``, ``baseline``,
      ``lower_<level>``/``upper_<level>`` (the limits at that unit's denominator,
      unclamped), ``flag`` (``low``, ``high``, ``not significant``, or
      ``not calculated`` for a denominator of 0) and ``flag_level`` (0.025 or 0.001).
    * ``curve``: 100 rows of ``denominator``, ``baseline`` and limits clamped to [0, 1],
      spaced as PHE's ``phe_funnels`` spaces them.

    The baseline is the overall proportion, sum of numerators over sum of denominators.
    """
    levels = [check_confidence(c) for c in confidence_levels]
    missing = {"unit", "numerator", "denominator"} - set(units.columns)
    if missing:
        raise UsageError(f"funnel plot table lacks column(s) {sorted(missing)}")
    num = units["numerator"].to_numpy(dtype=float)
    den = units["denominator"].to_numpy(dtype=float)
    if np.any(num < 0) or np.any(den < 0):
        raise UsageError("funnel plot numerators and denominators must be 0 or more")
    bad = units.loc[num > den, "unit"].tolist()
    if bad:
        raise UsageError(f"numerator exceeds denominator for unit(s) {bad}")
    used = den > 0
    if not used.any():
        raise UsageError("a funnel plot needs at least one unit with a denominator above 0")
    baseline = float(num[used].sum() / den[used].sum())

    points = units.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        points["proportion"] = np.where(used, num / np.where(used, den, 1), np.nan)
    points["baseline"] = baseline
    per_level: dict[float, tuple[np.ndarray, np.ndarray]] = {}
    for level in levels:
        lo, hi = _limits(baseline, np.where(used, den, np.nan), z_for(level))
        per_level[level] = (lo, hi)
        points[f"lower_{level_suffix(level)}"] = lo
        points[f"upper_{level_suffix(level)}"] = hi
    flags = [
        _flag(p, {lv: (per_level[lv][0][i], per_level[lv][1][i]) for lv in levels})
        for i, p in enumerate(points["proportion"].to_numpy())
    ]
    points["flag"] = [f for f, _ in flags]
    points["flag_level"] = [lv for _, lv in flags]

    xs = curve_denominators(float(den[used].min()), float(den[used].max()))
    curve = pd.DataFrame({"denominator": xs, "baseline": baseline})
    for level in levels:
        lo, hi = _limits(baseline, np.asarray(xs), z_for(level))
        curve[f"lower_{level_suffix(level)}"] = np.clip(lo, 0.0, 1.0)
        curve[f"upper_{level_suffix(level)}"] = np.clip(hi, 0.0, 1.0)
    return points, curve
