"""Jinja filters: numbers, percentages and suppressed cells written the same way everywhere."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, pass_context

from cancer_alliance import labels
from cancer_alliance.charts import render_interactive, render_sparkline
from cancer_alliance.web import data, mdc

SUPPRESSED = labels.SUPPRESSED


#: Formatting is defined once in :mod:`cancer_alliance.labels` (packs use the same words).
num = labels.count
pct = labels.percent
pts = labels.points
when = labels.timestamp
signed = labels.change


def half_in(rows: Any, columns: Any) -> bool:
    """Whether a table's count columns hold a transfer's half share (so it needs the note)."""
    keys = [key for key, _heading, kind in columns or [] if kind == "num"]
    return bool(keys) and labels.has_half(rows, *keys)


def _names(ctx: Any) -> dict[str, str]:
    """Organisation code -> name for this page (cached per store by :func:`data.org_names`)."""
    names = ctx.get("org_names")
    if names is not None:
        return names
    request = ctx.get("request")
    if request is None:
        return {}
    try:
        cur = request.app.state.con.cursor()
    except AttributeError:
        return {}
    try:
        return data.org_names(cur)
    except Exception:  # noqa: BLE001 - a name is a nicety; the code is still right
        return {}
    finally:
        cur.close()


@pass_context
def org(ctx: Any, code: Any, with_code: bool = True) -> str:
    """An organisation as "Name (CODE)" (:func:`cancer_alliance.labels.org`)."""
    return labels.org(code, _names(ctx), with_code=with_code)


@pass_context
def cell(ctx: Any, v: Any, key: str) -> str:
    """A table cell of column ``key`` in words (:func:`cancer_alliance.labels.for_column`)."""
    names = _names(ctx) if key in labels.ORG_COLUMNS else None
    return labels.for_column(key, v, names)


# a value carried over from the URL into a link must look like a code, date or option: never
# free text, markup, a long string or a run of six or more digits (an identifier typed
# into a URL is not written back into the page)
_CARRIED = re.compile(r"^(?!.*\d{6})[A-Za-z0-9_.:@-]{1,40}$")


def query_with(request, **changes: Any) -> str:
    """The current query string with some parameters changed (None removes one), encoded.

    Values carried over from the request are kept only when they look like a code, date or
    option (``_CARRIED``); the changes given are always set."""
    params = {k: v for k, v in request.query_params.items() if _CARRIED.match(v)}
    for k, v in changes.items():
        if v is None:
            params.pop(k, None)
        else:
            params[k] = str(v)
    return "?" + urlencode(params) if params else "?"


def install(env: Environment) -> None:
    env.filters.update(num=num, pct=pct, pts=pts, when=when, signed=signed, org=org, cell=cell,
                       tumour_group=labels.tumour_group, cancer_type=labels.cancer_type,
                       standard_name=labels.standard, status=labels.status,
                       phase=labels.phase, step=labels.step, words=labels.word)
    # `{% if v is missing %}`: a suppressed cell (pd.NA) compared in a template would raise
    env.tests["missing"] = labels.is_missing
    env.globals.update(
        half_in=half_in,
        half_note=labels.HALF_NOTE,
        chart=render_interactive,
        sparkline=render_sparkline,
        variation_icon=mdc.variation_icon,
        assurance_icon=mdc.assurance_icon,
        query_with=query_with,
    )
