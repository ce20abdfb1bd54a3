"""Months before the alliance's data start are left out of every aggregate.

A pathway submitted in the alliance's first month can have stopped its clock months
earlier (a long wait treated in the first month), so without this rule series would open
with a few dozen pathways a month instead of thousands (issue 13: the FDS chart opening at
100%, then 62%, with special causes that are nothing but missing data). The data start is
the reporting calendar's (:attr:`cancer_alliance.calendar.ReportingCalendar.data_start`):
the configured start, else the first complete month. A store with no submissions (a
hand-built test store) has none, and nothing is left out.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import ibis

from cancer_alliance.calendar import read_calendar
from cancer_alliance.dataset import periods
from cancer_alliance.lake import locate, require_manifest


def data_start(con: duckdb.DuckDBPyConnection | None, engine: Any = None) -> str | None:
    """The first month the alliance reports, ``YYYY-MM`` (``None``: no complete month yet).

    With no store (a run over a lake alone), the data start the lake was exported with
    (its manifest), so the store and the lake leave out the same months."""
    if con is not None:
        return read_calendar(con).data_start
    lake = getattr(engine, "lake", None)
    return None if lake is None else require_manifest(locate(lake)).data_start


def from_month(t: ibis.Table, start: str | None, column: str = "reporting_period") -> ibis.Table:
    """Rows of ``t`` whose ``column`` month is on or after ``start`` (all when ``None``)."""
    return t if start is None else t.filter(t[column] >= start)


def from_day(t: ibis.Table, start: str | None, column: str = "_date") -> ibis.Table:
    """Rows of ``t`` whose ``column`` date is on or after the first day of ``start``."""
    if start is None:
        return t
    first: date = periods.month_start(start)
    return t.filter(t[column] >= first)
