"""Jinja filters: numbers, percentages and suppressed cells written the same way everywhere."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from jinja2 import Environment

from cancer_alliance.charts import render_interactive, render_sparkline
from cancer_alliance.web import mdc

SUPPRESSED = "*"


def _missing(v: Any) -> bool:
    """None, NaN, NaT or pandas' NA (a suppressed cell in a nullable column).

    ``pd.NA`` must be tested first: ``NA != NA`` is NA, whose truth value raises.
    """
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    try:
        return bool(v != v)
    except (TypeError, ValueError):
        return False


def num(v: Any) -> str:
    """A count; ``*`` when suppressed (missing)."""
    if _missing(v):
        return SUPPRESSED
    f = float(v)
    return f"{int(round(f)):,}" if math.isfinite(f) else SUPPRESSED


def pct(v: Any, digits: int = 1) -> str:
    """A percentage already in 0-100; an en dash when not calculable."""
    if _missing(v):
        return "–"
    return f"{float(v):.{digits}f}%"


def pts(v: Any) -> str:
    """A difference in percentage points, signed (a gap is not a percentage of anything)."""
    if _missing(v):
        return "–"
    return f"{float(v):+.1f}"


def when(v: Any) -> str:
    """A stored UTC timestamp to the second (microseconds are noise to a reader)."""
    if _missing(v):
        return ""
    text = v.isoformat(sep=" ") if hasattr(v, "isoformat") else str(v)
    return text[:19]


def signed(v: Any, unit: str = " pts") -> str:
    if _missing(v):
        return "–"
    f = float(v)
    arrow = "▲" if f > 0 else "▼" if f < 0 else "■"
    return f"{arrow} {f:+.1f}{unit}"


def query_with(request, **changes: Any) -> str:
    """The current query string with some parameters changed (None removes one), encoded."""
    params = dict(request.query_params)
    for k, v in changes.items():
        if v is None:
            params.pop(k, None)
        else:
            params[k] = str(v)
    return "?" + urlencode(params) if params else "?"


def install(env: Environment) -> None:
    env.filters.update(num=num, pct=pct, pts=pts, when=when, signed=signed)
    # `{% if v is missing %}`: a suppressed cell (pd.NA) compared in a template would raise
    env.tests["missing"] = _missing
    env.globals.update(
        chart=render_interactive,
        sparkline=render_sparkline,
        variation_icon=mdc.variation_icon,
        assurance_icon=mdc.assurance_icon,
        query_with=query_with,
    )
