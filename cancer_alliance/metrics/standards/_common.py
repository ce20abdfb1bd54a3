"""Pieces several standard modules share: the event streams and threshold dates."""

from __future__ import annotations

from datetime import date

from cancer_alliance.metrics.definition import ClockStart, Event, Part, Threshold
from cancer_alliance.metrics.platform_rules import ERA_CHANGE, PRE_2023_SUBSEQUENT

#: Pre-2023 thresholds are applied to every stored month before the era change; the platform
#: holds no data from before the standards began, so one start date serves them all.
OLD_SET_FROM = date(2009, 1, 1)


def old_set(value: float | None) -> tuple[Threshold, ...]:
    """A pre-2023 standard's threshold and its retirement at the era change (C5)."""
    return (
        Threshold(OLD_SET_FROM, value, "Operational standard"),
        Threshold(ERA_CHANGE, None, "Standard retired (October 2023 framework)"),
    )


FIRST_SEEN = Part(event=Event.FIRST_SEEN, start=ClockStart.ROUTE)
FDS_EVENT = Part(event=Event.FDS, start=ClockStart.ROUTE)
FIRST_TREATMENT_31 = Part(event=Event.FIRST_TREATMENT, start=ClockStart.DECISION_TO_TREAT,
                          adjust_a2=True)
FIRST_TREATMENT_62 = Part(event=Event.FIRST_TREATMENT, start=ClockStart.ROUTE, adjust_a2=True)


def subsequent(modalities: tuple[str, ...] | None,
               excluded: tuple[str, ...] = ()) -> Part:
    """Subsequent treatments of the given modalities (None: all), DTT/ECAD to treatment."""
    return Part(event=Event.SUBSEQUENT_TREATMENT, start=ClockStart.DECISION_TO_TREAT,
                adjust_a2=True, modalities=modalities, excluded_modalities=excluded)


def old_subsequent_modality(code: str) -> str:
    """The modality a pre-2023 subsequent-treatment standard code counts."""
    return {v: k for k, v in PRE_2023_SUBSEQUENT.items()}[code]
