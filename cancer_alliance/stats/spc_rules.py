"""The four Making Data Count special-cause rules, written by hand.

No maintained Python library implements NHS England's "plot the dots" rules, so they
are written here to mirror NHSRplotthedots (``ptd_calculate_point_type.R``) point for
point, including its edge cases:

* **Run**: 7 consecutive points on the same side of the mean. A point exactly on the
  mean has side 0 and breaks a run. Every point of the run is flagged.
* **Trend**: 7 consecutive points each strictly higher (or lower) than the one before.
  A tie (two equal neighbours) breaks a trend. Every point of the trend is flagged.
* **Two in three**: of 3 consecutive points all on the same side of the mean, at least
  2 are "close to a limit" (beyond two-thirds of the way from the mean to a limit but
  not beyond the limit). Only the close points are flagged.
* **Outside limits**: a point strictly above the upper or below the lower process limit.

All functions work on one segment (rules never reach across a rebase).
"""

from __future__ import annotations

from collections.abc import Sequence

RUN_LENGTH = 7

OUTSIDE_LIMITS = "outside_limits"
RUN = "seven_point_run"
TREND = "seven_point_trend"
TWO_IN_THREE = "two_in_three"


def run_ends(sides: Sequence[int]) -> list[int]:
    """+1/-1 at the last point of each window of 7 equal, non-zero sides, else 0."""
    out = []
    for i, s in enumerate(sides):
        window = sides[max(0, i - RUN_LENGTH + 1): i + 1]
        full = len(window) == RUN_LENGTH and s != 0 and all(v == s for v in window)
        out.append(s if full else 0)
    return out


def trend_ends(values: Sequence[float]) -> list[int]:
    """+1/-1 at the last point of 7 strictly rising/falling points, else 0."""
    out = [0] * len(values)
    for i in range(RUN_LENGTH - 1, len(values)):
        steps = [values[j] - values[j - 1] for j in range(i - RUN_LENGTH + 2, i + 1)]
        if all(d > 0 for d in steps):
            out[i] = 1
        elif all(d < 0 for d in steps):
            out[i] = -1
    return out


def part_of_window(ends: Sequence[int]) -> list[bool]:
    """A point is part of a 7-point pattern if that pattern ends at it or within 6 after."""
    return [
        any(e != 0 for e in ends[i: i + RUN_LENGTH])
        for i in range(len(ends))
    ]


def two_in_three(close: Sequence[bool], sides: Sequence[int]) -> list[bool]:
    """Close-to-limit points in a 3-window with 2+ close points, all on one side."""
    n = len(close)
    hit = [False] * n
    for start in range(n - 2):
        window = range(start, start + 3)
        if sum(close[j] for j in window) >= 2 and abs(sum(sides[j] for j in window)) == 3:
            for j in window:
                hit[j] = True
    return [hit[i] and close[i] for i in range(n)]


def trend_direction(values: Sequence[float], in_trend: Sequence[bool]) -> list[int]:
    """Direction of the trend a point belongs to, as NHSRplotthedots decides it.

    A point whose next point is also in a trend takes the direction of the step to the
    right; otherwise the step from the left. So the meeting point of a rising and a
    falling trend counts as falling.
    """
    n = len(values)
    out = []
    for i in range(n):
        right = _sign(values[i + 1] - values[i]) if i + 1 < n else None
        left = _sign(values[i] - values[i - 1]) if i > 0 else 0
        out.append(right if in_trend[i] and right is not None and in_trend[i + 1] else left)
    return out


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)
