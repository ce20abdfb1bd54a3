"""What a submission may be for: its month and its provider, checked before any file is read.

The rules (``docs/explanation/security.md``, "Periods and codes"):

* **The month** is a real ``YYYY-MM`` month (``0000-01`` or ``2024-13`` is a clear usage
  error, never a traceback or a 500), no earlier than the platform's data start and no
  later than the *open month*. The open month is the current calendar month: a trust may
  send its month-to-date data while the month runs (the date checks already refuse any
  date after the period end, and a date of birth after today), but never a month that has
  not begun. A zero-row submission for ``9998-01`` once moved the whole alliance's latest
  month and census; it is refused here.
* **The data start** is the first month the platform's rules cover: January 2009, when
  providers stopped recording suspensions, so every clock rule of the metrics reference
  applies (``CANCER_ALLIANCE_DATA_START`` moves it later, e.g. to an alliance's go-live).
* **The provider** is an ODS code of 3 or 5 letters or digits and, when the store holds
  organisation reference data, an organisation of type ``PROVIDER`` in it
  (:mod:`cancer_alliance.reference.organisations`; a store with no organisations loaded yet
  checks the shape only).
"""

from __future__ import annotations

import datetime as dt
import os

from cancer_alliance.dataset import periods
from cancer_alliance.errors import UsageError
from cancer_alliance.reference.organisations import check_organisation, organisations

__all__ = ["check_period", "check_provider", "data_start", "open_month", "organisations"]

DATA_START_ENV = "CANCER_ALLIANCE_DATA_START"
DEFAULT_DATA_START = "2009-01"


def data_start() -> str:
    """The earliest month a submission may be for (``$CANCER_ALLIANCE_DATA_START``)."""
    return periods.check_month(os.environ.get(DATA_START_ENV) or DEFAULT_DATA_START,
                               DATA_START_ENV)


def open_month(today: dt.date | None = None) -> str:
    """The month submissions are open for: the current calendar month."""
    return periods.from_date(today or dt.date.today())


def check_period(period: str, today: dt.date | None = None) -> dt.date:
    """The last day of ``period`` when a submission may be for it, else a UsageError saying
    which rule it breaks (the value is a month, never patient data, so it is repeated)."""
    month = periods.check_month(period, "period")
    first, last = data_start(), open_month(today)
    if periods.index(month) > periods.index(last):
        raise UsageError(f"period {month!r} has not begun: submissions are open up to the "
                         f"current month, {last}")
    if periods.index(month) < periods.index(first):
        raise UsageError(f"period {month!r} is before the platform's data start, {first} "
                         f"(set {DATA_START_ENV} to change it)")
    return periods.month_end(month)


def check_provider(provider: str, known: dict[str, str] | None = None) -> None:
    """A UsageError unless ``provider`` is a well-formed ODS code and, when ``known`` (the
    store's organisations) is not empty, a provider in it."""
    check_organisation(provider, known, "PROVIDER", "provider")
