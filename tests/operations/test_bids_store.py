"""Bids in the store: recorded decisions and the before/after view of linked measures."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cancer_alliance.operations import actuals, bids
from cancer_alliance.store import connect


@pytest.fixture
def con(tmp_path):
    c = connect(tmp_path / "b.duckdb")
    bids.set_criteria(c, {"A": ("A", 0.6), "B": ("B", 0.4)})
    bids.add_bid(c, "X", "RDC", "RAA", "EARLY_DIAGNOSIS", {2024: 60, 2025: 40}, 10,
                 benefits={"FDS": (70.0, 80.0)})
    bids.add_bid(c, "Y", "PSFU", "RBB", "STRATIFIED_FOLLOW_UP", {2024: 50}, 10)
    bids.score_bid(c, "X", "ann", {"A": 5, "B": 5})  # 5.0
    bids.score_bid(c, "Y", "ann", {"A": 4, "B": 1})  # 0.6*4 + 0.4*1 = 2.8
    return c


def test_applied_decision_is_recorded_with_its_rule_and_statuses(con):
    d = bids.run_decision(con, budget=120, decided_by="board", apply=True)
    assert [a.bid_id for a in d.funded] == ["X"]  # X costs 100; Y (50) no longer fits in 20
    status = dict(con.execute("SELECT bid_id, status FROM bids").fetchall())
    assert status == {"X": "FUNDED", "Y": "NOT_FUNDED"}
    rule, result = con.execute("SELECT rule, result FROM funding_decisions").fetchone()
    assert "skipped" in rule
    assert [r["decision"] for r in json.loads(result)] == ["FUNDED", "SKIPPED_OVER_BUDGET"]
    assert [a.weighted_score for a in d.ranked] == pytest.approx([5.0, 2.8])


def test_before_after_means_around_first_spend(con, monkeypatch):
    months = [f"2024-0{i}" for i in range(1, 7)]
    fake = pd.DataFrame({"month": months, "value": [10.0, 20, 30, 40, 50, 60],
                         "numerator": 0.0, "denominator": 0.0})
    monkeypatch.setattr(actuals, "monthly", lambda con, code, org=actuals.ALLIANCE: fake)
    con.execute("INSERT INTO bid_spend VALUES ('X', '2024-04', 5), ('X', '2024-05', 5)")
    (rec,) = bids.before_after(con, "X")
    assert rec["since"] == "2024-04"
    assert rec["before"] == pytest.approx(20.0)  # Jan-Mar
    assert rec["after"] == pytest.approx(50.0)  # Apr-Jun
