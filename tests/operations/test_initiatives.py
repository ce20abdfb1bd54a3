"""Initiative evaluation: SPC rebased at go-live, shift judged against the baseline process."""

import pytest

from cancer_alliance.errors import UsageError
from cancer_alliance.operations.initiatives import evaluate

# Baseline: mean 11, every moving range 2 -> limits 11 +/- 2.66 * 2 = 5.68 .. 16.32.
BEFORE = [10, 12, 10, 12, 10, 12]


def test_run_of_seven_above_baseline_mean_is_a_real_shift():
    after = [15, 16, 15, 16, 15, 16, 15]  # mean 108/7, moving range 1 -> +/- 2.66
    ev = evaluate(BEFORE + after, go_live_index=6, improvement="increase")
    assert ev.mean_before == pytest.approx(11.0)
    assert ev.limits_before == pytest.approx((11 - 5.32, 11 + 5.32))
    assert ev.mean_after == pytest.approx(108 / 7)
    assert ev.limits_after == pytest.approx((108 / 7 - 2.66, 108 / 7 + 2.66))
    assert ev.change == pytest.approx(108 / 7 - 11)
    assert ev.shift_detected
    assert ev.signals == ["run of 7 months on the improvement side of the baseline mean"]
    assert ev.chart.segments[1].start == 6


def test_a_point_beyond_the_baseline_limit_is_a_real_shift():
    ev = evaluate(BEFORE + [11, 17, 11], go_live_index=6)
    assert ev.shift_detected
    assert ev.signals == ["beyond baseline limit at month position(s) [7]"]


def test_no_shift_when_after_stays_within_baseline_variation():
    ev = evaluate(BEFORE + [12, 10, 12, 11, 12, 10, 12], go_live_index=6)
    assert not ev.shift_detected and ev.signals == []
    assert ev.verdict.startswith("No real shift yet")


def test_direction_matters_a_rise_is_not_improvement_when_lower_is_better():
    ev = evaluate(BEFORE + [15, 16, 15, 16, 15, 16, 15], go_live_index=6, improvement="decrease")
    assert not ev.shift_detected
    assert ev.verdict.startswith("No improvement")
    ev = evaluate(BEFORE + [7, 6, 7, 6, 7, 6, 7], go_live_index=6, improvement="decrease")
    assert ev.shift_detected


def test_go_live_must_leave_months_on_both_sides():
    with pytest.raises(UsageError, match="go-live"):
        evaluate(BEFORE, go_live_index=6)
