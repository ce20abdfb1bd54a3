"""Reporting periods: months (``YYYY-MM``), quarters (``YYYY-Qn``), financial years (``YYYY/YY``).

Completed waits are reported in the month of their clock stop (metrics reference C4); every
coarser period is a roll-up of months, so the engines aggregate by month and the roll-up is
done here. Quarters are calendar quarters (Q1 = January to March); financial years run from
April to March, written ``2024/25``.
"""

from __future__ import annotations

import re
from datetime import date

from cancer_alliance.errors import UsageError

GRAINS = ("month", "quarter", "financial_year")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def check_month(text: str) -> str:
    """``text`` if it is a ``YYYY-MM`` month, else a UsageError naming it."""
    if not _MONTH.match(text or ""):
        raise UsageError(f"period {text!r} is not a month written YYYY-MM")
    return text


def month_range(period: str | tuple[str, str] | list[str] | None) -> tuple[str, str] | None:
    """A ``(first, last)`` pair of months from one month, a pair, or ``None``."""
    if period is None:
        return None
    if isinstance(period, str):
        if ".." in period:
            first, last = period.split("..", 1)
            return check_month(first), check_month(last)
        return check_month(period), check_month(period)
    first, last = period
    return check_month(first), check_month(last)


def label(month: str, grain: str) -> str:
    """The label of the period of ``grain`` that contains ``month`` (``YYYY-MM``)."""
    year, mon = int(month[:4]), int(month[5:7])
    if grain == "month":
        return month
    if grain == "quarter":
        return f"{year}-Q{(mon - 1) // 3 + 1}"
    if grain == "financial_year":
        start = year if mon >= 4 else year - 1
        return f"{start}/{(start + 1) % 100:02d}"
    raise UsageError(f"unknown time grain {grain!r}; use one of {', '.join(GRAINS)}")


def first_day(period_label: str) -> date:
    """The first day of a month, quarter or financial-year label."""
    if "/" in period_label:
        return date(int(period_label[:4]), 4, 1)
    if "-Q" in period_label:
        year, q = period_label.split("-Q")
        return date(int(year), 3 * (int(q) - 1) + 1, 1)
    return date(int(period_label[:4]), int(period_label[5:7]), 1)


def month_end(month: str) -> date:
    """The last day of a ``YYYY-MM`` month (a census date)."""
    year, mon = int(month[:4]), int(month[5:7])
    nxt = date(year + (mon == 12), mon % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive."""
    out = []
    year, mon = int(first[:4]), int(first[5:7])
    while f"{year:04d}-{mon:02d}" <= last:
        out.append(f"{year:04d}-{mon:02d}")
        year, mon = year + (mon == 12), mon % 12 + 1
    return out
