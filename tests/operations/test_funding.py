"""Value framework, funding decision and funding-rule simulation, against hand-worked numbers."""

import pandas as pd
import pytest

from cancer_alliance.errors import UsageError
from cancer_alliance.operations import funding as f

WEIGHTS = {"A": 0.5, "B": 0.3, "C": 0.2}


def _scores(bid, assessor, a, b, c):
    return [f.Score(bid, assessor, k, v) for k, v in zip("ABC", (a, b, c), strict=True)]


BIDS = [
    f.Bid("X", "Rapid diagnostic centre", total_cost=100_000, expected_benefit=200),
    f.Bid("Y", "Lung health checks", total_cost=80_000, expected_benefit=40),
    f.Bid("Z", "Stratified follow-up", total_cost=30_000, expected_benefit=90),
]
SCORES = (
    _scores("X", "ann", 4, 3, 5)
    + _scores("X", "bob", 2, 5, 3)  # X means: A 3, B 4, C 4 -> 0.5*3 + 0.3*4 + 0.2*4 = 3.5
    + _scores("Y", "ann", 5, 5, 0)  # Y: 2.5 + 1.5 + 0 = 4.0
    + _scores("Z", "bob", 3, 3, 3)  # Z: 3.0
)


def test_assess_averages_assessors_then_weights():
    got = {a.bid_id: a for a in f.assess(BIDS, SCORES, WEIGHTS)}
    assert got["X"].criterion_means == {"A": 3.0, "B": 4.0, "C": 4.0}
    assert got["X"].assessors == 2
    assert got["X"].weighted_score == pytest.approx(3.5)
    assert got["Y"].weighted_score == pytest.approx(4.0)
    assert got["Z"].weighted_score == pytest.approx(3.0)
    assert got["X"].value_for_money == pytest.approx(200 / 100_000)
    assert got["Z"].value_for_money == pytest.approx(0.003)


def test_decide_greedy_within_budget_skips_what_does_not_fit():
    d = f.decide(f.assess(BIDS, SCORES, WEIGHTS), budget=150_000)
    assert [(a.bid_id, a.rank, a.decision) for a in d.ranked] == [
        ("Y", 1, "FUNDED"),  # 150k -> 70k left
        ("X", 2, "SKIPPED_OVER_BUDGET"),  # 100k does not fit in 70k
        ("Z", 3, "FUNDED"),  # 30k fits -> 40k left
    ]
    assert d.funded_total == pytest.approx(110_000)
    assert d.remaining == pytest.approx(40_000)
    assert "skipped" in d.rule and "weighted score" in d.rule


def test_decide_ties_go_to_better_value_for_money_and_minimum_score():
    bids = [f.Bid("P", "p", 10, 10), f.Bid("Q", "q", 10, 30)]
    scores = _scores("P", "ann", 3, 3, 3) + _scores("Q", "ann", 3, 3, 3)
    d = f.decide(f.assess(bids, scores, WEIGHTS), budget=100, min_score=3.5)
    assert [a.bid_id for a in d.ranked] == ["Q", "P"]
    assert {a.decision for a in d.ranked} == {"BELOW_MINIMUM"}
    assert d.funded_total == 0


def test_incomplete_scores_are_not_ranked():
    scores = [f.Score("X", "ann", "A", 5)]
    d = f.decide(f.assess(BIDS[:1], scores, WEIGHTS), budget=1e6)
    assert d.ranked[0].decision == "NOT_SCORED" and d.ranked[0].weighted_score is None


@pytest.mark.parametrize(
    "weights", [{"A": 0.5, "B": 0.4}, {"A": 1.2, "B": -0.2}, {}], ids=["sum", "neg", "empty"]
)
def test_weights_must_sum_to_one(weights):
    with pytest.raises(UsageError):
        f.check_weights(weights)


def test_scores_outside_zero_to_five_are_refused():
    with pytest.raises(UsageError, match="outside 0-5"):
        f.assess(BIDS, [f.Score("X", "ann", "A", 6)], WEIGHTS)


RULE = {
    "standard": "62_DAY",
    "pot_per_quarter": 90_000,
    "split": "equal",
    "pay_if": {"meets_threshold": True, "improves_by_points": 5},
    "unconditional_split": "activity",
}
RESULTS = [
    f.QuarterResult("RAA", "2024-Q1", total=100, within=90, threshold=85),  # 90% met
    f.QuarterResult("RBB", "2024-Q1", total=200, within=150, threshold=85),  # 75%, first quarter
    f.QuarterResult("RAA", "2024-Q2", total=100, within=80, threshold=85),  # 80%, -10 points
    f.QuarterResult("RBB", "2024-Q2", total=200, within=162, threshold=85),  # 81%, +6 points
]


def test_rule_simulation_hand_worked():
    rows = {(r["provider_code"], r["quarter"]): r for r in f.simulate_rule(RULE, RESULTS)}
    assert rows["RAA", "2024-Q1"]["paid"] == pytest.approx(45_000)
    assert rows["RAA", "2024-Q1"]["reason"] == "met threshold"
    assert rows["RBB", "2024-Q1"]["paid"] == 0
    assert rows["RAA", "2024-Q2"]["paid"] == 0
    assert rows["RAA", "2024-Q2"]["change_points"] == pytest.approx(-10)
    assert rows["RBB", "2024-Q2"]["paid"] == pytest.approx(45_000)
    assert rows["RBB", "2024-Q2"]["reason"] == "improved"
    # unconditional: by activity, 100 : 200 of a 90k pot
    assert rows["RAA", "2024-Q1"]["unconditional"] == pytest.approx(30_000)
    assert rows["RBB", "2024-Q2"]["unconditional"] == pytest.approx(60_000)
    summary = {s["provider_code"]: s for s in f.summarise_simulation(rows.values())}
    assert summary["RAA"]["paid"] == pytest.approx(45_000)
    assert summary["RAA"]["difference"] == pytest.approx(45_000 - 60_000)
    assert summary["RBB"]["difference"] == pytest.approx(45_000 - 120_000)
    assert summary["RBB"]["quarters_paid"] == 1


def test_rule_activity_split_and_explicit_threshold():
    rule = dict(RULE, split="activity", threshold=80, pay_if={"meets_threshold": True})
    rows = {(r["provider_code"], r["quarter"]): r for r in f.simulate_rule(rule, RESULTS)}
    assert rows["RAA", "2024-Q2"]["paid"] == pytest.approx(30_000)  # 80% meets 80
    assert rows["RBB", "2024-Q1"]["paid"] == 0  # 75% < 80
    assert rows["RBB", "2024-Q2"]["paid"] == pytest.approx(60_000)
    assert "80%" in f.describe_rule(rule)


def test_quarter_results_sum_counts_not_percentages():
    monthly = pd.DataFrame(
        {
            "provider_code": ["RAA", "RAA", "RAA", "RBB"],
            "period": ["2024-04", "2024-05", "2024-07", "2024-12"],
            "total": [10, 90, 5, 4],
            "within": [0, 90, 5, 4],
            "threshold": [85.0, 85.0, 85.0, 1.0],
        }
    )
    q = f.quarter_results(monthly)
    assert [(r.provider_code, r.quarter, r.total, r.within, r.threshold) for r in q] == [
        ("RAA", "2024-Q2", 100, 90, 85.0),  # 90% from counts; the mean of 0% and 100%: 50%
        ("RAA", "2024-Q3", 5, 5, 85.0),
        ("RBB", "2024-Q4", 4, 4, 1.0),  # a 1% threshold is 1%, not a fraction read as 100%
    ]


def test_rule_missing_keys_refused():
    with pytest.raises(UsageError, match="pot_per_quarter"):
        f.simulate_rule({"standard": "FDS", "pay_if": {}}, RESULTS)
