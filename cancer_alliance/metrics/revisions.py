"""Revisions of final figures: what a resubmission after finalisation changed.

The reporting calendar says which submissions are revisions (a resubmission loaded after its
month was final: :meth:`cancer_alliance.calendar.ReportingCalendar.revisions`). When the
materialised outcomes are refreshed for such a submission, the figures of every final
month (standard x accountable provider x month: total and within) are compared before and
after, and each one that moved is recorded in ``figure_revisions`` with the submission, who
and when. Pages show the list beside the figures (old value, new value, who, when), so a
published figure never changes silently.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from cancer_alliance.calendar import read_calendar

KEYS = ["standard", "provider_code", "period"]
#: Two figures are the same if they differ by less than this (shares are 0.5 or 1).
TOLERANCE = 1e-9


def revision_of(con: duckdb.DuckDBPyConnection, submission_id: int):
    """The calendar's record of ``submission_id`` if it is a revision of a final month."""
    cal = read_calendar(con)
    for _cell, sub in cal.revisions():
        if sub.submission_id == submission_id:
            return sub
    return None


def final_figures(con: duckdb.DuckDBPyConnection, months: list[str]) -> pd.DataFrame:
    """Stored figures (total, within) of ``months`` by standard and accountable provider."""
    if not months:
        return pd.DataFrame(columns=[*KEYS, "total", "within"])
    return con.execute("""
        SELECT standard, accountable_provider_code AS provider_code,
               reporting_period AS period, sum(share) AS total,
               sum(CASE WHEN outcome = 'within' THEN share ELSE 0 END) AS within
        FROM metric_outcomes
        WHERE included AND list_contains(?, reporting_period)
        GROUP BY ALL""", [months]).df()


def final_months(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [m.period for m in read_calendar(con).months if m.final]


def record_changes(con: duckdb.DuckDBPyConnection, before: pd.DataFrame, after: pd.DataFrame,
                   sub) -> int:
    """Write each figure that differs between ``before`` and ``after``; the count written."""
    merged = before.merge(after, on=KEYS, how="outer", suffixes=("_old", "_new")).fillna(
        {"total_old": 0.0, "within_old": 0.0, "total_new": 0.0, "within_new": 0.0})
    moved = merged[((merged["total_old"] - merged["total_new"]).abs() > TOLERANCE)
                   | ((merged["within_old"] - merged["within_new"]).abs() > TOLERANCE)]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for r in moved.itertuples(index=False):
        con.execute("INSERT INTO figure_revisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [r.standard, r.provider_code, r.period, float(r.total_old),
                     float(r.within_old), float(r.total_new), float(r.within_new),
                     sub.submission_id, sub.submitted_by, sub.submitted_at, now])
    return len(moved)


def revisions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every recorded revision, newest first, with old and new performance (%)."""
    df = con.execute("SELECT * FROM figure_revisions ORDER BY recorded_at DESC, standard,"
                     " provider_code, period").df()
    df["old_performance"] = (100 * df["old_within"] / df["old_total"]).where(df["old_total"] > 0)
    df["new_performance"] = (100 * df["new_within"] / df["new_total"]).where(df["new_total"] > 0)
    return df
