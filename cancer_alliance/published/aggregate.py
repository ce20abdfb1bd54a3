"""Published CWT data in the aggregate shape of :func:`cancer_alliance.metrics.compute_metrics`.

So the dashboard can run on public data alone, ``published_metrics`` answers the question
``compute_metrics`` answers (``standard, period, <groups>, total, within, breaches,
performance, threshold, met``) from ``published_cwt``.

Published files mix detail rows and subtotals. For each breakdown dimension (organisation,
cancer type, route or stage, modality) that is *not* asked for, the published subtotal for it
is used when the file has one (``ALL CANCERS``; the England total for organisations), else the
detail rows are summed. A dimension that *is* asked for uses detail rows only. Subtotals are
therefore never added to the rows they summarise. A sum that would include a blank ("not
published") cell is blank too: we cannot know it, and a partial sum would look like a real
figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import duckdb
import pandas as pd

from cancer_alliance.dataset import periods
from cancer_alliance.dataset.breakdowns import Vocabulary
from cancer_alliance.errors import NotFound, UsageError
from cancer_alliance.metrics.api import definition
from cancer_alliance.published.vocabulary import ALL, ENGLAND

COUNTS = ["total", "within", "breaches"]
METRIC_COLUMNS = ["total", "within", "breaches", "performance", "threshold", "met"]

#: Group names accepted in ``by`` -> (published column, basis it implies or None).
GROUPS: dict[str, tuple[str, str | None]] = {
    "provider_code": ("org_code", "Provider"),
    "commissioner_code": ("org_code", "Commissioner"),
    "cancer_type": ("cancer_type", None),
    "referral_route": ("route_or_stage", None),
    "route_or_stage": ("route_or_stage", None),
    "modality": ("modality", None),
}
#: Short names; ``cancer_type`` is the published column itself, so it is not an alias here.
ALIASES = {"provider": "provider_code", "commissioner": "commissioner_code",
           "route": "referral_route", "treatment_modality": "modality", "fy": "financial_year"}
#: What published data can be broken down and filtered by (parsed in one place).
BREAKDOWNS = Vocabulary("published data", tuple(GROUPS), MappingProxyType(ALIASES))
#: Each dimension of a published row and the value its subtotal rows carry.
DIMENSIONS = {"org_code": ENGLAND, "cancer_type": ALL, "route_or_stage": ALL, "modality": ALL}


def _parse_by(by: Sequence[str] | str) -> tuple[list[str], str | None]:
    groups, grain = BREAKDOWNS.parse_by(by)
    if "provider_code" in groups and "commissioner_code" in groups:
        raise UsageError("published data is on a provider or a commissioner basis, not both")
    return groups, grain


def _sum_or_null(values: pd.Series) -> float:
    return float("nan") if values.isna().any() else float(values.sum())


def select_rows(rows: pd.DataFrame, grouped: Sequence[str]) -> pd.DataFrame:
    """The rows that add up to each cell without double counting (see the module doc).

    ``grouped`` lists published columns the caller breaks down by: detail rows only for
    those; for every other dimension the subtotal row if published, else the detail rows.
    """
    keys = ["basis", "period", "standard"]
    for dim in grouped:  # asked-for dimensions first: their subtotals never count
        rows = rows[rows[dim] != DIMENSIONS[dim]]
        keys.append(dim)
    for dim, all_value in DIMENSIONS.items():
        if dim in grouped:
            continue
        is_all = rows[dim] == all_value
        has_all = is_all.groupby([rows[k] for k in keys]).transform("any")
        rows = rows[is_all | ~has_all]
    return rows


def published_metrics(
    con: duckdb.DuckDBPyConnection,
    standard: str | None = None,
    by: Sequence[str] | str = ("provider_code", "month"),
    period: str | tuple[str, str] | None = None,
    filters: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Published totals in ``compute_metrics``'s shape, for one standard or all loaded ones.

    ``by`` takes ``provider_code`` or ``commissioner_code`` (which also picks the basis),
    ``cancer_type``, ``referral_route``, ``modality`` and one of ``month``, ``quarter``,
    ``financial_year``. Without an organisation the England total is used. ``filters`` maps
    the same names to a value or list (e.g. ``{"provider_code": ["RAA", "RBB"]}``).
    """
    groups, grain = _parse_by(by)
    basis = next((GROUPS[g][1] for g in groups if GROUPS[g][1]), None)
    for k in BREAKDOWNS.filters(filters):
        basis = basis or GROUPS[k][1]
    basis = basis or "Provider"
    sql = "SELECT * FROM published_cwt WHERE basis = ?"
    params: list[Any] = [basis]
    if standard:
        definition(standard)  # a NotFound naming the known codes if it is not one
        sql += " AND standard = ?"
        params.append(standard)
    rng = periods.month_range(period)
    if rng:
        sql += " AND period BETWEEN ? AND ?"
        params += list(rng)
    rows = con.execute(sql, params).df()
    rows = BREAKDOWNS.filter(rows, filters, {g: col for g, (col, _) in GROUPS.items()})
    columns = ["standard", "period", *groups, *METRIC_COLUMNS]
    if rows.empty:
        if standard and not _any_published(con, standard):
            raise NotFound(f"no published data loaded for {standard}; use 'published load'")
        return pd.DataFrame(columns=columns)
    rows = select_rows(rows, [GROUPS[g][0] for g in groups])
    for g in groups:
        rows[g] = rows[GROUPS[g][0]]
    if grain is None:
        first, last = rows["period"].min(), rows["period"].max()
        rows["month"], rows["period"] = rows["period"], first if first == last else (
            f"{first}..{last}")
    else:
        rows["month"] = rows["period"]
        rows["period"] = rows["month"].map(lambda m: periods.label(m, grain))
    keys = ["standard", "period", *groups]
    agg = rows.groupby(keys, dropna=False).agg(
        **{c: (c, _sum_or_null) for c in COUNTS}, _first=("month", "min")
    ).reset_index()
    return _finish(agg, columns)


def _any_published(con: duckdb.DuckDBPyConnection, standard: str) -> bool:
    n = con.execute("SELECT count(*) FROM published_cwt WHERE standard = ?", [standard])
    return n.fetchall()[0][0] > 0


def _finish(agg: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Performance %, and the threshold in force in the period's first month (as metrics)."""
    agg["performance"] = (100.0 * agg["within"] / agg["total"]).where(agg["total"] > 0).round(2)
    agg["threshold"] = [
        definition(s).threshold_on(periods.first_day(m))
        for s, m in zip(agg["standard"], agg["_first"], strict=True)
    ]
    agg["threshold"] = agg["threshold"].astype("float64")
    agg["met"] = pd.array(
        [None if pd.isna(p) or pd.isna(t) else bool(p >= t)
         for p, t in zip(agg["performance"], agg["threshold"], strict=True)],
        dtype="boolean",
    )
    return agg.sort_values(columns[:columns.index("total")]).reset_index(drop=True)[columns]
