"""The board pack's outlook page, capacity part: where forecast demand outruns capacity.

For each trust and resource with capacity returns up to the pack's month
(:func:`cancer_alliance.outlook.capacity.capacity_outlook`), the latest utilisation and the
forecast's busiest month of the next :data:`MONTHS` as demand / capacity; and the alliance's
workforce gap by staff group (sum of the trusts' gaps where positive). Ratios and WTE are
not patient counts (nor is "trusts short", a count of organisations); demand, derived
from patient counts, is shown only as a ratio, withheld (``*``) where the forecast demand
is one small-number protection suppresses (``stats.protect_ratio``), so no small count
can be read from the page. Only lines at or above :data:`SHOWN_FROM` (demand at least 95%
of capacity) are listed, busiest first, chosen and ordered on the true ratios: a board page
names the pressure points.
"""

from __future__ import annotations

from cancer_alliance.dataset import periods
from cancer_alliance.dataset.capacity_codes import (
    DIAGNOSTIC_MODALITY_LABELS,
    STAFF_GROUP,
    STAFF_GROUP_LABELS,
    TREATMENT_RESOURCE_LABELS,
)
from cancer_alliance.outlook.capacity import capacity_outlook
from cancer_alliance.stats import protect_ratio

MONTHS = 6
SHOWN_FROM = 0.95
LABELS = DIAGNOSTIC_MODALITY_LABELS | TREATMENT_RESOURCE_LABELS


def capacity_section(con, period: str) -> dict:
    """The rows the board pack prints (see the module docstring); an error is shown."""
    try:
        period = periods.check_month(period)
        outlook = capacity_outlook(con, horizon=MONTHS, through=period)
    except Exception as exc:  # noqa: BLE001 - shown to the reader, never hidden
        return {"error": f"{type(exc).__name__}: {exc}", "rows": [], "workforce": []}
    rows = outlook.rows
    pressure = []
    for (trust, resource), part in rows.groupby(["provider", "resource"]):
        done = part[part["kind"] == "submitted"]
        ahead = part[(part["kind"] == "forecast") & part["demand_ratio"].notna()]
        if done.empty or ahead.empty:
            continue
        peak = ahead.loc[ahead["demand_ratio"].idxmax()]
        if peak["demand_ratio"] < SHOWN_FROM:
            continue
        last = done.iloc[-1]
        pressure.append({"trust": trust, "resource": LABELS[resource],
                         "utilisation": float(last["utilisation"]),
                         "true_ratio": float(peak["demand_ratio"]),
                         "peak_ratio": protect_ratio(peak["demand"], peak["capacity"]),
                         "peak_month": peak["month"]})
    pressure.sort(key=lambda r: -r["true_ratio"])
    for r in pressure:  # chosen and ordered on the truth; only the protected ratio is shown
        del r["true_ratio"]
    wf = outlook.workforce
    workforce = []
    for group in STAFF_GROUP:
        mine = wf[wf["staff_group"] == group]
        if mine.empty:
            continue
        workforce.append({"group": STAFF_GROUP_LABELS[group],
                          "in_post": float(mine["in_post_wte"].sum()),
                          "vacant": float(mine["vacancy_wte"].sum()),
                          "gap": float(mine["gap_wte"].clip(lower=0).sum()),
                          "trusts_short": int((mine["gap_wte"] > 0).sum())})
    return {"months": MONTHS, "rows": pressure, "workforce": workforce,
            "shown_from": SHOWN_FROM, "any": not rows.empty}
