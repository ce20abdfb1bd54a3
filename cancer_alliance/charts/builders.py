"""Chart specs for the dashboard's standard charts, built from metric and stats outputs.

Kept apart from drawing so reports (PDF packs) can build the same specs and call
:func:`cancer_alliance.charts.render_svg`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from cancer_alliance.charts.spec import ChartSpec, Series
from cancer_alliance.stats.spc import PointType


def _flag(point_type: str | None) -> str | None:
    """A point's chart flag from its typed SPC point type (None: common cause or none)."""
    return PointType(point_type).flag if point_type else None


def spc_chart(
    title: str,
    periods: Sequence[str],
    values: Sequence[float],
    result=None,
    *,
    unit: str = "%",
    target: float | None = None,
    y_title: str = "Performance",
) -> ChartSpec:
    """An XmR chart: values, mean, process limits, target; special causes flagged.

    ``result`` is a :class:`cancer_alliance.stats.spc.SPCResult` (None draws the line only).
    """
    periods = [str(p) for p in periods]
    flags = [None] * len(values)
    series = []
    if result is not None:
        flags = [_flag(p.point_type) for p in result.points]
        means, lows, highs = [], [], []
        for i in range(len(values)):
            seg = next((s for s in result.segments if s.start <= i <= s.end), None)
            means.append(seg.mean if seg else None)
            lows.append(seg.lower if seg else None)
            highs.append(seg.upper if seg else None)
        series += [
            Series.of("Mean", periods, means, role="centre"),
            Series.of("Process limits", periods, lows, role="limit"),
            Series.of("Upper process limit", periods, highs, role="limit"),
        ]
    if target is not None:
        series.append(Series.of(f"Target {target:g}{unit}", periods, [target] * len(periods),
                                role="target"))
    series.insert(0, Series.of(title, periods, values, flags=flags))
    notes = tuple(result.warnings) if result is not None else ()
    return ChartSpec(
        kind="spc", title=title, series=tuple(series), x_title="Month", y_title=y_title,
        unit=unit, notes=notes,
        description=f"{title}: {len(values)} months, XmR chart with mean and process limits.",
    )


def line_chart(title: str, periods: Sequence[str], values: Sequence[float],
               unit: str = "%") -> ChartSpec:
    """A plain line, used for sparklines."""
    return ChartSpec(kind="line", title=title, unit=unit,
                     series=(Series.of(title, [str(p) for p in periods], values),))


def funnel_chart(title: str, points: pd.DataFrame, curve: pd.DataFrame,
                 unit_label: str = "Provider", names: Mapping[str, str] | None = None,
                 tagged: bool = True) -> ChartSpec:
    """Funnel plot from :func:`cancer_alliance.stats.funnel_plot_data` outputs (0-1 → %).

    ``names`` maps a unit's code to the words shown for it (a trust's name); each point is
    tagged on the chart with its unit's code (``tagged=False`` leaves the tags off, as a
    pack does for the unnamed other providers). The 95% and 99.8% limits carry their
    level, so they are drawn differently."""
    names = names or {}
    flags = []
    for f in points["flag"]:
        flags.append({"high": "improvement", "low": "concern"}.get(str(f)))
    flag_words = {"high": "above the limits", "low": "below the limits",
                  "not significant": "within the limits"}
    labels = [
        f"{names.get(str(u), u)}: {p * 100:.1f}% of {int(d):,} "
        f"({flag_words.get(str(fl), str(fl))})"
        for u, p, d, fl in zip(points["unit"], points["proportion"], points["denominator"],
                               points["flag"], strict=True)
    ]
    tags = [str(u) for u in points["unit"]] if tagged else None
    series = [Series.of(unit_label + "s", points["denominator"].tolist(),
                        (points["proportion"] * 100).tolist(), flags=flags, labels=labels,
                        tags=tags)]
    series.append(Series.of("Alliance average", curve["denominator"].tolist(),
                            (curve["baseline"] * 100).tolist(), role="centre"))
    for col in curve.columns:
        if col.startswith(("lower_", "upper_")):
            level = col.split("_", 1)[1].replace("_", ".")
            name = f"{'Lower' if col.startswith('lower') else 'Upper'} limit ({level}%)"
            series.append(Series.of(name, curve["denominator"].tolist(),
                                    (curve[col] * 100).tolist(), role="limit",
                                    level=float(level)))
    return ChartSpec(
        kind="funnel", title=title, series=tuple(series), x_title="Number of patients",
        y_title="Performance", unit="%",
        description=f"{title}: each {unit_label.lower()} against funnel limits around the "
        "alliance average (95% limits short dashes, 99.8% limits long dashes); squares are "
        "above the limits, triangles below.",
    )


def plan_line(months: Sequence[str], planned: Mapping[str, float]) -> Series | None:
    """A trajectory (``{month: planned value}``) as a "Plan" target line over ``months``,
    or None when no month of it is planned.

    Added to any chart of the measure (dashboard, packs) to draw plan against actual.
    Planned months outside ``months`` are left out, so the chart's x axis is unchanged.
    """
    months = [str(m) for m in months]
    if not any(m in planned for m in months):
        return None
    return Series.of("Plan", months, [planned.get(m) for m in months], role="target")


def survival_chart(title: str, curves: dict[str, tuple[Sequence[float], Sequence[float]]],
                   x_title: str = "Days since diagnosis") -> ChartSpec:
    """Kaplan-Meier step curves, one per group: {group: (times, survival 0-1)}."""
    series = tuple(
        Series.of(str(g), list(t), [v * 100 for v in s]) for g, (t, s) in curves.items()
    )
    return ChartSpec(kind="survival", title=title, series=series, x_title=x_title,
                     y_title="Surviving", unit="%", y_min=0, y_max=100,
                     description=f"{title}: Kaplan-Meier survival curves.")
