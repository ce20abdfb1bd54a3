"""Charts: one definition (:class:`ChartSpec`), drawn in the page or as a static SVG.

``render_svg(spec)`` gives static SVG for PDF reports (WeasyPrint), ``render_interactive``
the same drawing with focusable points and a data table for the dashboard, and
``builders`` makes specs for SPC charts, funnel plots, bars and survival curves.
"""

from cancer_alliance.charts.interactive import render_interactive, render_sparkline
from cancer_alliance.charts.spec import KINDS, Annotation, ChartSpec, Point, Series
from cancer_alliance.charts.svg import render_svg

__all__ = [
    "KINDS",
    "Annotation",
    "ChartSpec",
    "Point",
    "Series",
    "render_interactive",
    "render_sparkline",
    "render_svg",
]
