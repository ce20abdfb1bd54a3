"""Trajectories: planned monthly values against actuals, months off plan, a year-end forecast.

A trajectory is the month-by-month value an organisation (a provider, or ``ALLIANCE``) plans
to reach on a standard or measure, in percent (or a count for the 62-day backlog and count
measures). A month is **off plan** when its actual is on the wrong side of the plan by more
than ``tolerance`` (below plan when higher is better; above plan where lower is better, as the
standard's or measure's definition says: :func:`lower_is_better_for`).

**Forecast method** (stated wherever a forecast is shown): the mean of the last three months'
actuals (fewer if fewer exist) is carried forward to every remaining month of the NHS
financial year (April to March). The year-end forecast is that value for March, compared with
March's plan. It is deliberately simple: a board can redo it on paper, and it neither invents
a trend nor hides a recent fall.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from cancer_alliance.dataset import periods
from cancer_alliance.errors import UsageError
from cancer_alliance.operations import actuals

LOWER_IS_BETTER = frozenset({"62_DAY_BACKLOG"})  # and any code whose definition says so


def lower_is_better_for(code: str) -> bool:
    """From the standard's or measure's own ``improvement`` (``decrease``)."""
    if code in LOWER_IS_BETTER:
        return True
    return actuals.improvement(code) == "decrease"
FORECAST_METHOD = (
    "Mean of the last 3 months' actuals carried forward to the rest of the financial year "
    "(April-March); year-end = the forecast for March."
)


@dataclass
class Comparison:
    """Plan against actual for one organisation and measure."""

    org_code: str
    measure_code: str
    rows: list[dict]  # month, planned, actual, gap, off_plan
    months_off_plan: list[str]
    forecast_year_end: float | None
    planned_year_end: float | None
    year_end_month: str | None
    on_track: bool | None
    method: str = FORECAST_METHOD
    forecast: list[dict] = field(default_factory=list)  # month, forecast

    @property
    def status(self) -> str:
        if self.on_track is None:
            return "NO_DATA" if self.forecast_year_end is None else "NO_YEAR_END_PLAN"
        return "ON_TRACK" if self.on_track else "OFF_TRACK"


def compare(
    planned: Mapping[str, float],
    actual: Mapping[str, float],
    *,
    org_code: str = "ALLIANCE",
    measure_code: str = "",
    tolerance: float = 0.0,
    lower_is_better: bool | None = None,
) -> Comparison:
    """Plan against actual month by month, with the off-plan flags and the forecast."""
    if lower_is_better is None:
        lower_is_better = lower_is_better_for(measure_code) if measure_code else False
    sign = -1 if lower_is_better else 1
    months = sorted(set(planned) | set(actual))
    rows, off = [], []
    for m in months:
        p, a = planned.get(m), actual.get(m)
        gap = a - p if p is not None and a is not None else None
        is_off = gap is not None and gap * sign < -tolerance - 1e-9
        if is_off:
            off.append(m)
        rows.append({"month": m, "planned": p, "actual": a, "gap": gap, "off_plan": is_off})
    actual_months = sorted(m for m, v in actual.items() if v is not None)
    forecast, fc_end, plan_end, end_month, on_track = [], None, None, None, None
    if actual_months:
        last = actual_months[-1]
        recent = [actual[m] for m in actual_months[-3:]]
        level = sum(recent) / len(recent)
        end_month = periods.financial_year_end(last)
        m = last
        while m < end_month:
            m = periods.shift(m, 1)
            forecast.append({"month": m, "forecast": level})
        fc_end = level if forecast else actual[last]
        plan_end = planned.get(end_month)
        if plan_end is not None:
            on_track = (fc_end - plan_end) * sign >= -tolerance - 1e-9
    return Comparison(
        org_code=org_code, measure_code=measure_code, rows=rows, months_off_plan=off,
        forecast_year_end=fc_end, planned_year_end=plan_end, year_end_month=end_month,
        on_track=on_track, forecast=forecast,
    )


# --- store ------------------------------------------------------------------------------

def set_planned(
    con, org_code: str, measure_code: str, values: Mapping[str, float], updated_by: str
) -> int:
    """Insert or replace planned values; returns how many months were written."""
    is_pct = actuals.unit(measure_code) == "%"
    n = 0
    for month, v in values.items():
        m = periods.check_month(month, "month")
        try:
            val = float(v)
        except (TypeError, ValueError):
            raise UsageError(
                f"trajectory {org_code}/{measure_code} {m}: planned value '{v}' is not a number"
            ) from None
        if is_pct and not 0 <= val <= 100:
            raise UsageError(
                f"trajectory {org_code}/{measure_code} {m}: planned value {val:g} is not a "
                "percentage (0-100)"
            )
        if val < 0:
            raise UsageError(
                f"trajectory {org_code}/{measure_code} {m}: planned count {val:g} is negative"
            )
        con.execute(
            "INSERT OR REPLACE INTO trajectories (org_code, measure_code, month, planned,"
            " updated_by, updated_at) VALUES (?, ?, ?, ?, ?, current_timestamp)",
            [org_code, measure_code, m, val, updated_by],
        )
        n += 1
    return n


def get_planned(con, org_code: str, measure_code: str) -> dict[str, float]:
    rows = con.execute(
        "SELECT month, planned FROM trajectories WHERE org_code = ? AND measure_code = ?"
        " ORDER BY month",
        [org_code, measure_code],
    ).fetchall()
    return {m: float(v) for m, v in rows}


def version(con) -> tuple:
    """What changes whenever a trajectory is written or removed: how many planned months
    are stored and when the latest was written (``set_planned`` stamps ``updated_at``).

    Plans change without a new submission, so the store's data version does not see them;
    anything cached that draws a plan puts this in its key (``web.data.plans_version``), so
    an edit from the web or the command line shows on the next view.
    """
    (row,) = con.execute(
        "SELECT count(*), max(updated_at), coalesce(sum(planned), 0) FROM trajectories"
    ).fetchall()
    return tuple(row)


def list_trajectories(con) -> pd.DataFrame:
    return con.execute(
        "SELECT org_code, measure_code, min(month) AS first_month, max(month) AS last_month,"
        " count(*) AS months FROM trajectories GROUP BY ALL ORDER BY org_code, measure_code"
    ).df()


def plan_vs_actual(con, org_code: str, measure_code: str, tolerance: float = 0.0,
                   until: str | None = None) -> Comparison:
    """Compare the stored trajectory with the actuals the metrics layer computes.

    ``until`` (YYYY-MM) ignores actuals after that month, so a pack for May shows the status
    and forecast as they stood in May, not with months the provider had not yet reached.
    """
    planned = get_planned(con, org_code, measure_code)
    try:
        df = actuals.monthly(con, measure_code, org_code)
        actual = {r.month: float(r.value) for r in df.itertuples() if pd.notna(r.value)}
    except Exception:  # noqa: BLE001 - no actuals yet still shows the plan
        actual = {}
    if until is not None:
        until = periods.check_month(until, "month")
        actual = {m: v for m, v in actual.items() if m <= until}
    return compare(planned, actual, org_code=org_code, measure_code=measure_code,
                   tolerance=tolerance)


def status_for(con, org_code: str, measures: Sequence[str] | None = None,
               until: str | None = None) -> list[Comparison]:
    """Every trajectory of one organisation compared with actuals up to ``until`` (packs)."""
    codes = measures or [
        r[0] for r in con.execute(
            "SELECT DISTINCT measure_code FROM trajectories WHERE org_code = ? ORDER BY 1",
            [org_code],
        ).fetchall()
    ]
    return [plan_vs_actual(con, org_code, c, until=until) for c in codes]
