"""Ready-made scenarios to compare with the baseline, and the comparison itself.

The scenario comparison page (``/looking-ahead/scenarios``) lets a user pick up to three of
these; each is the alliance's fitted baseline (:func:`~.simulation_fit.fit_baseline`) with
one ``[[changes]]`` entry of the scenario file format (docs/reference/scenario-file.md),
from the first simulated month, so the same comparison can be reproduced from the command
line by writing the baseline (``simulate --baseline --out``) and adding the change:

* ``extra_ct``: an extra CT list at every provider, ``EXTRA_CT_PER_MONTH`` slots a month
  (about six patients a working day);
* ``straight_to_test``: ``STRAIGHT_TO_TEST_SHARE`` of lower GI referrals book their test
  from the referral, without a first appointment;
* ``demand_growth``: referrals ``DEMAND_GROWTH`` higher than the baseline's forecast.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from cancer_alliance.errors import UsageError
from cancer_alliance.outlook import simulation
from cancer_alliance.outlook.scenarios import ANY, Change, Scenario

EXTRA_CT_PER_MONTH = 180.0
STRAIGHT_TO_TEST_SHARE = 0.6
DEMAND_GROWTH = 1.10
MAX_SCENARIOS = 3
BASELINE = "baseline"  # the comparison's name for the unchanged baseline
#: What the comparison charts: FDS and 62-day performance (%) and the 62-day backlog.
COMPARED = ("FDS", "62_DAY", "62_DAY_BACKLOG")


@dataclass(frozen=True)
class Preset:
    """One ready-made change: its code, its words, and the change it makes."""

    code: str
    label: str
    change: Callable[[int], Change]  # first simulated month -> the change


PRESETS: dict[str, Preset] = {p.code: p for p in (
    Preset("extra_ct", f"An extra CT list at every trust ({EXTRA_CT_PER_MONTH:.0f} scans a "
           "month each)", lambda start: Change("capacity", start, None, provider=ANY,
                                                resource="CT",
                                                add_per_month=EXTRA_CT_PER_MONTH)),
    Preset("straight_to_test", f"Straight-to-test for {STRAIGHT_TO_TEST_SHARE:.0%} of lower GI "
           "referrals", lambda start: Change("straight_to_test", start, None,
                                               group="LOWER_GI",
                                               share=STRAIGHT_TO_TEST_SHARE)),
    Preset("demand_growth", f"Referrals {DEMAND_GROWTH - 1:.0%} above the forecast",
           lambda start: Change("demand", start, None, scale=DEMAND_GROWTH)),
)}


def check_presets(codes: list[str]) -> list[str]:
    """The chosen presets in order, each once; a UsageError for an unknown one or too many."""
    chosen = list(dict.fromkeys(codes))
    unknown = [c for c in chosen if c not in PRESETS]
    if unknown or not chosen or len(chosen) > MAX_SCENARIOS:
        raise UsageError(f"choose one to {MAX_SCENARIOS} of the scenarios: "
                         + ", ".join(PRESETS))
    return chosen


def with_preset(baseline: Scenario, code: str) -> Scenario:
    """The baseline with the preset's change added (the baseline itself is not changed)."""
    scenario = copy.deepcopy(baseline)
    scenario.name = code
    scenario.description = PRESETS[code].label
    scenario.changes = [*scenario.changes, PRESETS[code].change(baseline.start)]
    return scenario


def compare(baseline: Scenario, codes: list[str], months: int, replications: int,
            progress: Callable[[str, float], None] | None = None) -> pd.DataFrame:
    """``scenario, month, measure, mean, lower, upper`` of the baseline (``BASELINE``) and
    each preset (its code), for
    the measures in :data:`COMPARED`, same seed for all (common random numbers: a difference
    between scenarios is the change's, not the dice's)."""
    runs = [baseline] + [with_preset(baseline, c) for c in check_presets(codes)]
    frames = []
    for i, scenario in enumerate(runs):
        if progress:
            progress(f"simulating {scenario.name}", (i + 0.5) / (len(runs) + 0.5))
        df = simulation.simulate(scenario, months, replications, baseline.seed)
        if i == 0:
            df["scenario"] = BASELINE  # whatever the fitted file calls itself
        frames.append(df[df["measure"].isin(COMPARED)])
    return pd.concat(frames, ignore_index=True)
