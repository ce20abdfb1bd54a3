"""The engine-free description of one waiting-time standard.

A :class:`StandardDefinition` says *what* a standard measures, declaratively: which events
(first seen, FDS, first or subsequent treatment, or open pathways), which referral routes,
where the clock starts and stops, which adjustment applies, the limit, who is credited and
the thresholds by date. The ibis compiler (:mod:`cancer_alliance.metrics.compile`) and the
pure-Python oracle (:mod:`cancer_alliance.metrics.reference_impl`) both read these fields, so
a standard is defined exactly once, in its own module under ``metrics/standards/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from cancer_alliance.metrics.platform_rules import ERA_CHANGE

ERAS = ("pre_2023", "from_2023", "both", "open")
EVENTS = ("first_seen", "fds", "first_treatment", "subsequent_treatment", "open")
ATTRIBUTIONS = ("first_seen", "submitting", "treating", "ipt")


class Threshold(NamedTuple):
    """A threshold in force from ``effective_from`` (None: no threshold is set)."""

    effective_from: date
    value_percent: float | None
    label: str

    @property
    def is_interim(self) -> bool:
        """Interim planning objectives are shown but are not what ``met`` compares with."""
        return self.label.lower().startswith("interim")


@dataclass(frozen=True)
class Part:
    """One stream of events a standard counts (the 31-day combined standard has two)."""

    event: str  # one of EVENTS
    start: str  # "clock_start" (route clock, A1-aware) or "decision_to_treat_date"
    adjust_a2: bool = False
    #: Subsequent treatments: modalities counted (None: all) and those listed but excluded.
    modalities: tuple[str, ...] | None = None
    excluded_modalities: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.event not in EVENTS:
            raise ValueError(f"unknown event {self.event!r}")


@dataclass(frozen=True)
class StandardDefinition:
    """One national standard, as the metrics reference defines it."""

    code: str
    name: str
    short_name: str
    era: str  # "pre_2023" | "from_2023" | "open"; FDS (both eras) is "both"
    limit_days: int
    start: str  # in words
    stop: str  # in words
    rule_text: str  # plain words: cohort, adjustments, exclusions
    reference_section: str  # e.g. "§2.1"
    thresholds: tuple[Threshold, ...]
    provider_attribution: str  # in words
    parts: tuple[Part, ...]
    attribution: str  # one of ATTRIBUTIONS (machine form of provider_attribution)
    routes: tuple[str, ...] | None = None  # None: every route
    #: The old rare-cancer rule: suspected types with a shorter limit, and that limit.
    rare_types: tuple[str, ...] = ()
    rare_limit_days: int | None = None
    improvement: str = "increase"
    module_doc: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.era not in ERAS:
            raise ValueError(f"{self.code}: unknown era {self.era!r}")
        if self.attribution not in ATTRIBUTIONS:
            raise ValueError(f"{self.code}: unknown attribution {self.attribution!r}")

    def threshold_on(self, on: date) -> float | None:
        """The operational-standard threshold (percent) in force on ``on``, if any."""
        value = None
        for t in sorted(self.thresholds, key=lambda t: t.effective_from):
            if t.is_interim:
                continue
            if t.effective_from <= on:
                value = t.value_percent
        return value

    def objective_on(self, on: date) -> float | None:
        """The interim planning objective in force on ``on``, if any."""
        value = None
        for t in sorted(self.thresholds, key=lambda t: t.effective_from):
            if t.is_interim and t.effective_from <= on:
                value = t.value_percent
        return value

    def in_era(self, stop: date) -> bool:
        """Whether a clock stop on ``stop`` is reported against this standard (C5)."""
        if self.era == "pre_2023":
            return stop < ERA_CHANGE
        if self.era == "from_2023":
            return stop >= ERA_CHANGE
        return True
