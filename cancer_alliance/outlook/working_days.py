"""Working days in a month in England: Monday to Friday, less England's bank holidays.

Referrals arrive on working days, so a month with a bank holiday or one fewer weekday has
fewer of them (April with Easter, December with Christmas and Boxing Day). The forecasts
model referrals *per working day* and multiply back by the working days of each month
(see :mod:`cancer_alliance.outlook.forecast`), so a forecast for a short month is lower
for that reason alone and the seasonal pattern is not asked to learn moving Easter.

Bank holidays come from the ``holidays`` package (England subdivision of GB), which lists
the rule-based days and the one-off proclamations (jubilees, the 2022 state funeral, the
2023 coronation) with no download at run time.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import holidays
import numpy as np


@cache
def _england_bank_holidays(year: int) -> tuple[date, ...]:
    return tuple(sorted(holidays.country_holidays("GB", subdiv="ENG", years=year)))


def working_days(period: str) -> int:
    """Working days (Mon-Fri, not an England bank holiday) in month ``period`` (YYYY-MM)."""
    year, month = int(period[:4]), int(period[5:7])
    first = np.datetime64(f"{year:04d}-{month:02d}-01")
    after = first.astype("datetime64[M]") + np.timedelta64(1, "M")
    return int(np.busday_count(first, after.astype("datetime64[D]"),
                               holidays=list(_england_bank_holidays(year))))


def working_days_of(periods: list[str]) -> np.ndarray:
    """:func:`working_days` of each month in ``periods``, as a float array."""
    return np.array([working_days(p) for p in periods], dtype="float64")
