"""Draw a :class:`ChartSpec` as SVG, in pure Python (no browser, no JavaScript).

The same function serves the page (``interactive=True`` adds focusable points and data
attributes the page script uses for tooltips) and PDF reports (plain, static SVG that
WeasyPrint renders). Colour is never the only signal: special-cause points change shape,
limits are dashed, targets dotted, and every series is named in a legend.
"""

from __future__ import annotations

import math
import zlib
from html import escape

from cancer_alliance.charts.spec import ChartSpec, Point, Series

# Making Data Count palette (blue improvement, orange concern, grey common cause).
COLOURS = {
    "improvement": "#289de0",
    "concern": "#e46c0a",
    "neutral": "#7b7d7d",
    "data": "#1f4e79",
    "centre": "#231f20",
    "limit": "#6c6c6c",
    "target": "#b2006e",
    "band": "#6c6c6c",
}
SERIES_COLOURS = ["#1f4e79", "#b2006e", "#2e7d32", "#6a1b9a", "#8d6e00", "#00695c"]
MARGIN = {"left": 56, "right": 16, "top": 36, "bottom": 48}
UPPER_LIMIT = "Upper process limit"  # the name builders give the SPC upper limit series


def _fmt(v: float, unit: str = "") -> str:
    if unit == "%":
        return f"{v:.1f}%"
    if abs(v) >= 1000:
        return f"{v:,.0f}{unit}"
    if float(v).is_integer():
        return f"{int(v)}{unit}"
    return f"{v:.2f}{unit}"


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=raw)
    start = math.floor(lo / step) * step
    ticks, t = [], start
    while True:  # the last tick reaches hi, so the axis never cuts off the highest point
        ticks.append(round(t, 10))
        if t >= hi - step * 1e-9:
            return ticks
        t += step


class _Frame:
    """Scales from data to pixels for one chart."""

    def __init__(self, spec: ChartSpec, width: int, height: int, compact: bool):
        self.spec, self.w, self.h, self.compact = spec, width, height, compact
        m = {"left": 2, "right": 2, "top": 2, "bottom": 2} if compact else MARGIN
        self.x0, self.x1 = m["left"], width - m["right"]
        self.y0, self.y1 = height - m["bottom"], m["top"]
        pts = [p for s in spec.series for p in s.points]
        ys = [p.y for p in pts if p.y is not None]
        lo = min(ys) if ys else 0.0
        hi = max(ys) if ys else 1.0
        if spec.y_min is not None:
            lo = min(lo, spec.y_min) if ys else spec.y_min
        if spec.y_max is not None:
            hi = max(hi, spec.y_max) if ys else spec.y_max
        data_ys = [p.y for d in spec.data_series() for p in d.points if p.y is not None]
        from_zero = spec.unit != "%" and bool(data_ys) and min(data_ys) >= 0
        if spec.kind == "bar":
            lo = min(lo, 0.0)
        if from_zero:
            # a count axis starts at 0 (a lower process limit below 0 is clipped, never
            # drawn as an axis running to -200); the top still reaches every value
            lo = 0.0
        if hi == lo:
            hi, lo = hi + 1, lo - 1
        pad = 0 if compact else (hi - lo) * 0.05
        lo, hi = lo - pad, hi + pad
        if spec.unit == "%":  # a percentage axis never runs below 0 or above 100
            lo, hi = max(lo, 0.0), min(hi, 100.0)
        if from_zero:
            lo = 0.0
        pad = 0
        self.ticks = _nice_ticks(lo, hi)
        self.lo, self.hi = (lo - pad, hi + pad) if compact else (self.ticks[0], self.ticks[-1])
        if spec.numeric_x:
            xs = [float(p.x) for p in pts] or [0.0, 1.0]
            self.xlo = 0.0 if spec.kind in ("funnel", "survival") else min(xs)
            self.xhi = max(xs) if max(xs) > self.xlo else self.xlo + 1
            self.cats: list[str] = []
        else:
            seen: dict[str, None] = {}
            for s in spec.series:
                for p in s.points:
                    seen.setdefault(str(p.x), None)
            self.cats = list(seen)

    def sx(self, x: str | float) -> float:
        if self.spec.numeric_x:
            return self.x0 + (float(x) - self.xlo) / (self.xhi - self.xlo) * (self.x1 - self.x0)
        n = max(len(self.cats), 1)
        i = self.cats.index(str(x))
        return self.x0 + (i + 0.5) * (self.x1 - self.x0) / n

    def sy(self, y: float) -> float:
        return self.y0 - (y - self.lo) / (self.hi - self.lo) * (self.y0 - self.y1)


#: How a highlighted point is outlined (whatever its flag's fill), so it stays findable.
HIGHLIGHT_STROKE = ' stroke="#000" stroke-width="2.2"'


def _marker(p: Point, cx: float, cy: float, colour: str, r: float,
            highlight: bool = False) -> str:
    """Circle for common cause; square up (improvement) or triangle (concern): shape + colour.
    A highlighted point is larger and outlined in black, flagged or not."""
    stroke = HIGHLIGHT_STROKE if highlight else ' stroke="#fff" stroke-width="0.8"'
    if highlight:
        r *= 1.5
    if p.flag == "improvement":
        c = COLOURS["improvement"]
        return (
            f'<rect x="{cx - r:.1f}" y="{cy - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" '
            f'fill="{c}"{stroke}'
        )
    if p.flag == "concern":
        c = COLOURS["concern"]
        top, left, right = (cx, cy - r * 1.3), (cx - r * 1.2, cy + r), (cx + r * 1.2, cy + r)
        pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in (top, left, right))
        return f'<polygon points="{pts}" fill="{c}"{stroke}'
    return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{colour}"' + (
        stroke if highlight else "")


def line_style(s: Series) -> tuple[str, float]:
    """(dash attribute, stroke width) of a series' line, from its role and level: a 99.8%
    limit is a long heavy dash, a 95% limit a short light one, a target dotted."""
    if s.role == "limit":
        if s.level is not None and s.level >= 99:
            return ' stroke-dasharray="10 3"', 1.8
        if s.level is not None:
            return ' stroke-dasharray="3 3"', 1.0
        return ' stroke-dasharray="6 4"', 1.2
    if s.role == "target":
        return ' stroke-dasharray="2 3"', 1.6
    if s.role == "centre":
        return "", 1.2
    return "", 2.0


def _tag(f: _Frame, p: Point, cx: float, cy: float, bold: bool) -> str:
    """A point's short name beside it (left of it near the right edge)."""
    if not p.tag:
        return ""
    right = cx + 7 + _text_width(p.tag) * 0.85 < f.x1
    x, anchor = (cx + 7, "start") if right else (cx - 7, "end")
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text class="pt-tag" x="{x:.1f}" y="{cy - 5:.1f}" font-size="10" '
            f'text-anchor="{anchor}" fill="#231f20"{weight}>{escape(p.tag)}</text>')


def _tip(spec: ChartSpec, s: Series, p: Point) -> str:
    if p.label:
        return p.label
    x = _fmt(float(p.x)) if isinstance(p.x, float) else str(p.x)
    flag = {"improvement": " (special cause: improvement)", "concern": " (special cause: concern)"}
    return f"{s.name}, {x}: {_fmt(p.y, spec.unit) if p.y is not None else 'no data'}" + flag.get(
        p.flag or "", ""
    )


def _path(f: _Frame, pts: list[Point], step: bool) -> str:
    """A polyline through the points, broken at gaps; steps for survival curves."""
    parts, pen = [], False
    prev_y = None
    for p in pts:
        if p.y is None:
            pen = False
            continue
        x, y = f.sx(p.x), f.sy(p.y)
        if not pen:
            parts.append(f"M{x:.1f},{y:.1f}")
            pen = True
        else:
            if step and prev_y is not None:
                parts.append(f"H{x:.1f}")
            parts.append(f"L{x:.1f},{y:.1f}")
        prev_y = y
    return " ".join(parts)


def _series_svg(f: _Frame, spec: ChartSpec, s: Series, colour: str, interactive: bool) -> str:
    out = [f'<g class="series series-{s.role}" data-series="{escape(s.name)}">']
    pts = list(s.points)
    if spec.numeric_x:
        pts.sort(key=lambda p: float(p.x))
    if s.role == "data" and spec.kind == "bar":
        n = max(len(f.cats), 1)
        bw = (f.x1 - f.x0) / n * 0.7
        base = f.sy(max(f.lo, 0.0))
        for p in pts:
            if p.y is None:
                continue
            cx, cy = f.sx(p.x), f.sy(p.y)
            attrs = _point_attrs(spec, s, p, interactive)
            out.append(
                f'<rect x="{cx - bw / 2:.1f}" y="{min(cy, base):.1f}" width="{bw:.1f}" '
                f'height="{abs(base - cy):.1f}" fill="{colour}"{attrs}>'
                f"<title>{escape(_tip(spec, s, p))}</title></rect>"
            )
        out.append("</g>")
        return "".join(out)
    dash, width = line_style(s)
    draw_line = not (spec.kind == "funnel" and s.role == "data")
    if draw_line:
        d = _path(f, pts, step=spec.kind == "survival")
        if d:
            out.append(
                f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width}"{dash}/>'
            )
    if s.role == "data" and not f.compact:
        r = 4.0 if spec.kind == "funnel" else 3.2
        for p in pts:
            if p.y is None or (spec.kind == "survival" and not interactive):
                continue
            if spec.kind == "survival" and interactive:
                r = 2.0
            cx, cy = f.sx(p.x), f.sy(p.y)
            m = _marker(p, cx, cy, colour, r, s.highlight)
            attrs = _point_attrs(spec, s, p, interactive)
            out.append(f"{m}{attrs}><title>{escape(_tip(spec, s, p))}</title>")
            out.append(
                "</rect>"
                if p.flag == "improvement"
                else "</polygon>"
                if p.flag == "concern"
                else "</circle>"
            )
            out.append(_tag(f, p, cx, cy, s.highlight))
    out.append("</g>")
    return "".join(out)


def _point_attrs(spec: ChartSpec, s: Series, p: Point, interactive: bool) -> str:
    """Hover data for the page script. Points are not tab stops: a keyboard or screen
    reader user reads the same values in the chart's data table (tabbing through every
    point of every chart stood between them and the page's tables)."""
    if not interactive:
        return ""
    return f' class="pt" data-tip="{escape(_tip(spec, s, p))}"'


def _axes(f: _Frame, spec: ChartSpec) -> str:
    out = ['<g class="axes" font-size="11" fill="#231f20">']
    for t in f.ticks:
        y = f.sy(t)
        out.append(
            f'<line x1="{f.x0}" x2="{f.x1}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e8e8e8"/>'
            f'<text x="{f.x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(t, spec.unit)}</text>'
        )
    out.append(
        f'<line x1="{f.x0}" x2="{f.x1}" y1="{f.y0}" y2="{f.y0}" stroke="#231f20"/>'
        f'<line x1="{f.x0}" x2="{f.x0}" y1="{f.y0}" y2="{f.y1}" stroke="#231f20"/>'
    )
    if spec.numeric_x:
        for t in _nice_ticks(f.xlo, f.xhi):
            if t > f.xhi * 1.001:
                continue
            x = f.sx(t)
            out.append(f'<text x="{x:.1f}" y="{f.y0 + 16}" text-anchor="middle">{_fmt(t)}</text>')
    else:
        every = max(1, math.ceil(len(f.cats) / 12))
        for i, c in enumerate(f.cats):
            if i % every:
                continue
            x = f.sx(c)
            out.append(f'<text x="{x:.1f}" y="{f.y0 + 16}" text-anchor="middle">{escape(c)}</text>')
    if spec.x_title:
        out.append(
            f'<text x="{(f.x0 + f.x1) / 2:.1f}" y="{f.h - 8}" text-anchor="middle">'
            f"{escape(spec.x_title)}</text>"
        )
    if spec.y_title:
        out.append(
            f'<text transform="translate(12,{(f.y0 + f.y1) / 2:.1f}) rotate(-90)" '
            f'text-anchor="middle">{escape(spec.y_title)}</text>'
        )
    out.append("</g>")
    return "".join(out)


def _text_width(text: str) -> float:
    """A generous estimate of ``text``'s width at 11px Arial (capitals are wider)."""
    return sum(7.5 if ch.isupper() else 6.0 for ch in text)


def _legend(spec: ChartSpec, colours: list[str], width: int) -> str:
    """Name every series and marker, wrapping onto a second row above the plot rather than
    cutting an entry off (a reader must be able to decode every line style)."""
    items, levels = [], set()
    for s, c in zip(spec.series, colours, strict=True):
        if s.name == UPPER_LIMIT:  # drawn like "Process limits": one entry says both
            continue
        if s.role == "limit" and s.level is not None:  # one entry per level, both sides
            if s.level in levels:
                continue
            levels.add(s.level)
            items.append((f"{s.level:g}% limits", c, s.role, s))
            continue
        items.append((s.name, c, s.role, s))
    if spec.kind == "spc":
        items += [
            ("special cause: improvement (square)", COLOURS["improvement"], "imp", None),
            ("special cause: concern (triangle)", COLOURS["concern"], "con", None),
        ]
    rows: list[list[tuple[int, tuple]]] = [[]]
    x = MARGIN["left"]
    for item in items:
        step = 28 + _text_width(item[0])
        if rows[-1] and x + step - 8 > width - MARGIN["right"]:
            if len(rows) == 2:
                break
            rows.append([])
            x = MARGIN["left"]
        rows[-1].append((x, item))
        x += step
    out = ['<g class="legend" font-size="11" fill="#231f20">']
    for r, row in enumerate(rows):
        base = MARGIN["top"] - 10 - 14 * (len(rows) - 1 - r)  # text baseline of this row
        for x, (name, colour, role, series) in row:
            y = base - 4
            if series is not None and series.role == "data" and series.highlight:
                out.append(f'<circle cx="{x + 8}" cy="{y}" r="5" fill="{colour}"'
                           f'{HIGHLIGHT_STROKE}/>')
            elif series is not None and spec.kind == "funnel" and series.role == "data":
                out.append(f'<circle cx="{x + 8}" cy="{y}" r="4" fill="{colour}"/>')
            elif role == "imp":
                out.append(f'<rect x="{x}" y="{y - 4}" width="8" height="8" fill="{colour}"/>')
            elif role == "con":
                out.append(f'<polygon points="{x + 4},{y - 5} {x},{y + 4} {x + 8},{y + 4}" '
                           f'fill="{colour}"/>')
            else:
                dash, lw = line_style(series) if series is not None else ("", 2.0)
                out.append(f'<line x1="{x}" x2="{x + 16}" y1="{y}" y2="{y}" stroke="{colour}" '
                           f'stroke-width="{max(lw, 1.5)}"{dash}/>')
            out.append(f'<text x="{x + 20}" y="{base}">{escape(name)}</text>')
    out.append("</g>")
    return "".join(out)


def series_colours(spec: ChartSpec) -> list[str]:
    """Colours by role; data series cycle through a palette distinguishable in greyscale too."""
    out, i = [], 0
    for s in spec.series:
        if s.role == "data":
            out.append(SERIES_COLOURS[i % len(SERIES_COLOURS)])
            i += 1
        else:
            out.append(COLOURS[s.role])
    return out


def render_svg(
    spec: ChartSpec,
    *,
    width: int = 720,
    height: int = 320,
    compact: bool = False,
    interactive: bool = False,
    element_id: str | None = None,
) -> str:
    """The chart as an SVG document fragment (static unless ``interactive``).

    ``compact`` draws a sparkline: no axes, legend or markers.
    """
    f = _Frame(spec, width, height, compact)
    colours = series_colours(spec)
    ident = element_id or f"chart-{zlib.crc32((spec.kind + spec.title).encode()):08x}"
    desc = spec.description or spec.title
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="chart chart-{spec.kind}" '
        f'aria-labelledby="{ident}-t {ident}-d" font-family="Arial, Helvetica, sans-serif">',
        f'<title id="{ident}-t">{escape(spec.title)}</title>',
        f'<desc id="{ident}-d">{escape(desc)}</desc>',
    ]
    if not compact:
        out.append(_axes(f, spec))
        out.append(_legend(spec, colours, width))
    if not spec.numeric_x and not compact:
        for a in spec.annotations:
            if str(a.x) in f.cats:
                x = f.sx(a.x)
                out.append(
                    f'<g class="annotation"><line x1="{x:.1f}" x2="{x:.1f}" y1="{f.y0}" '
                    f'y2="{f.y1}" stroke="#999" stroke-dasharray="1 3"/>'
                    f'<text x="{x + 3:.1f}" y="{f.y1 + 10}" font-size="10">{escape(a.text)}'
                    f"</text></g>"
                )
    # limits and targets under the data, all clipped to the plot area (an SPC limit may
    # run past 100%)
    out.append(
        f'<clipPath id="{ident}-clip"><rect x="{f.x0 - 6}" y="{f.y1 - 6}" '
        f'width="{f.x1 - f.x0 + 12}" height="{f.y0 - f.y1 + 12}"/></clipPath>'
        f'<g clip-path="url(#{ident}-clip)">'
    )
    order = sorted(range(len(spec.series)), key=lambda i: spec.series[i].role == "data")
    for i in order:
        out.append(_series_svg(f, spec, spec.series[i], colours[i], interactive))
    out.append("</g></svg>")
    return "".join(out)
