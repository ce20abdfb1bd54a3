"""Strict ``YYYY-MM-DD`` dates for a whole column at once (NumPy over the Arrow buffers).

A submission's pathways file has fourteen date columns; parsing them in SQL (a pattern match,
then a cast) was the largest single cost of validation. Here each column is checked and
converted in one vectorised pass, with the same rule the SQL applied: exactly four digits,
a hyphen, two digits, a hyphen, two digits, and a real calendar date (proleptic Gregorian,
so 2023-02-29 is not a date and 2024-02-29 is). Anything else is null, which the
``invalid_date`` rule then reports with the value as sent.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

DIGIT_POSITIONS = np.array([0, 1, 2, 3, 5, 6, 8, 9])
HYPHEN = ord("-")
DAYS_IN_MONTH = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)


def _days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = np.where(month > 2, month - 3, month + 9)
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _ten_byte_rows(values: pa.StringArray) -> tuple[np.ndarray, np.ndarray]:
    """The values that are ten bytes long, as an (k, 10) byte matrix, and their positions."""
    n = len(values)
    _, offsets_buf, data_buf = values.buffers()
    if data_buf is None:
        return np.zeros((0, 10), dtype=np.uint8), np.zeros(0, dtype=np.int64)
    offsets = np.frombuffer(offsets_buf, dtype=np.int32)[values.offset:values.offset + n + 1]
    data = np.frombuffer(data_buf, dtype=np.uint8)
    lengths = np.diff(offsets)
    null = np.asarray(values.is_null().to_numpy(zero_copy_only=False))
    where = np.flatnonzero(~null & (lengths == 10))
    if len(where) and (lengths == np.where(null, 0, 10)).all():
        # the usual case: every value is a date's ten bytes, packed end to end
        return data[offsets[0]:offsets[-1]].reshape(-1, 10), where
    return data[offsets[:-1][where, None] + np.arange(10)], where


def iso_dates(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``date32`` values of the strings that are strict ISO dates; null for all others."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], pa.string())
    values = values.cast(pa.string())
    n = len(values)
    days = np.zeros(n, dtype=np.int32)
    valid = np.zeros(n, dtype=bool)
    raw, where = _ten_byte_rows(values)
    if len(where):
        # small integer types throughout: the matrices are as large as the column
        digits = raw[:, DIGIT_POSITIONS] - np.uint8(48)  # a byte below "0" wraps round
        shape_ok = (digits.max(axis=1) <= 9) & (raw[:, 4] == HYPHEN) & (raw[:, 7] == HYPHEN)
        d = [digits[:, k].astype(np.int32) for k in range(8)]
        year = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3]
        month = d[4] * 10 + d[5]
        day = d[6] * 10 + d[7]
        leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
        month_ok = (month >= 1) & (month <= 12)
        longest = DAYS_IN_MONTH[np.where(month_ok, month, 0)]
        longest = np.where((month == 2) & ~leap, 28, longest)
        ok = shape_ok & month_ok & (day >= 1) & (day <= longest)
        days[where[ok]] = _days_from_civil(year[ok], month[ok], day[ok])
        valid[where[ok]] = True
    return pa.Array.from_pandas(days, mask=~valid, type=pa.int32()).cast(pa.date32())
