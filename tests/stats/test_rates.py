"""Crude rates (exact under 10 events, Byar's from 10) and Dobson DSRs, as PHEindicatormethods."""

from __future__ import annotations

import math

import pytest
from scipy.stats import norm, poisson

from cancer_alliance.errors import UsageError
from cancer_alliance.stats import dsr, esp2013, esp2013_weights, rate_interval
from cancer_alliance.stats.rates import byars_lower, byars_upper, exact_poisson


def test_esp2013_is_phes_nineteen_bands_summing_to_100000():
    bands = esp2013()
    assert len(bands) == 19
    assert bands[0] == ("0-4", 5000) and bands[-1] == ("90+", 1000)
    assert sum(esp2013_weights()) == 100000


@pytest.mark.parametrize("events", [1, 3, 9])
@pytest.mark.parametrize("confidence", [0.95, 0.998])
def test_exact_limits_are_the_poisson_means_with_tail_probability_alpha_over_two(events,
                                                                              confidence):
    lower, upper = exact_poisson(events, confidence)
    half_alpha = (1 - confidence) / 2
    assert poisson.sf(events - 1, lower) == pytest.approx(half_alpha)  # P(X >= x | lower)
    assert poisson.cdf(events, upper) == pytest.approx(half_alpha)  # P(X <= x | upper)


def test_zero_events_has_a_lower_limit_of_zero_and_a_finite_upper_limit():
    value, lower, upper, method = rate_interval(0, 2000)
    assert (value, lower, method) == (0.0, 0.0, "exact")
    assert poisson.cdf(0, upper * 2000 / 100000) == pytest.approx(0.025)


def test_byars_formula_from_ten_events():
    z = norm.ppf(0.975)
    x = 25
    assert byars_lower(x) == pytest.approx(x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3)
    assert byars_upper(x) == pytest.approx(
        (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    )


def test_method_switches_at_ten_events_and_scales_by_population_and_multiplier():
    nine = rate_interval(9, 45000)
    ten = rate_interval(10, 50000, multiplier=1000)
    assert nine.method == "exact" and ten.method == "byar"
    assert nine.value == pytest.approx(20.0)
    assert ten.value == pytest.approx(0.2)
    assert ten.lower == pytest.approx(byars_lower(10) / 50000 * 1000)
    assert ten.upper == pytest.approx(byars_upper(10) / 50000 * 1000)
    lo, hi = exact_poisson(9)
    assert (nine.lower, nine.upper) == pytest.approx((lo / 45000 * 1e5, hi / 45000 * 1e5))


def test_byars_is_close_to_exact_where_it_takes_over():
    lo_b, hi_b = byars_lower(10), byars_upper(10)
    lo_e, hi_e = exact_poisson(10)
    assert lo_b == pytest.approx(lo_e, rel=0.02) and hi_b == pytest.approx(hi_e, rel=0.02)


def test_rate_needs_a_population():
    with pytest.raises(UsageError, match="population"):
        rate_interval(3, 0)


def test_dsr_of_equal_band_rates_is_that_rate_whatever_the_standard():
    # 2 per 1,000 in every band: any weighting gives 200 per 100,000.
    pops = [1000 * (i + 1) for i in range(19)]
    counts = [2 * p / 1000 for p in pops]
    assert dsr(counts, pops).value == pytest.approx(200.0)
    assert dsr(counts, pops, standard_populations=[1] * 19).value == pytest.approx(200.0)


def test_dsr_worked_by_hand_with_dobson_limits():
    counts, pops, std = [10, 30], [2000, 1000], [6000, 4000]
    # DSR = (10/2000 × 6000 + 30/1000 × 4000) / 10000 = 0.015 → 1500 per 100,000
    var = (10 * (6000 / 2000) ** 2 + 30 * (4000 / 1000) ** 2) / 10000**2
    spread = math.sqrt(var / 40)
    result = dsr(counts, pops, std)
    assert result.value == pytest.approx(1500.0)
    assert result.lower == pytest.approx((0.015 + spread * (byars_lower(40) - 40)) * 1e5)
    assert result.upper == pytest.approx((0.015 + spread * (byars_upper(40) - 40)) * 1e5)
    value, lower, upper = result  # unpacks as a plain 3-tuple
    assert lower < value < upper and result.calculated and result.note is None


def test_dsr_with_one_band_is_the_crude_rate_with_byars_limits():
    result = dsr([40], [8000], [1])
    assert result.value == pytest.approx(500.0)
    assert result.lower == pytest.approx(byars_lower(40) / 8000 * 1e5)
    assert result.upper == pytest.approx(byars_upper(40) / 8000 * 1e5)


def test_dsr_under_ten_events_is_not_calculated():
    result = dsr([0] * 17 + [4, 5], [1000] * 19)
    assert all(math.isnan(v) for v in result)
    assert not result.calculated
    assert result.note == "not calculated: fewer than 10 events"
    assert result.total_count == 9
    assert dsr([0] * 17 + [5, 5], [1000] * 19).calculated  # 10 is enough


def test_dsr_treats_a_missing_count_as_zero_and_checks_lengths():
    assert dsr([None, 20], [100, 100], [1, 1]).value == pytest.approx(10000.0)
    with pytest.raises(UsageError, match="one entry per band"):
        dsr([1, 2], [100, 100, 100], [1, 1, 1])
    with pytest.raises(UsageError, match="populations"):
        dsr([10, 2], [100, 0], [1, 1])
