"""Invariants checked on many generated inputs (hypothesis, derandomised for CI).

Set ``STATS_EXAMPLES`` to run more examples locally, e.g. ``STATS_EXAMPLES=5000``.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cancer_alliance.stats import (
    funnel_limits,
    protect,
    protect_count,
    protect_ratio,
    protect_table,
    spc,
    wilson_interval,
)

EXAMPLES = int(os.environ.get("STATS_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None)

counts = st.integers(min_value=0, max_value=60) | st.sampled_from([0.5, 3.5, 7.0, 7.5])
confidences = st.sampled_from([0.9, 0.95, 0.99, 0.998])


@SETTINGS
@given(st.integers(0, 5000), st.integers(1, 5000), confidences)
def test_wilson_interval_contains_the_proportion_and_stays_in_unit_range(x, n, confidence):
    x = min(x, n)
    lower, upper = wilson_interval(x, n, confidence)
    assert 0.0 <= lower <= x / n <= upper <= 1.0


@SETTINGS
@given(st.floats(0.01, 0.99), st.integers(1, 20000), st.integers(1, 20000), confidences)
def test_funnel_limits_widen_as_the_denominator_shrinks(p, n1, n2, confidence):
    small, large = sorted((n1, n2))
    lo_small, hi_small = funnel_limits(p, small, confidence)
    lo_large, hi_large = funnel_limits(p, large, confidence)
    assert lo_small <= lo_large + 1e-12
    assert hi_small >= hi_large - 1e-12
    assert lo_large <= p <= hi_large


@SETTINGS
@given(st.lists(st.lists(counts, min_size=3, max_size=3), min_size=1, max_size=8))
def test_no_small_count_survives_and_no_hidden_cell_is_recoverable(rows):
    parts = pd.DataFrame(rows, columns=["a", "b", "c"])
    parts["group"] = [f"g{i}" for i in range(len(parts))]
    parts["total"] = parts[["a", "b", "c"]].sum(axis=1)
    table = protect_table(parts, ["a", "b", "c", "total"], ["group"], total_col="total")
    cells = table[["a", "b", "c", "total"]]
    shown = cells.to_numpy(dtype=float, na_value=np.nan)
    visible = shown[~np.isnan(shown)]
    assert not ((visible > 0) & (visible < 8)).any()
    assert (visible % 5 == 0).all()
    hidden = cells.isna().to_numpy()
    # Each line is sum(parts) = total: down every column to the Total row, and across
    # every row to its total column. One hidden cell in a line could be solved for.
    for j in range(4):
        assert hidden[:, j].sum() != 1
    for r in range(hidden.shape[0]):
        assert hidden[r, :].sum() != 1


@SETTINGS
@given(st.integers(2, 4), st.integers(2, 3), st.data())
def test_no_hidden_cell_is_recoverable_from_the_margins_other_breakdowns_publish(
    n_a, n_b, data
):
    cells = data.draw(st.lists(counts, min_size=n_a * n_b, max_size=n_a * n_b))
    raw = pd.DataFrame({
        "a": [f"a{i}" for i in range(n_a) for _ in range(n_b)],
        "b": [f"b{j}" for _ in range(n_a) for j in range(n_b)],
        "n": cells,
    })
    table = protect_table(raw, ["n"], ["a", "b"])
    grid = table[table["a"] != "Total"]
    assert len(grid) == n_a * n_b
    shown = grid["n"].to_numpy(dtype=float, na_value=np.nan)
    visible = shown[~np.isnan(shown)]
    assert not ((visible > 0) & (visible < 8)).any()
    hidden = pd.Series(np.isnan(shown), index=grid.index)
    # The a-only and b-only breakdowns and the grand total publish these sums, so each
    # is a line sum(cells) = margin with a known margin: one hidden cell would be solved.
    for col in ("a", "b"):
        for _, line in hidden.groupby(grid[col]):
            assert line.sum() != 1
    assert hidden.sum() != 1 or pd.isna(table["n"].iloc[-1])


@SETTINGS
@given(st.lists(counts, min_size=1, max_size=12))
def test_protect_only_ever_shows_zero_or_multiples_of_five_from_ten(values):
    out = protect(pd.DataFrame({"n": values}), ["n"])["n"]
    for raw, shown in zip(values, out, strict=True):
        if raw == 0:
            assert shown == 0
        elif raw < 7.5:
            assert pd.isna(shown)
        else:
            assert shown >= 10 and shown % 5 == 0 and abs(shown - raw) <= 2.5


@SETTINGS
@given(st.lists(st.integers(0, 40), min_size=1, max_size=40), st.booleans())
def test_spc_points_are_special_exactly_when_a_rule_fired(values, screen):
    neutral = spc(values, improvement="neutral", screen_outliers=screen)
    rising = spc(values, improvement="increase", screen_outliers=screen)
    covered = [i for s in rising.segments for i in range(s.start, s.end + 1)]
    assert covered == list(range(len(values)))
    for p_neutral, p_rising in zip(neutral.points, rising.points, strict=True):
        assert (p_rising.point_type == "common_cause") == (not p_rising.rules)
        assert p_neutral.rules == p_rising.rules
    assert rising.variation == rising.points[-1].point_type


# Issue 13, part 4: a protected figure is either hidden or within rounding of the truth,
# percentages included, and secondary suppression still holds with percentages derived.

performance_rows = st.lists(
    st.tuples(st.integers(0, 400), st.integers(0, 400)).map(lambda t: (min(t), max(t)))
    | st.tuples(st.sampled_from([0.5, 3.5, 7.5, 8.5]), st.sampled_from([8.5, 17.5, 60.5])),
    min_size=1, max_size=8,
)


@SETTINGS
@given(performance_rows, st.booleans())
def test_a_protected_figure_is_hidden_or_within_rounding_of_the_truth(rows, total_row):
    raw = pd.DataFrame(rows, columns=["within", "total"])
    raw["breaches"] = raw["total"] - raw["within"]
    raw["group"] = [f"g{i}" for i in range(len(raw))]
    table = protect_table(raw, ["within", "breaches", "total"], ["group"], total_row=total_row,
                          total_col="total", percentages={"performance": ("within", "total")})
    truth = pd.concat([raw, pd.DataFrame([{"group": "Total", "within": raw["within"].sum(),
                                           "breaches": raw["breaches"].sum(),
                                           "total": raw["total"].sum()}])], ignore_index=True)
    truth = truth.set_index("group")
    for r in table.to_dict("records"):
        true = truth.loc[r["group"]]
        for col in ("within", "breaches", "total"):
            if not pd.isna(r[col]):
                assert abs(r[col] - true[col]) <= 2.5
        pct = r["performance"]
        if pct is None or pd.isna(pct):
            continue
        assert not any(pd.isna(r[c]) for c in ("within", "breaches", "total"))
        exact = 100 * true["within"] / true["total"]
        digits = 1 if r["total"] >= 4000 else 0
        assert abs(pct - exact) <= 0.5 * 10 ** -digits + 1e-9  # rounded for display only
        for count in (true["within"], true["breaches"], true["total"]):
            assert not 0 < count < 7.5  # a true percentage never gives a small count away
    hidden = table[["within", "breaches", "total"]].isna().to_numpy()
    for j in range(3):
        assert hidden[:, j].sum() != 1 or not total_row  # the Total row ends each column
    for i in range(hidden.shape[0]):
        assert hidden[i, :].sum() != 1


@SETTINGS
@given(st.floats(0, 400, allow_nan=False) | st.sampled_from([0.5, 7.0, 7.49, 7.5]),
       st.floats(0, 1000, allow_nan=False))
def test_a_ratio_to_a_shown_measure_is_hidden_with_its_count_or_the_truth(count, measure):
    """``protect_ratio`` (the capacity page's demand / capacity): the ratio is withheld
    exactly when its count is suppressed (or the measure is 0), and otherwise is the true
    ratio, never one made from the rounded count."""
    ratio = protect_ratio(count, measure)
    if measure <= 0 or protect_count(count) is None:
        assert ratio is None
    else:
        assert ratio == count / measure
    if 0 < count < 7.5:
        assert ratio is None  # times the exact measure it would give the small count back
