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

from cancer_alliance.ingest.byte_columns import is_real_date, string_array, ten_byte_rows

DIGIT_POSITIONS = np.array([0, 1, 2, 3, 5, 6, 8, 9])
HYPHEN = ord("-")


def _days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = np.where(month > 2, month - 3, month + 9)
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def iso_dates(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``date32`` values of the strings that are strict ISO dates; null for all others."""
    values = string_array(values)
    n = len(values)
    days = np.zeros(n, dtype=np.int32)
    valid = np.zeros(n, dtype=bool)
    raw, where = ten_byte_rows(values)
    if len(where):
        # small integer types throughout: the matrices are as large as the column
        digits = raw[:, DIGIT_POSITIONS] - np.uint8(48)  # a byte below "0" wraps round
        shape_ok = (digits.max(axis=1) <= 9) & (raw[:, 4] == HYPHEN) & (raw[:, 7] == HYPHEN)
        d = [digits[:, k].astype(np.int32) for k in range(8)]
        year = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3]
        month = d[4] * 10 + d[5]
        day = d[6] * 10 + d[7]
        ok = shape_ok & is_real_date(year, month, day)
        days[where[ok]] = _days_from_civil(year[ok], month[ok], day[ok])
        valid[where[ok]] = True
    return pa.Array.from_pandas(days, mask=~valid, type=pa.int32()).cast(pa.date32())
