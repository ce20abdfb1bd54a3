"""Months and days as integers, so the generator can do date arithmetic on whole arrays.

A *month number* is ``year * 12 + month - 1``; a *day* is days since 1970-01-01 (numpy's
``datetime64[D]`` epoch). ``NA`` marks an event that has not happened.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

NA = np.int32(-999_999)
EPOCH = dt.date(1970, 1, 1)


def parse_month(text: str) -> int:
    """``"2024-05"`` -> month number; raises ValueError with the bad text."""
    try:
        year, month = (int(x) for x in text.split("-"))
        dt.date(year, month, 1)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"month {text!r} is not written YYYY-MM") from exc
    return year * 12 + month - 1


def month_label(month: int) -> str:
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def month_start(month: int | np.ndarray) -> np.ndarray:
    """First day of each month number, as day numbers."""
    m = np.asarray(month)
    text = np.char.add(np.char.add(np.char.zfill((m // 12).astype(str), 4), "-"),
                       np.char.zfill((m % 12 + 1).astype(str), 2))
    return (np.asarray(text, dtype="datetime64[M]").astype("datetime64[D]")
            .astype(np.int64)).astype(np.int32)


def month_end(month: int | np.ndarray) -> np.ndarray:
    """Last day of each month number."""
    return month_start(np.asarray(month) + 1) - 1


def date_of(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


def weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday)."""
    return (np.asarray(days) + 3) % 7


def latest_complete_month(today: dt.date) -> int:
    """The month before ``today``'s month."""
    return today.year * 12 + today.month - 2
