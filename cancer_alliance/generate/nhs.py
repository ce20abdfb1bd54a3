"""Synthetic NHS numbers that can never belong to a real patient.

Numbers starting 9 are the synthetic/test range that is never issued (the ``nhs-number``
package calls it ``REGION_SYNTHETIC``); we take numbers starting ``999`` first, the NHS test
range, and only move on to ``998``, ``997`` ... when a national-scale run needs more than the
909,000 or so valid ``999`` numbers. The check digit is computed with numpy (modulus 11), so a
million numbers cost milliseconds; the tests cross-check it against ``nhs_number.is_valid``.
"""

from __future__ import annotations

import numpy as np


def check_digits(stems: np.ndarray) -> np.ndarray:
    """Modulus-11 check digit of each 9-digit stem; 10 means the stem has no valid number."""
    rest = np.asarray(stems, dtype=np.int64).copy()
    total = np.zeros(len(rest), dtype=np.int64)
    for weight in range(2, 11):  # the last stem digit has weight 2, the first weight 10
        total += (rest % 10) * weight
        rest //= 10
    check = 11 - total % 11
    return np.where(check == 11, 0, check)


class NhsNumberPool:
    """Hands out distinct synthetic NHS numbers: all valid ``999`` numbers, then ``998`` ..."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.prefix = 1000
        self.buffer = np.array([], dtype=np.int64)

    def _refill(self) -> None:
        self.prefix -= 1
        if self.prefix < 900:
            raise ValueError("the synthetic NHS number range (900-999) is used up")
        stems = self.prefix * 1_000_000 + self.rng.permutation(1_000_000).astype(np.int64)
        check = check_digits(stems)
        keep = check != 10
        self.buffer = np.concatenate([self.buffer, stems[keep] * 10 + check[keep]])

    def take(self, count: int) -> np.ndarray:
        """``count`` numbers (10-character strings) never handed out before by this pool."""
        while len(self.buffer) < count:
            self._refill()
        out, self.buffer = self.buffer[:count], self.buffer[count:]
        return out.astype("U10")


def nhs_numbers(count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` distinct valid synthetic NHS numbers (10-character strings), in random order."""
    return NhsNumberPool(rng).take(count)


def with_wrong_check_digit(number: str) -> str:
    """The same number with a different, wrong final digit (for the dirty mode)."""
    last = int(number[-1])
    return number[:-1] + str((last + 1) % 10)
