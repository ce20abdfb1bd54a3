"""The hand-written Making Data Count rules, on the edge cases NHSRplotthedots tests."""

from __future__ import annotations

from cancer_alliance.stats.spc_rules import (
    part_of_window,
    run_ends,
    trend_direction,
    trend_ends,
    two_in_three,
)


def test_run_needs_seven_equal_nonzero_sides():
    assert run_ends([]) == []
    assert run_ends([1] * 6) == [0] * 6
    assert run_ends([-1] * 6 + [1]) == [0] * 7
    assert run_ends([-1] * 8 + [1]) == [0] * 6 + [-1, -1, 0]
    # a point on the mean (side 0) breaks the run
    assert run_ends([1, 1, 1, 0, 1, 1, 1, 1]) == [0] * 8
    # seven points on the mean are not a run
    assert run_ends([0] * 7) == [0] * 7


def test_every_point_of_a_seven_point_pattern_is_part_of_it():
    assert part_of_window([]) == []
    assert part_of_window([0] * 6 + [1, 0]) == [True] * 7 + [False]
    assert part_of_window([0] * 7 + [-1, 0]) == [False] + [True] * 7 + [False]


def test_trend_needs_six_strict_steps_in_one_direction():
    assert trend_ends([3.0, 4, 5, 6, 7, 8]) == [0] * 6
    assert trend_ends([3.0, 4, 5, 6, 7, 8, 9]) == [0] * 6 + [1]
    assert trend_ends([9.0, 8, 7, 6, 5, 4, 3]) == [0] * 6 + [-1]
    assert trend_ends([5.0, 3, 4, 5, 6, 7, 8, 9, 2]) == [0] * 7 + [1, 0]
    # a tie breaks a trend
    assert trend_ends([1.0, 2, 3, 3, 4, 5, 6]) == [0] * 7


def test_two_in_three_flags_only_the_close_points_when_all_three_share_a_side():
    same = [1, 1, 1, 1, 1, 1, 1]
    assert two_in_three([True, False, True], [1, 1, 1]) == [True, False, True]
    assert two_in_three([False, True, True], [-1, -1, -1]) == [False, True, True]
    assert two_in_three([False, False, True, False, True, False, False], same) == [
        False, False, True, False, True, False, False]
    # close points three apart are never in one window
    assert two_in_three([True, False, False, True], [1, 1, 1, 1]) == [False] * 4
    assert two_in_three([True, False, False, True, True], [1] * 5) == [
        False, False, False, True, True]
    # a window whose third point is across the mean does not count
    assert two_in_three([True, False, True], [1, -1, 1]) == [False] * 3
    assert two_in_three([True, True, False], [1, -1, 1]) == [False] * 3


def test_trend_direction_uses_the_step_to_the_right_inside_a_trend():
    values = [1.0, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    in_trend = [True] * 13
    directions = trend_direction(values, in_trend)
    assert directions[:6] == [1] * 6  # inside a trend a point looks right
    assert directions[6] == -1  # the peak belongs to the falling trend
    assert directions[-1] == -1
