"""Operations pages: governance, plan, trajectories, bids, funding rules, voice, what works,
and provider/board packs.

Every page needs ``view_operations``; every form that changes data needs ``edit_operations``
and writes an audit row (who, what, which record; never a patient identifier). Which packs a
user may open is :func:`cancer_alliance.auth.policy.decide` ``(actor, "view_pack", provider)``
(provider users: their own provider's packs only, never the board pack). The editing forms
are :mod:`cancer_alliance.web.views.operations_forms`, included after this router.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from cancer_alliance.auth import audit, policy
from cancer_alliance.auth.model import Actor
from cancer_alliance.charts import ChartSpec, Series, builders, render_interactive
from cancer_alliance.dataset import periods
from cancer_alliance.errors import AllianceError, UsageError
from cancer_alliance.jobs import queue
from cancer_alliance.operations import (
    actuals,
    bids,
    flows,
    funding,
    governance,
    initiatives,
    loaders,
    plan,
    trajectories,
    voice,
)
from cancer_alliance.operations.actuals import ALLIANCE
from cancer_alliance.reports import archive, figure_rows, packs
from cancer_alliance.reports import render as render_pack
from cancer_alliance.web import data
from cancer_alliance.web.deps import Forbidden, get_con, render, require
from cancer_alliance.web.protect import for_actor
from cancer_alliance.web.security import csp_with_style_hashes
from cancer_alliance.web.views.operations_forms import change, parse_number, parse_year_amounts

router = APIRouter(include_in_schema=False)
VIEW = require("view_operations")
EDIT = require("edit_operations")

SECTIONS = [
    ("Operations", "/operations"), ("Governance", "/operations/governance"),
    ("Delivery plan", "/operations/plan"), ("Trajectories", "/operations/trajectories"),
    ("Funding bids", "/operations/bids"), ("Funding rules", "/operations/funding-rules"),
    ("Patient voice", "/operations/voice"), ("What works", "/operations/initiatives"),
    ("Packs", "/operations/packs"), ("Load from a file", "/operations/load"),
]


def _page(request: Request, template: str, title: str, **ctx):
    return render(request, f"operations/{template}", title=title, sections=SECTIONS, **ctx)


def _audit(request: Request, actor: Actor, action: str, resource: str, detail: str) -> None:
    cur = request.app.state.con.cursor()
    try:
        audit.record(cur, actor, action, resource, detail)
    finally:
        cur.close()


MAX_BUDGET = 1_000_000_000  # £1bn: far above any alliance's transformation funding


def _url_month(period: str) -> str:
    """A month from a URL, refused with a fixed message (a URL value is never repeated)."""
    try:
        return periods.check_month(period)
    except UsageError:
        raise HTTPException(400, "The period must be a month written YYYY-MM.") from None


def _back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _pack_allowed(actor: Actor, provider_code: str | None) -> None:
    """A 403 unless ``actor`` may open the pack of ``provider_code`` (None: the board pack)."""
    decision = policy.decide(actor, "view_pack", provider_code)
    if not decision.allowed:
        raise Forbidden(decision.reason)


@router.get("/operations")
def hub(request: Request, con=Depends(get_con), actor: Actor = Depends(VIEW)):
    counts = {
        "open actions": len(governance.actions(con, open_only=True)),
        "deliverables": len(plan.deliverables(con)),
        "trajectories": len(trajectories.list_trajectories(con)),
        "bids": len(bids.list_bids(con)),
        "initiatives": len(initiatives.list_initiatives(con)),
    }
    return _page(request, "hub.html", "Running the alliance", counts=counts)


# --- governance ---------------------------------------------------------------------------

@router.get("/operations/governance")
def governance_page(request: Request, con=Depends(get_con), actor: Actor = Depends(VIEW)):
    return _page(
        request, "governance.html", "Governance",
        members=governance.members(con), board=governance.board(con),
        roles=governance.ROLES, member_types=governance.MEMBER_TYPES,
        meetings=governance.meetings(con), decisions=governance.decisions(con),
        actions=governance.actions(con), statuses=governance.ACTION_STATUSES,
        meeting_kinds=("BOARD", "PROVIDER_REVIEW", "OTHER"),
        **protected_flows(actor, con),
    )


def protected_flows(actor: Actor, con) -> dict[str, list[dict]]:
    """The patient-flow tables as ``actor`` may see them: every count goes through the
    dashboard's one protection (:func:`cancer_alliance.web.protect.for_actor`, metrics
    reference §8), so a board member sees 1-7 as * and others rounded to 5."""
    import pandas as pd

    def table(items: list[dict], groups: list[str], counts: list[str]) -> list[dict]:
        df = pd.DataFrame(items, columns=groups + counts)
        out = for_actor(actor, df, counts, groups)
        sort = [c for c in counts if c in out.columns][:1]
        if sort:  # largest first, as before; suppressed cells last
            out = out.sort_values(sort, ascending=False, na_position="last", kind="stable")
        return [{k: (None if pd.isna(v) else v) for k, v in r.items()}
                for r in out.to_dict("records")]

    mis = flows.misalignments(con)
    shown = table(mis, ["commissioner_code"], ["pathways", "outside_system"])
    raw = {m["commissioner_code"]: m for m in mis}
    for m in shown:  # the share and the flag from the figures shown (exact for staff)
        n, out_ = m["pathways"], m["outside_system"]
        m["share_outside"] = out_ / n if n and out_ is not None else None
        m["system_code"] = raw[m["commissioner_code"]]["system_code"]
        m["misaligned"] = (None if m["share_outside"] is None
                           else m["share_outside"] > flows.MISALIGNED_SHARE)
    shown.sort(key=lambda m: m["commissioner_code"])
    return {
        "first_seen": table(flows.first_seen_flows(con), ["commissioner_code",
                                                          "provider_code"], ["pathways"]),
        "treated": table(flows.treatment_flows(con), ["commissioner_code", "provider_code"],
                         ["pathways"]),
        "transfers": table(flows.transfers(con), ["from_provider", "to_provider"],
                           ["pathways"]),
        "misalignments": shown,
    }


@router.post("/operations/actions")
def add_action(request: Request, action: str = Form(...), owner: str = Form(...),
               due_date: str = Form(""), provider_code: str = Form(""),
               measure_code: str = Form(""), con=Depends(get_con),
               actor: Actor = Depends(EDIT)):
    with change(con, actor, "action", "added action") as done:
        aid = governance.add_action(con, action, owner, due_date or None,
                                    provider_code=provider_code or None,
                                    measure_code=measure_code or None,
                                    updated_by=actor.username)
        done.detail = f"added action {aid}"
    return _back("/operations/governance#actions")


@router.post("/operations/actions/{action_id}/status")
def action_status(request: Request, action_id: int, status: str = Form(...),
                  con=Depends(get_con), actor: Actor = Depends(EDIT)):
    with change(con, actor, "action", f"action {action_id} status {status}"):
        governance.set_action_status(con, action_id, status, actor.username)
    return _back("/operations/governance#actions")


# --- plan ---------------------------------------------------------------------------------

@router.get("/operations/plan")
def plan_page(request: Request, con=Depends(get_con), actor: Actor = Depends(VIEW)):
    return _page(request, "plan.html", "Delivery plan", vision=plan.vision(con),
                 deliverables=plan.deliverables(con), priorities=plan.PRIORITIES, rags=plan.RAG)


@router.post("/operations/plan/{deliverable_id}/status")
def deliverable_status(request: Request, deliverable_id: str, rag: str = Form(...),
                       rag_reason: str = Form(""), con=Depends(get_con),
                       actor: Actor = Depends(EDIT)):
    d = next((x for x in plan.deliverables(con) if x["deliverable_id"] == deliverable_id), None)
    if d is None:
        raise HTTPException(404)
    with change(con, actor, "deliverable", f"{deliverable_id} status {rag}"):
        plan.upsert_deliverable(con, deliverable_id, d["title"], d["year"], d["owner"],
                                d["priority"], rag, rag_reason or None, d["depends_on"],
                                d["measures"], actor.username)
    return _back("/operations/plan")


# --- trajectories -------------------------------------------------------------------------

def _trajectory_chart(c: trajectories.Comparison) -> str:
    months = [r["month"] for r in c.rows] + [f["month"] for f in c.forecast
                                             if f["month"] not in {r["month"] for r in c.rows}]
    plan_ = {r["month"]: r["planned"] for r in c.rows}
    act = {r["month"]: r["actual"] for r in c.rows}
    fc = {f["month"]: f["forecast"] for f in c.forecast}
    flags = ["concern" if r["off_plan"] else None for r in c.rows] + \
        [None] * (len(months) - len(c.rows))
    values = [v for d in (plan_, act, fc) for v in d.values() if v is not None]
    lo, hi = (min(values), max(values)) if values else (0.0, 100.0)
    pad = max(1.0, (hi - lo) * 0.1)
    pct = actuals.unit(c.measure_code) == "%"
    spec = ChartSpec(
        kind="line", title=f"{c.measure_code}: plan against actual, {c.org_code}",
        unit="%" if pct else "", x_title="Month", y_title="Value" if pct else "Count",
        y_min=max(0.0, lo - pad), y_max=min(100.0, hi + pad) if pct else hi + pad,
        series=(
            Series.of("Actual", months, [act.get(m) for m in months], flags=flags),
            Series.of("Plan", months, [plan_.get(m) for m in months], role="target"),
            Series.of("Forecast", months, [fc.get(m) for m in months], role="centre"),
        ),
        description="Planned against actual monthly values; months off plan are flagged.",
    )
    return render_interactive(spec)


@router.get("/operations/trajectories")
def trajectories_page(request: Request, con=Depends(get_con), actor: Actor = Depends(VIEW)):
    return _page(request, "trajectories.html", "Trajectories",
                 items=trajectories.list_trajectories(con).to_dict("records"),
                 orgs=[ALLIANCE] + [p["code"] for p in packs.providers(con)],
                 measures=actuals.trajectory_codes())


@router.get("/operations/trajectories/{org_code}/{measure_code}")
def trajectory_page(request: Request, org_code: str, measure_code: str,
                    con=Depends(get_con), actor: Actor = Depends(VIEW)):
    orgs = {ALLIANCE} | {p["code"] for p in packs.providers(con)}
    if org_code not in orgs or measure_code not in actuals.trajectory_codes():
        raise HTTPException(404, "There is no such trajectory.")
    c = trajectories.plan_vs_actual(con, org_code, measure_code)
    return _page(request, "trajectory.html", f"Trajectory {measure_code} {org_code}", c=c,
                 chart=_trajectory_chart(c),
                 unit="%" if actuals.unit(measure_code) == "%" else "")


@router.post("/operations/trajectories")
def set_trajectory(request: Request, org_code: str = Form(...), measure_code: str = Form(...),
                   months: str = Form(...), con=Depends(get_con), actor: Actor = Depends(EDIT)):
    """``months`` is lines of ``YYYY-MM value`` (or ``YYYY-MM,value``)."""
    values = {}
    for line in months.replace(",", " ").splitlines():
        parts = line.split()
        if len(parts) == 2:
            values[parts[0]] = parts[1]
        elif parts:
            return _page(request, "trajectories.html", "Trajectories", status_code=422,
                         error=f"line '{line.strip()}' is not 'YYYY-MM value'",
                         items=trajectories.list_trajectories(con).to_dict("records"),
                         orgs=[org_code], measures=[measure_code])
    try:
        if actuals.check_measure_codes(measure_code, "measure", trajectory=True) \
                != [measure_code]:
            raise UsageError("a trajectory is for one measure code")
        if org_code not in {ALLIANCE} | {p["code"] for p in packs.providers(con)}:
            raise UsageError(f'organisation "{org_code[:20]}" is not {ALLIANCE} or a provider '
                             "of the alliance")
        with change(con, actor, "trajectory", f"{org_code} {measure_code}") as done:
            n = trajectories.set_planned(con, org_code, measure_code, values, actor.username)
            done.detail += f" months={n}"
    except AllianceError as exc:
        return render(request, "operations/trajectories.html", status_code=422,
                      title="Trajectories", sections=SECTIONS, error=str(exc),
                      items=trajectories.list_trajectories(con).to_dict("records"),
                      orgs=[org_code], measures=[measure_code])
    return _back(f"/operations/trajectories/{org_code}/{measure_code}")


# --- bids and funding ---------------------------------------------------------------------

@router.get("/operations/bids")
def bids_page(request: Request, budget: float = 600_000, con=Depends(get_con),
              actor: Actor = Depends(VIEW)):
    if not 0 <= budget < MAX_BUDGET:  # a ten-digit figure is refused, never shown back
        raise HTTPException(400, f"The budget must be between £0 and £{MAX_BUDGET - 1:,.0f}.")
    decision = bids.run_decision(con, budget, actor.username)
    return _page(request, "bids.html", "Transformation funding bids", bids=bids.list_bids(con),
                 decision=decision, budget=budget, criteria=bids.criteria(con),
                 areas=funding.PRIORITY_AREAS, recorded=bids.recorded_decisions(con))


@router.post("/operations/bids")
def new_bid(request: Request, bid_id: str = Form(...), title: str = Form(...),
            partner_code: str = Form(...), priority_area: str = Form(...),
            cost_year: int = Form(...), cost: float = Form(...), more_costs: str = Form(""),
            expected_benefit: float = Form(...), benefit_unit: str = Form(""),
            benefit_measure: str = Form(""), benefit_baseline: str = Form(""),
            benefit_expected: str = Form(""), summary: str = Form(""), risks: str = Form(""),
            deliverability: str = Form(""), con=Depends(get_con),
            actor: Actor = Depends(EDIT)):
    """A bid with costs by year (the first year, plus ``YYYY amount`` lines for later years)
    and optionally its expected effect on a named measure (baseline -> expected)."""
    costs = {cost_year: cost, **parse_year_amounts(more_costs)}
    benefits = {}
    if benefit_measure.strip():
        benefits[benefit_measure.strip()] = (parse_number(benefit_baseline, "benefit baseline"),
                                             parse_number(benefit_expected, "expected value"))
    bid_id = bid_id.strip()  # an existing id is refused by add_bid: creating never overwrites
    with change(con, actor, "bid", f"submitted bid {bid_id}"):
        bids.add_bid(con, bid_id, title, partner_code, priority_area, costs,
                     expected_benefit, benefit_unit, summary, risks, deliverability, benefits,
                     submitted_by=actor.username)
    return _back(f"/operations/bids/{bid_id}")


@router.get("/operations/bids/{bid_id}")
def bid_page(request: Request, bid_id: str, con=Depends(get_con), actor: Actor = Depends(VIEW)):
    detail = bids.bid_detail(con, bid_id)
    a = next((x for x in bids.assessments(con) if x.bid_id == bid_id), None)
    return _page(request, "bid.html", f"Bid {bid_id}", bid=detail, assessment=a,
                 criteria=bids.criteria(con), before_after=bids.before_after(con, bid_id))


@router.post("/operations/bids/{bid_id}/scores")
async def score_bid(request: Request, bid_id: str, con=Depends(get_con),
                    actor: Actor = Depends(EDIT)):
    form = await request.form()
    crit = bids.criteria(con)
    # a score that is not a number is a 400 naming the criterion, never a 500
    scores = {c: parse_number(str(form[f"score_{c}"]), f"score for {c}") for c in crit
              if form.get(f"score_{c}") not in (None, "")}
    with change(con, actor, "bid", f"scored bid {bid_id} ({len(scores)})"):
        bids.score_bid(con, bid_id, actor.username, scores,
                       str(form.get("comment") or "") or None)
    return _back(f"/operations/bids/{bid_id}")


@router.get("/operations/funding-rules")
def rules_page(request: Request, con=Depends(get_con), actor: Actor = Depends(VIEW)):
    out = []
    for r in bids.funding_rules(con):
        try:
            detail, summary = bids.simulate_stored_rule(con, r["rule"])
            out.append({**r, "text": funding.describe_rule(r["rule"]), "summary": summary,
                        "detail": detail})
        except AllianceError as exc:
            out.append({**r, "text": str(exc), "summary": [], "detail": []})
    return _page(request, "funding_rules.html", "Funding rules", rules=out,
                 example=json.dumps(funding.EXAMPLE_RULE, indent=1))


# --- voice, initiatives -------------------------------------------------------------------

@router.get("/operations/voice")
def voice_page(request: Request, con=Depends(get_con), actor: Actor = Depends(VIEW)):
    return _page(request, "voice.html", "Patient voice", results=voice.results(con),
                 feedback=voice.feedback(con), min_respondents=voice.MIN_RESPONDENTS,
                 actions=governance.actions(con))


@router.post("/operations/voice/feedback")
def add_feedback(request: Request, received_date: str = Form(...), source: str = Form(...),
                 theme: str = Form(...), you_said: str = Form(...), we_did: str = Form(""),
                 action_id: str = Form(""), con=Depends(get_con),
                 actor: Actor = Depends(EDIT)):
    """Log what a panel said; ``action_id`` links it to the action taken ("we did")."""
    aid = int(action_id) if action_id.strip().isdigit() else None
    if aid is not None and not any(a["action_id"] == aid for a in governance.actions(con)):
        raise HTTPException(404, f"action {aid} does not exist")
    with change(con, actor, "feedback", "added feedback") as done:
        fid = voice.add_feedback(con, received_date, source, theme, you_said, we_did or None,
                                 aid)
        done.detail = f"added feedback {fid}"
    return _back("/operations/voice")


@router.get("/operations/initiatives")
def initiatives_page(request: Request, con=Depends(get_con), actor: Actor = Depends(VIEW)):
    return _page(request, "initiatives.html", "What works",
                 items=initiatives.list_initiatives(con))


@router.get("/operations/load")
def load_page(request: Request, actor: Actor = Depends(EDIT)):
    """Upload a CSV or xlsx file to set up an area in bulk (same checks as the forms)."""
    families = {f: {t: req for t, (req, _) in tables.items()}
                for f, tables in loaders.FAMILIES.items()}
    return _page(request, "load.html", "Load from a file", families=families)


@router.get("/operations/initiatives/{initiative_id}")
def initiative_page(request: Request, initiative_id: str, con=Depends(get_con),
                    actor: Actor = Depends(VIEW)):
    init = next((i for i in initiatives.list_initiatives(con)
                 if i["initiative_id"] == initiative_id), None)
    if init is None:
        raise HTTPException(404)
    results = initiatives.evaluate_initiative(con, initiative_id, store=False)  # a GET reads
    for r in results:
        ev = r.get("evaluation")
        if ev is not None:
            r["chart"] = render_interactive(builders.spc_chart(
                f"{r['measure_code']} rebased at go-live {r['go_live']}", r["months"],
                r["values"], ev.chart))
    return _page(request, "initiative.html", init["name"], init=init, results=results)


# --- packs --------------------------------------------------------------------------------

@router.get("/operations/packs")
def packs_page(request: Request, con=Depends(get_con), actor: Actor = Depends(VIEW)):
    scope = policy.pack_scope(actor)
    provs = [p for p in packs.providers(con) if scope is None or p["code"] == scope]
    latest = con.execute("SELECT max(period) FROM submissions").fetchall()[0][0]
    return _page(request, "packs.html", "Provider and board packs", providers=provs,
                 archive=archive.listing(con, scope),
                 can_board=policy.decide(actor, "view_pack", None).allowed,
                 latest_period=latest or "")


@router.get("/operations/packs/view")
def pack_view_query(provider_code: str, period: str, con=Depends(get_con),
                    actor: Actor = Depends(VIEW)):
    """The packs page's "view" form: send the reader to the pack's own address."""

    _pack_allowed(actor, provider_code)
    if provider_code not in {p["code"] for p in packs.providers(con)}:
        raise HTTPException(404, "There is no such provider.")
    return _back(f"/operations/packs/view/{provider_code}/{_url_month(period)}")


@router.post("/operations/packs")
def generate_pack(request: Request, kind: str = Form(...), period: str = Form(...),
                  provider_code: str = Form(""), fmt: str = Form("pdf"),
                  con=Depends(get_con), actor: Actor = Depends(EDIT)):
    """Queue the pack as a job (building a PDF takes seconds) and show its status page."""
    if kind not in ("PROVIDER", "BOARD") or fmt not in ("pdf", "html"):
        raise UsageError("Choose a provider or board pack, as PDF or HTML.")
    if kind == "PROVIDER" and provider_code not in {p["code"] for p in packs.providers(con)}:
        raise UsageError("Choose a provider from the list.")
    period = periods.check_month(period)
    with change(con, actor, "pack", f"queued {kind} {provider_code or ''} {period} pack"
                ) as done:
        job_id = queue.enqueue(con, "pack", created_by=actor.username,
                               org_code=provider_code if kind == "PROVIDER" else None,
                               period=period, params={"kind": kind, "fmt": fmt})
        done.detail += f" as job {job_id}"
    request.app.state.jobs.notify()
    return _back(f"/jobs/{job_id}")


@router.get("/operations/packs/{report_id}")
def pack_download(request: Request, report_id: int, con=Depends(get_con),
                  actor: Actor = Depends(VIEW)):
    r = archive.fetch(con, report_id)
    # A provider user may open only its own provider's packs (never the board pack).
    _pack_allowed(actor, r["provider_code"] if r["kind"] == "PROVIDER" else None)
    if r["kind"] == "PROVIDER" and policy.aggregates_protected(actor):
        # the archived bytes hold the provider's exact counts: a board member is shown
        # the same pack built with small-number protection instead
        return _back(f"/operations/packs/view/{r['provider_code']}/{r['period']}")
    media = "application/pdf" if r["format"] == "pdf" else "text/html; charset=utf-8"
    name = f"{r['kind'].lower()}-{r['provider_code'] or 'alliance'}-{r['period']}.{r['format']}"
    disp = "inline" if r["format"] == "html" else "attachment"
    headers = {"Content-Disposition": f'{disp}; filename="{name}"',
               "X-Content-SHA256": r["sha256"]}
    if r["format"] == "html":
        headers["content-security-policy"] = csp_with_style_hashes(
            bytes(r["content"]).decode("utf-8"))
    return Response(r["content"], media_type=media, headers=headers)


@router.get("/operations/packs/view/{provider_code}/{period}")
def pack_view(request: Request, provider_code: str, period: str, con=Depends(get_con),
              actor: Actor = Depends(VIEW)):
    """The provider pack as a web page (not archived until generated)."""
    _pack_allowed(actor, provider_code)
    if provider_code not in {p["code"] for p in packs.providers(con)}:
        raise HTTPException(404, "There is no such provider.")
    month = _url_month(period)
    # the highest-risk patients only for a reader who may see this provider's patients
    see = policy.decide(actor, "view_patient", provider_code).allowed
    if see:
        _audit(request, actor, "view_patient", "pack",
               f"high-risk pathways in the {month} pack view")
    # the breach-risk model is fitted once per census and data version, shared with the PTL;
    # the pack's figures are kept per data version and plan edit
    risk = data.ptl_with_risk(con, periods.month_end(month), {}) if see else None
    protect = policy.aggregates_protected(actor)
    pack = packs.provider_pack(
        con, provider_code, month, protect=protect, with_patients=see, risk_ptl=risk,
        figures=data.provider_pack_figures(con, provider_code, month, protect))
    if policy.pack_pathways(actor, provider_code).allowed:
        pack["pathways_url"] = f"/operations/packs/view/{provider_code}/{month}/pathways.csv"
    html = render_pack.render_html(pack)
    return Response(html, media_type="text/html; charset=utf-8",
                    headers={"content-security-policy": csp_with_style_hashes(html)})



@router.get("/operations/packs/view/{provider_code}/{period}/pathways.csv")
def pack_pathways_csv(request: Request, provider_code: str, period: str,
                      con=Depends(get_con), actor: Actor = Depends(VIEW)):
    """The pathways behind every figure of the provider pack (its companion download):
    one block of rows per figure reference, by accountable provider with transfer shares,
    so each figure's rows sum to it (``reports.figure_rows``). Patient-level: only for
    :func:`policy.pack_pathways` (the alliance team, the provider's own users); audited."""
    decision = policy.pack_pathways(actor, provider_code)
    if not decision.allowed:
        raise Forbidden(decision.reason)
    if provider_code not in {p["code"] for p in packs.providers(con)}:
        raise HTTPException(404, "There is no such provider.")
    month = _url_month(period)
    pack = packs.provider_pack(con, provider_code, month, figures=data.provider_pack_figures(
        con, provider_code, month, False))
    rows = figure_rows.pack_pathways(con, pack, actor)
    _audit(request, actor, "view_patient", "pack-pathways",
           f"provider={provider_code} period={month} rows={len(rows)} "
           f"figures={rows['figure_id'].nunique() if len(rows) else 0}")
    name = f"pack-pathways-{provider_code}-{month}.csv"
    return Response(figure_rows.to_csv(rows), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}"'})
