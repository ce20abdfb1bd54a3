"""Reporting periods: months (``YYYY-MM``), quarters (``YYYY-Qn``), financial years (``YYYY/YY``).

The one place a month is parsed, checked, shifted or turned into dates; every layer above
uses it (a submission's period, a query's ``--period``, a plan's month, a pack's month).
A month is checked whole and never cut: ``2024-05-31`` is refused (it is a date, not a
month), as are year ``0000`` and month ``13``, each with a message saying why.

Completed waits are reported in the month of their clock stop (metrics reference C4); every
coarser period is a roll-up of months, so the engines aggregate by month and the roll-up is
done here. Quarters are calendar quarters (Q1 = January to March); financial years run from
April to March, written ``2024/25``.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from cancer_alliance.errors import UsageError

GRAINS = ("month", "quarter", "financial_year")
_SHAPE = re.compile(r"^(\d{4})-(\d{2})$")
_WITH_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
FINANCIAL_YEAR_START = 4  # April


def check_month(text: str, what: str = "period") -> str:
    """``text`` if it is a ``YYYY-MM`` month, else a UsageError naming it and the reason.

    ``what`` names the value in the message (``period``, ``month``, ``go-live month``).
    """
    year, month = parse_month(text, what)
    return f"{year:04d}-{month:02d}"


def parse_month(text: str, what: str = "period") -> tuple[int, int]:
    """``(year, month)`` of a ``YYYY-MM`` month; a UsageError for anything else."""
    raw = "" if text is None else str(text)
    m = _SHAPE.match(raw)
    if not m:
        why = ("it is a date; give the month only" if _WITH_DAY.match(raw)
               else "write it YYYY-MM, e.g. 2024-05")
        raise UsageError(f"{what} {raw!r} is not a month written YYYY-MM: {why}")
    year, month = int(m[1]), int(m[2])
    if year < 1:
        raise UsageError(f"{what} {raw!r} is not a month written YYYY-MM: there is no year 0000")
    if not 1 <= month <= 12:
        raise UsageError(f"{what} {raw!r} is not a month written YYYY-MM: "
                         f"month {m[2]} is not 01 to 12")
    return year, month


def is_month(text: object) -> bool:
    """Whether ``text`` is a valid ``YYYY-MM`` month (for checks that answer yes or no)."""
    try:
        parse_month(text)  # type: ignore[arg-type]
    except UsageError:
        return False
    return True


def index(month: str) -> int:
    """A month as a count of months (``year * 12 + month - 1``), so months add and subtract."""
    year, mon = parse_month(month)
    return year * 12 + mon - 1


def from_index(idx: int) -> str:
    """The ``YYYY-MM`` month of a count of months (the inverse of :func:`index`)."""
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def shift(month: str, months: int) -> str:
    """``month`` moved by ``months`` (negative: earlier). ``shift('2024-12', 1) == '2025-01'``."""
    return from_index(index(month) + months)


def from_date(day: date | datetime | str) -> str:
    """The ``YYYY-MM`` month holding a date (an ISO ``YYYY-MM-DD`` text is read as a date)."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{day.year:04d}-{day.month:02d}"


def month_start(month: str) -> date:
    """The first day of a ``YYYY-MM`` month."""
    year, mon = parse_month(month)
    return date(year, mon, 1)


def month_end(month: str) -> date:
    """The last day of a ``YYYY-MM`` month (a census date)."""
    year, mon = parse_month(month)
    return date(year, mon, calendar.monthrange(year, mon)[1])


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive (empty when ``last`` is earlier)."""
    return [from_index(i) for i in range(index(first), index(last) + 1)]


def month_range(period: str | tuple[str, str] | list[str] | None) -> tuple[str, str] | None:
    """A ``(first, last)`` pair of months from one month, ``first..last``, a pair, or ``None``."""
    if period is None:
        return None
    if isinstance(period, str):
        if ".." in period:
            first, last = period.split("..", 1)
            return check_month(first), check_month(last)
        return check_month(period), check_month(period)
    first, last = period
    return check_month(first), check_month(last)


def financial_year_start(month: str) -> str:
    """The April that opens the financial year holding ``month``: '2025-02' -> '2024-04'."""
    year, mon = parse_month(month)
    return f"{year if mon >= FINANCIAL_YEAR_START else year - 1:04d}-04"


def financial_year_end(month: str) -> str:
    """The March that closes the financial year holding ``month``: '2024-05' -> '2025-03'."""
    return shift(financial_year_start(month), 11)


def financial_year_months(month: str) -> list[str]:
    """The twelve months, April to March, of the financial year holding ``month``."""
    start = financial_year_start(month)
    return months_between(start, shift(start, 11))


def label(month: str, grain: str) -> str:
    """The label of the period of ``grain`` that contains ``month`` (``YYYY-MM``)."""
    year, mon = parse_month(month)
    if grain == "month":
        return month
    if grain == "quarter":
        return f"{year}-Q{(mon - 1) // 3 + 1}"
    if grain == "financial_year":
        start = int(financial_year_start(month)[:4])
        return f"{start}/{(start + 1) % 100:02d}"
    raise UsageError(f"unknown time grain {grain!r}; use one of {', '.join(GRAINS)}")


def first_day(period_label: str) -> date:
    """The first day of a month, quarter or financial-year label."""
    if "/" in period_label:
        return date(int(period_label[:4]), FINANCIAL_YEAR_START, 1)
    if "-Q" in period_label:
        year, q = period_label.split("-Q")
        return date(int(year), 3 * (int(q) - 1) + 1, 1)
    return month_start(period_label)


WINDOWS = ("month", "quarter", "fytd", "rolling12")
"""The spans a dashboard figure can cover, each ending at a chosen month: that month alone;
the latest whole calendar quarter ending on or before it (quarters end in March, June,
September and December, so they are the NHS financial quarters too); the financial year
to date (April to the month); the rolling twelve months to the month."""

WINDOW_WORDS = {"month": "Month", "quarter": "Quarter", "fytd": "Financial year to date",
                "rolling12": "Rolling 12 months"}


def window(kind: str, month: str) -> tuple[str, str]:
    """``(first, last)`` month of the span of ``kind`` ending at (or, for a quarter, before)
    ``month``. ``window('quarter', '2024-05') == ('2024-01', '2024-03')``: a quarter is
    only ever a whole one, so May picks the quarter that ended in March."""
    month = check_month(month)
    if kind == "month":
        return month, month
    if kind == "quarter":
        _, mon = parse_month(month)
        last = shift(month, -(mon % 3))  # March, June, September or December
        return shift(last, -2), last
    if kind == "fytd":
        return financial_year_start(month), month
    if kind == "rolling12":
        return shift(month, -11), month
    raise UsageError(f"unknown span {kind!r}; use one of {', '.join(WINDOWS)}")


def previous_window(kind: str, month: str) -> tuple[str, str]:
    """The span of the same kind just before: the previous month or quarter, the same
    months of the previous financial year, the twelve months before."""
    first, last = window(kind, month)
    if kind == "fytd":
        return shift(first, -12), shift(last, -12)
    length = index(last) - index(first) + 1
    return shift(first, -length), shift(last, -length)


def window_label(kind: str, month: str) -> str:
    """How a span is written on a page: ``2024-05``, ``2024-Q1 (2024-01 to 2024-03)``,
    ``2024/25 to date (2024-04 to 2024-09)``, ``12 months to 2024-09 (2023-10 to 2024-09)``."""
    first, last = window(kind, month)
    if kind == "month":
        return last
    span = f"{first} to {last}"
    if kind == "quarter":
        return f"{label(last, 'quarter')} ({span})"
    if kind == "fytd":
        return f"{label(last, 'financial_year')} to date ({span})"
    return f"12 months to {last} ({span})"
