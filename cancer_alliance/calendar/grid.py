"""The completeness grid as a table: one row per provider and month.

The same rows back ``cancer-alliance completeness`` and the web's completeness page, so
the command line and the page can never disagree.
"""

from __future__ import annotations

import pandas as pd

from cancer_alliance.calendar.states import ReportingCalendar

#: The grid's columns; the first six are the command's contract.
GRID_COLUMNS = ["provider_code", "period", "state", "rows_accepted", "rows_rejected",
                "submitted_at", "expected", "submissions", "on_time", "deadline",
                "revised_after_final", "edition", "month_complete", "in_data"]


def grid_frame(cal: ReportingCalendar) -> pd.DataFrame:
    """The grid, ordered by provider then month."""
    months = {m.period: m for m in cal.months}
    rows = []
    for c in cal.cells:
        m = months[c.period]
        rows.append({
            "provider_code": c.provider_code, "period": c.period, "state": c.state,
            "rows_accepted": c.rows_accepted, "rows_rejected": c.rows_rejected,
            "submitted_at": c.submitted_at, "expected": c.expected,
            "submissions": c.submissions, "on_time": c.on_time, "deadline": c.deadline,
            "revised_after_final": c.revised_after_final, "edition": m.edition,
            "month_complete": m.complete, "in_data": m.in_data,
        })
    df = pd.DataFrame(rows, columns=GRID_COLUMNS)
    for col in ("rows_accepted", "rows_rejected"):
        df[col] = pd.array(df[col], dtype="Int64")
    for col in ("expected", "on_time", "revised_after_final", "month_complete", "in_data"):
        df[col] = pd.array(df[col], dtype="boolean")
    return df.sort_values(["provider_code", "period"]).reset_index(drop=True)
