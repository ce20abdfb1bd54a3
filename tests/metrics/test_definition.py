"""Definitions are typed: behaviour follows enums, never the words written for people."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cancer_alliance import metrics
from cancer_alliance.metrics.definition import (
    Attribution,
    ClockStart,
    Era,
    Event,
    Part,
    Threshold,
    ThresholdKind,
)


def test_interim_follows_the_kind_not_the_label():
    assert not Threshold(date(2025, 3, 1), 70.0, "Interim objective: 70%").is_interim
    assert Threshold(date(2025, 3, 1), 70.0, "Planning ambition",
                     ThresholdKind.INTERIM).is_interim


def test_met_ignores_an_interim_objective_whatever_its_label():
    defn = replace(metrics.STANDARDS["62_DAY"], thresholds=(
        Threshold(date(2023, 10, 1), 85.0, "Operational standard"),
        Threshold(date(2025, 3, 1), 70.0, "Ambition for 2025", ThresholdKind.INTERIM),
    ))
    assert defn.threshold_on(date(2025, 6, 1)) == 85.0
    assert defn.objective_on(date(2025, 6, 1)) == 70.0


def test_plain_strings_become_enums_and_unknown_values_are_refused():
    part = Part(event="first_seen", start="clock_start")
    assert part.event is Event.FIRST_SEEN and part.start is ClockStart.ROUTE
    with pytest.raises(ValueError, match="unknown event 'seen'"):
        Part(event="seen", start="clock_start")
    with pytest.raises(ValueError, match="62_DAY: unknown attribution 'split'"):
        replace(metrics.STANDARDS["62_DAY"], attribution="split")
    with pytest.raises(ValueError, match="unknown era"):
        replace(metrics.STANDARDS["62_DAY"], era="2023")


def test_every_registered_definition_is_typed():
    for defn in metrics.STANDARDS.values():
        assert isinstance(defn.era, Era) and isinstance(defn.attribution, Attribution)
        assert all(isinstance(p.event, Event) for p in defn.parts)


def test_transfer_phases_follow_the_attribution():
    split = {c for c, d in metrics.STANDARDS.items() if d.has_transfer_phases}
    assert split == {"62_DAY", "62_DAY_USC", "62_DAY_SCREENING", "62_DAY_UPGRADE"}
    renamed = replace(metrics.STANDARDS["31_DAY"], code="62_DAY_LOOKALIKE")
    assert not renamed.has_transfer_phases  # the code's words decide nothing


def test_rare_cancer_limit_comes_from_the_definition():
    usc = metrics.STANDARDS["62_DAY_USC"]
    assert usc.limit_for("TESTICULAR") == 31 and usc.limit_for("LUNG") == 62
    assert metrics.STANDARDS["62_DAY"].limit_for("TESTICULAR") == 62
