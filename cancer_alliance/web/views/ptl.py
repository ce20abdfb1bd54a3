"""The patient tracking list: open pathways, days waited, band, next step, days to breach.

Patient-level, so every request passes ``require("view_patient", org_param="provider")``
(provider users only their trust, commissioners only their population) and is written to
the audit log with its filters. Filters and sorting travel in the query string, which by
design never holds a patient identifier.
"""

from __future__ import annotations

import re

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Request

from cancer_alliance.auth import policy
from cancer_alliance.auth.model import Actor
from cancer_alliance.metrics.platform_rules import PTL_ROUTES
from cancer_alliance.web import data
from cancer_alliance.web.deps import get_con, render, require
from cancer_alliance.web.views.overview import census_date
from cancer_alliance.web.views.standards import csv_response

router = APIRouter()

COLUMNS = [
    ("provider_code", "Provider", "text"),
    ("pathway_id", "Pathway", "text"),
    ("referral_route", "Route", "text"),
    ("tumour_group", "Tumour group", "text"),
    ("clock_start", "Clock start", "text"),
    ("days_waited", "Days waited", "num"),
    ("band", "Band", "text"),
    ("next_step", "Next step", "text"),
    ("days_to_breach", "Days to breach", "num"),
    ("transferred", "Transferred", "text"),
]
#: Shown, and the model fitted, only when the list is sorted by one of them (on request).
RISK_COLUMNS = [
    ("breach_risk_62", "Risk of breaching 62 days", "pct"),
    ("breach_risk_28", "Risk of breaching FDS 28 days", "pct"),
]
SORTABLE = {c for c, _, _ in COLUMNS + RISK_COLUMNS}
BANDS = ("0-28", "29-62", "63-104", ">104")
ROUTES = PTL_ROUTES  # the routes on the tracking list, as the metrics layer defines them
ORG_CODE = re.compile(r"^[A-Z0-9]{3,5}$")


def validate(provider: str | None, band: str | None, route: str | None, sort: str) -> None:
    """Refuse unknown filter values (without repeating them), so nothing typed into the
    query string is ever echoed into the page, its links or the audit log."""
    if (provider and not ORG_CODE.match(provider)) or (band and band not in BANDS) or (
            route and route not in ROUTES) or sort not in SORTABLE:
        raise HTTPException(400, "A filter or sort value is not one the list offers.")
PAGE_SIZE = 200


def filtered(con, actor: Actor, request: Request, provider: str | None, band: str | None,
             route: str | None, backlog: bool, sort: str, desc: bool) -> pd.DataFrame:
    scope = policy.patient_scope(actor)
    if scope is None:  # never reached: require() refused already
        return pd.DataFrame(columns=[c for c, _, _ in COLUMNS])
    by_risk = sort in {c for c, _, _ in RISK_COLUMNS}
    df = (data.ptl_with_risk if by_risk else data.ptl)(con, census_date(request), scope)
    if provider:
        df = df[df["provider_code"] == provider]
    if band:
        df = df[df["band"] == band]
    if route:
        df = df[df["referral_route"] == route]
    if backlog:
        df = df[df["in_62_day_backlog"].fillna(False).astype(bool)]
    return df.sort_values(sort, ascending=not desc, na_position="last", kind="stable")


@router.get("/ptl", include_in_schema=False)
def ptl_page(
    request: Request, provider: str | None = None, band: str | None = None,
    route: str | None = None, backlog: bool = False, sort: str = "days_waited",
    desc: bool = True, page: int = 1, con=Depends(get_con),
    actor: Actor = Depends(require("view_patient", org_param="provider",
                                   org_roles=("provider",))),
):
    validate(provider, band, route, sort)
    by_risk = sort in {c for c, _, _ in RISK_COLUMNS}
    ctx: dict = {"title": "Patient tracking list", "unavailable": None, "rows": [],
                 "columns": COLUMNS + RISK_COLUMNS if by_risk else COLUMNS,
                 "by_risk": by_risk, "filters": {"provider": provider or "", "band": band or "",
                                                 "route": route or "", "backlog": backlog},
                 "sort": sort, "desc": desc, "census": census_date(request).isoformat()}
    try:
        df = filtered(con, actor, request, provider, band, route, backlog, sort, desc)
        # a page past the end shows the last (the number asked for is never repeated)
        page = min(max(1, page), max(1, -(-len(df) // PAGE_SIZE)))
        ctx.update(
            total=len(df),
            backlog_count=int(df["in_62_day_backlog"].fillna(False).astype(bool).sum()),
            over_104=int(df["in_104_day_subset"].fillna(False).astype(bool).sum()),
            rows=_display(df.iloc[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]),
            page=page, pages=max(1, -(-len(df) // PAGE_SIZE)),
            providers=sorted(data.ptl(con, census_date(request),
                                      policy.patient_scope(actor) or {})["provider_code"]
                             .dropna().unique()),
        )
    except data.DataUnavailable as exc:
        ctx["unavailable"] = str(exc)
    return render(request, "ptl.html", **ctx)


def _display(df: pd.DataFrame) -> list[dict]:
    out = df.copy()
    out["transferred"] = out["transferred"].map({True: "Yes", False: "No"}).fillna("")
    out["clock_start"] = out["clock_start"].astype(str)
    return out.to_dict("records")


@router.get("/ptl.csv", include_in_schema=False)
def ptl_csv(
    request: Request, provider: str | None = None, band: str | None = None,
    route: str | None = None, backlog: bool = False, sort: str = "days_waited",
    desc: bool = True, con=Depends(get_con),
    actor: Actor = Depends(require("view_patient", org_param="provider",
                                   org_roles=("provider",))),
):
    validate(provider, band, route, sort)
    df = filtered(con, actor, request, provider, band, route, backlog, sort, desc)
    cols = [c for c, _, _ in COLUMNS + RISK_COLUMNS] + ["in_62_day_backlog",
                                                         "in_104_day_subset"]
    return csv_response(df[[c for c in cols if c in df.columns]],
                        f"ptl-{census_date(request).isoformat()}.csv")
