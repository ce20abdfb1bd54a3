"""The reporting calendar's own records: settings, provider joins, explicit finalisations.

Everything else the calendar needs (submissions, the footprint) is already stored; these
hold only what a person decides: the alliance's timetable if it is not the national one,
the month a provider joined the footprint, and an analyst's ``finalise`` of a month.
"""

VERSION = 4
DESCRIPTION = "reporting calendar: settings, provider joining months, month finalisations"

STATEMENTS = [
    """CREATE TABLE IF NOT EXISTS calendar_settings (
        key VARCHAR PRIMARY KEY,           -- working_days | revision_months | complete_share ...
        value VARCHAR NOT NULL,
        set_by VARCHAR NOT NULL,
        set_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS calendar_providers (
        provider_code VARCHAR PRIMARY KEY,
        expected_from VARCHAR NOT NULL,    -- YYYY-MM: the month it joined the footprint
        set_by VARCHAR NOT NULL,
        set_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS month_finalisations (
        period VARCHAR PRIMARY KEY,        -- YYYY-MM
        finalised_by VARCHAR NOT NULL,
        finalised_at TIMESTAMP NOT NULL,
        note VARCHAR
    )""",
]


def apply(con) -> None:
    for sql in STATEMENTS:
        con.execute(sql)
