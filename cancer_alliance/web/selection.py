"""The period a page's figures cover, as the viewer chose it, kept from page to page.

Every figure page (overview, standards, providers, commissioners, tumour groups, equity,
outcomes) shows one *span*: a month, a quarter, the financial year to date or the rolling
twelve months, each ending at a chosen month (the arithmetic is
:func:`cancer_alliance.dataset.periods.window`; this module only reads the choice). The
choice comes from the query string (``window=quarter&period=2024-06``), else from the
``ca_period`` cookie the last choice set, else it is the latest complete month.

Spans end only at complete months (reporting calendar, :mod:`cancer_alliance.calendar`):
a month some providers have not sent yet may be chosen on its own, and is then marked
provisional; a longer span asked to end in one ends at the latest complete month instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import HTTPException, Request

from cancer_alliance.dataset import periods
from cancer_alliance.web import data, params

COOKIE = "ca_period"
_COOKIE_VALUE = re.compile(r"^(month|quarter|fytd|rolling12):(\d{4}-\d{2})$")
KEPT = ("provider", "standard", "funnel_by", "group")
"""Other query values the period chooser carries over (each checked by its page)."""
# codes and options only: never a run of six or more digits (an identifier typed into a URL)
_KEPT_VALUE = re.compile(r"^(?!.*\d{6})[A-Za-z0-9_]{1,40}$")


@dataclass(frozen=True)
class Selection:
    """A chosen span: ``kind`` ending at ``month`` (None: no month has data yet)."""

    kind: str
    month: str | None
    complete: tuple[str, ...] = ()
    provisional_months: tuple[str, ...] = ()
    finals: tuple[str, ...] = ()
    moved: bool = False  # asked to end in a provisional month, so ended at the latest complete

    @property
    def span(self) -> tuple[str, str] | None:
        return periods.window(self.kind, self.month) if self.month else None

    @property
    def first(self) -> str | None:
        return self.span[0] if self.span else None

    @property
    def last(self) -> str | None:
        return self.span[1] if self.span else None

    @property
    def range(self) -> str | None:
        """The span as the metrics layer reads it: ``YYYY-MM`` or ``first..last``."""
        if not self.span:
            return None
        first, last = self.span
        return first if first == last else f"{first}..{last}"

    @property
    def previous(self) -> str | None:
        """The span of the same kind just before (for "change since")."""
        if not self.month:
            return None
        first, last = periods.previous_window(self.kind, self.month)
        return first if first == last else f"{first}..{last}"

    @property
    def label(self) -> str:
        return periods.window_label(self.kind, self.month) if self.month else "no data yet"

    @property
    def provisional(self) -> bool:
        """Whether the span holds a month not every expected provider has sent."""
        return bool(self.month) and self.last in self.provisional_months

    @property
    def edition(self) -> str | None:
        """``final`` when every month of the span is final, else ``provisional``."""
        if not self.span or not (self.finals or self.complete):
            return None
        known = set(self.complete) | set(self.provisional_months)  # from the data start
        months = [m for m in periods.months_between(*self.span) if m in known]
        return "final" if all(m in self.finals for m in months) else "provisional"

    @property
    def query(self) -> str:
        """The choice as a query string, for links that must keep it."""
        return f"window={self.kind}&period={self.month}" if self.month else ""

    @property
    def cookie(self) -> str | None:
        return f"{self.kind}:{self.month}" if self.month else None

    def choices(self) -> list[tuple[str, str]]:
        """(month, words) for the chooser: complete months newest first, then any
        provisional ones, marked."""
        out = [(m, f"{m} (provisional)") for m in reversed(self.provisional_months)]
        return out + [(m, m) for m in reversed(self.complete)]


def _months(con) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(complete months from the data start, provisional months after them, final months);
    a store without a calendar (no footprint) counts every month with data as complete."""
    cal = data.reporting_calendar(con)
    latest, start = cal.latest_complete, cal.data_start
    if latest is None and not cal.has_footprint:
        months = tuple(data.periods(con))
        return months, (), ()
    complete = tuple(m.period for m in cal.months if m.complete and m.period <= (latest or "")
                     and (start is None or m.period >= start))
    provisional = tuple(m.period for m in cal.provisional_after())
    finals = tuple(m.period for m in cal.months if m.final)
    return complete, provisional, finals


def select(request: Request, con) -> Selection:
    """The viewer's span: from the query, else the cookie, else the latest complete month.

    A bad ``window`` or ``period`` in the query is a 400 naming neither value; a stale or
    forged cookie is ignored.
    """
    kind = request.query_params.get("window") or None
    month = params.period(request.query_params.get("period"))
    if kind is not None and kind not in periods.WINDOWS:
        raise HTTPException(400, "The span must be one of: "
                            + ", ".join(periods.WINDOW_WORDS.values()) + ".")
    sel = resolve(kind, month, request.cookies.get(COOKIE, ""), *_months(con))
    request.state.selection = sel
    return sel


def resolve(kind: str | None, month: str | None, cookie: str, complete: tuple[str, ...],
            provisional: tuple[str, ...] = (), finals: tuple[str, ...] = ()) -> Selection:
    """The span from what was asked (``kind``, ``month``: already checked), the cookie's
    last choice, and the calendar's complete and provisional months.

    The kind asked, else the remembered one, else a month; the month asked, else the
    remembered one if it still has data, else the latest complete month (else the latest
    provisional one). A span longer than a month asked to end after the latest complete
    month ends at it instead (``moved``).
    """
    remembered = _COOKIE_VALUE.match(cookie or "")
    if kind is None:
        kind = remembered[1] if remembered else "month"
    if month is None and remembered and remembered[2] in (set(complete) | set(provisional)):
        month = remembered[2]
    latest = complete[-1] if complete else None
    moved = False
    if month is None:
        month = latest or (provisional[-1] if provisional else None)
    elif kind != "month" and latest and month > latest:
        month, moved = latest, True  # a longer span ends only at a complete month
    return Selection(kind, month, tuple(complete), tuple(provisional), tuple(finals), moved)


def remember(request: Request, response) -> None:
    """Keep a choice made in the query string for the next page (a cookie, not a login:
    it holds only the span and a month)."""
    sel: Selection | None = getattr(request.state, "selection", None)
    if sel is None or sel.cookie is None:
        return
    if not ({"window", "period"} & set(request.query_params)):
        return
    response.set_cookie(COOKIE, sel.cookie, httponly=True, samesite="lax",
                        secure=request.app.state.settings.secure_cookies, path="/",
                        max_age=60 * 60 * 24 * 90)


def kept(request: Request) -> list[tuple[str, str]]:
    """The page's other choices (provider, standard...) the chooser sends back unchanged."""
    return [(k, v) for k, v in request.query_params.items()
            if k in KEPT and _KEPT_VALUE.match(v)]
