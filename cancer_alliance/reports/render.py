"""Turning a pack into HTML (Jinja) and PDF (WeasyPrint), with the same static SVG charts.

The HTML is self-contained (inline CSS and SVG), so the archived bytes show exactly what the
reader saw, with no later change of stylesheet or data.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from cancer_alliance import labels

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _money(v) -> str:
    """Pounds to the whole pound with thousands separators."""
    return "" if labels.is_missing(v) else f"£{float(v):,.0f}"


def _score(v) -> str:
    """A survey score (not a count: no half-patient mark), one decimal place."""
    return "–" if labels.is_missing(v) else f"{float(v):.1f}"


@jinja2.pass_context
def _org(ctx, code) -> str:
    """An organisation as "Name (CODE)", from the names the pack carries."""
    return labels.org(code, ctx.get("org_names") or {})


@jinja2.pass_context
def _cell(ctx, v, key: str) -> str:
    return labels.for_column(key, v, ctx.get("org_names") or {})


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )
    # the same words and number formats as the dashboard (cancer_alliance.labels)
    env.filters.update(
        pct=labels.percent, num=labels.count, pts=labels.points, money=_money, score=_score,
        org=_org, cell=_cell, tumour_group=labels.tumour_group, cancer_type=labels.cancer_type,
        standard_name=labels.standard, status=labels.status, phase=labels.phase,
        step=labels.step, words=labels.word)
    env.globals.update(has_half=labels.has_half, half_note=labels.HALF_NOTE)
    return env


def render_html(pack: dict) -> str:
    """The pack as one self-contained HTML document."""
    name = "provider_pack.html" if pack["kind"] == "PROVIDER" else "board_pack.html"
    return environment().get_template(name).render(pack=pack,
                                                    org_names=pack.get("org_names") or {})


def render_pdf(html: str) -> bytes:
    """The same HTML printed to PDF by WeasyPrint (A4, page numbers from the stylesheet)."""
    import weasyprint

    return weasyprint.HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
