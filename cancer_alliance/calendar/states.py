"""The reporting calendar, worked out from submissions: who is expected, who is in, what is final.

Pure functions of plain inputs (submissions, footprint, finalisations, settings and the
date to judge on), so every state can be checked against a hand-worked calendar; reading
them from the store is :mod:`cancer_alliance.calendar.store`'s job.

Rules (documented in ``docs/reference/reporting-calendar.md``):

* **Expected.** A provider in the alliance's footprint is expected from the month it joined
  (configured), else from its first loaded submission, else (in the footprint, never
  submitted) from the calendar's first month. A provider that submits but is not in the
  footprint is expected from its first submission. Before then: ``not_due``.
* **State** of an expected provider and month, judged on ``as_of``:
  ``final`` (submitted, and the month is final), ``resubmitted`` (more than one loaded
  submission), ``submitted`` (one), and with nothing loaded: ``not_due`` (the month has not
  ended), ``awaiting`` (ended, deadline not passed) or ``late`` (deadline passed, also once
  the month is final). A whole-file rejection is not a submission.
* **Final.** A month is final after its final deadline, or from the moment an analyst
  finalised it. A resubmission loaded after that moment is a *revision*: kept, flagged
  (``revised_after_final``) and listed, never a silent change. (A provider's first
  submission arriving after then is late, not a revision.)
* **Complete.** A month is complete when the share of its expected providers that are in is
  at least ``complete_share`` (default every one). The alliance's latest month is the latest
  complete month; its data start is the configured start, else its first complete month
  (with no footprint at all, only a configured start: submissions alone are no alliance).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from cancer_alliance.calendar.deadlines import (
    CalendarSettings,
    end_of,
    final_deadline,
    submission_deadline,
)
from cancer_alliance.dataset import periods

STATES = ("not_due", "awaiting", "submitted", "resubmitted", "late", "final")
#: States in which a provider's month is in (has loaded data).
IN_STATES = frozenset({"submitted", "resubmitted", "final"})


@dataclass(frozen=True)
class Submission:
    """One submission as the calendar needs it (``loaded`` or whole-file ``rejected``)."""

    submission_id: int
    provider_code: str
    period: str
    submitted_at: datetime
    status: str = "loaded"
    accepted: int = 0
    rejected: int = 0
    submitted_by: str = ""

    @property
    def loaded(self) -> bool:
        return self.status != "rejected"


@dataclass(frozen=True)
class Finalisation:
    """An analyst's explicit ``finalise`` of a month (who, when)."""

    period: str
    finalised_by: str
    finalised_at: datetime


@dataclass(frozen=True)
class Cell:
    """One provider and month of the completeness grid."""

    provider_code: str
    period: str
    expected: bool
    state: str
    submissions: int
    rows_accepted: int | None
    rows_rejected: int | None
    submitted_at: datetime | None
    submitted_by: str | None
    first_submitted_at: datetime | None
    on_time: bool | None
    deadline: date
    revised_after_final: bool
    revisions: tuple[Submission, ...] = ()


@dataclass(frozen=True)
class Month:
    """One month of the alliance: who was expected, who is in, and its edition."""

    period: str
    expected: tuple[str, ...]
    received: tuple[str, ...]
    missing: tuple[str, ...]
    complete: bool
    final: bool
    finalised_at: datetime | None
    finalised_by: str | None
    deadline: date
    final_deadline: date
    in_data: bool = True  # on or after the alliance's data start

    @property
    def edition(self) -> str:
        """``final`` or ``provisional``: the status every figure of this month carries."""
        return "final" if self.final else "provisional"

    @property
    def share(self) -> float:
        return len(self.received) / len(self.expected) if self.expected else 0.0


@dataclass(frozen=True)
class ReportingCalendar:
    """Every month from the first submission to the latest, and every provider's cell."""

    months: tuple[Month, ...]
    cells: tuple[Cell, ...]
    settings: CalendarSettings = field(default_factory=CalendarSettings)
    as_of: date | None = None
    has_footprint: bool = True

    def month(self, period: str) -> Month | None:
        return next((m for m in self.months if m.period == period), None)

    @property
    def data_start(self) -> str | None:
        """The configured start, else the alliance's first complete month (``None``: none
        yet, or no alliance footprint to say who is expected: a store of submissions with no
        reference organisations is not an alliance, and nothing is cut from it)."""
        if self.settings.data_start:
            return self.settings.data_start
        if not self.has_footprint:
            return None
        return next((m.period for m in self.months if m.complete), None)

    @property
    def latest_complete(self) -> str | None:
        """The alliance's latest month: the latest complete month on or after the data start."""
        start = self.data_start
        done = [m.period for m in self.months if m.complete and (start is None
                                                               or m.period >= start)]
        return done[-1] if done else None

    def provisional_after(self) -> tuple[Month, ...]:
        """Months after the latest complete one with some providers in: shown as provisional,
        with who is missing, never as the headline."""
        latest = self.latest_complete
        return tuple(m for m in self.months if m.received and not m.complete
                     and (latest is None or m.period > latest))

    def revisions(self) -> list[tuple[Cell, Submission]]:
        """Every loaded submission that arrived after its month was final."""
        return [(c, s) for c in self.cells for s in c.revisions]


def _month_final_at(period: str, settings: CalendarSettings,
                    finalised: Mapping[str, Finalisation]) -> tuple[datetime, str | None]:
    """When ``period`` became (or becomes) final, and who finalised it (None: by rule)."""
    by_rule = end_of(final_deadline(period, settings))
    explicit = finalised.get(period)
    if explicit is not None and explicit.finalised_at < by_rule:
        return explicit.finalised_at, explicit.finalised_by
    return by_rule, None


def _as_datetime(as_of: date | datetime) -> datetime:
    """A date means the last moment of that day."""
    return as_of if isinstance(as_of, datetime) else datetime.combine(as_of, time.max)


def build_calendar(submissions: Iterable[Submission], footprint: Mapping[str, str | None],
                   as_of: date | datetime, settings: CalendarSettings = CalendarSettings(),
                   finalisations: Iterable[Finalisation] = ()) -> ReportingCalendar:
    """The calendar as it stands at ``as_of`` (a date means the end of that day).

    ``footprint``: provider code -> the month it joined the alliance (``None``: from its
    first submission). Months run from the earliest loaded submission's month (or the
    configured data start, if earlier) to the latest month any provider has submitted.
    """
    now = _as_datetime(as_of)
    subs = sorted((s for s in submissions if s.submitted_at <= now),
                  key=lambda s: (s.submitted_at, s.submission_id))
    loaded = [s for s in subs if s.loaded]
    if not loaded:
        return ReportingCalendar((), (), settings, now.date(), bool(footprint))
    first = min(s.period for s in loaded)
    if settings.data_start and settings.data_start < first:
        first = settings.data_start
    last = max(s.period for s in loaded)
    months = periods.months_between(first, last)
    finalised = {f.period: f for f in finalisations if f.finalised_at <= now}

    by_cell: dict[tuple[str, str], list[Submission]] = {}
    for s in loaded:
        by_cell.setdefault((s.provider_code, s.period), []).append(s)
    first_active = {}
    for s in loaded:
        first_active[s.provider_code] = min(first_active.get(s.provider_code, s.period),
                                            s.period)
    providers = sorted(set(footprint) | set(first_active))
    expected_from = {p: footprint.get(p) or first_active.get(p) or first for p in providers}

    cells, month_rows = [], []
    for period in months:
        deadline = submission_deadline(period, settings)
        final_at, final_by = _month_final_at(period, settings, finalised)
        is_final = now >= final_at
        ended = now.date() > periods.month_end(period)
        expected, received = [], []
        for p in providers:
            exp = period >= expected_from[p]
            got = by_cell.get((p, period), [])
            cell = _cell(p, period, exp, got, deadline, ended, now, is_final, final_at)
            cells.append(cell)
            if exp:
                expected.append(p)
                if cell.state in IN_STATES:
                    received.append(p)
        missing = tuple(p for p in expected if p not in received)
        complete = bool(expected) and len(received) / len(expected) >= settings.complete_share
        month_rows.append(Month(period, tuple(expected), tuple(received), missing, complete,
                                is_final, final_at if is_final else None,
                                final_by if is_final else None, deadline,
                                final_deadline(period, settings)))
    has_footprint = bool(footprint)
    cal = ReportingCalendar(tuple(month_rows), tuple(cells), settings, now.date(),
                            has_footprint)
    start = cal.data_start
    if start:
        month_rows = [m if m.period >= start else replace(m, in_data=False)
                      for m in month_rows]
        cal = ReportingCalendar(tuple(month_rows), tuple(cells), settings, now.date(),
                                has_footprint)
    return cal


def _cell(provider: str, period: str, expected: bool, got: list[Submission], deadline: date,
          ended: bool, now: datetime, is_final: bool, final_at: datetime) -> Cell:
    latest = got[-1] if got else None
    if got:
        state = "final" if is_final else ("resubmitted" if len(got) > 1 else "submitted")
    elif not expected or not ended:
        state = "not_due"
    elif now.date() <= deadline:
        state = "awaiting"
    else:
        state = "late"
    # A revision replaces data the final figures were built from: a first submission that
    # arrives after the month is final is late, not a revision.
    revisions = tuple(s for s in got[1:] if is_final and s.submitted_at >= final_at)
    return Cell(
        provider_code=provider, period=period, expected=expected, state=state,
        submissions=len(got),
        rows_accepted=latest.accepted if latest else None,
        rows_rejected=latest.rejected if latest else None,
        submitted_at=latest.submitted_at if latest else None,
        submitted_by=latest.submitted_by if latest else None,
        first_submitted_at=got[0].submitted_at if got else None,
        on_time=(got[0].submitted_at < end_of(deadline)) if got else None,
        deadline=deadline, revised_after_final=bool(revisions), revisions=revisions,
    )
