"""Synthetic NHS numbers: valid, distinct, and from the never-issued 999 test range first."""

import nhs_number
import numpy as np

from cancer_alliance.generate.nhs import NhsNumberPool, check_digits, with_wrong_check_digit


def test_numbers_pass_the_nhs_number_package_check():
    numbers = NhsNumberPool(np.random.default_rng(3)).take(2000)
    assert all(nhs_number.is_valid(str(n)) for n in numbers)


def test_numbers_are_distinct_and_start_999_first():
    numbers = NhsNumberPool(np.random.default_rng(3)).take(50_000)
    assert len(set(numbers)) == len(numbers)
    assert all(str(n).startswith("999") for n in numbers)


def test_pool_moves_to_the_next_synthetic_prefix_when_999_is_used_up():
    valid_999 = int((check_digits(999_000_000 + np.arange(1_000_000)) != 10).sum())
    pool = NhsNumberPool(np.random.default_rng(5))
    first = pool.take(valid_999)
    assert np.char.startswith(first, "999").all()
    more = pool.take(10_000)
    assert np.char.startswith(more, "998").all()  # so none repeats a 999 number
    assert all(nhs_number.is_valid(str(n)) for n in more[:500])


def test_check_digit_matches_the_published_example():
    # 943 476 591 9 is the NHS's own worked example of the modulus 11 check.
    assert check_digits(np.array([943476591]))[0] == 9


def test_wrong_check_digit_is_rejected_by_the_package():
    good = str(NhsNumberPool(np.random.default_rng(1)).take(1)[0])
    assert not nhs_number.is_valid(with_wrong_check_digit(good))
