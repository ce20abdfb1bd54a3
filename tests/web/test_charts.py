"""One chart spec, two renderings: static SVG (reports) and interactive (pages)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from cancer_alliance import stats
from cancer_alliance.charts import ChartSpec, Series, render_interactive, render_svg
from cancer_alliance.charts.builders import funnel_chart, spc_chart, survival_chart

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = [f"2024-{m:02d}" for m in range(1, 13)]


def _spc_spec():
    values = [70, 71, 69, 72, 70, 71, 70, 72, 71, 70, 69, 95]  # the last is special cause
    result = stats.spc(values, improvement="increase", target=85)
    return spc_chart("62-day", MONTHS, values, result, target=85), result


def test_static_svg_is_well_formed_and_titled():
    spec, _ = _spc_spec()
    root = ET.fromstring(render_svg(spec))
    assert root.tag == SVG + "svg" and root.get("role") == "img"
    assert root.find(SVG + "title").text == "62-day"
    assert "pt" not in render_svg(spec).split('class="chart')[1][:0] + "".join(
        el.get("class", "") for el in root.iter())  # no interactive hooks in the static form


def test_special_cause_points_change_shape_not_only_colour():
    spec, result = _spc_spec()
    assert "improvement" in result.points[-1].point_type
    root = ET.fromstring(render_svg(spec))
    data = root.find(f".//{SVG}g[@data-series='62-day']")
    shapes = [el.tag.replace(SVG, "") for el in data if el.tag != SVG + "path"]
    expected = ["rect" if "improvement" in p.point_type else
                "polygon" if "concern" in p.point_type else "circle" for p in result.points]
    assert shapes == expected and shapes[-1] == "rect"


def test_limits_and_target_are_dashed_lines():
    spec, result = _spc_spec()
    root = ET.fromstring(render_svg(spec))
    limit = root.find(f".//{SVG}g[@data-series='Process limits']/{SVG}path")
    target = root.find(f".//{SVG}g[@data-series='Target 85%']/{SVG}path")
    assert limit.get("stroke-dasharray") and target.get("stroke-dasharray")
    assert limit.get("stroke-dasharray") != target.get("stroke-dasharray")


def test_interactive_form_has_hover_points_not_tab_stops_and_every_value_in_a_table():
    """Issue 16: keyboard users tabbed through every point (67 tabs on the 62-day page);
    the points are hover targets only and the data table gives the same values."""
    spec, _ = _spc_spec()
    html = str(render_interactive(spec))
    assert html.count('class="pt"') == 12 and "tabindex" not in html
    assert "<table" in html and "95.0%" in html and "(special cause: improvement)" in html
    same_drawing = render_svg(spec, interactive=True, element_id="x")
    assert same_drawing.count("<circle") == html.count("<circle")


def test_gaps_break_the_line_and_are_not_plotted():
    spec = ChartSpec("line", "gappy", (Series.of("s", ["a", "b", "c", "d"], [1, None, 3, 4]),))
    root = ET.fromstring(render_svg(spec))
    path = root.find(f".//{SVG}g[@data-series='s']/{SVG}path").get("d")
    assert path.count("M") == 2
    assert len(root.findall(f".//{SVG}g[@data-series='s']/{SVG}circle")) == 3


def test_funnel_and_survival_use_a_numeric_axis():
    units = pd.DataFrame({"unit": ["A", "B", "C"], "numerator": [80, 30, 5],
                          "denominator": [100, 50, 20]})
    points, curve = stats.funnel_plot_data(units)
    spec = funnel_chart("Funnel", points, curve)
    svg = render_svg(spec)
    ET.fromstring(svg)
    assert spec.numeric_x and svg.count("<title") == 4  # the chart's own + one per unit
    root = ET.fromstring(svg)
    tags = [t.text for t in root.iter(SVG + "text") if t.get("class") == "pt-tag"]
    assert sorted(tags) == ["A", "B", "C"]  # each point named on the chart, not hover only
    surv = survival_chart("KM", {"Lung": ([0, 30, 200], [1.0, 0.9, 0.7])})
    root = ET.fromstring(render_svg(surv))
    d = root.find(f".//{SVG}g[@data-series='Lung']/{SVG}path").get("d")
    assert "H" in d  # step curve


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        ChartSpec("pie", "no", ())


def test_static_svg_renders_in_a_pdf_with_weasyprint():
    weasyprint = pytest.importorskip("weasyprint")
    spec, _ = _spc_spec()
    pdf = weasyprint.HTML(string=f"<html><body>{render_svg(spec)}</body></html>").write_pdf()
    assert pdf[:4] == b"%PDF" and len(pdf) > 2000


def test_spc_legend_names_every_line_style_and_marker_without_cutting_one_off():
    values = [70, 71, 69, 72, 70, 71, 70, 72, 71, 70, 69, 95]
    result = stats.spc(values, improvement="increase", target=85)
    spec = spc_chart("62-day (combined), Brackenford Hospitals", MONTHS, values, result,
                     target=85)
    root = ET.fromstring(render_svg(spec, width=720))
    legend = [t.text for t in root.find(f".//{SVG}g[@class='legend']").iter(SVG + "text")]
    assert legend == ["62-day (combined), Brackenford Hospitals", "Mean", "Process limits",
                      "Target 85%", "special cause: improvement (square)",
                      "special cause: concern (triangle)"]
    for t in root.find(f".//{SVG}g[@class='legend']").iter(SVG + "text"):
        assert float(t.get("x")) + 6 * len(t.text) <= 720 and float(t.get("y")) > 0


def test_the_axis_reaches_the_highest_point():
    """A count of 5 over limits from -0.7 was drawn on an axis ending at 4 (cut off)."""
    from cancer_alliance.charts.svg import _nice_ticks

    ticks = _nice_ticks(-0.95, 5.25)
    assert ticks[0] <= -0.95 and ticks[-1] >= 5.25
    assert _nice_ticks(0, 100)[-1] == 100 and _nice_ticks(0, 100)[0] == 0


def _funnel_spec():
    units = pd.DataFrame({"unit": ["RA1", "RA2", "RA3", "RA4"],
                          "numerator": [80, 30, 5, 150], "denominator": [100, 50, 20, 160]})
    points, curve = stats.funnel_plot_data(units)
    return funnel_chart("Funnel", points, curve, names={"RA1": "Alpha Trust (RA1)"}), points


def test_funnel_95_and_998_limits_look_different_and_are_both_in_the_legend():
    spec, _ = _funnel_spec()
    root = ET.fromstring(render_svg(spec))
    style = {}
    for g in root.iter(SVG + "g"):
        name = g.get("data-series") or ""
        if name.startswith(("Lower limit", "Upper limit")):
            path = g.find(SVG + "path")
            style[name] = (path.get("stroke-dasharray"), path.get("stroke-width"))
    assert style["Lower limit (95%)"] == style["Upper limit (95%)"]
    assert style["Lower limit (99.8%)"] == style["Upper limit (99.8%)"]
    assert style["Lower limit (95%)"] != style["Lower limit (99.8%)"]
    assert style["Lower limit (95%)"][0] != style["Lower limit (99.8%)"][0]  # dash, not width
    legend = [t.text for t in root.find(f".//{SVG}g[@class='legend']").iter(SVG + "text")]
    assert "95% limits" in legend and "99.8% limits" in legend


def test_funnel_tooltips_name_the_unit_and_its_position_in_words():
    spec, _ = _funnel_spec()
    labels = {p.tag: p.label for p in spec.series[0].points}
    assert labels["RA1"].startswith("Alpha Trust (RA1): 80.0% of 100 (")
    assert labels["RA2"].startswith("RA2:")  # no name given: the code
    table = str(render_interactive(spec)).split("<table", 1)[1]
    assert table.count("<tr>") == 1 + 4  # one row per unit, even at a shared denominator


def test_a_count_axis_starts_at_zero_and_reaches_every_value():
    """Issue 16: a backlog chart's axis ran to -200 (its lower process limit) and cut off
    values above about 410."""
    values = [50, 420, 80, 390, 60, 430, 100, 350, 70, 410, 90, 600]
    result = stats.spc(values, improvement="decrease")
    spec = spc_chart("Backlog", MONTHS, values, result, unit="", y_title="Patients")
    assert min(s.lower for s in result.segments) < 0  # the case that drew the axis to -200
    root = ET.fromstring(render_svg(spec))
    ticks = [float(t.text.replace(",", "")) for t in root.find(f".//{SVG}g[@class='axes']")
             .iter(SVG + "text") if t.get("text-anchor") == "end"]
    assert ticks[0] == 0
    assert ticks[-1] >= max(values) and ticks[-1] >= max(
        s.upper for s in result.segments)


def test_the_target_is_always_inside_the_axis():
    """Issue 16: a trust at 60-75% against an 85% target had an axis stopping at 80%."""
    values = [60, 62, 65, 61, 70, 75, 68, 66, 64, 63, 62, 61]
    spec = spc_chart("62-day, RA2", MONTHS, values, stats.spc(values, target=85), target=85)
    root = ET.fromstring(render_svg(spec))
    ticks = [float(t.text.rstrip("%")) for t in root.find(f".//{SVG}g[@class='axes']")
             .iter(SVG + "text") if t.get("text-anchor") == "end"]
    assert ticks[-1] >= 85
    target = root.find(f".//{SVG}g[@data-series='Target 85%']/{SVG}path")
    assert target is not None and target.get("d")


def test_a_highlighted_outlier_keeps_its_outline():
    """Issue 16: a pack's own provider lost its highlight when it was an outlier (the
    outlier's marker took over)."""
    from cancer_alliance.reports.sections import _highlight

    spec, points = _funnel_spec()
    flagged = {p.tag: p.flag for p in spec.series[0].points}
    outlier = next(t for t, f in flagged.items() if f is not None)
    marked = _highlight(spec, outlier)
    mine = [s for s in marked.series if s.highlight]
    assert len(mine) == 1 and [p.tag for p in mine[0].points] == [outlier]
    others = marked.series[0]
    assert all(p.tag is None for p in others.points)  # the others stay unnamed
    root = ET.fromstring(render_svg(marked))
    group = next(g for g in root.iter(SVG + "g") if g.get("data-series") == mine[0].name)
    marker = next(el for el in group if el.tag != SVG + "text")
    assert marker.get("stroke") == "#000"
