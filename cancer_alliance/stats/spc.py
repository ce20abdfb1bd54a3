"""Statistical process control the NHS England "Making Data Count" way (XmR charts).

Mirrors the defaults and behaviour of the NHSRplotthedots R package (``ptd_spc``):

* Each segment (the whole series, or the pieces between ``rebase_at`` positions) gets
  its own mean and process limits ``mean ± 2.66 × mean moving range``. Moving ranges
  never reach across a rebase.
* ``fix_after`` uses only the first N points of each segment for the mean and moving
  ranges (the package requires N ≥ 12); later points are judged against those limits.
* ``screen_outliers`` (default on) drops moving ranges of 3.267 × the mean moving range
  or more before recomputing it, so one shock does not widen the limits.
* Special-cause rules: see :mod:`cancer_alliance.stats.spc_rules`.
* Point type, by precedence outside limits > trend > two in three > run, oriented by the
  improvement direction: ``special_cause_improvement``/``special_cause_concern``, or
  ``special_cause_neutral_high``/``_low`` when neither direction is better.
* ``variation`` is the last point's type; ``assurance`` compares the target with the
  *last* segment's limits: a target strictly above the upper limit means
  ``consistent_fail`` when higher is better (``consistent_pass`` when lower is better),
  strictly below the lower limit the reverse, anything else (including a target exactly
  on a limit) ``inconsistent``. No target, or a neutral measure, gives ``None``.
* A warning is added for every segment with fewer than 12 points (the package's
  ``short_group_warning`` threshold).

Where the package yields undefined limits (a constant segment whose moving ranges are
all 0 are all screened out, or a one-point segment), the limits are NaN here (``None``
in :meth:`SPCResult.to_dict`), every point is common cause, a warning says so, and the
assurance is ``None`` (the package falls through to "inconsistent"; we prefer to say
that assurance cannot be judged).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Literal

from cancer_alliance.errors import UsageError
from cancer_alliance.stats import spc_rules as rules

LIMIT = 2.66  # 3 / d2 with d2 = 1.128 for moving ranges of two points
NEAR_LIMIT = 2 * LIMIT / 3  # "close to a limit": beyond two thirds of the way
SCREEN = 3.267  # D4 for n = 2: moving ranges at or above 3.267 × mean MR are screened
SHORT_SEGMENT = 12  # NHSRplotthedots warns below this many points per segment
MIN_FIX_AFTER = 12  # NHSRplotthedots rejects fix_after_n_points below this

Improvement = Literal["increase", "decrease", "neutral"]


class PointType(StrEnum):
    """A point's Making Data Count type (NHSRplotthedots ``point_type``)."""

    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "special_cause_improvement"
    CONCERN = "special_cause_concern"
    NEUTRAL_HIGH = "special_cause_neutral_high"
    NEUTRAL_LOW = "special_cause_neutral_low"

    @property
    def flag(self) -> str | None:
        """How a chart marks the point: improvement, concern, neutral, or None."""
        return _FLAGS[self]


_FLAGS = {PointType.COMMON_CAUSE: None, PointType.IMPROVEMENT: "improvement",
          PointType.CONCERN: "concern", PointType.NEUTRAL_HIGH: "neutral",
          PointType.NEUTRAL_LOW: "neutral"}
DIRECTION = {"increase": 1, "decrease": -1, "neutral": 0}


@dataclass(frozen=True)
class Segment:
    """One stretch of the chart with its own mean and process limits (positions inclusive)."""

    start: int
    end: int
    mean: float
    lower: float
    upper: float
    near_lower: float
    near_upper: float
    n_baseline: int  # how many leading points set the limits


@dataclass(frozen=True)
class Point:
    """One value, the rules that fired on it and its Making Data Count point type."""

    position: int
    value: float
    segment: int
    rules: list[str]
    special_cause_type: str  # NHSRplotthedots' label, for display only
    point_type: PointType


@dataclass
class SPCResult:
    """The whole chart: segments, points, the latest variation and the assurance."""

    segments: list[Segment]
    points: list[Point]
    variation: str | None
    assurance: str | None
    improvement: str
    target: float | None
    warnings: list[str] = field(default_factory=list)

    @property
    def variation_icon(self) -> str | None:
        """The Making Data Count variation icon for the latest point, as NHSRplotthedots
        names it (``ptd_get_icons``).

        High/low comes from the improvement direction, not from the side of the mean:
        improvement is ``improvement_high`` when higher is better and ``improvement_low``
        when lower is; concern is the opposite side. So a falling trend still above the
        mean of a higher-is-better measure shows ``concern_low``. Neutral points keep
        their own high/low (``neutral_high`` for a rising trend even below the mean).
        """
        return variation_icon(self.variation, self.improvement)

    def to_dict(self) -> dict:
        """Plain JSON-ready data; NaN limits become ``None``."""
        return _nan_to_none(asdict(self))


#: (point type, higher is better) -> Making Data Count icon name.
_ICONS = {
    (PointType.COMMON_CAUSE, True): "common_cause", (PointType.COMMON_CAUSE, False): "common_cause",
    (PointType.NEUTRAL_HIGH, True): "neutral_high", (PointType.NEUTRAL_HIGH, False): "neutral_high",
    (PointType.NEUTRAL_LOW, True): "neutral_low", (PointType.NEUTRAL_LOW, False): "neutral_low",
    (PointType.IMPROVEMENT, True): "improvement_high",
    (PointType.IMPROVEMENT, False): "improvement_low",
    (PointType.CONCERN, True): "concern_low", (PointType.CONCERN, False): "concern_high",
}


def variation_icon(point_type: str | None, improvement: str) -> str | None:
    """Icon name for a point type: ``common_cause``, ``improvement_high``/``_low``,
    ``concern_high``/``_low`` or ``neutral_high``/``_low`` (see
    :attr:`SPCResult.variation_icon`); ``None`` for no point type."""
    if point_type is None:
        return None
    try:
        return _ICONS[PointType(point_type), improvement == "increase"]
    except ValueError:
        raise UsageError(f"unknown SPC point type {point_type!r}") from None


def _nan_to_none(obj):
    if isinstance(obj, float) and math.isnan(obj):
        return None
    if isinstance(obj, dict):
        return {k: _nan_to_none(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_nan_to_none(v) for v in obj]
    return obj


def _mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs) if xs else math.nan


def segment_limits(values: Sequence[float], fix_after: int | None, screen: bool) -> tuple:
    """Mean, mean moving range and limits for one segment, as ``ptd_spc_standard``."""
    base = list(values[:fix_after] if fix_after else values)
    mean = _mean(base)
    ranges = [abs(b - a) for a, b in zip(base, base[1:], strict=False)]
    amr = _mean(ranges)
    if screen and ranges:
        # Strict "<", as the package: a range of exactly 3.267 × mean MR is screened out.
        ranges = [r for r in ranges if r < SCREEN * amr]
        amr = _mean(ranges)
    return (
        mean,
        mean - LIMIT * amr,
        mean + LIMIT * amr,
        mean - NEAR_LIMIT * amr,
        mean + NEAR_LIMIT * amr,
        len(base),
    )


def _boundaries(n: int, rebase_at: Sequence[int]) -> list[tuple[int, int]]:
    starts = sorted({int(p) for p in rebase_at} - {0})
    for p in starts:
        if not 0 < p < n:
            raise UsageError(
                f"rebase_at position {p} is outside the series (positions 1 to {n - 1})"
            )
    edges = [0, *starts, n]
    return [(a, b - 1) for a, b in zip(edges, edges[1:], strict=False)]


def _check_values(values: Sequence[float]) -> list[float]:
    out = []
    for i, v in enumerate(values):
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise UsageError(f"value at position {i} ({v!r}) is not a number") from None
        if math.isnan(f) or math.isinf(f):
            raise UsageError(
                f"value at position {i} is missing; an SPC series must have no gaps"
            )
        out.append(f)
    if not out:
        raise UsageError("an SPC chart needs at least one value")
    return out


def _special_cause(
    outside: bool, side: int, in_trend: bool, trend_dir: int, in_two: bool, in_run: bool
) -> tuple[str, int]:
    """(NHSRplotthedots' ``special_cause_type`` label, the signal's side: +1 high, -1 low,
    0 none). The side is decided from the rules that fired, never read back from the label."""
    if outside:
        return ("Above UCL" if side == 1 else "Below LCL"), (1 if side == 1 else -1)
    above_below = "Above" if side > 0 else "Below"
    if in_trend:
        return f"7 Point Trend ({'In' if trend_dir == 1 else 'De'}creasing)", trend_dir
    if in_two:
        return f"2 in 3 {above_below} CL", (1 if side > 0 else -1)
    if in_run:
        return f"7 Points {above_below} CL", (1 if side > 0 else -1)
    return "Common Cause", 0


def _point_type(signal: int, direction: int) -> PointType:
    if signal == 0:
        return PointType.COMMON_CAUSE
    if direction == 0:
        return PointType.NEUTRAL_HIGH if signal > 0 else PointType.NEUTRAL_LOW
    return PointType.IMPROVEMENT if signal * direction > 0 else PointType.CONCERN


def _assurance(target: float | None, direction: int, seg: Segment) -> str | None:
    if target is None or direction == 0:
        return None
    if math.isnan(seg.lower) or math.isnan(seg.upper):
        return None
    if target > seg.upper:
        return "consistent_fail" if direction == 1 else "consistent_pass"
    if target < seg.lower:
        return "consistent_pass" if direction == 1 else "consistent_fail"
    return "inconsistent"


def spc(
    values: Sequence[float],
    improvement: Improvement = "increase",
    target: float | None = None,
    rebase_at: Sequence[int] = (),
    fix_after: int | None = None,
    screen_outliers: bool = True,
) -> SPCResult:
    """A Making Data Count XmR chart of ``values`` in time order.

    ``rebase_at`` holds the 0-based positions where a new segment starts; ``fix_after``
    is how many leading points of each segment set its limits (at least 12, or None for
    all). See the module docstring for the rules and how they match NHSRplotthedots.
    """
    if improvement not in DIRECTION:
        raise UsageError(
            f"improvement {improvement!r} must be 'increase', 'decrease' or 'neutral'"
        )
    if fix_after is not None and (
        isinstance(fix_after, bool)
        or not isinstance(fix_after, numbers.Integral)
        or fix_after < MIN_FIX_AFTER
    ):
        raise UsageError(
            f"fix_after {fix_after!r} must be a whole number of at least {MIN_FIX_AFTER} "
            "(as NHSRplotthedots' fix_after_n_points)"
        )
    ys = _check_values(values)
    tgt = None if target is None else float(target)
    direction = DIRECTION[improvement]
    segments: list[Segment] = []
    points: list[Point] = []
    warnings: list[str] = []

    for k, (start, end) in enumerate(_boundaries(len(ys), rebase_at)):
        seg_y = ys[start: end + 1]
        mean, lpl, upl, nlpl, nupl, n_base = segment_limits(seg_y, fix_after, screen_outliers)
        seg = Segment(start, end, mean, lpl, upl, nlpl, nupl, n_base)
        segments.append(seg)
        if len(seg_y) < SHORT_SEGMENT:
            warnings.append(
                f"segment {k} (positions {start}-{end}) has {len(seg_y)} points; "
                f"at least {SHORT_SEGMENT} are needed for reliable limits"
            )
        if math.isnan(lpl):
            warnings.append(
                f"segment {k} (positions {start}-{end}) has no usable moving range "
                "(too few points or no variation); its limits are undefined"
            )
        outside = [y > upl or y < lpl for y in seg_y]
        sides = [(y > mean) - (y < mean) for y in seg_y]
        close = [not o and (y < nlpl or y > nupl) for y, o in zip(seg_y, outside, strict=True)]
        in_trend = rules.part_of_window(rules.trend_ends(seg_y))
        trend_dir = rules.trend_direction(seg_y, in_trend)
        in_two = rules.two_in_three(close, sides)
        in_run = rules.part_of_window(rules.run_ends(sides))
        for i, y in enumerate(seg_y):
            fired = [
                name
                for name, hit in (
                    (rules.OUTSIDE_LIMITS, outside[i]),
                    (rules.RUN, in_run[i]),
                    (rules.TREND, in_trend[i]),
                    (rules.TWO_IN_THREE, in_two[i]),
                )
                if hit
            ]
            sct, signal = _special_cause(
                outside[i], sides[i], in_trend[i], trend_dir[i], in_two[i], in_run[i]
            )
            points.append(Point(start + i, y, k, fired, sct, _point_type(signal, direction)))

    return SPCResult(
        segments=segments,
        points=points,
        variation=points[-1].point_type,
        assurance=_assurance(tgt, direction, segments[-1]),
        improvement=improvement,
        target=tgt,
        warnings=warnings,
    )
