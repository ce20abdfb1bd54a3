"""Writing result tables as CSV or JSON the same way for the CLI and the web API.

Booleans are written ``true``/``false``, blanks as empty cells (CSV) or ``null`` (JSON),
dates as ``YYYY-MM-DD``, whole numbers without a decimal point.

Every CSV the platform writes, on the web or the command line, passes its text cells
through :func:`neutralise` (OWASP's CSV injection guidance): a submitted ``pathway_id`` of
``=HYPERLINK(...)`` must reach another user's spreadsheet as text, never as a formula.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable
from datetime import date
from typing import IO, Any

import pandas as pd

FORMATS = ("csv", "json")


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain Python dicts (JSON-ready)."""
    return [{c: _plain(v) for c, v in zip(df.columns, row, strict=True)}
            for row in df.itertuples(index=False, name=None)]


# A spreadsheet reads a cell starting with one of these as a formula (OWASP: =, +, -, @,
# tab, carriage return).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# ... unless the whole cell is a plain number, which no spreadsheet can run: "-3" stays a
# number, "-3+4" does not.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'`` so it is
    shown as the text it is; anything else unchanged (numbers, dates, plain-number text).

    The one rule for every CSV export (OWASP "CSV Injection"): the prefix is visible, so
    the reader sees the value was neutralised, and nothing is dropped."""
    if (isinstance(value, str) and value.startswith(FORMULA_START)
            and not _PLAIN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with :func:`neutralise` applied to its text (object) columns; numeric
    columns, negative numbers included, are left as numbers."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c].dtype):
            out[c] = out[c].map(neutralise, na_action="ignore")
    return out


def write_csv(handle: IO[str], header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    """Rows as CSV with every text cell neutralised: for writers that stream rows."""
    w = csv.writer(handle, lineterminator="\n")
    w.writerow([neutralise(h) for h in header])
    for row in rows:
        w.writerow([neutralise(v) for v in row])


def _cell(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value) if isinstance(value, str) else str(value)


def to_csv(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([neutralise(str(c)) for c in df.columns])
    for row in df.itertuples(index=False, name=None):
        w.writerow([_cell(v) for v in row])
    return buf.getvalue()


def to_json(df: pd.DataFrame) -> str:
    return json.dumps(records(df), indent=1)


def render(df: pd.DataFrame, fmt: str) -> str:
    """``df`` as ``csv`` or ``json`` text."""
    return to_json(df) if fmt == "json" else to_csv(df)
