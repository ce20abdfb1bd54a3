"""Turning a pack into HTML (Jinja) and PDF (WeasyPrint), with the same static SVG charts.

The HTML is self-contained (inline CSS and SVG), so the archived bytes show exactly what the
reader saw, with no later change of stylesheet or data.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _fmt_pct(v) -> str:
    return "–" if v is None else f"{float(v):.1f}%"


def _fmt_num(v) -> str:
    if v is None:
        return "*"
    f = float(v)
    return f"{f:,.0f}" if f == int(f) else f"{f:,.1f}"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pct"] = _fmt_pct
    env.filters["num"] = _fmt_num
    return env


def render_html(pack: dict) -> str:
    """The pack as one self-contained HTML document."""
    name = "provider_pack.html" if pack["kind"] == "PROVIDER" else "board_pack.html"
    return environment().get_template(name).render(pack=pack)


def render_pdf(html: str) -> bytes:
    """The same HTML printed to PDF by WeasyPrint (A4, page numbers from the stylesheet)."""
    import weasyprint

    return weasyprint.HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
