"""England and Wales bank holidays, by rule, with the one-off changes listed.

Submission deadlines count working days (Monday to Friday, not a bank holiday), so the
calendar needs the bank holidays of England and Wales (the same list for both; Scotland
and Northern Ireland differ and are not used). They are computed by the rules of the
Banking and Financial Dealings Act 1971 as applied each year by royal proclamation, and
the proclamations that moved or added a day are listed in :data:`MOVED` and :data:`ADDED`
(source: GOV.UK "UK bank holidays", England and Wales). Easter comes from
``dateutil.easter`` (Western Easter), so nothing is downloaded and no list goes stale.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from dateutil.easter import easter

#: A rule's usual date replaced by another that year: (usual date) -> (date kept instead).
MOVED: dict[date, date] = {
    date(1995, 5, 1): date(1995, 5, 8),   # early May moved for VE Day's 50th anniversary
    date(2002, 5, 27): date(2002, 6, 4),  # spring holiday moved for the Golden Jubilee
    date(2012, 5, 28): date(2012, 6, 4),  # spring holiday moved for the Diamond Jubilee
    date(2020, 5, 4): date(2020, 5, 8),   # early May moved for VE Day's 75th anniversary
    date(2022, 5, 30): date(2022, 6, 2),  # spring holiday moved for the Platinum Jubilee
}
#: Extra bank holidays proclaimed for one year only.
ADDED: frozenset[date] = frozenset({
    date(1999, 12, 31),  # millennium
    date(2002, 6, 3),    # Golden Jubilee
    date(2011, 4, 29),   # royal wedding
    date(2012, 6, 5),    # Diamond Jubilee
    date(2022, 6, 3),    # Platinum Jubilee
    date(2022, 9, 19),   # state funeral of Queen Elizabeth II
    date(2023, 5, 8),    # coronation of King Charles III
})


def _first_monday(year: int, month: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    day = nxt - timedelta(days=1)
    return day - timedelta(days=day.weekday())


def _substitute(day: date, taken: set[date]) -> date:
    """A holiday on a weekend (or on a day already a holiday) moves to the next free weekday."""
    while day.weekday() >= 5 or day in taken:
        day += timedelta(days=1)
    return day


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """The bank holidays of England and Wales in ``year``."""
    days: set[date] = set()
    days.add(_substitute(date(year, 1, 1), days))
    good_friday = easter(year) - timedelta(days=2)
    days.update({good_friday, good_friday + timedelta(days=3)})
    for usual in (_first_monday(year, 5), _last_monday(year, 5), _last_monday(year, 8)):
        days.add(MOVED.get(usual, usual))
    # Christmas first, then Boxing Day: each takes the next weekday not already taken.
    christmas = _substitute(date(year, 12, 25), days)
    days.add(christmas)
    days.add(_substitute(date(year, 12, 26), days))
    days.update(d for d in ADDED if d.year == year)
    return frozenset(days)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a bank holiday in England and Wales."""
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(day: date, n: int) -> date:
    """The ``n``-th working day after ``day`` (``day`` itself is not counted); ``n >= 1``."""
    if n < 1:
        raise ValueError(f"count working days from 1, not {n}")
    count = 0
    while count < n:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return day
