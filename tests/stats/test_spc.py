"""Making Data Count XmR charts, behaving as NHSRplotthedots' ptd_spc."""

from __future__ import annotations

import json
import math

import pytest

from cancer_alliance.errors import UsageError
from cancer_alliance.stats import spc

ALTERNATING = [10.0, 12.0] * 6  # mean 11, every moving range 2: limits 11 ± 5.32


def by_position(result):
    return {p.position: p for p in result.points}


def test_limits_are_mean_plus_minus_266_mean_moving_ranges_after_screening():
    values = [10, 12, 10, 12, 10, 12, 10, 30, 10, 12, 10, 12, 10, 12]
    mean = sum(values) / len(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    unscreened = sum(ranges) / len(ranges)
    kept = [r for r in ranges if r < 3.267 * unscreened]
    assert len(kept) == len(ranges) - 2  # the two jumps around 30 are screened out
    screened = sum(kept) / len(kept)

    seg = spc(values).segments[0]
    assert (seg.start, seg.end) == (0, 13)
    assert seg.mean == pytest.approx(mean)
    assert (seg.lower, seg.upper) == pytest.approx((mean - 2.66 * screened,
                                                    mean + 2.66 * screened))
    raw = spc(values, screen_outliers=False).segments[0]
    assert (raw.lower, raw.upper) == pytest.approx((mean - 2.66 * unscreened,
                                                    mean + 2.66 * unscreened))


def test_a_moving_range_exactly_at_the_screening_threshold_is_screened_out():
    # Moving ranges: eight of 748, one of 749 and one of 3267; their mean is exactly
    # 1000, so the 3267 sits exactly on 3.267 × mean MR. The package keeps only ranges
    # strictly below the threshold.
    values = [0, 748, 0, 748, 0, 748, 0, 748, 0, 749, 749 - 3267]
    assert 3.267 * 1000 == 3267  # precondition: the threshold is exact in floating point
    seg = spc(values).segments[0]
    mean = sum(values) / len(values)
    assert seg.upper == pytest.approx(mean + 2.66 * (8 * 748 + 749) / 9)


def test_a_point_beyond_a_limit_is_improvement_or_concern_by_direction():
    values = [10, 12, 10, 12, 10, 12, 10, 30, 10, 12, 10, 12, 10, 12]
    up = by_position(spc(values, improvement="increase"))[7]
    down = by_position(spc(values, improvement="decrease"))[7]
    flat = by_position(spc(values, improvement="neutral"))[7]
    assert "outside_limits" in up.rules and up.special_cause_type == "Above UCL"
    assert up.point_type == "special_cause_improvement"
    assert down.point_type == "special_cause_concern"
    assert flat.point_type == "special_cause_neutral_high"


def test_seven_points_on_one_side_of_the_mean_but_a_point_on_the_mean_breaks_the_run():
    broken = [6, 14, 6, 14, 6, 14, 11, 11, 11, 10, 11, 11, 11, 4]
    result = spc(broken)
    assert result.segments[0].mean == 10  # position 9 sits exactly on the mean
    assert all("seven_point_run" not in p.rules for p in result.points)

    unbroken = [6, 14, 6, 14, 6, 14, 11, 11, 11, 11, 11, 11, 11, 4]
    flagged = [p.position for p in spc(unbroken).points if "seven_point_run" in p.rules]
    assert flagged == list(range(5, 13))  # the 14 at position 5 starts the run of eight
    assert by_position(spc(unbroken))[8].special_cause_type == "7 Points Above CL"


def test_six_points_on_one_side_are_not_a_run():
    values = [6, 14, 6, 14, 6, 14, 6, 11, 11, 11, 11, 11, 11, 5]
    assert all("seven_point_run" not in p.rules for p in spc(values).points)


def test_seven_rising_points_are_a_trend_and_a_tie_breaks_it():
    rising = [*ALTERNATING, 9, 9.5, 10, 10.5, 11, 11.5, 12]
    result = spc(rising)
    flagged = [p.position for p in result.points if "seven_point_trend" in p.rules]
    assert flagged == list(range(12, 19))
    assert all(p.point_type == "special_cause_improvement" for p in result.points[12:])
    assert spc(rising, improvement="decrease").points[-1].point_type == "special_cause_concern"

    tied = [*ALTERNATING, 9, 9.5, 10, 10, 10.5, 11, 11.5, 12]
    assert all("seven_point_trend" not in p.rules for p in spc(tied).points)


def test_the_peak_between_a_rising_and_a_falling_trend_counts_as_falling():
    rise = [4.0, 4.2, 4.4, 4.6, 4.8, 5.0, 5.2]
    fall = [5.0, 4.8, 4.6, 4.4, 4.2, 4.0]
    points = by_position(spc([2.0, 8.0] * 6 + rise + fall))
    assert points[17].special_cause_type == "7 Point Trend (Increasing)"
    assert points[18].special_cause_type == "7 Point Trend (Decreasing)"
    assert points[18].point_type == "special_cause_concern"
    assert points[17].point_type == "special_cause_improvement"


def test_two_of_three_close_to_a_limit_on_the_same_side():
    base = [10.0, 12.0] * 8
    same_side = [*base, 16.0, 12.0, 16.2]
    result = spc(same_side)
    seg = result.segments[0]
    # precondition: 16 and 16.2 are beyond two thirds of the way to the limit, not out
    assert seg.near_upper < 16.0 < 16.2 < seg.upper
    assert seg.mean < 12.0 < seg.near_upper
    flagged = [p.position for p in result.points if "two_in_three" in p.rules]
    assert flagged == [16, 18]
    assert by_position(result)[16].special_cause_type == "2 in 3 Above CL"

    # close points on opposite sides of the mean are common cause (package test)
    opposite = [*base, 16.0, 7.0]
    seg = spc(opposite).segments[0]
    assert seg.lower < 7.0 < seg.near_lower and seg.near_upper < 16.0 < seg.upper
    assert [p.point_type for p in spc(opposite).points[-2:]] == ["common_cause"] * 2


def test_rule_precedence_outside_then_trend_then_two_in_three_then_run():
    points = by_position(spc([1.0, 2.0] * 6 + [3, 4, 5, 6, 7, 8, 9]))
    assert set(points[15].rules) == {"outside_limits", "seven_point_trend"}
    assert points[15].special_cause_type == "Above UCL"
    assert set(points[12].rules) == {"seven_point_run", "seven_point_trend"}
    assert points[12].special_cause_type == "7 Point Trend (Increasing)"
    assert set(points[0].rules) == {"seven_point_run", "two_in_three"}
    assert points[0].special_cause_type == "2 in 3 Below CL"
    assert points[1].rules == ["seven_point_run"]
    assert points[0].point_type == "special_cause_concern"


def test_rebase_gives_each_segment_its_own_limits_and_moving_ranges():
    values = [10.0, 12.0] * 7 + [20.0, 22.0] * 7
    result = spc(values, rebase_at=[14])
    first, second = result.segments
    assert (first.start, first.end, second.start, second.end) == (0, 13, 14, 27)
    assert first.mean == 11 and second.mean == 21
    # the 12 -> 20 jump is not a moving range of either segment
    assert (second.lower, second.upper) == pytest.approx((21 - 5.32, 21 + 5.32))
    assert all(p.point_type == "common_cause" for p in result.points)
    assert {p.segment for p in result.points[14:]} == {1}
    # without the rebase the step change is special cause
    assert spc(values).points[-1].point_type == "special_cause_improvement"


def test_fix_after_sets_limits_from_the_first_points_of_each_segment():
    values = [*ALTERNATING, 14, 14, 14, 14, 14, 14, 14, 14]
    fixed = spc(values, fix_after=12)
    seg = fixed.segments[0]
    assert seg.mean == 11 and seg.n_baseline == 12
    assert (seg.lower, seg.upper) == pytest.approx((11 - 5.32, 11 + 5.32))
    assert fixed.variation == "special_cause_improvement"  # run above the fixed mean
    assert spc(values).segments[0].mean != 11


def test_fix_after_below_twelve_is_refused_as_the_package_does():
    with pytest.raises(UsageError, match="at least 12"):
        spc(ALTERNATING * 2, fix_after=6)


@pytest.mark.parametrize(
    ("improvement", "target", "expected"),
    [
        ("increase", 17, "consistent_fail"),
        ("increase", 5, "consistent_pass"),
        ("increase", 11, "inconsistent"),
        ("decrease", 17, "consistent_pass"),
        ("decrease", 5, "consistent_fail"),
        ("decrease", 11, "inconsistent"),
        ("neutral", 17, None),
        ("increase", None, None),
    ],
)
def test_assurance_against_a_target(improvement, target, expected):
    assert spc(ALTERNATING, improvement=improvement, target=target).assurance == expected


def test_a_target_exactly_on_a_limit_is_inconsistent():
    seg = spc(ALTERNATING).segments[0]
    assert spc(ALTERNATING, target=seg.upper).assurance == "inconsistent"
    assert spc(ALTERNATING, target=seg.lower, improvement="decrease").assurance == "inconsistent"


def test_assurance_uses_the_last_segments_limits():
    values = [10.0, 12.0] * 7 + [20.0, 22.0] * 7
    assert spc(values, target=15, rebase_at=[14]).assurance == "consistent_pass"


def test_variation_is_the_latest_points_type():
    result = spc([*ALTERNATING, 30.0])
    assert result.variation == result.points[-1].point_type == "special_cause_improvement"
    assert spc(ALTERNATING).variation == "common_cause"


def test_fewer_than_twelve_points_in_a_segment_warns():
    assert spc(ALTERNATING).warnings == []
    short = spc(ALTERNATING[:11])
    assert len(short.warnings) == 1 and "11 points" in short.warnings[0]
    rebased = spc(ALTERNATING * 2, rebase_at=[20])
    assert len(rebased.warnings) == 1 and "positions 20-23" in rebased.warnings[0]


def test_a_constant_series_has_undefined_limits_and_only_common_cause():
    result = spc([7.0] * 15, target=5)
    seg = result.segments[0]
    assert seg.mean == 7 and math.isnan(seg.lower) and math.isnan(seg.upper)
    assert all(p.point_type == "common_cause" for p in result.points)
    assert result.assurance is None
    assert any("no usable moving range" in w for w in result.warnings)
    data = result.to_dict()
    assert data["segments"][0]["lower"] is None
    json.dumps(data)  # JSON-ready: no NaN


def test_to_dict_has_the_documented_shape():
    data = spc([*ALTERNATING, 30.0], target=20).to_dict()
    assert set(data) >= {"segments", "points", "variation", "assurance", "warnings"}
    assert set(data["segments"][0]) >= {"start", "end", "mean", "lower", "upper"}
    assert set(data["points"][0]) >= {"rules", "point_type", "value", "position"}
    json.dumps(data)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"values": [1, 2, float("nan")]}, "position 2"),
        ({"values": []}, "at least one"),
        ({"values": [1, 2, 3], "improvement": "up"}, "increase"),
        ({"values": [1, 2, 3], "rebase_at": [3]}, "rebase_at position 3"),
    ],
)
def test_bad_input_is_explained(kwargs, words):
    with pytest.raises(UsageError, match=words):
        spc(**kwargs)


# The cases below fix the limits on the first 12 points (mean 11, mean moving range 2:
# limits 11 ± 5.32, two-thirds lines 11 ± 3.5467) so that the points added after them
# are judged against known limits, as NHSRplotthedots' fix_after_n_points does.


def fixed_segment():
    return spc(ALTERNATING, fix_after=12).segments[0]


def test_a_point_exactly_on_a_process_limit_is_not_outside_it():
    seg = fixed_segment()
    assert (seg.lower, seg.upper) == pytest.approx((5.68, 16.32))
    on = spc([*ALTERNATING, seg.upper, seg.lower], fix_after=12).points
    assert all("outside_limits" not in p.rules for p in on)
    beyond = spc([*ALTERNATING, seg.upper + 0.01], fix_after=12).points[-1]
    assert beyond.rules == ["outside_limits"]


def test_a_point_exactly_on_the_two_thirds_line_is_not_close_to_the_limit():
    seg = fixed_segment()
    assert seg.near_upper == pytest.approx(11 + 2 * 2.66 / 3 * 2)
    on_line = spc([*ALTERNATING, seg.near_upper, seg.near_upper], fix_after=12)
    assert all(p.point_type == "common_cause" for p in on_line.points)
    just_past = spc([*ALTERNATING, seg.near_upper + 0.01, seg.near_upper + 0.01], fix_after=12)
    assert [p.rules for p in just_past.points[-2:]] == [["two_in_three"]] * 2
    assert just_past.variation == "special_cause_improvement"


def test_a_point_beyond_the_limit_does_not_count_towards_two_in_three():
    # 20 is outside; 15 is close (between 14.55 and 16.32). The package counts only
    # points between the two-thirds line and the limit, so the 15 stays common cause.
    points = spc([*ALTERNATING, 20.0, 15.0], fix_after=12).points
    assert points[-2].rules == ["outside_limits"]
    assert points[-1].rules == [] and points[-1].point_type == "common_cause"
    both_close = spc([*ALTERNATING, 15.0, 15.0], fix_after=12).points
    assert [p.rules for p in both_close[-2:]] == [["two_in_three"]] * 2


def test_a_run_below_the_mean_is_neutral_low_or_improvement_by_direction():
    values = [*ALTERNATING, *([9.0] * 7)]  # seven 9s: below 11, above 7.45
    neutral = spc(values, improvement="neutral", fix_after=12)
    assert [p.special_cause_type for p in neutral.points[12:]] == ["7 Points Below CL"] * 7
    assert neutral.variation == "special_cause_neutral_low"
    assert spc(values, improvement="decrease", fix_after=12).variation == \
        "special_cause_improvement"
    assert spc(values[:-1], improvement="decrease", fix_after=12).variation == "common_cause"


def test_fix_after_applies_to_the_start_of_every_segment():
    values = [*ALTERNATING, 30.0, 30.0, 30.0, *([20.0, 22.0] * 6), 40.0, 40.0]
    result = spc(values, rebase_at=[15], fix_after=12)
    first, second = result.segments
    assert (first.start, first.end, second.start, second.end) == (0, 14, 15, 28)
    assert first.mean == 11 and second.mean == 21
    assert first.n_baseline == second.n_baseline == 12
    assert (second.lower, second.upper) == pytest.approx((21 - 5.32, 21 + 5.32))
    outside = [p.position for p in result.points if "outside_limits" in p.rules]
    assert outside == [12, 13, 14, 27, 28]
    assert result.warnings == []  # 15 and 14 points: neither segment is short


def test_variation_icon_takes_high_or_low_from_the_improvement_direction():
    # A falling seven-point trend that stays above the mean (11): concern for a
    # higher-is-better measure, shown as the "low" concern icon as NHSRplotthedots
    # does, although the point itself is above the mean.
    falling = [*ALTERNATING, 16.0, 15.5, 15.0, 14.5, 14.0, 13.5, 13.0]
    up = spc(falling, improvement="increase", fix_after=12)
    assert up.points[-1].value > up.segments[0].mean
    assert up.variation == "special_cause_concern"
    assert up.variation_icon == "concern_low"
    down = spc(falling, improvement="decrease", fix_after=12)
    assert (down.variation, down.variation_icon) == ("special_cause_improvement",
                                                     "improvement_low")
    assert spc(falling, improvement="neutral", fix_after=12).variation_icon == "neutral_low"
    rising = spc([*ALTERNATING, 30.0], improvement="decrease", fix_after=12)
    assert (rising.variation, rising.variation_icon) == ("special_cause_concern",
                                                         "concern_high")
    assert spc([*ALTERNATING, 30.0], fix_after=12).variation_icon == "improvement_high"
    assert spc(ALTERNATING).variation_icon == "common_cause"
