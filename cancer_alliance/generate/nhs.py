"""Synthetic NHS numbers that can never belong to a real patient.

Numbers starting 9 are the synthetic/test range that is never issued (the ``nhs-number``
package calls it ``REGION_SYNTHETIC``); we take numbers starting ``999`` first, the NHS test
range, and only move on to ``998``, ``997`` ... when a national-scale run needs more than the
909,000 or so valid ``999`` numbers. The check digit is computed with numpy (modulus 11), so a
million numbers cost milliseconds; the tests cross-check it against ``nhs_number.is_valid``.
"""

from __future__ import annotations

import numpy as np

_WEIGHTS = np.arange(10, 1, -1, dtype=np.int64)  # weights 10..2 for the first nine digits


def check_digits(stems: np.ndarray) -> np.ndarray:
    """Modulus-11 check digit of each 9-digit stem; 10 means the stem has no valid number."""
    digits = (stems[:, None] // 10 ** np.arange(8, -1, -1, dtype=np.int64)) % 10
    total = (digits * _WEIGHTS).sum(axis=1)
    check = 11 - total % 11
    return np.where(check == 11, 0, check)


def nhs_numbers(count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` distinct valid synthetic NHS numbers (10-character strings), in random order."""
    out: list[np.ndarray] = []
    need = count
    prefix = 999
    while need > 0:
        if prefix < 900:
            raise ValueError(f"cannot make {count} distinct synthetic NHS numbers")
        stems = prefix * 1_000_000 + rng.permutation(1_000_000).astype(np.int64)
        check = check_digits(stems)
        keep = check != 10
        numbers = stems[keep] * 10 + check[keep]
        out.append(numbers[:need])
        need -= len(out[-1])
        prefix -= 1
    return np.concatenate(out).astype("U10") if out else np.array([], dtype="U10")


def with_wrong_check_digit(number: str) -> str:
    """The same number with a different, wrong final digit (for the dirty mode)."""
    last = int(number[-1])
    return number[:-1] + str((last + 1) % 10)
