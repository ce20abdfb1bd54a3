"""Funnel limits: PHEindicatormethods' Wilson-based method, flags and curve points."""

from __future__ import annotations

import pandas as pd
import pytest

from cancer_alliance.errors import UsageError
from cancer_alliance.stats import funnel_limits, funnel_plot_data, wilson_interval
from cancer_alliance.stats.funnel import _flag, curve_denominators


@pytest.mark.parametrize("confidence", [0.95, 0.998])
@pytest.mark.parametrize(("p", "n"), [(0.8, 20), (0.8, 400), (0.3, 55), (0.05, 1000)])
def test_limit_is_the_proportion_whose_wilson_interval_just_reaches_the_baseline(p, n, confidence):
    # The defining property of the method: a unit sitting exactly on the upper limit has
    # a Wilson lower bound equal to the baseline, and on the lower limit an upper bound.
    lower, upper = funnel_limits(p, n, confidence)
    if 0 <= upper <= 1:
        assert wilson_interval(upper * n, n, confidence)[0] == pytest.approx(p, abs=1e-9)
    if 0 <= lower <= 1:
        assert wilson_interval(lower * n, n, confidence)[1] == pytest.approx(p, abs=1e-9)


def test_limits_are_mirror_images_around_a_half():
    lower, upper = funnel_limits(0.2, 60, 0.95)
    mirror_lower, mirror_upper = funnel_limits(0.8, 60, 0.95)
    assert lower == pytest.approx(1 - mirror_upper)
    assert upper == pytest.approx(1 - mirror_lower)


def test_limits_are_unclamped_for_tiny_denominators():
    lower, upper = funnel_limits(0.8, 1, 0.95)
    assert upper > 1  # the plotting helper clamps, the function does not
    assert 0 < lower < 0.8


def test_baseline_of_zero_or_one_pins_both_limits():
    assert funnel_limits(0.0, 50, 0.998) == (0.0, 0.0)
    assert funnel_limits(1.0, 50, 0.998) == (1.0, 1.0)


def test_bad_denominator_is_refused():
    with pytest.raises(UsageError, match="denominator"):
        funnel_limits(0.5, 0, 0.95)


def test_flags_use_the_outer_limits_first_and_strict_comparisons():
    limits = {0.95: (0.4, 0.6), 0.998: (0.3, 0.7)}
    assert _flag(0.29, limits) == ("low", 0.001)
    assert _flag(0.35, limits) == ("low", 0.025)
    assert _flag(0.65, limits) == ("high", 0.025)
    assert _flag(0.71, limits) == ("high", 0.001)
    # exactly on a limit is not significant, as phe_funnel_significance's "<" and ">"
    assert _flag(0.4, limits) == ("not significant", None)
    assert _flag(0.7, limits) == ("high", 0.025)


def test_funnel_plot_data_flags_units_against_the_overall_proportion():
    units = pd.DataFrame({
        "unit": ["RAA", "RBB", "RCC", "RDD", "REE"],
        "numerator": [700, 820, 60, 400, 3],
        "denominator": [1000, 1000, 100, 500, 3],
    })
    points, curve = funnel_plot_data(units)
    baseline = (700 + 820 + 60 + 400 + 3) / (1000 + 1000 + 100 + 500 + 3)
    assert points["baseline"].eq(baseline).all()
    for row in points.itertuples():
        lo95, hi95 = funnel_limits(baseline, row.denominator, 0.95)
        lo998, hi998 = funnel_limits(baseline, row.denominator, 0.998)
        assert (row.lower_95, row.upper_95) == pytest.approx((lo95, hi95))
        if row.proportion < lo998:
            expected = ("low", 0.001)
        elif row.proportion < lo95:
            expected = ("low", 0.025)
        elif row.proportion > hi998:
            expected = ("high", 0.001)
        elif row.proportion > hi95:
            expected = ("high", 0.025)
        else:
            expected = ("not significant", None)
        flag_level = None if pd.isna(row.flag_level) else row.flag_level
        assert (row.flag, flag_level) == expected
    # 70% of 1000 is far below a baseline near 76%, 82% far above it
    assert points.set_index("unit").loc["RAA", "flag"] == "low"
    assert points.set_index("unit").loc["RBB", "flag"] == "high"
    assert len(curve) == 100
    assert curve["denominator"].is_monotonic_increasing
    limit_cols = ["lower_95", "upper_95", "lower_99_8", "upper_99_8"]
    assert curve[limit_cols].ge(0).all().all() and curve[limit_cols].le(1).all().all()
    assert (curve["upper_99_8"] >= curve["upper_95"]).all()


def test_curve_spacing_follows_phe_axis_rounding():
    # min 150, max 250: not more than twice, so the axis starts at 150 × 0.95 rounded
    # down to its leading digit (100) and ends at 250 × 1.05 rounded up to two digits.
    xs = curve_denominators(150, 250)
    assert xs[0] == 100 and xs[-1] == 270
    # spread over more than a factor of two: the axis starts at 1
    assert curve_denominators(10, 5000)[0] == 1
    assert all(b > a for a, b in zip(xs, xs[1:], strict=False))


def test_a_unit_with_no_denominator_is_not_calculated_and_not_in_the_baseline():
    units = pd.DataFrame({"unit": ["A", "B"], "numerator": [5, 0], "denominator": [10, 0]})
    points, _ = funnel_plot_data(units)
    assert points["baseline"].iloc[0] == 0.5
    assert points.loc[1, "flag"] == "not calculated"


def test_numerator_above_denominator_names_the_unit():
    units = pd.DataFrame({"unit": ["RAA"], "numerator": [11], "denominator": [10]})
    with pytest.raises(UsageError, match="RAA"):
        funnel_plot_data(units)


@pytest.mark.parametrize(
    ("p", "n", "confidence", "z", "half_width"),
    [
        # baseline 0.5, n = 100: z·√(0.25/100) = 1.959964 × 0.05
        (0.5, 100, 0.95, 1.959964, 0.0979982),
        # baseline 0.8, n = 20 at 99.8%: 3.090232 × √(0.16/20) = 3.090232 × 0.0894427
        (0.8, 20, 0.998, 3.090232, 0.2763988),
    ],
)
def test_limits_worked_by_hand_are_baseline_plus_minus_z_standard_errors(
    p, n, confidence, z, half_width
):
    # PHE's sigma_adjustment reduces to p ± z·√(p(1−p)/n); the 0.8/20 upper limit is
    # above 1 and stays there (unclamped).
    assert z * (p * (1 - p) / n) ** 0.5 == pytest.approx(half_width, abs=1e-6)
    assert funnel_limits(p, n, confidence) == pytest.approx(
        (p - half_width, p + half_width), abs=1e-6)
