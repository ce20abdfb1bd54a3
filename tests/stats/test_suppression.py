"""Small-number protection: primary suppression, rounding, percentages, secondary."""

from __future__ import annotations

import pandas as pd
import pytest

from cancer_alliance.errors import UsageError
from cancer_alliance.stats import (
    assert_protected,
    display,
    protect,
    protect_count,
    protect_percentage,
    protect_ratio,
    protect_table,
)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [(0, 0), (1, None), (7, None), (0.5, None), (7.4, None), (7.5, 10), (8, 10), (12, 10),
     (12.5, 15), (13, 15), (1003, 1005)],
)
def test_counts_one_to_seven_are_suppressed_and_others_rounded_to_five(raw, shown):
    assert protect_count(raw) == shown


def test_national_counts_are_shown_as_they_are():
    assert protect_count(3, national=True) == 3
    assert protect_count(7.5, national=True) == 7.5


def test_percentages_come_from_the_true_counts_and_are_rounded_for_display_only():
    assert protect_percentage(8, 17) == 47  # true 47.06%; 0 dp below 4,000
    assert protect_percentage(3000, 4000) == 75.0
    assert protect_percentage(2999, 4003) == pytest.approx(74.9)  # 1 dp: 4,003 shows as 4,005
    assert protect_percentage(2999, 3997) == 75  # 3,997 shows as 3,995: 0 dp
    assert protect_percentage(None, 20) is None
    assert protect_percentage(10, None) is None
    assert protect_percentage(0, 0) is None


@pytest.mark.parametrize(("num", "den"), [(5, 40), (38, 40), (3, 5), (19, 20), (7, 7)])
def test_a_percentage_that_would_reveal_a_small_count_is_withheld(num, den):
    # 19 of 20 shown as 95% gives away 1 breach; 5 of 40 gives away 5 within.
    assert protect_percentage(num, den) is None


def test_whole_and_empty_percentages_reveal_no_small_count():
    assert protect_percentage(20, 20) == 100  # 0 breaches is not a small count
    assert protect_percentage(0, 20) == 0
    assert protect_percentage(20, 20, hidden=True) is None


def test_issue_13_public_tile_shows_the_truth_not_the_rounded_ratio():
    # Issue 13: 8 within of 17 showed as 10/15 = 67%; the truth is 47%.
    raw = pd.DataFrame({"provider": ["RAA"], "within": [8], "breaches": [9], "total": [17]})
    table = protect_table(raw, ["within", "breaches", "total"], ["provider"], total_row=False,
                          total_col="total", percentages={"performance": ("within", "total")})
    assert table.loc[0, ["within", "breaches", "total"]].tolist() == [10, 10, 15]
    assert table.loc[0, "performance"] == 47


def test_a_ratio_to_a_shown_measure_is_withheld_where_its_count_is_suppressed():
    # The capacity page: capacity 7 shown exactly, demand 7.28 suppressed; 104% beside
    # the 7 would give the demand back, so the ratio is withheld with the count.
    assert protect_count(7.28) is None
    assert protect_ratio(7.28, 7) is None
    assert protect_ratio(7.5, 7) == pytest.approx(7.5 / 7)  # shown (as 10), so is its ratio
    assert protect_ratio(245.3, 260) == pytest.approx(245.3 / 260)  # the truth, not 245/260
    assert protect_ratio(0, 12) == 0  # none at all is not a small count
    assert protect_ratio(30, 0) is None
    assert protect_ratio(None, 12) is None
    assert protect_ratio(30, float("nan")) is None


def test_display_marks_suppressed_cells_with_a_star():
    table = protect_table(pd.DataFrame({"g": ["a", "b"], "n": [3, 40]}), ["n"], ["g"])
    assert [display(v) for v in table["n"]] == ["*", "*", "45"]


def test_shares_are_summed_before_protection():
    # Fifteen half-shares are 7.5 pathways: rounded to 10, never suppressed piecemeal.
    rows = pd.DataFrame({"provider": ["RAA"] * 15, "within": [0.5] * 15})
    table = protect_table(rows, ["within"], ["provider"], total_row=False)
    assert table["within"].tolist() == [10]


def test_one_suppressed_cell_in_a_column_forces_the_next_smallest():
    raw = pd.DataFrame({"provider": ["RAA", "RBB", "RCC", "RDD"],
                        "breaches": [4, 0, 23, 61]})
    table = protect_table(raw, ["breaches"], ["provider"]).set_index("provider")
    assert pd.isna(table.loc["RAA", "breaches"])
    assert pd.isna(table.loc["RCC", "breaches"])  # smallest non-zero visible cell
    assert table.loc["RBB", "breaches"] == 0
    assert table.loc["RDD", "breaches"] == 60
    assert table.loc["Total", "breaches"] == 90  # 88 rounded


def test_a_row_total_column_protects_its_parts():
    raw = pd.DataFrame({"provider": ["RAA", "RBB"], "within": [95, 40],
                        "breaches": [3, 20], "total": [98, 60]})
    table = protect(raw, ["within", "breaches", "total"], total_col="total")
    assert pd.isna(table.loc[0, "breaches"]) and pd.isna(table.loc[0, "within"])
    assert table.loc[0, "total"] == 100
    assert table.loc[1, ["within", "breaches", "total"]].tolist() == [40, 20, 60]


def test_when_no_other_part_is_visible_the_total_is_suppressed():
    # y = 3 is the only part of t: t - (nothing) would give it away, so t goes too.
    single = protect(pd.DataFrame({"y": [3], "t": [15]}), ["y", "t"], total_col="t")
    assert pd.isna(single.loc[0, "y"]) and pd.isna(single.loc[0, "t"])
    # with a second part, that part is hidden instead and the total stays
    pair = protect(pd.DataFrame({"x": [12], "y": [3], "t": [15]}), ["x", "y", "t"],
                   total_col="t")
    assert pd.isna(pair.loc[0, "x"]) and pair.loc[0, "t"] == 15


def test_performance_is_withheld_where_its_total_is_suppressed():
    raw = pd.DataFrame({"provider": ["RAA", "RBB", "RCC"], "within": [5, 80, 150],
                        "total": [6, 100, 160]})
    table = protect_table(raw, ["within", "total"], ["provider"],
                          percentages={"performance": ("within", "total")})
    table = table.set_index("provider")
    assert pd.isna(table.loc["RAA", "performance"])
    assert table.loc["RCC", "performance"] == round(100 * 150 / 160)
    # from the true 235 / 266 (88.3%), not the protected 235 / 265 (88.7%)
    assert table.loc["Total", "performance"] == 88


def test_protection_cannot_be_bypassed_by_another_breakdown():
    # Pathways by provider and sex: any breakdown is built from the same raw rows.
    raw = pd.DataFrame({
        "provider": ["RAA", "RAA", "RBB", "RBB"],
        "sex": ["1", "2", "1", "2"],
        "count": [40, 3, 52, 61],
    })
    for groups in (["provider", "sex"], ["sex"], ["provider"]):
        table = protect_table(raw, ["count"], groups)
        shown = table["count"].dropna().tolist()
        assert all(v == 0 or v >= 10 for v in shown)
        assert all(v % 5 == 0 for v in shown)
    # The provider-only and sex-only tables publish RAA = 45 and sex 2 = 65. Had the
    # cross table hidden only the 3 and the 40, its RBB/sex-2 figure of 60 would give
    # RAA/sex 2 away as 65 - 60. Every margin is a line, so all four cells go.
    by_both = protect_table(raw, ["count"], ["provider", "sex"])
    assert by_both["count"].iloc[:4].isna().all()
    assert by_both["count"].iloc[4] == 155  # 156 rounded


def test_margins_of_a_two_way_table_drive_secondary_suppression():
    # Providers by phase. RAA's first-phase 3 is primary. Worked by hand:
    # RAA's own margin (53) would reveal it from the 50, so the 50 goes; the first-phase
    # margin (53) would reveal it from 20 and 30, so the smaller, RBB's 20, goes; now
    # the subsequent-phase margin (180) has one hidden cell (the 50), so the smallest
    # other one, RBB's 60, goes. Every line then has two hidden cells or none.
    raw = pd.DataFrame({
        "provider": ["RAA", "RAA", "RBB", "RBB", "RCC", "RCC"],
        "phase": ["first", "subsequent"] * 3,
        "count": [3, 50, 20, 60, 30, 70],
    })
    table = protect_table(raw, ["count"], ["provider", "phase"])
    keys = zip(table["provider"], table["phase"], strict=True)
    shown = dict(zip(keys, table["count"], strict=True))
    for cell in [("RAA", "first"), ("RAA", "subsequent"), ("RBB", "first"),
                 ("RBB", "subsequent")]:
        assert pd.isna(shown[cell]), cell
    assert shown[("RCC", "first")] == 30 and shown[("RCC", "subsequent")] == 70
    assert shown[("Total", "Total")] == 235  # 233 rounded
    # one grouping column has no margins but the grand total: only the 3 and the 20 go
    single = protect_table(raw.assign(key=raw["provider"] + raw["phase"]), ["count"], ["key"])
    assert single["count"].isna().sum() == 2


def test_a_protected_table_is_marked_and_cannot_be_protected_twice():
    table = protect_table(pd.DataFrame({"g": ["a"], "n": [20]}), ["n"], ["g"])
    assert_protected(table)
    with pytest.raises(UsageError, match="already protected"):
        protect_table(table, ["n"], ["g"])
    with pytest.raises(UsageError, match="not been through"):
        assert_protected(pd.DataFrame({"n": [20]}))


def test_national_tables_keep_their_figures():
    raw = pd.DataFrame({"g": ["a", "b"], "within": [3, 40.5], "total": [4, 50]})
    table = protect_table(raw, ["within", "total"], ["g"], national=True,
                          percentages={"performance": ("within", "total")})
    assert table["within"].tolist() == [3, 40.5, 43.5]
    assert table["performance"].tolist()[0] == 75.0
    assert_protected(table)


def test_negative_or_missing_counts_are_refused():
    with pytest.raises(UsageError, match="0 or more"):
        protect(pd.DataFrame({"n": [-1]}), ["n"])
    with pytest.raises(UsageError, match="missing"):
        protect(pd.DataFrame({"n": [None, 1.0]}), ["n"])


def test_hidden_cells_stay_unrecoverable_even_when_the_total_row_is_not_shown():
    # The alliance total appears elsewhere (a headline), so the 40 must still hide the 3.
    raw = pd.DataFrame({"age_band": ["0-64", "65+"], "count": [40, 3]})
    table = protect_table(raw, ["count"], ["age_band"], total_row=False)
    assert len(table) == 2 and table["count"].isna().all()
    assert_protected(table)


def test_margin_groups_lists_every_coarser_breakdown():
    from cancer_alliance.stats.suppression import margin_groups

    grid = pd.DataFrame([(a, b, c) for a in "xy" for b in "pq" for c in "uv"],
                        columns=["a", "b", "c"])
    sets = margin_groups(grid, ["a", "b", "c"], list(range(len(grid))))
    # by a, by b, by c: 2 margins of 4 cells each; by (a,b), (a,c), (b,c): 4 of 2 each
    assert sorted(len(s) for s in sets) == [2] * 12 + [4] * 6
    assert [0, 1, 2, 3] in sets  # a = x
    assert [0, 2, 4, 6] in sets  # c = u
    assert margin_groups(grid, ["a"], list(range(len(grid)))) == []
