"""The patient tracking list: open pathways, days waited, band, next step and when it is due.

Patient-level, so every request passes ``require("view_patient", org_param="provider")``
(provider users only their trust, commissioners only their population) and is written to
the audit log with its filters. Filters, sorting and the census day travel in the query
string, which by design never holds a patient identifier. The patient's identifiers (NHS
number, the trust's own pathway id) are shown only to the patient's own trust, through
``policy.decide(actor, "view_patient_identifier", provider)``, and that is audited too.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Request

from cancer_alliance.auth import policy
from cancer_alliance.auth.model import Actor
from cancer_alliance.metrics.platform_rules import BACKLOG_AFTER_DAYS, PTL_ROUTES
from cancer_alliance.web import data
from cancer_alliance.web.deps import check, get_con, render, require
from cancer_alliance.web.views.overview import census_date
from cancer_alliance.web.views.standards import csv_response

router = APIRouter()

#: Shown only to the patient's own trust (``view_patient_identifier``).
IDENTIFIER_COLUMNS = [
    ("nhs_number", "NHS number", "text"),
    ("pathway_id", "Pathway", "text"),
]
COLUMNS = [
    ("provider_code", "Provider", "text"),
    ("referral_route", "Route", "text"),
    ("cancer_type", "Cancer type", "text"),
    ("clock_start", "Clock start", "date"),
    ("days_waited", "Days waited", "num"),
    ("band", "Band", "text"),
    ("next_step", "Next step", "text"),
    ("next_step_due", "Next step due", "date"),
    ("days_to_next_step", "Days to next step", "num"),
    ("days_to_breach", "Days to breach", "num"),
    ("transferred", "Transferred", "text"),
]
#: Shown, and the model fitted, only when the list is sorted by one of them (on request).
RISK_COLUMNS = [
    ("breach_risk_62", "Risk of breaching 62 days", "pct"),
    ("breach_risk_28", "Risk of breaching FDS 28 days", "pct"),
]
SORTABLE = {c for c, _, _ in IDENTIFIER_COLUMNS + COLUMNS + RISK_COLUMNS}
#: The breach-risk order (one click from the page): highest risk of breaching 62 days
#: first; equal risks (everyone past day 62 has risk 1) by days waited, longest first.
RISK_ORDER = "breach_risk_62"
BANDS = ("0-28", "29-62", "63-104", ">104")
ROUTES = PTL_ROUTES  # the routes on the tracking list, as the metrics layer defines them
ORG_CODE = re.compile(r"^[A-Z0-9]{3,5}$")
PAGE_SIZE = 200
#: What a sort direction means for each kind of column, for the caption.
_DIRECTION = {"num": ("highest first", "lowest first"), "pct": ("highest first", "lowest first"),
              "date": ("latest first", "earliest first"), "text": ("Z to A", "A to Z")}
_WORDS = {"first_seen": "First seen", "diagnosis": "Diagnosis told",
          "decision_to_treat": "Decision to treat", "treatment": "Treatment"}


def validate(provider: str | None, band: str | None, route: str | None, sort: str) -> None:
    """Refuse unknown filter values (without repeating them), so nothing typed into the
    query string is ever echoed into the page, its links or the audit log."""
    if (provider and not ORG_CODE.match(provider)) or (band and band not in BANDS) or (
            route and route not in ROUTES) or sort not in SORTABLE:
        raise HTTPException(400, "A filter or sort value is not one the list offers.")


def census_of(request: Request, census: str | None) -> date:
    """The census day asked for (any day up to today), else the page's default census
    (the end of the latest complete month)."""
    if not census:
        return census_date(request)
    try:
        day = date.fromisoformat(census)
    except ValueError:
        raise HTTPException(400, "The census must be a date written YYYY-MM-DD.") from None
    if day > date.today():
        raise HTTPException(400, "The census cannot be after today.")
    return day


def shows_identifiers(actor: Actor) -> bool:
    """Whether this actor sees the NHS number and pathway id (own trust's patients only)."""
    return policy.decide(actor, "view_patient_identifier", actor.org_code).allowed


def columns_for(actor: Actor, by_risk: bool = False) -> list[tuple[str, str, str]]:
    ids = IDENTIFIER_COLUMNS if shows_identifiers(actor) else []
    return COLUMNS[:1] + ids + COLUMNS[1:] + (RISK_COLUMNS if by_risk else [])


def order_caption(sort: str, desc: bool) -> str:
    """The order the rows are in, in words: exactly what :func:`filtered` does."""
    if sort == RISK_ORDER:
        return ("sorted by the estimated risk of breaching 62 days, "
                f"{'highest' if desc else 'lowest'} first; equal risks by days waited, "
                "longest first")
    if sort == "breach_risk_28":
        return ("sorted by the estimated risk of breaching the 28-day Faster Diagnosis "
                f"Standard, {'highest' if desc else 'lowest'} first; equal risks by days "
                "waited, longest first")
    heading, kind = next((h, k) for c, h, k in IDENTIFIER_COLUMNS + COLUMNS if c == sort)
    return (f"sorted by {heading.lower()}, {_DIRECTION[kind][0 if desc else 1]}; equal values "
            "by provider and pathway")


def filtered(con, actor: Actor, census: date, provider: str | None, band: str | None,
             route: str | None, backlog: bool, sort: str, desc: bool) -> pd.DataFrame:
    scope = policy.patient_scope(actor)
    if scope is None:  # never reached: require() refused already
        return pd.DataFrame(columns=[c for c, _, _ in COLUMNS])
    by_risk = sort in {c for c, _, _ in RISK_COLUMNS}
    df = (data.ptl_with_risk if by_risk else data.ptl)(con, census, scope)
    if provider:
        df = df[df["provider_code"] == provider]
    if band:
        df = df[df["band"] == band]
    if route:
        df = df[df["referral_route"] == route]
    if backlog:
        df = df[df["in_62_day_backlog"].fillna(False).astype(bool)]
    df = df.assign(cancer_type=cancer_type(con, df))
    if shows_identifiers(actor):
        df = with_identifiers(con, df, actor.org_code or "")
    else:
        df = df.drop(columns=["pathway_id"])
    if sort not in df.columns:  # an identifier column, for an actor who may not see it
        raise HTTPException(400, "A filter or sort value is not one the list offers.")
    if by_risk:
        return df.sort_values([sort, "days_waited"], ascending=[not desc, False],
                              na_position="last", kind="stable")
    return df.sort_values(sort, ascending=not desc, na_position="last", kind="stable")


def cancer_type(con, df: pd.DataFrame) -> pd.Series:
    """The diagnosed tumour group once cancer was confirmed by the census, else the
    referral's suspected cancer type (the PTL's ``diagnosed`` rule), as words."""
    groups, suspected = data.cancer_type_labels(con)
    diagnosed = df["diagnosed"].fillna(False).astype(bool) & df["tumour_group"].notna()
    named_group = df["tumour_group"].map(groups).fillna(df["tumour_group"])
    named_suspected = df["suspected_cancer_type"].map(suspected).fillna(
        df["suspected_cancer_type"]).fillna("Not yet known")
    return named_group.where(diagnosed, named_suspected)


def with_identifiers(con, df: pd.DataFrame, provider: str) -> pd.DataFrame:
    """``df`` with the NHS number of ``provider``'s own patients (other rows: blank)."""
    ids = data.patient_identifiers(con, provider)
    return df.merge(ids, on=["provider_code", "pathway_id"], how="left")


def audit_identifiers(request: Request, actor: Actor) -> None:
    """Write the audit row for the identifiers shown, when they are shown."""
    if shows_identifiers(actor):
        check(request, actor, "view_patient_identifier", actor.org_code)


@router.get("/ptl", include_in_schema=False)
def ptl_page(
    request: Request, provider: str | None = None, band: str | None = None,
    route: str | None = None, backlog: bool = False, sort: str = "days_waited",
    desc: bool = True, page: int = 1, census: str | None = None, con=Depends(get_con),
    actor: Actor = Depends(require("view_patient", org_param="provider",
                                   org_roles=("provider",))),
):
    validate(provider, band, route, sort)
    day = census_of(request, census)
    by_risk = sort in {c for c, _, _ in RISK_COLUMNS}
    default_census = census_date(request)
    ctx: dict = {"title": "Patient tracking list", "unavailable": None, "rows": [],
                 "columns": columns_for(actor, by_risk), "by_risk": by_risk,
                 "risk_order": sort == RISK_ORDER and desc,
                 "filters": {"provider": provider or "", "band": band or "",
                             "route": route or "", "backlog": backlog},
                 "sort": sort, "desc": desc, "caption": order_caption(sort, desc),
                 "census": day.isoformat(), "default_census": default_census.isoformat(),
                 "after_data": day > default_census, "today": date.today().isoformat(),
                 "backlog_after": BACKLOG_AFTER_DAYS}
    try:
        df = filtered(con, actor, day, provider, band, route, backlog, sort, desc)
        audit_identifiers(request, actor)
        # a page past the end shows the last (the number asked for is never repeated)
        page = min(max(1, page), max(1, -(-len(df) // PAGE_SIZE)))
        ctx.update(
            total=len(df),
            backlog_count=int(df["in_62_day_backlog"].fillna(False).astype(bool).sum()),
            over_104=int(df["in_104_day_subset"].fillna(False).astype(bool).sum()),
            rows=display(df.iloc[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]),
            page=page, pages=max(1, -(-len(df) // PAGE_SIZE)),
            providers=sorted(data.ptl(con, day, policy.patient_scope(actor) or {})
                             ["provider_code"].dropna().unique()),
        )
    except data.DataUnavailable as exc:
        ctx["unavailable"] = str(exc)
    return render(request, "ptl.html", **ctx)


def display(df: pd.DataFrame) -> list[dict]:
    """Rows as the page shows them: dates as YYYY-MM-DD, steps and flags in words."""
    out = df.copy()
    out["transferred"] = out["transferred"].map({True: "Yes", False: "No"}).fillna("")
    for col in ("clock_start", "next_step_due"):
        if col in out.columns:
            out[col] = out[col].map(lambda d: "" if d is None or d != d else str(d))
    if "next_step" in out.columns:
        out["next_step"] = out["next_step"].map(_WORDS).fillna(out["next_step"])
    return out.to_dict("records")


def csv_columns(actor: Actor) -> list[str]:
    """The download's columns: the page's, both risks, the flags (identifiers only for
    the patient's own trust)."""
    return [c for c, _, _ in columns_for(actor, by_risk=True)] + [
        "suspected_cancer_type", "tumour_group", "diagnosed", "in_62_day_backlog",
        "in_104_day_subset"]


@router.get("/ptl.csv", include_in_schema=False)
def ptl_csv(
    request: Request, provider: str | None = None, band: str | None = None,
    route: str | None = None, backlog: bool = False, sort: str = "days_waited",
    desc: bool = True, census: str | None = None, con=Depends(get_con),
    actor: Actor = Depends(require("view_patient", org_param="provider",
                                   org_roles=("provider",))),
):
    validate(provider, band, route, sort)
    day = census_of(request, census)
    df = filtered(con, actor, day, provider, band, route, backlog, sort, desc)
    audit_identifiers(request, actor)
    return csv_response(df[[c for c in csv_columns(actor) if c in df.columns]],
                        f"ptl-{day.isoformat()}.csv")
