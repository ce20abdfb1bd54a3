"""The engine-free description of one waiting-time standard.

A :class:`StandardDefinition` says *what* a standard measures, declaratively: which events
(first seen, FDS, first or subsequent treatment, or open pathways), which referral routes,
where the clock starts and stops, which adjustment applies, the limit, who is credited and
the thresholds by date. The ibis compiler (:mod:`cancer_alliance.metrics.compile`), the
pure-Python oracle (:mod:`cancer_alliance.metrics.reference_impl`) and the web read these
fields, so a standard is defined exactly once, in its own module under ``metrics/standards/``.

The machine fields are enums (:class:`Era`, :class:`Event`, :class:`ClockStart`,
:class:`Attribution`, :class:`ThresholdKind`); behaviour follows them, never the words
(``name``, ``rule_text``, a threshold's ``label``), which are for people only. A definition
built with a plain string is converted to the enum, and an unknown value is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from cancer_alliance.metrics.platform_rules import ERA_CHANGE


class Era(StrEnum):
    """Which clock stops a standard reports (C5: the October 2023 framework change)."""

    PRE_2023 = "pre_2023"
    FROM_2023 = "from_2023"
    BOTH = "both"  # FDS: reported in both frameworks
    OPEN = "open"  # counts open pathways (the PTL backlog), not completed waits


class Event(StrEnum):
    """The clock-stop event a part of a standard counts."""

    FIRST_SEEN = "first_seen"
    FDS = "fds"  # the earlier of diagnosis communicated and decision to treat
    FIRST_TREATMENT = "first_treatment"
    SUBSEQUENT_TREATMENT = "subsequent_treatment"
    OPEN = "open"


class ClockStart(StrEnum):
    """Where a part's clock starts."""

    ROUTE = "clock_start"  # the referral route's clock, with the A1 reset (metrics.base)
    DECISION_TO_TREAT = "decision_to_treat_date"


class Attribution(StrEnum):
    """Which provider a result is credited to (§4)."""

    FIRST_SEEN = "first_seen"
    SUBMITTING = "submitting"
    TREATING = "treating"
    #: Split between the referring and the treating provider by the §4 table; only these
    #: standards have the 38-day and 24-day transfer phases.
    INTER_PROVIDER_TRANSFER = "ipt"

    @property
    def allocation_rule(self) -> str | None:
        """The ``allocation_rule`` of a whole-share result (None: decided per row, §4)."""
        return _ALLOCATION_RULES[self]


_ALLOCATION_RULES = {
    Attribution.FIRST_SEEN: "first_seen_provider",
    Attribution.SUBMITTING: "submitting_provider",
    Attribution.TREATING: "treating_provider",
    Attribution.INTER_PROVIDER_TRANSFER: None,
}


class ThresholdKind(StrEnum):
    """An operational standard (what ``met`` compares with) or an interim objective."""

    STANDARD = "standard"
    INTERIM = "interim"  # a planning objective: shown, never what ``met`` means


class Threshold(NamedTuple):
    """A threshold in force from ``effective_from`` (None: no threshold is set)."""

    effective_from: date
    value_percent: float | None
    label: str  # for people; behaviour follows ``kind``
    kind: ThresholdKind = ThresholdKind.STANDARD

    @property
    def is_interim(self) -> bool:
        """Interim planning objectives are shown but are not what ``met`` compares with."""
        return self.kind == ThresholdKind.INTERIM


def _typed(obj: object, name: str, enum: type[StrEnum], owner: str) -> None:
    """Store field ``name`` of a frozen dataclass as ``enum``, or refuse an unknown value."""
    value = getattr(obj, name)
    try:
        object.__setattr__(obj, name, enum(value))
    except ValueError:
        known = ", ".join(e.value for e in enum)
        raise ValueError(f"{owner}: unknown {name} {value!r}; one of {known}") from None


@dataclass(frozen=True)
class Part:
    """One stream of events a standard counts (the 31-day combined standard has two)."""

    event: Event
    start: ClockStart
    adjust_a2: bool = False
    #: Subsequent treatments: modalities counted (None: all) and those listed but excluded.
    modalities: tuple[str, ...] | None = None
    excluded_modalities: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _typed(self, "event", Event, "part")
        _typed(self, "start", ClockStart, "part")


@dataclass(frozen=True)
class StandardDefinition:
    """One national standard, as the metrics reference defines it."""

    code: str
    name: str
    short_name: str
    era: Era
    limit_days: int
    start: str  # in words
    stop: str  # in words
    rule_text: str  # plain words: cohort, adjustments, exclusions
    reference_section: str  # e.g. "§2.1"
    thresholds: tuple[Threshold, ...]
    provider_attribution: str  # in words
    parts: tuple[Part, ...]
    attribution: Attribution  # the machine form of provider_attribution
    routes: tuple[str, ...] | None = None  # referral routes counted; None: every route
    #: The old rare-cancer rule: suspected types with a shorter limit, and that limit.
    rare_types: tuple[str, ...] = ()
    rare_limit_days: int | None = None
    improvement: str = "increase"
    module_doc: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        _typed(self, "era", Era, self.code)
        _typed(self, "attribution", Attribution, self.code)

    @property
    def has_transfer_phases(self) -> bool:
        """Whether results are split at an inter-provider transfer (the §4 38/24-day phases)."""
        return self.attribution == Attribution.INTER_PROVIDER_TRANSFER

    def limit_for(self, suspected_cancer_type: str | None) -> int:
        """The limit in days for a pathway of this suspected type (the old rare-cancer rule)."""
        if self.rare_types and suspected_cancer_type in self.rare_types:
            return self.rare_limit_days or self.limit_days
        return self.limit_days

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
        if self.era == Era.PRE_2023:
            return stop < ERA_CHANGE
        if self.era == Era.FROM_2023:
            return stop >= ERA_CHANGE
        return True
