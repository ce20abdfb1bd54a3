"""One reference group for equity gaps, on the web and in the packs (platform rule 27).

Issue 16: the provider pack compared deprivation quintiles with quintile 3 and the web
with quintile 5, because each took "the largest group" of its own span. The rule is now
:func:`cancer_alliance.metrics.platform_rules.equity_reference`: quintile 5 (least
deprived) for deprivation, the largest group otherwise.
"""

from __future__ import annotations

import duckdb
import pytest

from cancer_alliance.auth.model import Actor
from cancer_alliance.metrics.platform_rules import equity_reference
from cancer_alliance.reports import sections
from cancer_alliance.web.views.population import equity_table

NAN = float("nan")


def test_deprivation_is_compared_with_the_least_deprived_quintile_even_when_small():
    # quintile 3 has most patients; the reference is still quintile 5
    assert equity_reference("imd_quintile", {1: 120, 2: 90, 3: 500, 4: 80, 5: 40}) == 5
    # however the quintile arrives: a float next to missing values, or text
    assert equity_reference("imd_quintile", {1.0: 10, 5.0: 3, NAN: 99}) == 5.0
    assert equity_reference("imd_quintile", {"1": 10, "5": 3}) == "5"


def test_without_quintile_five_deprivation_falls_back_to_the_largest_group():
    assert equity_reference("imd_quintile", {1: 10, 2: 30, 3: 20, 5: 0}) == 2


def test_other_breakdowns_use_the_largest_group_ties_to_the_first_in_order():
    assert equity_reference("ethnic_group", {"Asian": 40, "White": 300, "Black": 25}) == "White"
    assert equity_reference("sex", {"2": 50, "1": 50}) == "1"
    assert equity_reference("age_band", {None: 900, "70-79": 12, "60-69": 11}) == "70-79"


def test_no_group_with_patients_has_no_reference():
    with pytest.raises(ValueError):
        equity_reference("ethnic_group", {"White": 0, None: 10})


@pytest.fixture(scope="module")
def demo_con(ops_store_path):
    con = duckdb.connect(str(ops_store_path), read_only=True)
    yield con
    con.close()


def _number(group: str) -> str:
    """'5 (least deprived)' on the web, '5' in the pack: the group's own value."""
    return str(group).split(" ", 1)[0] if str(group)[:1].isdigit() else str(group)


@pytest.mark.parametrize("provider", [None, "RA1"])
def test_pack_and_web_compare_with_the_same_group(demo_con, provider):
    period = "2024-04"
    pack = sections.equity_section(demo_con, period, provider)
    span = f"{pack['from']}..{pack['to']}"
    by_label = {"Deprivation quintile (1 = most deprived)": "imd_quintile",
                "Ethnic group": "ethnic_group"}
    assert len(pack["gaps"]) == 2
    for g in pack["gaps"]:
        dim = by_label[g["by"]]
        pack_ref = [r["group"] for r in g["rows"] if r["is_reference"]]
        if provider is None:
            web = equity_table(demo_con, Actor(username="a", role="analyst"), "FDS", dim, span)
            web_ref = [_number(x) for x in web.loc[web["is_reference"], "group"]]
            assert pack_ref == web_ref, dim
        if dim == "imd_quintile":
            assert pack_ref == ["5"]
