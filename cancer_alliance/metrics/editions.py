"""Which edition, provisional or final, an aggregated figure is (issue 13, part 2).

A figure's period is a month, a quarter, a financial year or a range of months; each month
carries its reporting calendar's edition (:attr:`cancer_alliance.calendar.Month.edition`:
final once the revisions window closed or an analyst finalised it). A figure over several
months is final only when every month in it that the calendar knows is final: one
provisional month can still change it. A period with no month in the calendar (a store
with no submissions, or a run over a lake alone) has no edition (blank).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from cancer_alliance.calendar import read_calendar
from cancer_alliance.dataset import periods

EDITION_COLUMN = "edition"


def month_editions(con: duckdb.DuckDBPyConnection | None) -> dict[str, str]:
    """``YYYY-MM`` -> ``final`` | ``provisional`` for every month of the store's calendar."""
    if con is None:
        return {}
    return {m.period: m.edition for m in read_calendar(con).months}


def edition_of(period: str, grain: str | None, months: dict[str, str]) -> str | None:
    """The edition of a figure over ``period`` (a label of ``grain``; with no grain one
    month or ``first..last``), from the editions of its months."""
    if grain is None:
        first, last = periods.month_range(period)
        members = periods.months_between(first, last)
    else:
        members = [m for m in months if periods.label(m, grain) == period]
    known = [months[m] for m in members if m in months]
    if not known:
        return None
    return "final" if all(e == "final" for e in known) else "provisional"


def with_edition(con: duckdb.DuckDBPyConnection | None, df: pd.DataFrame,
                 grain: str | None) -> pd.DataFrame:
    """``df`` (rows with a ``period``) with :data:`EDITION_COLUMN` appended last."""
    months = month_editions(con)
    out = df.copy()
    out[EDITION_COLUMN] = [None if pd.isna(p) else edition_of(str(p), grain, months)
                           for p in out["period"]] if len(out) else pd.Series(dtype=object)
    return out
