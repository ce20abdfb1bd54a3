"""Argument checks shared by the statistics modules.

Every check raises :class:`cancer_alliance.errors.UsageError` (a ``ValueError``) with a
message that names the argument, the value and the rule, so a caller who passed a bad
figure learns what to fix. Messages never carry patient identifiers: the stats package
only ever sees counts.
"""

from __future__ import annotations

import math

from scipy.stats import norm

from cancer_alliance.errors import UsageError


def check_confidence(confidence: float) -> float:
    """Return ``confidence`` as a fraction strictly between 0 and 1, or raise."""
    try:
        value = float(confidence)
    except (TypeError, ValueError):
        raise UsageError(f"confidence {confidence!r} is not a number") from None
    if not 0 < value < 1:
        raise UsageError(
            f"confidence {confidence!r} must be a fraction between 0 and 1 "
            "(for example 0.95 or 0.998)"
        )
    return value


def z_for(confidence: float) -> float:
    """Two-sided normal quantile for ``confidence``, as PHEindicatormethods' ``zscore``."""
    c = check_confidence(confidence)
    return float(norm.ppf(c + (1 - c) / 2))


def check_count(name: str, value: float) -> float:
    """A non-negative, finite count (fractions allowed: inter-provider shares are 0.5)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{name} {value!r} is not a number") from None
    if math.isnan(v) or math.isinf(v) or v < 0:
        raise UsageError(f"{name} {value!r} must be a finite number of 0 or more")
    return v
