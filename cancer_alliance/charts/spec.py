"""One chart definition, rendered both in the page and to a static SVG for reports.

A :class:`ChartSpec` holds only data and words (no drawing code), so the same spec becomes
an interactive chart in the dashboard (:func:`render_interactive`) and a static SVG in a
PDF pack (:func:`render_svg`) and the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["line", "spc", "funnel", "bar", "survival"]
Role = Literal["data", "centre", "limit", "target", "band"]
Flag = Literal["improvement", "concern", "neutral"] | None

KINDS: tuple[str, ...] = ("line", "spc", "funnel", "bar", "survival")


@dataclass(frozen=True)
class Point:
    """One value. ``x`` is a category (e.g. ``"2024-05"``) or a number (funnel, survival).

    ``flag`` marks Making Data Count special cause; it changes shape as well as colour.
    ``label`` is the words a tooltip and the data table show (defaults to x and y).
    ``tag`` is a short name written beside the point on the chart itself (a funnel's
    provider), so a reader need not hover to know which point is which.
    """

    x: str | float
    y: float | None
    label: str | None = None
    flag: Flag = None
    tag: str | None = None


@dataclass(frozen=True)
class Series:
    """A named run of points; ``role`` says what it means, which decides how it is drawn."""

    name: str
    points: tuple[Point, ...]
    role: Role = "data"
    #: The confidence level (per cent) of a limit line: 95 and 99.8 are drawn differently.
    level: float | None = None
    #: The one series the reader is looking for (a pack's own provider): drawn larger,
    #: outlined and labelled whatever its points' flags.
    highlight: bool = False
    #: Why a data series of a chart not in per cent is not a count of patients (capacity
    #: in tests or sessions, staff): small-number protection does not apply to it. ``None``
    #: (the default) means its values are counts, and protected ones for board and public.
    not_a_count: str | None = None

    @classmethod
    def of(cls, name: str, xs, ys, role: Role = "data", flags=None, labels=None,
           tags=None, level: float | None = None, not_a_count: str | None = None) -> Series:
        """Build a series from parallel sequences (None or NaN y values become gaps)."""
        flags = list(flags) if flags is not None else [None] * len(xs)
        labels = list(labels) if labels is not None else [None] * len(xs)
        tags = list(tags) if tags is not None else [None] * len(xs)
        pts = []
        for x, y, f, lab, tag in zip(xs, ys, flags, labels, tags, strict=True):
            yv = None if y is None or y != y else float(y)
            xv = x if isinstance(x, str) else float(x)
            pts.append(Point(xv, yv, lab, f, tag))
        return cls(name, tuple(pts), role, level, not_a_count=not_a_count)


@dataclass(frozen=True)
class Annotation:
    """A note attached to an x position (e.g. "standard changed", "rebased")."""

    x: str | float
    text: str


@dataclass(frozen=True)
class ChartSpec:
    """Everything a chart shows. ``unit`` is appended to y values (``"%"`` for performance)."""

    kind: Kind
    title: str
    series: tuple[Series, ...]
    x_title: str = ""
    y_title: str = ""
    unit: str = ""
    description: str = ""
    annotations: tuple[Annotation, ...] = ()
    y_min: float | None = None
    y_max: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r}; kinds are {', '.join(KINDS)}")

    @property
    def numeric_x(self) -> bool:
        """Funnel plots and survival curves have a numeric x axis; the rest are categories."""
        return self.kind in ("funnel", "survival")

    def data_series(self) -> tuple[Series, ...]:
        return tuple(s for s in self.series if s.role == "data")
