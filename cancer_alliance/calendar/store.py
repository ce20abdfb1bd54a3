"""Reading the calendar's inputs from the store, and recording what people decide.

Inputs: every submission (``submissions``), the alliance footprint (``organisations`` of
type PROVIDER in the alliance), the months providers joined (``calendar_providers``), the
alliance's settings (``calendar_settings``) and explicit finalisations
(``month_finalisations``). Writes: a setting, a provider's joining month, a finalisation.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import duckdb

from cancer_alliance.calendar.deadlines import CalendarSettings
from cancer_alliance.calendar.states import (
    Finalisation,
    ReportingCalendar,
    Submission,
    build_calendar,
)
from cancer_alliance.dataset import periods
from cancer_alliance.errors import UsageError

#: Settings an alliance may change, with the type each value is read as.
SETTING_TYPES = {"working_days": int, "revision_months": int, "complete_share": float,
                 "data_start": str, "alliance_code": str}


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    cur = con.cursor()
    try:
        return cur.execute(sql, params or []).fetchall()
    finally:
        cur.close()


def now_utc() -> datetime:
    """The time the store records (UTC, without a zone, like ``submitted_at``)."""
    return datetime.now(UTC).replace(tzinfo=None)


def read_settings(con: duckdb.DuckDBPyConnection) -> CalendarSettings:
    """The alliance's settings: the national defaults, overridden by any stored value."""
    values = {k: SETTING_TYPES[k](v) for k, v in
              _rows(con, "SELECT key, value FROM calendar_settings") if k in SETTING_TYPES}
    return CalendarSettings(**values)


def set_setting(con: duckdb.DuckDBPyConnection, key: str, value: str | None, by: str) -> None:
    """Store one setting (``None`` removes it, back to the default), checked first."""
    if key not in SETTING_TYPES:
        raise UsageError(f"unknown calendar setting {key!r}; settings are "
                         f"{', '.join(SETTING_TYPES)}")
    if value is None:
        con.execute("DELETE FROM calendar_settings WHERE key = ?", [key])
        return
    try:
        typed = SETTING_TYPES[key](value)
        replace(read_settings(con), **{key: typed})  # checked as a whole
    except ValueError as exc:
        raise UsageError(f"calendar setting {key} = {value!r}: {exc}") from None
    con.execute("INSERT OR REPLACE INTO calendar_settings VALUES (?, ?, ?, ?)",
                [key, str(typed), by, now_utc()])


def set_provider_start(con: duckdb.DuckDBPyConnection, provider: str, month: str,
                       by: str) -> None:
    """Record the month ``provider`` joined the footprint (expected from then on)."""
    periods.check_month(month, "joining month")
    con.execute("INSERT OR REPLACE INTO calendar_providers VALUES (?, ?, ?, ?)",
                [provider, month, by, now_utc()])


def alliance_code(con: duckdb.DuckDBPyConnection, settings: CalendarSettings) -> str | None:
    """The alliance whose footprint applies: the setting, else the store's only alliance,
    else the alliance most submitting providers belong to (``None``: no footprint)."""
    if settings.alliance_code:
        return settings.alliance_code
    codes = _rows(con, "SELECT alliance_code FROM alliances")
    if len(codes) == 1:
        return codes[0][0]
    rows = _rows(con, """
        SELECT o.alliance_code, count(DISTINCT s.provider_code) AS n FROM submissions s
        JOIN organisations o ON o.org_code = s.provider_code
        WHERE o.alliance_code IS NOT NULL GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1""")
    return rows[0][0] if rows else None


def footprint(con: duckdb.DuckDBPyConnection,
              settings: CalendarSettings) -> dict[str, str | None]:
    """Provider code -> joining month (None: from its first submission) for the alliance."""
    code = alliance_code(con, settings)
    out: dict[str, str | None] = {}
    if code is not None:
        for (org,) in _rows(con, "SELECT org_code FROM organisations WHERE org_type = 'PROVIDER'"
                                 " AND alliance_code = ? ORDER BY org_code", [code]):
            out[org] = None
    for org, month in _rows(con, "SELECT provider_code, expected_from FROM calendar_providers"):
        out[org] = month
    return out


def submissions(con: duckdb.DuckDBPyConnection) -> list[Submission]:
    rows = _rows(con, "SELECT submission_id, provider_code, period, submitted_at, status,"
                      " accepted, rejected, submitted_by FROM submissions")
    return [Submission(int(r[0]), r[1], r[2], r[3], r[4], int(r[5] or 0), int(r[6] or 0),
                       r[7] or "") for r in rows]


def finalisations(con: duckdb.DuckDBPyConnection) -> list[Finalisation]:
    return [Finalisation(p, by, at) for p, by, at in
            _rows(con, "SELECT period, finalised_by, finalised_at FROM month_finalisations")]


def read_calendar(con: duckdb.DuckDBPyConnection, as_of: date | datetime | None = None,
                  settings: CalendarSettings | None = None) -> ReportingCalendar:
    """The store's reporting calendar as it stands at ``as_of`` (default: now, UTC)."""
    settings = settings or read_settings(con)
    return build_calendar(submissions(con), footprint(con, settings),
                          as_of if as_of is not None else now_utc(), settings,
                          finalisations(con))


def finalise(con: duckdb.DuckDBPyConnection, period: str, by: str, note: str | None = None,
             at: datetime | None = None) -> Finalisation:
    """Make ``period`` final now, by an analyst's decision (the caller audits who asked).

    Refused for a month that has not ended, a month with nothing loaded, and a month that
    is already final (by rule or by an earlier ``finalise``), each with the reason.
    """
    periods.check_month(period)
    at = at or now_utc()
    cal = read_calendar(con, at)
    month = cal.month(period)
    if at.date() <= periods.month_end(period):
        raise UsageError(f"cannot finalise {period}: the month has not ended")
    if month is None or not month.received:
        raise UsageError(f"cannot finalise {period}: no provider has submitted it")
    if month.final:
        how = f"by {month.finalised_by}" if month.finalised_by else "by rule, after its final " \
            f"deadline {month.final_deadline.isoformat()}"
        raise UsageError(f"{period} is already final ({how})")
    con.execute("INSERT INTO month_finalisations VALUES (?, ?, ?, ?)", [period, by, at, note])
    return Finalisation(period, by, at)
