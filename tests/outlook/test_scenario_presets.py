"""The comparison page's ready-made scenarios (outlook/scenario_presets.py)."""

from __future__ import annotations

import pytest

from cancer_alliance.errors import UsageError
from cancer_alliance.outlook.scenario_presets import (
    EXTRA_CT_PER_MONTH,
    check_presets,
    compare,
    with_preset,
)

from .scenario_builders import two_trusts


def test_a_preset_adds_one_change_from_the_first_month_and_leaves_the_baseline_alone():
    base = two_trusts()
    ct = with_preset(base, "extra_ct")
    assert base.changes == [] and len(ct.changes) == 1
    change = ct.changes[0]
    assert (change.kind, change.resource, change.provider, change.add_per_month,
            change.start) == ("capacity", "CT", "*", EXTRA_CT_PER_MONTH, base.start)
    assert ct.name == "extra_ct" and base.name == "two-trusts"


def test_choices_are_checked():
    assert check_presets(["demand_growth", "extra_ct", "demand_growth"]) == [
        "demand_growth", "extra_ct"]
    for bad in ([], ["teleport"]):
        with pytest.raises(UsageError, match="choose one to 3"):
            check_presets(bad)


def test_on_a_ct_short_trust_the_extra_list_cuts_the_backlog_and_more_demand_raises_it():
    df = compare(two_trusts(), ["extra_ct", "demand_growth"], months=12, replications=6)
    backlog = (df[df["measure"] == "62_DAY_BACKLOG"].groupby("scenario")["mean"].mean())
    assert backlog["extra_ct"] < backlog["baseline"] < backlog["demand_growth"]
    fds = df[df["measure"] == "FDS"].groupby("scenario")["mean"].mean()
    assert fds["extra_ct"] > fds["baseline"]
