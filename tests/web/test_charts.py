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


def test_interactive_form_has_focusable_points_and_every_value_in_a_table():
    spec, _ = _spc_spec()
    html = str(render_interactive(spec))
    assert html.count('tabindex="0"') == 12
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
