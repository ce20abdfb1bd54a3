"""Demand against capacity, by trust and resource, now and for the forecast months.

Method (``docs/explanation/capacity.md``), every ratio from
:mod:`cancer_alliance.reference.capacity_assumptions` and
:mod:`cancer_alliance.reference.diagnostic_tests`:

* **Submitted months.** Capacity and activity are the trust's capacity submissions
  (``capacity`` table); utilisation is activity / capacity. *Pathway demand* is what the
  trust's own pathways imply: each referral on a Faster Diagnosis route (USC, BS, SCREEN)
  in the month needs one test of the modality mix of its suspected cancer type or route,
  and each first treatment in the month the units of its resource
  (``UNITS_PER_TREATMENT``). Cancer is a fixed share of each resource's work
  (``CANCER_SHARE``), so the resource's whole *demand* is the pathway demand divided by it.
  ``demand_ratio`` is demand / capacity: above 1 the trust cannot do all that is asked.
* **Forecast months.** Urgent referrals are forecast by trust (:mod:`.forecast`, AutoETS
  with intervals); each trust's mix of FDS-route referrals over its last 12 complete months
  turns the forecast into tests by modality, and treatment units grow with referrals;
  divided by the cancer share as above. Capacity is held at its three-month average (no
  planned change). When a trust has
  too little history to forecast, the recent average is carried forward and the method says
  so. The 80% interval of the referral forecast carries through to demand (linear).
* **Workforce.** The whole-time equivalents a staff group needs for a month's demand
  (``wte_needed``) against those available in the latest submitted month (in post plus
  bank and agency); the gap is needed less available, at the forecast's peak month.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from cancer_alliance.dataset.capacity_codes import RESOURCE, STAFF_GROUP
from cancer_alliance.outlook import demand as dm
from cancer_alliance.outlook import series
from cancer_alliance.outlook.forecast import INSUFFICIENT, months_after
from cancer_alliance.reference.capacity_assumptions import (
    ACTIVITY_PER_WTE,
    CANCER_SHARE,
    NEW_TREATMENTS,
    UNITS_PER_TREATMENT,
    wte_needed,
)
from cancer_alliance.reference.diagnostic_tests import DIAGNOSTIC_MIX

MIX_MONTHS = 12  # months of referrals whose mix turns a forecast into tests
RECENT_MONTHS = 3  # months averaged for capacity and non-cancer activity held flat
RECENT_AVERAGE = "recent average (too little history to forecast)"

ROW_COLUMNS = ["provider", "resource", "month", "kind", "capacity", "activity", "demand",
               "demand_lower", "demand_upper", "utilisation", "demand_ratio", "gap", "method"]
WORKFORCE_COLUMNS = ["provider", "staff_group", "in_post_wte", "vacancy_wte", "agency_wte",
                     "available_wte", "needed_wte", "gap_wte", "peak_month"]


@dataclass(frozen=True)
class CapacityOutlook:
    """Demand and capacity rows (``ROW_COLUMNS``: kind ``submitted`` or ``forecast``) and
    the workforce gap (``WORKFORCE_COLUMNS``) for a set of trusts."""

    rows: pd.DataFrame
    workforce: pd.DataFrame
    horizon: int


def _submitted(con: duckdb.DuckDBPyConnection, providers: list[str] | None,
               through: str | None) -> pd.DataFrame:
    where, params = "WHERE true", []
    if providers is not None:
        where += f" AND provider_code IN ({', '.join('?' for _ in providers)})"
        params = list(providers)
    if through is not None:
        where += " AND period <= ?"
        params.append(through)
    return con.execute(
        f"SELECT provider_code AS provider, resource, period AS month, capacity, activity, "
        f"cancer_activity FROM capacity {where}", params).df()


def _referral_groups(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """FDS-route referrals by trust, month and mix group (suspected type, or the route)."""
    return con.execute(
        """
        SELECT provider_code AS provider, strftime(referral_received_date, '%Y-%m') AS month,
               CASE WHEN referral_route = 'USC' THEN coalesce(suspected_cancer_type, 'OTHER')
                    ELSE referral_route END AS grp,
               referral_route = 'USC' AS usc, count(*)::DOUBLE AS n
        FROM pathways
        WHERE referral_route IN ('USC', 'BS', 'SCREEN') AND referral_received_date IS NOT NULL
        GROUP BY ALL
        """).df()


def _treatment_units(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Units of each treatment resource started by first treatments, by trust and month."""
    frame = con.execute(
        """
        SELECT first_treatment_provider_code AS provider,
               strftime(first_treatment_date, '%Y-%m') AS month,
               first_treatment_modality AS modality, count(*)::DOUBLE AS n
        FROM pathways WHERE first_treatment_date IS NOT NULL GROUP BY ALL
        """).df()
    rows = []
    for modality, (resource, units) in UNITS_PER_TREATMENT.items():
        part = frame[frame["modality"] == modality]
        rows.append(pd.DataFrame({"provider": part["provider"], "month": part["month"],
                                  "resource": resource, "units": part["n"] * units}))
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=["provider", "month", "resource", "units"])
    return out.groupby(["provider", "month", "resource"], as_index=False)["units"].sum()


def modality_tests(groups: pd.DataFrame) -> dict[str, float]:
    """Tests by modality implied by referrals counted by mix group (``grp``, ``n``)."""
    out: dict[str, float] = {}
    for grp, n in groups.groupby("grp")["n"].sum().items():
        for modality, share in DIAGNOSTIC_MIX.get(str(grp), {}).items():
            out[modality] = out.get(modality, 0.0) + float(n) * share
    return out


def pathway_demand(referrals: pd.DataFrame, treatments: pd.DataFrame) -> pd.DataFrame:
    """Demand by trust, month and resource (columns provider, month, resource, demand):
    tests from the month's referrals and units from its first treatments, divided by the
    resource's cancer share."""
    rows = []
    for (provider, month), part in referrals.groupby(["provider", "month"]):
        for resource, value in modality_tests(part).items():
            rows.append((provider, month, resource, value))
    tests = pd.DataFrame(rows, columns=["provider", "month", "resource", "demand"])
    units = treatments.rename(columns={"units": "demand"})
    both = pd.concat([tests, units], ignore_index=True)
    out = both.groupby(["provider", "month", "resource"], as_index=False)["demand"].sum()
    out["demand"] = out["demand"] / out["resource"].map(CANCER_SHARE)
    return out


def _forecasts(con: duckdb.DuckDBPyConnection, providers: list[str], horizon: int,
               through: str | None) -> dict[str, pd.DataFrame]:
    groups = series.as_arrays(series.monthly_series(con, "referrals", "provider",
                                                    through=through))
    groups = {g: v for g, v in groups.items() if g in providers}
    frame = dm.forecast_frame("referrals", groups, horizon)
    return {g: part.reset_index(drop=True) for g, part in frame.groupby("group")}


def capacity_outlook(con: duckdb.DuckDBPyConnection, *, horizon: int = 12,
                     providers: list[str] | None = None,
                     through: str | None = None) -> CapacityOutlook:
    """Demand against capacity for ``providers`` (all with capacity data when ``None``),
    from what was submitted up to ``through`` (YYYY-MM; all months when ``None``)."""
    submitted = _submitted(con, providers, through)
    if submitted.empty:
        return CapacityOutlook(pd.DataFrame(columns=ROW_COLUMNS),
                               pd.DataFrame(columns=WORKFORCE_COLUMNS), horizon)
    trusts = sorted(submitted["provider"].unique())
    referrals = _referral_groups(con)
    referrals = referrals[referrals["provider"].isin(trusts)]
    treatments = _treatment_units(con)
    treatments = treatments[treatments["provider"].isin(trusts)]
    pathway = pathway_demand(referrals, treatments)
    rows = submitted.merge(pathway, on=["provider", "month", "resource"], how="left")
    rows["kind"] = "submitted"
    rows["demand_lower"] = rows["demand_upper"] = np.nan
    rows["method"] = "submitted"
    complete = [m for m in series.complete_months(con) if through is None or m <= through]
    forecasts = _forecasts(con, trusts, horizon, through) if complete else {}
    future = [_forecast_rows(p, submitted[submitted["provider"] == p],
                             referrals[referrals["provider"] == p],
                             treatments[treatments["provider"] == p],
                             forecasts.get(p), complete, horizon) for p in trusts]
    rows = pd.concat([rows, *future], ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        rows["utilisation"] = (rows["activity"] / rows["capacity"]).where(rows["capacity"] > 0)
        rows["demand_ratio"] = (rows["demand"] / rows["capacity"]).where(rows["capacity"] > 0)
        rows["gap"] = rows["demand"] - rows["capacity"]
    order = {r: i for i, r in enumerate(RESOURCE)}
    rows = rows.assign(_o=rows["resource"].map(order)).sort_values(
        ["provider", "_o", "month"]).drop(columns="_o")
    return CapacityOutlook(rows[ROW_COLUMNS].reset_index(drop=True),
                           _workforce(con, rows, trusts, treatments), horizon)


def _forecast_rows(provider: str, submitted: pd.DataFrame, referrals: pd.DataFrame,
                   treatments: pd.DataFrame, forecast: pd.DataFrame | None,
                   complete: list[str], horizon: int) -> pd.DataFrame:
    """The forecast months of one trust (see the module docstring)."""
    last = max(submitted["month"])
    history = [m for m in complete if m <= last][-MIX_MONTHS:] or sorted(
        referrals["month"].unique())[-MIX_MONTHS:]
    recent_ref = referrals[referrals["month"].isin(history)]
    usc_per_month = recent_ref[recent_ref["usc"]]["n"].sum() / max(len(history), 1)
    tests = modality_tests(recent_ref)
    per_usc = {r: v / max(recent_ref[recent_ref["usc"]]["n"].sum(), 1.0)
               for r, v in tests.items()}
    recent_treat = treatments[treatments["month"].isin(history)]
    units_per_usc = {r: v / max(usc_per_month * len(history), 1.0)
                     for r, v in recent_treat.groupby("resource")["units"].sum().items()}
    per_usc |= units_per_usc
    if forecast is not None and forecast["method"].iloc[0] != INSUFFICIENT:
        months, method = forecast["month"].tolist(), str(forecast["method"].iloc[0])
        point, lower, upper = (forecast[c].to_numpy(dtype="float64")
                               for c in ("forecast", "lower_80", "upper_80"))
    else:
        months, method = months_after(last, horizon), RECENT_AVERAGE
        point = np.full(horizon, usc_per_month)
        lower = upper = np.full(horizon, np.nan)
    recent = submitted[submitted["month"].isin(sorted(submitted["month"].unique())
                                               [-RECENT_MONTHS:])]
    out = []
    for resource, part in recent.groupby("resource"):
        capacity = float(part["capacity"].mean())
        rate = per_usc.get(str(resource), 0.0) / CANCER_SHARE[str(resource)]
        out.append(pd.DataFrame({
            "provider": provider, "resource": resource, "month": months, "kind": "forecast",
            "capacity": capacity, "activity": np.nan, "cancer_activity": np.nan,
            "demand": rate * point, "demand_lower": rate * lower,
            "demand_upper": rate * upper, "method": method}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=ROW_COLUMNS)


def _workforce(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, trusts: list[str],
               treatments: pd.DataFrame) -> pd.DataFrame:
    """Each trust's staff groups: latest submitted WTE against the WTE its peak forecast
    month's demand needs."""
    wf = con.execute(
        "SELECT provider_code AS provider, period AS month, staff_group, in_post_wte, "
        "vacancy_wte, coalesce(agency_wte, 0) AS agency_wte FROM workforce").df()
    out = []
    for provider in trusts:
        mine = wf[wf["provider"] == provider]
        if mine.empty:
            continue
        latest = mine[mine["month"] == mine["month"].max()].set_index("staff_group")
        future = rows[(rows["provider"] == provider) & (rows["kind"] == "forecast")]
        if future.empty:
            continue
        by_month = future.pivot_table(index="month", columns="resource", values="demand",
                                      aggfunc="sum")
        treat = treatments[treatments["provider"] == provider]
        for group in STAFF_GROUP:
            if group not in latest.index:
                continue
            needs = []
            for month, demand in by_month.iterrows():
                activity = {str(k): float(v) for k, v in demand.items() if v == v}
                if NEW_TREATMENTS in ACTIVITY_PER_WTE[group]:
                    activity[NEW_TREATMENTS] = _patients(treat)
                needs.append((wte_needed(group, activity), month))
            needed, peak = max(needs)
            row = latest.loc[group]
            available = float(row["in_post_wte"]) + float(row["agency_wte"])
            out.append({"provider": provider, "staff_group": group,
                        "in_post_wte": float(row["in_post_wte"]),
                        "vacancy_wte": float(row["vacancy_wte"]),
                        "agency_wte": float(row["agency_wte"]), "available_wte": available,
                        "needed_wte": round(needed, 1), "gap_wte": round(needed - available, 1),
                        "peak_month": peak})
    return pd.DataFrame(out, columns=WORKFORCE_COLUMNS)


def _patients(treat: pd.DataFrame) -> float:
    """Patients starting treatment a month over the recent months, from treatment units
    (clinical nurse specialists' load, held flat)."""
    per = {resource: units for resource, units in UNITS_PER_TREATMENT.values()}
    if treat.empty:
        return 0.0
    recent = treat[treat["month"].isin(sorted(treat["month"].unique())[-RECENT_MONTHS:])]
    patients = sum(float(part["units"].sum()) / per[str(r)]
                   for r, part in recent.groupby("resource"))
    return patients / max(recent["month"].nunique(), 1)
