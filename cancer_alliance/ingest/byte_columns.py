"""Reading a text column's bytes straight from its Arrow buffers, for NumPy checks.

The NHS number check digit and the strict ISO date parse both look at fixed-width,
ten-character values; this is the one place that turns an Arrow string column into a matrix
of those bytes, and that knows which day-month-year triples are real dates.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

DAYS_IN_MONTH = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)


def string_array(values: pa.Array | pa.ChunkedArray) -> pa.StringArray:
    """One contiguous ``string`` array (the checks read its buffers directly)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], pa.string())
    return values.cast(pa.string())


def ten_byte_rows(values: pa.StringArray) -> tuple[np.ndarray, np.ndarray]:
    """The non-null values exactly ten bytes long, as a (k, 10) byte matrix, and their
    positions in the column."""
    n = len(values)
    _, offsets_buf, data_buf = values.buffers()
    if n == 0 or data_buf is None:
        return np.zeros((0, 10), dtype=np.uint8), np.zeros(0, dtype=np.int64)
    offsets = np.frombuffer(offsets_buf, dtype=np.int32)[values.offset:values.offset + n + 1]
    data = np.frombuffer(data_buf, dtype=np.uint8)
    lengths = np.diff(offsets)
    null = np.asarray(values.is_null().to_numpy(zero_copy_only=False))
    where = np.flatnonzero(~null & (lengths == 10))
    if len(where) and (lengths == np.where(null, 0, 10)).all():
        # the usual case: every value is ten bytes, packed end to end (nulls take none)
        return data[offsets[0]:offsets[-1]].reshape(-1, 10), where
    return data[offsets[:-1][where, None] + np.arange(10)], where


def is_real_date(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Whether each (year, month, day) is a date of the proleptic Gregorian calendar."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    longest = DAYS_IN_MONTH[np.where(month_ok, month, 0)]
    longest = np.where((month == 2) & ~leap, 28, longest)
    return month_ok & (day >= 1) & (day <= longest)
