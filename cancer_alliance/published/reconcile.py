"""Reconciling the alliance's patient-level totals with NHS England's published ones.

For each provider, standard and month where either side has a figure: published total,
within and breaches (provider basis, all cancers, routes and modalities) beside the
platform's own (:func:`cancer_alliance.metrics.compute_metrics` by accountable provider, so
inter-provider 0.5 shares are included as NHS England includes them), their differences
(local minus published) and a status:

* ``match``: all three counts equal;
* ``differs``: both sides have figures and at least one count differs;
* ``not published``: the published cell is blank (not published), so nothing to compare;
* ``published only``: NHS England has a figure, the store has no included pathway;
* ``local only``: the store has a figure, no published row was loaded for it;
* ``not computed locally``: the platform does not measure that standard in that month (a
  pre-October 2023 standard after the change, such as the first-seen counts NHS England
  still publishes, or a combined standard NHS England back-calculated before it).

Only providers that submit to the local store are reconciled (a published national file
lists every trust in England), and only months a published file covers, so a month that
is simply not loaded yet is not reported as a difference (any published
standard for a month counts as covering it).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from cancer_alliance.dataset import periods
from cancer_alliance.metrics import compute_metrics, definition
from cancer_alliance.metrics.definition import Era
from cancer_alliance.metrics.platform_rules import ERA_CHANGE
from cancer_alliance.published.aggregate import published_metrics

RECONCILE_COLUMNS = [
    "provider_code", "standard", "period",
    "published_total", "published_within", "published_breaches",
    "local_total", "local_within", "local_breaches",
    "total_difference", "within_difference", "breaches_difference", "status",
]
#: Shares are halves, so sums are exact in binary floating point; allow only rounding noise.
TOLERANCE = 1e-9


def _local_providers(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The providers that submit to the store: only their figures can be complete locally.

    A provider outside the alliance can still be credited locally (a tertiary centre that
    treats transferred patients), but the store sees only the alliance's share of its
    pathways, so comparing it with its national figure would always differ.
    """
    rows = con.execute("SELECT DISTINCT provider_code FROM pathways").fetchall()
    return {r[0] for r in rows if r[0]}


def _computed_locally(standard: str, month: str) -> bool:
    """Whether the platform's definition of ``standard`` covers clock stops in ``month``."""
    era = definition(standard).era
    after_change = month >= periods.from_date(ERA_CHANGE)
    return not ((era == Era.PRE_2023 and after_change)
                or (era == Era.FROM_2023 and not after_change))


def _status(row: pd.Series) -> str:
    if not _computed_locally(row["standard"], row["period"]):
        return "not computed locally"
    has_pub = row["_pub"]
    has_local = row["_local"]
    if not has_pub:
        return "local only"
    if pd.isna(row["published_total"]) or pd.isna(row["published_within"]):
        return "not published"
    if not has_local:
        return "published only"
    diffs = [row["total_difference"], row["within_difference"]]
    if not pd.isna(row["published_breaches"]):
        diffs.append(row["breaches_difference"])
    return "match" if all(abs(d) <= TOLERANCE for d in diffs) else "differs"


def reconcile(
    con: duckdb.DuckDBPyConnection, standard: str | None = None, period: str | None = None
) -> pd.DataFrame:
    """The difference table, one row per provider, standard and month (see module doc)."""
    if standard:
        standards = [standard]
    else:
        standards = [r[0] for r in con.execute(
            "SELECT DISTINCT standard FROM published_cwt WHERE basis = 'Provider' ORDER BY 1"
        ).fetchall()]
    providers = _local_providers(con)
    if not providers:  # no patient-level data: nothing to reconcile
        return pd.DataFrame(columns=RECONCILE_COLUMNS)
    months = {r[0] for r in con.execute(
        "SELECT DISTINCT period FROM published_cwt WHERE basis = 'Provider'").fetchall()}
    frames = []
    for code in standards:
        pub = published_metrics(con, code, by=("provider_code", "month"), period=period)
        pub = pub[pub["provider_code"].isin(providers)]
        local = compute_metrics(con, code, by=("provider_code", "month"), period=period)
        local = local[local["period"].isin(months)]
        pub = pub.rename(columns={c: f"published_{c}" for c in ("total", "within", "breaches")})
        local = local.rename(columns={c: f"local_{c}" for c in ("total", "within", "breaches")})
        keys = ["provider_code", "standard", "period"]
        both = pub[[*keys, "published_total", "published_within", "published_breaches"]].assign(
            _pub=True
        ).merge(
            local[[*keys, "local_total", "local_within", "local_breaches"]].assign(_local=True),
            on=keys, how="outer",
        )
        counts = [f"{side}_{c}" for side in ("published", "local")
                  for c in ("total", "within", "breaches")]
        frames.append(both.astype({c: "float64" for c in counts}))
    if not frames or all(f.empty for f in frames):
        return pd.DataFrame(columns=RECONCILE_COLUMNS)
    out = pd.concat([f for f in frames if not f.empty], ignore_index=True)
    out["_pub"] = out["_pub"].astype("boolean").fillna(False).astype(bool)
    out["_local"] = out["_local"].astype("boolean").fillna(False).astype(bool)
    for c in ("total", "within", "breaches"):
        out[f"local_{c}"] = out[f"local_{c}"].astype("float64").where(out["_local"], 0.0)
        out[f"published_{c}"] = out[f"published_{c}"].astype("float64")
        out[f"{c}_difference"] = out[f"local_{c}"] - out[f"published_{c}"]
    out["status"] = out.apply(_status, axis=1)
    out = out.sort_values(["standard", "period", "provider_code"]).reset_index(drop=True)
    return out[RECONCILE_COLUMNS]

