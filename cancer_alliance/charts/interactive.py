"""The in-page form of a chart: the same SVG, focusable points, and a data table.

Interactivity comes from ``static/js/dashboard.js`` (tooltips on hover); with scripts off
the chart still shows, points carry native SVG ``<title>`` tooltips, and the data table
under the chart gives every value to keyboard and screen-reader users (points are not tab
stops, so a keyboard user does not tab through every point to reach the page).
"""

from __future__ import annotations

import zlib
from functools import lru_cache
from html import escape

from markupsafe import Markup

from cancer_alliance.charts.spec import ChartSpec
from cancer_alliance.charts.svg import _fmt, render_svg


def _funnel_table(spec: ChartSpec) -> str:
    """A funnel's points, one row each (two units may share a denominator): the unit, its
    patients, its value and where it lies against the limits."""
    rows = []
    for s in spec.data_series():
        for p in sorted(s.points, key=lambda p: float(p.x)):
            if p.y is None:
                continue
            words = p.label or p.tag or ""
            rows.append(f'<tr><th scope="row">{escape(words)}</th>'
                        f"<td>{escape(_fmt(float(p.x)))}</td>"
                        f"<td>{escape(_fmt(p.y, spec.unit))}</td></tr>")
    unit = spec.data_series()[0].name if spec.data_series() else ""
    return (
        f'<table class="data"><caption>{escape(spec.title)}: data</caption>'
        f'<thead><tr><th scope="col">{escape(unit)}</th>'
        f'<th scope="col">{escape(spec.x_title)}</th><th scope="col">{escape(spec.y_title)}</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def data_table(spec: ChartSpec) -> str:
    """Every plotted value as an HTML table (one row per x, one column per series; a
    funnel one row per unit)."""
    if spec.kind == "funnel":
        return _funnel_table(spec)
    xs: dict[str, None] = {}
    for s in spec.series:
        for p in s.points:
            xs.setdefault(p.x if isinstance(p.x, str) else _fmt(p.x), None)
    head = "".join(f'<th scope="col">{escape(s.name)}</th>' for s in spec.series)
    rows = []
    lookup = [
        {(p.x if isinstance(p.x, str) else _fmt(p.x)): p for p in s.points} for s in spec.series
    ]
    for x in xs:
        cells = []
        for m in lookup:
            p = m.get(x)
            v = "" if p is None or p.y is None else _fmt(p.y, spec.unit)
            if p is not None and p.flag in ("improvement", "concern"):
                v += f" (special cause: {p.flag})"
            cells.append(f"<td>{escape(v)}</td>")
        rows.append(f'<tr><th scope="row">{escape(x)}</th>{"".join(cells)}</tr>')
    return (
        f'<table class="data"><caption>{escape(spec.title)}: data</caption>'
        f'<thead><tr><th scope="col">{escape(spec.x_title or "x")}</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


@lru_cache(maxsize=512)
def render_interactive(spec: ChartSpec, *, width: int = 720, height: int = 320) -> Markup:
    """The chart for a page: SVG with hover points, a tooltip slot and a data table.

    Pure in the spec (ids come from its content), so repeated pages reuse the drawing.
    """
    ident = f"chart-{zlib.crc32(repr(spec).encode()):08x}"
    svg = render_svg(spec, width=width, height=height, interactive=True, element_id=ident)
    notes = "".join(f"<p class='chart-note'>{escape(n)}</p>" for n in spec.notes)
    return Markup(
        f'<figure class="chart-figure" data-chart="{ident}">'
        f'<div class="chart-wrap">{svg}<div class="chart-tip" role="status" aria-live="polite">'
        f"</div></div>"
        f"<figcaption>{escape(spec.title)}</figcaption>{notes}"
        f"<details><summary>Show the chart's data as a table</summary>{data_table(spec)}</details>"
        f"</figure>"
    )


@lru_cache(maxsize=512)
def render_sparkline(spec: ChartSpec, *, width: int = 120, height: int = 32) -> Markup:
    """A small line with no axes, for tables of standards; its title names what it shows."""
    ident = f"spark-{zlib.crc32(repr(spec).encode()):08x}"
    return Markup(render_svg(spec, width=width, height=height, compact=True, element_id=ident))
