"""Writing result tables as CSV or JSON the same way for the CLI and the web API.

Booleans are written ``true``/``false``, blanks as empty cells (CSV) or ``null`` (JSON),
dates as ``YYYY-MM-DD``, whole numbers without a decimal point.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import date
from typing import Any

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


def _cell(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_csv(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(df.columns))
    for row in df.itertuples(index=False, name=None):
        w.writerow([_cell(v) for v in row])
    return buf.getvalue()


def to_json(df: pd.DataFrame) -> str:
    return json.dumps(records(df), indent=1)


def render(df: pd.DataFrame, fmt: str) -> str:
    """``df`` as ``csv`` or ``json`` text."""
    return to_json(df) if fmt == "json" else to_csv(df)
