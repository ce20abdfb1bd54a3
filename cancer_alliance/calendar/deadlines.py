"""When a month's submissions are due and when its figures become final.

The national default (NHS England's Cancer Waiting Times collection): providers upload a
month's data by about the 25th working day after the month ends, when the month's figures
are first published as *provisional*; the following month's window lets providers revise
it, so the month becomes *final* at the next month's deadline. Both are settings
(:class:`CalendarSettings`): an alliance with its own timetable changes the number of
working days or how many later months' windows a month stays open for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from cancer_alliance.calendar.bank_holidays import add_working_days
from cancer_alliance.dataset import periods

#: Working days after month end by which a month's submission is due (national timetable).
NATIONAL_WORKING_DAYS = 25
#: A month is final at the deadline of the month this many months later.
NATIONAL_REVISION_MONTHS = 1
#: The most either may be set to: a quarter of working days, ten years of revisions. Far
#: beyond any real timetable; a setting of a billion working days once made every page
#: that reads the calendar count days for minutes and then fail past the year 9999.
MAX_WORKING_DAYS = 60
MAX_REVISION_MONTHS = 120


@dataclass(frozen=True)
class CalendarSettings:
    """The alliance's reporting timetable and completeness rule (defaults: national).

    ``complete_share``: the share of expected providers that makes a month complete (1.0:
    every one; 0.9 lets a month with one of ten missing count, the missing named).
    ``data_start``: the first month the alliance reports (``None``: its first complete month).
    ``alliance_code``: whose footprint sets the expected providers (``None``: the store's).
    """

    working_days: int = NATIONAL_WORKING_DAYS
    revision_months: int = NATIONAL_REVISION_MONTHS
    complete_share: float = 1.0
    data_start: str | None = None
    alliance_code: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.working_days <= MAX_WORKING_DAYS:
            raise ValueError(f"working_days must be from 1 to {MAX_WORKING_DAYS}, "
                             f"not {self.working_days}")
        if not 0 <= self.revision_months <= MAX_REVISION_MONTHS:
            raise ValueError(f"revision_months must be from 0 to {MAX_REVISION_MONTHS}, "
                             f"not {self.revision_months}")
        if not 0 < self.complete_share <= 1:
            raise ValueError(f"complete_share must be above 0 and at most 1, "
                             f"not {self.complete_share}")
        if self.data_start is not None:
            periods.check_month(self.data_start, "data start")


def submission_deadline(month: str, settings: CalendarSettings = CalendarSettings()) -> date:
    """The last day a provider's submission for ``month`` is on time (inclusive)."""
    return add_working_days(periods.month_end(month), settings.working_days)


def final_deadline(month: str, settings: CalendarSettings = CalendarSettings()) -> date:
    """The last day ``month`` may be revised before its figures are final (inclusive):
    the submission deadline of the month ``revision_months`` later."""
    return submission_deadline(periods.shift(month, settings.revision_months), settings)


def end_of(day: date) -> datetime:
    """The first moment after ``day``: a submission at or after it missed that day."""
    return datetime.combine(day + timedelta(days=1), time())
