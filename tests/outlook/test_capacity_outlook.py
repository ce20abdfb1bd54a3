"""Demand against capacity (outlook/capacity.py), by hand-worked numbers, and on the demo
alliance whose second trust is short of CT (generate/capacity.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from cancer_alliance.outlook.capacity import (
    RECENT_AVERAGE,
    capacity_outlook,
    modality_tests,
    pathway_demand,
)
from cancer_alliance.reference.capacity_assumptions import wte_needed
from cancer_alliance.reports.capacity_section import capacity_section


def test_modality_tests_follow_the_mix():
    groups = pd.DataFrame({"grp": ["LUNG", "BREAST", "BS", "LOWER_GI"], "n": [10, 4, 2, 20]})
    # LUNG all CT; BREAST and BS all ultrasound; LOWER_GI 55% colonoscopy, 15% flexi, 30% CT
    assert modality_tests(groups) == pytest.approx({
        "CT": 10 + 6, "NOUS": 6, "COLONOSCOPY": 11, "FLEXI_SIGMOIDOSCOPY": 3})


def test_pathway_demand_divides_by_the_cancer_share():
    referrals = pd.DataFrame({"provider": ["RX1"], "month": ["2024-05"], "grp": ["LUNG"],
                              "usc": [True], "n": [9.0]})
    treatments = pd.DataFrame({"provider": ["RX1"], "month": ["2024-05"],
                               "resource": ["SURGERY"], "units": [2.0]})
    got = pathway_demand(referrals, treatments).set_index("resource")["demand"]
    # 9 CT tests are 18% of CT demand: 50; 2 theatre sessions are 30% of theatre demand
    assert got.to_dict() == pytest.approx({"CT": 50.0, "SURGERY": 2 / 0.3})


def test_wte_needed_adds_each_resource_at_its_rate():
    # radiologists: 650 CT or 450 MRI tests a WTE a month
    assert wte_needed("RADIOLOGIST", {"CT": 1300, "MRI": 450, "SACT": 999}) == pytest.approx(3)


def test_on_the_demo_the_ct_short_trust_is_over_capacity_and_the_other_is_not(ops_con):
    outlook = capacity_outlook(ops_con, horizon=3)
    rows = outlook.rows
    ct = rows[(rows["resource"] == "CT") & (rows["kind"] == "submitted")]
    ratio = ct.groupby("provider")["demand"].sum() / ct.groupby("provider")["capacity"].sum()
    assert ratio["RA2"] > 1.0 > ratio["RA1"]
    util = ct.groupby("provider")["activity"].sum() / ct.groupby("provider")["capacity"].sum()
    assert util["RA2"] == 1.0 and util["RA1"] < 0.93
    ahead = rows[rows["kind"] == "forecast"]
    assert len(ahead["month"].unique()) == 3
    # four months of history: too few to forecast, the recent average is carried, said so
    assert set(ahead["method"]) == {RECENT_AVERAGE}
    assert set(outlook.workforce["provider"]) == {"RA1", "RA2"}
    gap = outlook.workforce.set_index(["provider", "staff_group"])
    assert gap.loc[("RA2", "RADIOLOGIST"), "vacancy_wte"] > 0


def test_the_board_pages_capacity_part_names_the_short_trusts_ct_first(ops_con):
    section = capacity_section(ops_con, "2024-04")
    assert "error" not in section, section
    lines = [(r["trust"], r["resource"]) for r in section["rows"]]
    assert ("RA2", "Computed tomography") in lines
    assert ("RA1", "Computed tomography") not in lines
    # busiest first, ordered on the true ratios; a ratio whose forecast demand is a count
    # small-number protection suppresses is withheld (None), never shown
    shown = [r["peak_ratio"] for r in section["rows"] if r["peak_ratio"] is not None]
    assert shown == sorted(shown, reverse=True) and shown
    assert [w["group"] for w in section["workforce"]][0] == "Radiologists"
