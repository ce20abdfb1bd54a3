"""Each trust's contribution to the alliance's breaches, by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from cancer_alliance.metrics.contribution import breach_contribution


def _units(*rows):
    return pd.DataFrame(rows, columns=["provider_code", "total", "within"])


def test_three_trusts_at_85_percent_by_hand():
    # A: 100 patients, 70 within -> 30 breaches; at 85% it would have 15: excess 15.
    # B: 200 patients, 180 within -> 20 breaches; allowed 30: excess -10 (carrying others).
    # C: 20 patients, 15 within -> 5 breaches; allowed 3: excess 2.
    # Alliance: 320 patients, 55 breaches, allowed 48: excess 7 = 15 - 10 + 2.
    out = breach_contribution(_units(("B", 200, 180), ("A", 100, 70), ("C", 20, 15)),
                              "provider_code", 85)
    assert out["provider_code"].tolist() == ["A", "C", "B"]
    by = out.set_index("provider_code")
    assert by.loc["A", "breaches"] == 30 and by.loc["A", "allowed"] == pytest.approx(15)
    assert by.loc["A", "excess"] == pytest.approx(15)
    assert by.loc["B", "excess"] == pytest.approx(-10)
    assert by.loc["C", "excess"] == pytest.approx(2)
    assert out["excess"].sum() == pytest.approx(55 - 320 * 0.15)
    # A at 85% would lift the alliance by 15 of 320 patients: 4.6875 points
    assert by.loc["A", "gain_points"] == pytest.approx(15 / 320 * 100)
    assert by.loc["B", "gain_points"] == 0
    # shares of the positive excess (15 + 2 = 17)
    assert by.loc["A", "share_of_excess"] == pytest.approx(15 / 17 * 100)
    assert by.loc["C", "share_of_excess"] == pytest.approx(2 / 17 * 100)
    assert by.loc["B", "share_of_excess"] == 0


def test_half_patients_are_kept_and_rows_of_one_unit_add_up():
    # two rows for A (e.g. two months): 10.5 patients, 6.5 within -> 4 breaches;
    # at 75% it would have 2.625: excess 1.375
    out = breach_contribution(_units(("A", 6, 4), ("A", 4.5, 2.5)), "provider_code", 75)
    assert out.loc[0, "total"] == 10.5 and out.loc[0, "breaches"] == 4
    assert out.loc[0, "excess"] == pytest.approx(1.375)


def test_every_unit_at_or_above_the_threshold_has_no_share():
    out = breach_contribution(_units(("A", 10, 10), ("B", 20, 19)), "provider_code", 93)
    assert (out["gain_points"] == 0).all() and out["share_of_excess"].isna().all()
    # a unit exactly at the threshold has no excess
    out = breach_contribution(_units(("A", 100, 85)), "provider_code", 85)
    assert out.loc[0, "excess"] == pytest.approx(0)


def test_empty_units_and_bad_thresholds():
    assert breach_contribution(_units(("A", 0, 0)), "provider_code", 85).empty
    with pytest.raises(ValueError):
        breach_contribution(_units(("A", 1, 1)), "provider_code", 185)
