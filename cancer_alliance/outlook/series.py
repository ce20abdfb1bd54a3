"""The monthly series the outlook forecasts, built from complete months only.

Two kinds of measure (:func:`parse_measure`):

* ``referrals``: urgent suspected-cancer referrals (route ``USC``) by month of
  ``referral_received_date``;
* ``urgent-referrals``: the platform's measure of urgent referrals, ``URGENT_REFERRALS``
  (routes USC and breast symptomatic, :data:`cancer_alliance.metrics.measures.rules.
  URGENT_ROUTES`), counted the same way: the referral count a plan (trajectory) can be set
  for, so its forecast can be drawn beside the plan (:data:`PLAN_CODE`);
* ``<STANDARD_CODE>-denominator``: the standard's denominator (``total`` of
  :func:`cancer_alliance.metrics.compute_metrics`, accountable shares summed) by its
  reporting month, for any completed-waits standard.

Grouped ``by`` ``alliance`` (the provider's alliance), ``provider`` (the receiving provider
for referrals, the accountable provider for a standard) or ``cancer_type``: the *suspected*
cancer type for referrals and for standards whose clock stops before diagnosis (first seen,
FDS), the diagnosed *tumour group* for standards that stop at treatment (defined once, in
:func:`cancer_type_column`).

Only complete months are used: a month still coming in would look like a fall in demand.
Interim rule, until the reporting calendar lands on main (issue 17 notes): a month is
complete when every provider that has ever had a submission loaded has one loaded for that
month; the series runs from the first complete month (the data start: earlier months hold
only pathways still open when the first submission was made) to the latest complete month,
and any later, partial month is dropped.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from cancer_alliance import metrics
from cancer_alliance.errors import UsageError
from cancer_alliance.metrics.measures.rules import URGENT_ROUTES
from cancer_alliance.metrics.standards import COMPLETED, STANDARDS

BY_CHOICES = ("alliance", "provider", "cancer_type")
NOT_KNOWN = "Not known"
#: Between the parts of a combined group (``--by provider,cancer_type``: ``RA1 / LUNG``).
GROUP_SEPARATOR = " / "
REFERRALS = "referrals"
URGENT_REFERRALS = "urgent-referrals"
DENOMINATOR_SUFFIX = "-denominator"
#: The route of an urgent suspected-cancer referral (dataset code list, REFERRAL_ROUTE).
USC_ROUTE = "USC"
#: The referral routes each referral measure counts.
REFERRAL_ROUTES: dict[str, tuple[str, ...]] = {REFERRALS: (USC_ROUTE,),
                                               URGENT_REFERRALS: tuple(URGENT_ROUTES)}
#: The trajectory (``operations.trajectories``) measure code that plans the same count as a
#: forecast measure: same routes, same provider (the receiving one), same month.
PLAN_CODE: dict[str, str] = {URGENT_REFERRALS: "URGENT_REFERRALS"}
#: Events measured before a diagnosis exists: a cancer type there is the suspected one.
_PRE_DIAGNOSIS_EVENTS = frozenset({"first_seen", "fds"})


def parse_measure(measure: str) -> str | None:
    """``None`` for a referral measure (:data:`REFERRAL_ROUTES`), else the standard code of
    ``<CODE>-denominator``."""
    if measure in REFERRAL_ROUTES:
        return None
    if measure.endswith(DENOMINATOR_SUFFIX):
        code = measure[: -len(DENOMINATOR_SUFFIX)]
        if code in COMPLETED:
            return code
    known = ", ".join(f"{c}{DENOMINATOR_SUFFIX}" for c in COMPLETED)
    raise UsageError(f"--measure {measure!r} is not one of: {', '.join(REFERRAL_ROUTES)}, "
                     f"{known}")


def cancer_type_column(standard: str | None) -> str:
    """Which column ``--by cancer_type`` groups by for this measure (see module doc)."""
    if standard is None:
        return "suspected_cancer_type"
    events = {part.event for part in STANDARDS[standard].parts}
    return ("suspected_cancer_type" if events <= _PRE_DIAGNOSIS_EVENTS else "tumour_group")


def complete_months(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every month from the first to the latest complete month (interim rule, module doc)."""
    rows = con.execute(
        """
        WITH loaded AS (
            SELECT DISTINCT provider_code, period FROM submissions WHERE status = 'loaded'),
        expected AS (SELECT count(DISTINCT provider_code) AS n FROM loaded)
        SELECT period FROM loaded GROUP BY period
        HAVING count(*) = (SELECT n FROM expected) ORDER BY period
        """).fetchall()
    if not rows:
        return []
    first, last = rows[0][0], rows[-1][0]
    return [str(p) for p in pd.period_range(first, last, freq="M").strftime("%Y-%m")]


def parse_by(by: str) -> list[str]:
    """``alliance``, ``provider``, ``cancer_type`` or a comma-separated combination."""
    parts = [b.strip() for b in by.split(",") if b.strip()]
    bad = [b for b in parts if b not in BY_CHOICES]
    if not parts or bad or len(set(parts)) != len(parts):
        raise UsageError(f"--by {by!r}: use one or more of {', '.join(BY_CHOICES)}")
    return parts


def _group_label(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """One label per row: the groups' values joined with `` / `` (blank: ``Not known``)."""
    parts = [frame[c].astype("object").where(frame[c].notna(), NOT_KNOWN).astype(str)
             for c in columns]
    label = parts[0]
    for p in parts[1:]:
        label = label + GROUP_SEPARATOR + p
    return label


def _referrals(con: duckdb.DuckDBPyConnection, by: list[str],
               routes: tuple[str, ...] = (USC_ROUTE,)) -> pd.DataFrame:
    column = {"alliance": "o.alliance_code", "provider": "p.provider_code",
              "cancer_type": "p.suspected_cancer_type"}
    select = ", ".join(f"{column[b]} AS g{i}" for i, b in enumerate(by))
    df = con.execute(
        f"""
        SELECT {select}, strftime(p.referral_received_date, '%Y-%m') AS month,
               count(*)::DOUBLE AS value
        FROM pathways p LEFT JOIN organisations o ON o.org_code = p.provider_code
        WHERE list_contains(?, p.referral_route) AND p.referral_received_date IS NOT NULL
        GROUP BY ALL
        """, [list(routes)]).df()
    return pd.DataFrame({"group": _group_label(df, [f"g{i}" for i in range(len(by))]),
                         "month": df["month"], "value": df["value"]})


def _denominator(con: duckdb.DuckDBPyConnection, standard: str, by: list[str]) -> pd.DataFrame:
    column = {"alliance": "alliance_code", "provider": "provider_code",
              "cancer_type": cancer_type_column(standard)}
    columns = [column[b] for b in by]
    df = metrics.compute_metrics(con, standard, by=[*columns, "month"])
    return pd.DataFrame({"group": _group_label(df, columns), "month": df["period"],
                         "value": df["total"].astype("float64")})


def monthly_series(con: duckdb.DuckDBPyConnection, measure: str, by: str,
                   through: str | None = None) -> pd.DataFrame:
    """Columns ``group``, ``month``, ``value``: one row per group and complete month.

    A group with no activity in a complete month gets 0 for it (a month with no referrals
    is a real zero once the month is complete). Groups with no activity at all in the
    complete months are left out; a blank group (no cancer type recorded) is ``Not known``.
    ``by`` may combine groupings (``provider,cancer_type``): labels are joined with
    :data:`GROUP_SEPARATOR`. ``through`` (YYYY-MM) keeps complete months up to it only, so
    a pack for a month forecasts from what was known then.
    """
    dims = parse_by(by)
    standard = parse_measure(measure)
    months = [m for m in complete_months(con) if through is None or m <= through]
    empty = pd.DataFrame({"group": pd.Series(dtype="object"),
                          "month": pd.Series(dtype="object"),
                          "value": pd.Series(dtype="float64")})
    if not months:
        return empty
    raw = (_referrals(con, dims, REFERRAL_ROUTES[measure]) if standard is None
           else _denominator(con, standard, dims))
    raw = raw[raw["month"].isin(months)]
    if raw.empty:
        return empty
    raw = raw.groupby(["group", "month"], as_index=False)["value"].sum()
    grid = pd.MultiIndex.from_product([sorted(raw["group"].unique()), months],
                                      names=["group", "month"])
    full = raw.set_index(["group", "month"])["value"].reindex(grid, fill_value=0.0)
    return full.reset_index()


def as_arrays(series: pd.DataFrame) -> dict[str, tuple[list[str], Any]]:
    """``{group: (months, values)}`` from :func:`monthly_series`, months in order."""
    out = {}
    for group, part in series.groupby("group", sort=True):
        part = part.sort_values("month")
        out[str(group)] = (part["month"].tolist(), part["value"].to_numpy(dtype="float64"))
    return out
