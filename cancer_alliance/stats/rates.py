"""Crude rates with exact Poisson or Byar's intervals, and directly standardised rates.

Why these methods: they are PHEindicatormethods' (``phe_rate``, ``byars_lower``/
``byars_upper``, ``phe_dsr``), which English public-health profiles publish with. Under
10 events Byar's approximation is poor, so the exact Poisson limits from the chi-squared
distribution (scipy) are used; from 10 events, Byar's. A directly standardised rate
(DSR) uses the Dobson method: Byar's limits for the total count, scaled by the variance
of the weighted sum. Under 10 events in total a DSR is not reliable and is *not
calculated*: value and limits are NaN and ``calculated`` is False (PHE returns NA with
statistic "dsr NA for total count < 10").

The 2013 European Standard Population (19 bands, 0-4 ... 90+, total 100,000) ships as
``esp2013.csv`` in this package, exactly as PHEindicatormethods' ``esp2013`` vector.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import NamedTuple

import numpy as np
from scipy.stats import chi2

from cancer_alliance.errors import UsageError
from cancer_alliance.stats._checks import check_confidence, check_count, z_for

EXACT_BELOW = 10  # events below this use exact Poisson limits; DSRs are not calculated
NOT_CALCULATED = "not calculated: fewer than 10 events"


class RateResult(NamedTuple):
    """A crude rate per ``multiplier`` with its limits and the interval method."""

    value: float
    lower: float
    upper: float
    method: str  # "exact" or "byar"


class DSRResult(tuple):
    """``(value, lower, upper)`` of a DSR, plus why it may be missing.

    Unpacks as a 3-tuple. ``calculated`` is False (and the three numbers NaN) when the
    total count is under 10; ``note`` then reads ``"not calculated: fewer than 10 events"``.
    """

    def __new__(
        cls, value: float, lower: float, upper: float, total_count: float, total_population: float
    ) -> DSRResult:
        self = super().__new__(cls, (value, lower, upper))
        self.total_count = total_count
        self.total_population = total_population
        return self

    value = property(lambda self: self[0])
    lower = property(lambda self: self[1])
    upper = property(lambda self: self[2])

    @property
    def calculated(self) -> bool:
        return not math.isnan(self[0])

    @property
    def note(self) -> str | None:
        return None if self.calculated else NOT_CALCULATED


def byars_lower(events: float, confidence: float = 0.95) -> float:
    """Byar's lower limit for an observed count (PHEindicatormethods ``byars_lower``)."""
    x = check_count("events", events)
    if x == 0:
        return 0.0
    z = z_for(confidence)
    return x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3


def byars_upper(events: float, confidence: float = 0.95) -> float:
    """Byar's upper limit for an observed count (PHEindicatormethods ``byars_upper``)."""
    x = check_count("events", events)
    z = z_for(confidence)
    return (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3


def exact_poisson(events: float, confidence: float = 0.95) -> tuple[float, float]:
    """Exact Poisson limits for a count from the chi-squared distribution.

    ``qchisq((1 − c)/2, 2x)/2`` and ``qchisq(c + (1 − c)/2, 2x + 2)/2``, as in
    ``phe_rate``; the lower limit for 0 events is 0.
    """
    c = check_confidence(confidence)
    x = check_count("events", events)
    lower = 0.0 if x == 0 else float(chi2.ppf((1 - c) / 2, 2 * x) / 2)
    upper = float(chi2.ppf(c + (1 - c) / 2, 2 * x + 2) / 2)
    return lower, upper


def rate_interval(
    events: float, population: float, confidence: float = 0.95, multiplier: float = 100000
) -> RateResult:
    """Crude rate of ``events`` in ``population`` per ``multiplier`` with its limits.

    ``method`` is ``"exact"`` under 10 events and ``"byar"`` from 10, as ``phe_rate``.
    """
    x = check_count("events", events)
    n = check_count("population", population)
    if n <= 0:
        raise UsageError(f"population {population!r} must be greater than 0 for a rate")
    if x < EXACT_BELOW:
        lower, upper = exact_poisson(x, confidence)
        method = "exact"
    else:
        lower, upper = byars_lower(x, confidence), byars_upper(x, confidence)
        method = "byar"
    scale = multiplier / n
    return RateResult(x * scale, lower * scale, upper * scale, method)


@cache
def esp2013() -> tuple[tuple[str, int], ...]:
    """The 2013 European Standard Population as ``(age_band, population)`` pairs."""
    text = resources.files(__package__).joinpath("esp2013.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple((r["age_band"], int(r["standard_population"])) for r in rows)


def esp2013_weights() -> list[int]:
    """Just the 19 standard populations, youngest band first, for :func:`dsr`."""
    return [w for _, w in esp2013()]


def dsr(
    counts: Sequence[float],
    populations: Sequence[float],
    standard_populations: Sequence[float] | None = None,
    confidence: float = 0.95,
    multiplier: float = 100000,
) -> DSRResult:
    """Directly standardised rate per ``multiplier`` with Dobson limits.

    ``counts``, ``populations`` and ``standard_populations`` are matched by position
    (one entry per standardisation band); ``standard_populations`` defaults to ESP 2013.
    A missing count is taken as 0. Under 10 events in total, returns NaNs with
    ``calculated`` False.
    """
    check_confidence(confidence)
    std = esp2013_weights() if standard_populations is None else list(standard_populations)
    obs = np.array([0.0 if c is None or (isinstance(c, float) and math.isnan(c)) else c
                    for c in counts], dtype=float)
    pop = np.asarray(populations, dtype=float)
    w = np.asarray(std, dtype=float)
    if not len(obs) == len(pop) == len(w):
        raise UsageError(
            f"counts ({len(obs)}), populations ({len(pop)}) and standard_populations "
            f"({len(w)}) must have one entry per band each"
        )
    if np.any(obs < 0):
        raise UsageError("counts must all be 0 or more")
    if np.any(~(pop > 0)):
        raise UsageError("populations must all be greater than 0")
    total = float(obs.sum())
    total_pop = float(pop.sum())
    if total < EXACT_BELOW:
        nan = float("nan")
        return DSRResult(nan, nan, nan, total, total_pop)
    value = float((obs * w / pop).sum() / w.sum())
    var = float((obs * (w / pop) ** 2).sum() / w.sum() ** 2)
    spread = math.sqrt(var / total)
    lower = value + spread * (byars_lower(total, confidence) - total)
    upper = value + spread * (byars_upper(total, confidence) - total)
    return DSRResult(value * multiplier, lower * multiplier, upper * multiplier, total, total_pop)
