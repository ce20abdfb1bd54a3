"""A protected viewer's equity gaps never give a withheld percentage back (issue 14).

Each gap is a group's performance minus the reference group's (the largest), computed on
the true counts. Beside any shown percentage, a shown gap gives the reference's back, so
where the reference's percentage is withheld (here 100 of 103 within: 3 breaches), every
gap is withheld; where only a group's own is, only its gap is. Hand-worked counts fed to
``population.equity_table`` in place of the store's.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cancer_alliance.auth.model import Actor
from cancer_alliance.web import data
from cancer_alliance.web.views import population

BOARD = Actor("b", "board", None)
ANALYST = Actor("a", "analyst", None)


def _table(monkeypatch, rows, actor):
    df = pd.DataFrame(rows, columns=["ethnic_group", "within", "total"])
    df["breaches"] = df["total"] - df["within"]
    monkeypatch.setattr(data, "metric", lambda con, code, by, period=None: df.copy())
    gap = population.equity_table(None, actor, "FDS", "ethnic_group", "2024-04")
    return {g: d for g, d in zip(gap["group"], gap["difference"], strict=True)}


def test_every_gap_is_withheld_where_the_reference_percentage_is(monkeypatch):
    rows = [("A", 100, 103), ("B", 30, 40), ("C", 20, 30)]
    exact = _table(monkeypatch, rows, ANALYST)
    assert exact["B"] == pytest.approx(75 - 100 * 100 / 103)  # the gap exists for staff
    shown = _table(monkeypatch, rows, BOARD)
    assert all(math.isnan(d) for d in shown.values()), shown


def test_only_a_groups_own_gap_is_withheld_where_its_percentage_is(monkeypatch):
    rows = [("A", 60, 100), ("B", 37, 40), ("C", 20, 30)]  # B: 3 breaches, withheld
    shown = _table(monkeypatch, rows, BOARD)
    assert math.isnan(shown["B"])
    assert shown["C"] == pytest.approx(100 * (20 / 30 - 0.6))
    assert shown["A"] == 0
