"""NHS number check digits for a whole column at once (NumPy over the Arrow buffers).

Validation runs on hundreds of thousands of rows per file, so the modulus 11 check is done
on the bytes of the Arrow string column in one vectorised pass rather than per value: it is
about ten times faster than the same arithmetic in SQL. The rule is the one the
``nhs-number`` package applies (and a test compares the two on 50,000 numbers):

* digits 1 to 9 weighted 10 down to 2; the check digit is 11 minus the sum modulo 11
  (11 becomes 0; 10 means no valid number has this base);
* a number in Scotland's CHI range (0101000000 to 3112999999) must begin with a real date
  written DDMMYY (two-digit years 00-68 are 2000-2068, 69-99 are 1969-1999, as
  ``datetime.strptime`` reads them).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

WEIGHTS = np.arange(10, 1, -1, dtype=np.int32)
DAYS_IN_MONTH = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)


def nhs_numbers_valid(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """True where the value is ten digits with a correct check digit; False otherwise.

    Null values give False (the ``required`` rule reports them), as do values that are not
    ten digits (the format rule reports those)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], pa.string())
    values = values.cast(pa.string())
    n = len(values)
    out = np.zeros(n, dtype=bool)
    if n == 0 or values.null_count == n:
        return pa.array(out)
    _, offsets_buf, data_buf = values.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int32)[values.offset:values.offset + n + 1]
    data = np.frombuffer(data_buf, dtype=np.uint8)
    present = ~np.asarray(values.is_null().to_numpy(zero_copy_only=False))
    ten = present & (np.diff(offsets) == 10)
    if not ten.any():
        return pa.array(out)
    if ten.all():  # the usual case: every value is ten characters, packed end to end
        start = offsets[0]
        raw = data[start:start + 10 * n].reshape(n, 10)
    else:
        raw = data[offsets[:-1][ten, None] + np.arange(10)]
    digits = raw - np.uint8(48)  # a byte below "0" wraps round to a large value
    all_digits = (digits <= 9).all(axis=1)
    d = digits.astype(np.int32)
    check = 11 - (d[:, :9] @ WEIGHTS) % 11
    check = np.where(check == 11, 0, check)
    ok = all_digits & (check != 10) & (check == d[:, 9])
    # 0100000000 <= number <= 3112999999 exactly when the first four digits are 0100..3112
    first4 = d[:, :4] @ np.array([1000, 100, 10, 1], dtype=np.int32)
    chi = (first4 >= 100) & (first4 <= 3112)
    day = d[:, 0] * 10 + d[:, 1]
    month = d[:, 2] * 10 + d[:, 3]
    yy = d[:, 4] * 10 + d[:, 5]
    year = np.where(yy <= 68, 2000 + yy, 1900 + yy)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    longest = DAYS_IN_MONTH[np.where(month_ok, month, 0)]
    longest = np.where((month == 2) & ~leap, 28, longest)
    date_ok = month_ok & (day >= 1) & (day <= longest)
    out[ten] = ok & (~chi | date_ok)
    return pa.array(out)
