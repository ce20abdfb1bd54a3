"""Equity gaps with Newcombe's Wilson-based interval for a difference of proportions."""

from __future__ import annotations

import pandas as pd
import pytest

from cancer_alliance.errors import UsageError
from cancer_alliance.stats import equity_gap, newcombe_difference, wilson_interval


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "lower", "upper"),
    [
        # Newcombe (1998), Statistics in Medicine 17:873, method 10, 95%.
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0),
    ],
)
def test_difference_interval_matches_newcombes_published_values(x1, n1, x2, n2, lower, upper):
    diff, lo, hi = newcombe_difference(x1, n1, x2, n2)
    assert diff == pytest.approx(x1 / n1 - x2 / n2)
    assert (lo, hi) == pytest.approx((lower, upper), abs=5e-5)


def deprivation_rows() -> pd.DataFrame:
    """Patient-level rows: FDS met (1) or not (0) by deprivation quintile."""
    counts = {"1": (55, 100), "3": (150, 200), "5": (300, 400), "2": (3, 4)}
    rows = []
    for quintile, (met, total) in counts.items():
        rows += [{"imd_quintile": quintile, "met": 1, "one": 1}] * met
        rows += [{"imd_quintile": quintile, "met": 0, "one": 1}] * (total - met)
    return pd.DataFrame(rows)


def test_gaps_from_the_largest_group_by_default_with_a_significance_flag():
    gaps = equity_gap(deprivation_rows(), "imd_quintile", "met", "one").set_index("group")
    assert (gaps["reference_group"] == "5").all()
    assert gaps.loc["5", "is_reference"] and gaps.loc["5", "difference"] == 0
    most_deprived = gaps.loc["1"]
    assert (most_deprived["numerator"], most_deprived["denominator"]) == (55, 100)
    assert most_deprived["difference"] == pytest.approx(0.55 - 0.75)
    expected = newcombe_difference(55, 100, 300, 400)
    assert (most_deprived["difference_lower"], most_deprived["difference_upper"]) == \
        pytest.approx(expected[1:])
    assert most_deprived["significant"]  # 20 points with n = 100: real
    assert not gaps.loc["3", "significant"]  # identical proportion
    assert not gaps.loc["2", "significant"]  # 3 of 4: too few to say
    assert (gaps.loc["1", "lower"], gaps.loc["1", "upper"]) == pytest.approx(
        wilson_interval(55, 100))


def test_a_named_reference_group_is_used():
    gaps = equity_gap(deprivation_rows(), "imd_quintile", "met", "one", reference_group="1")
    assert gaps.set_index("group").loc["5", "difference"] == pytest.approx(0.2)


def test_an_unknown_reference_group_is_named():
    with pytest.raises(UsageError, match="'9'"):
        equity_gap(deprivation_rows(), "imd_quintile", "met", "one", reference_group="9")
