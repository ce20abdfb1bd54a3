"""The reporting calendar: which months are due, who is in, which months are complete and final.

Layer: after ``store``, before ``ingest``: it reads the store's submissions and the
reference footprint and never imports ingest, metrics or web. Everything above asks it
which month is the alliance's latest (:attr:`ReportingCalendar.latest_complete`), where its
data starts (:attr:`ReportingCalendar.data_start`) and whether a month's figures are
provisional or final (:attr:`Month.edition`). See ``docs/reference/reporting-calendar.md``.

Public API::

    read_calendar(con, as_of=None) -> ReportingCalendar   # from the store
    build_calendar(submissions, footprint, as_of, settings, finalisations)  # pure
    finalise(con, period, by)                              # an analyst's explicit finalise
    submission_deadline(month, settings), final_deadline(month, settings)
"""

from cancer_alliance.calendar.bank_holidays import add_working_days, bank_holidays
from cancer_alliance.calendar.deadlines import (
    CalendarSettings,
    final_deadline,
    submission_deadline,
)
from cancer_alliance.calendar.grid import GRID_COLUMNS, grid_frame
from cancer_alliance.calendar.states import (
    IN_STATES,
    STATES,
    Cell,
    Finalisation,
    Month,
    ReportingCalendar,
    Submission,
    build_calendar,
)
from cancer_alliance.calendar.store import (
    finalise,
    read_calendar,
    read_settings,
    set_provider_start,
    set_setting,
)

__all__ = [
    "GRID_COLUMNS", "IN_STATES", "STATES", "CalendarSettings", "Cell", "Finalisation", "Month",
    "ReportingCalendar", "Submission", "add_working_days", "bank_holidays", "build_calendar",
    "final_deadline", "finalise", "grid_frame", "read_calendar", "read_settings",
    "set_provider_start", "set_setting", "submission_deadline",
]
