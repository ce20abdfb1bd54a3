"""Pages per provider, per commissioner and per tumour group, and the rare-cancers view."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request

from cancer_alliance.auth.model import Actor
from cancer_alliance.auth.policy import aggregates_protected
from cancer_alliance.web import data, params, selection
from cancer_alliance.web.deps import get_con, render, require
from cancer_alliance.web.protect import for_actor
from cancer_alliance.web.views.overview import KEY_MEASURES, census_for, headline_rows
from cancer_alliance.web.views.standards import breakdown_table

router = APIRouter()

KINDS = {
    "providers": ("PROVIDER", "provider_code", "Provider", "tumour_group"),
    "commissioners": ("COMMISSIONER", "commissioner_code", "Commissioner", "provider"),
}


def _standard_names() -> dict[str, str]:
    """code -> short name, for the page's standard chooser and headings."""
    return {c: d.short_name for c, d in data.standard_defs().items()}


def _org_index(request: Request, con, kind: str):
    org_type, _, label, _ = KINDS[kind]
    orgs = data.organisations(con, org_type).to_dict("records")
    return render(request, "org_index.html", title=f"{label}s", orgs=orgs, kind=kind, label=label)


def _org_page(request: Request, con, actor: Actor, kind: str, code: str,
              period: str | None, standard: str):
    standard = params.standard(standard)
    name = data.org_name(con, code)
    if name is None:  # never echo an unknown code back: it could be anything typed in a URL
        raise HTTPException(404)
    sel = selection.select(request, con)
    census = census_for(request, sel)
    key = ("org-page", kind, code, sel.kind, sel.month, standard, aggregates_protected(actor),
           census.isoformat())
    ctx = data.cached(con, key, lambda: _org_context(con, actor, kind, code, name, sel,
                                                     standard, census))
    return render(request, "organisation.html", **ctx)


def _org_context(con, actor: Actor, kind: str, code: str, name: str,
                 sel: selection.Selection, standard: str, census=None) -> dict:
    org_type, col, label, breakdown = KINDS[kind]
    ctx: dict = {"title": f"{label} {name}", "name": name, "code": code, "label": label,
                 "unavailable": None, "headlines": [], "rows": [], "standard": standard,
                 "period": sel.range, "standard_names": _standard_names()}
    try:
        filters = {col: code}
        ctx["headlines"] = headline_rows(con, actor, filters, sel)
        if kind == "providers":  # drill from the trust's row to the standard's SPC for it
            for h in ctx["headlines"]:
                h["href"] = f"{h['href']}?provider={code}"
        ctx["breakdown_label"] = data.BREAKDOWNS[breakdown][1]
        ctx["breakdown_col"] = data.BREAKDOWNS[breakdown][0]
        ctx["rows"] = breakdown_table(con, actor, standard, breakdown, sel.range,
                                      filters).to_dict("records")
        if kind == "commissioners" and census is not None:
            ctx["population"] = population(con, actor, code, sel, census)
    except data.DataUnavailable as exc:
        ctx["unavailable"] = str(exc)
    return ctx


def population(con, actor: Actor, code: str, sel: selection.Selection, census) -> dict:
    """A commissioner's residents beyond the waiting times: who is waiting (the backlog
    at the census, by the trust treating them), and stage at diagnosis and the Recovery
    Package over the chosen span; protected for the actor like every aggregate."""
    ptl = data.ptl(con, census, {"commissioner_code": code})
    backlog = []
    if not ptl.empty:
        ptl = ptl.assign(open=1, backlog_62=ptl["in_62_day_backlog"].astype(int),
                         over_104=ptl["in_104_day_subset"].astype(int))
        backlog = for_actor(actor, ptl, ["open", "backlog_62", "over_104"],
                            ["provider_code"], total_row=True).to_dict("records")
    measures = []
    defs = data.measure_defs()
    for m in KEY_MEASURES:
        if m not in defs:
            continue
        df = data.measure(con, m, by=(), period=sel.range, filters={"commissioner_code": code})
        if df.empty:
            continue
        t = for_actor(actor, df, ["numerator", "denominator"], ["period"],
                      percentages={"value": ("numerator", "denominator")})
        if len(t):
            row = t.iloc[0].to_dict()
            measures.append({"name": getattr(defs[m], "name", m), **row})
    return {"census": census.isoformat(), "backlog": backlog, "measures": measures}


@router.get("/providers", include_in_schema=False)
def providers(request: Request, con=Depends(get_con), actor=Depends(require("view_operations"))):
    return _org_index(request, con, "providers")


@router.get("/commissioners", include_in_schema=False)
def commissioners(request: Request, con=Depends(get_con),
                  actor=Depends(require("view_operations"))):
    return _org_index(request, con, "commissioners")


@router.get("/providers/{code}", include_in_schema=False)
def provider_page(request: Request, code: str, period: str | None = None,
                  standard: str = "62_DAY", con=Depends(get_con),
                  actor: Actor = Depends(require("view_operations"))):
    return _org_page(request, con, actor, "providers", code, period, standard)


@router.get("/commissioners/{code}", include_in_schema=False)
def commissioner_page(request: Request, code: str, period: str | None = None,
                      standard: str = "62_DAY", con=Depends(get_con),
                      actor: Actor = Depends(require("view_operations"))):
    return _org_page(request, con, actor, "commissioners", code, period, standard)


@router.get("/tumour-groups", include_in_schema=False)
def tumour_groups(request: Request, con=Depends(get_con),
                  actor=Depends(require("view_operations"))):
    groups = data.tumour_groups(con).to_dict("records")
    return render(request, "tumour_groups.html", title="Tumour groups", groups=groups)


@router.get("/tumour-groups/{group}", include_in_schema=False)
def tumour_group_page(request: Request, group: str, period: str | None = None,
                      standard: str = "62_DAY", con=Depends(get_con),
                      actor: Actor = Depends(require("view_operations"))):
    standard = params.standard(standard)
    sel = selection.select(request, con)
    labels = dict(data.tumour_groups(con)[["tumour_group", "label"]].itertuples(index=False))
    if group not in labels:
        raise HTTPException(404)
    ctx: dict = {"title": labels[group], "name": labels[group], "code": group,
                 "label": "Tumour group", "unavailable": None, "headlines": [], "rows": [],
                 "standard": standard,
                 "period": sel.range, "standard_names": _standard_names()}
    try:
        filters = {"tumour_group": group}
        ctx["headlines"] = headline_rows(con, actor, filters, sel)
        ctx["breakdown_label"], ctx["breakdown_col"] = "Provider", "provider_code"
        ctx["rows"] = breakdown_table(con, actor, standard, "provider", sel.range,
                                      filters).to_dict("records")
    except data.DataUnavailable as exc:
        ctx["unavailable"] = str(exc)
    return render(request, "organisation.html", **ctx)


@router.get("/rare-cancers", include_in_schema=False)
def rare_cancers(request: Request, period: str | None = None, standard: str = "62_DAY",
                 con=Depends(get_con), actor: Actor = Depends(require("view_operations"))):
    """Rare and less common cancers: small groups, so protection matters most here."""
    standard = params.standard(standard)
    sel = selection.select(request, con)
    ctx: dict = {"title": "Rare and less common cancers", "name": "Rare and less common cancers",
                 "code": "", "label": "", "unavailable": None, "headlines": [], "rows": [],
                 "standard": standard,
                 "period": sel.range, "standard_names": _standard_names()}
    try:
        filters = {"rare_less_common": True}
        ctx["headlines"] = headline_rows(con, actor, filters, sel)
        ctx["breakdown_label"], ctx["breakdown_col"] = "Tumour group", "tumour_group"
        ctx["rows"] = breakdown_table(con, actor, standard, "tumour_group", sel.range,
                                      filters).to_dict("records")
    except data.DataUnavailable as exc:
        ctx["unavailable"] = str(exc)
    return render(request, "organisation.html", **ctx)
