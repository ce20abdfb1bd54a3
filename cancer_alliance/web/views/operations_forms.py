"""Browser forms that set up and change the alliance's operations data.

Kept apart from :mod:`.operations` (the pages) so each module stays small; the router here
is included after that one (``web/routes.py``). Every route needs ``edit_operations`` (alliance
administrators and analysts), goes through the same domain functions as the file loaders
(so the same checks apply), and writes one audit row naming the record changed, in the
change's own transaction (:func:`change`). A file upload is read within
:func:`cancer_alliance.operations.loaders.read_file`'s bounds and loaded as the CLI loads
it; an error names the file, row, column, value and rule.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse

from cancer_alliance.auth import audit
from cancer_alliance.auth.model import Actor
from cancer_alliance.dataset import periods
from cancer_alliance.errors import NotFound, UsageError
from cancer_alliance.operations import actuals, bids, governance, initiatives, loaders, plan
from cancer_alliance.web.deps import get_con, require
from cancer_alliance.web.upload_names import upload_name

router = APIRouter(include_in_schema=False)
EDIT = require("edit_operations")
LOAD_SUFFIXES = (".csv", ".xlsx")


def change(con, actor: Actor, resource: str, detail: str):
    """An operations change and its audit row in one transaction (:func:`audit.atomic`):
    the audit row was once written after the change, so a refused audit text (a ten-digit
    code, a possible NHS number) left a committed change unaudited and a 500."""
    return audit.atomic(con, actor, "edit_operations", resource, detail)


def _back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _opt(v: str) -> str | None:
    return v.strip() or None


def parse_number(v: str, what: str) -> float | None:
    if not v.strip():
        return None
    try:
        return float(v)
    except ValueError:
        raise UsageError(f"{what} '{v}' is not a number") from None


def parse_year_amounts(text: str, what: str = "costs") -> dict[int, float]:
    """Lines of ``YYYY amount`` (or ``YYYY,amount``) -> {year: amount}."""
    out: dict[int, float] = {}
    for line in text.replace(",", " ").splitlines():
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2 or not parts[0].isdigit() or len(parts[0]) != 4:
            raise UsageError(f"{what}: line '{line.strip()}' is not 'YYYY amount'")
        out[int(parts[0])] = parse_number(parts[1], f"{what} for {parts[0]}")
    return out


# --- governance ---------------------------------------------------------------------------

@router.post("/operations/members")
def add_member(request: Request, org_code: str = Form(...), org_name: str = Form(...),
               member_type: str = Form(...), system_code: str = Form(""),
               footprint: str = Form(""), con=Depends(get_con), actor: Actor = Depends(EDIT)):
    with change(con, actor, "member", f"member {org_code.strip()} ({member_type})"):
        governance.add_member(con, org_code.strip(), org_name.strip(), member_type,
                              _opt(system_code), _opt(footprint))
    return _back("/operations/governance#members")


@router.post("/operations/board")
def add_board_member(request: Request, name: str = Form(...), role: str = Form(...),
                     organisation: str = Form(""), since: str = Form(""),
                     con=Depends(get_con), actor: Actor = Depends(EDIT)):
    with change(con, actor, "board_member", f"board member ({role})") as done:
        mid = governance.add_board_member(con, name.strip(), role, _opt(organisation),
                                          _opt(since))
        done.detail = f"board member {mid} ({role})"
    return _back("/operations/governance#board")


@router.post("/operations/meetings")
def add_meeting(request: Request, meeting_date: str = Form(...), kind: str = Form(...),
                title: str = Form(...), provider_code: str = Form(""), notes: str = Form(""),
                con=Depends(get_con), actor: Actor = Depends(EDIT)):
    with change(con, actor, "meeting", f"meeting ({kind})") as done:
        mid = governance.add_meeting(con, meeting_date, kind, title.strip(),
                                     _opt(provider_code), _opt(notes))
        done.detail = f"meeting {mid} ({kind})"
    return _back("/operations/governance#meetings")


@router.post("/operations/decisions")
def add_decision(request: Request, meeting_id: int = Form(...), decision: str = Form(...),
                 con=Depends(get_con), actor: Actor = Depends(EDIT)):
    if not con.execute("SELECT 1 FROM meetings WHERE meeting_id = ?", [meeting_id]).fetchall():
        raise NotFound(f"meeting {meeting_id} does not exist")
    if not decision.strip():
        raise UsageError("a decision needs its text")
    with change(con, actor, "decision", f"decision at meeting {meeting_id}") as done:
        did = governance.add_decision(con, meeting_id, decision.strip())
        done.detail = f"decision {did} at meeting {meeting_id}"
    return _back("/operations/governance#meetings")


# --- delivery plan ------------------------------------------------------------------------

@router.post("/operations/plan/vision")
def set_vision(request: Request, title: str = Form(...), vision: str = Form(...),
               con=Depends(get_con), actor: Actor = Depends(EDIT)):
    current = plan.vision(con)
    plan_id = current["plan_id"] if current else "PLAN"
    with change(con, actor, "plan", f"vision of plan {plan_id}"):
        plan.set_vision(con, plan_id, title.strip(), vision.strip())
    return _back("/operations/plan")


@router.post("/operations/plan")
def save_deliverable(request: Request, deliverable_id: str = Form(...), title: str = Form(...),
                     year: int = Form(...), owner: str = Form(...), priority: str = Form(...),
                     rag: str = Form(...), rag_reason: str = Form(""),
                     depends_on: str = Form(""), measures: str = Form(""),
                     con=Depends(get_con), actor: Actor = Depends(EDIT)):
    did = deliverable_id.strip()
    codes = actuals.check_measure_codes(measures, "measure")
    with change(con, actor, "deliverable", f"saved deliverable {did}"):
        plan.upsert_deliverable(con, did, title.strip(), year, owner.strip(), priority, rag,
                                _opt(rag_reason), _opt(depends_on), ",".join(codes) or None,
                                actor.username)
    return _back("/operations/plan")


# --- funding ------------------------------------------------------------------------------

@router.post("/operations/value-framework")
async def set_value_framework(request: Request, con=Depends(get_con),
                              actor: Actor = Depends(EDIT)):
    """``weight_<CRITERION>`` fields for the current criteria; a new criterion can be added
    with ``new_criterion``/``new_label``/``new_weight``. A weight of 0 drops a criterion."""
    form = await request.form()
    crit = {}
    for code, (label, _) in bids.criteria(con).items():
        w = parse_number(str(form.get(f"weight_{code}", "")), f"weight of {code}")
        if w:
            crit[code] = (label, w)
    new = str(form.get("new_criterion") or "").strip().upper()
    if new:
        w = parse_number(str(form.get("new_weight", "")), f"weight of {new}")
        if w:
            crit[new] = (str(form.get("new_label") or new).strip(), w)
    with change(con, actor, "value_framework",
                "weights " + ", ".join(f"{k}={w:g}" for k, (_, w) in crit.items())):
        bids.set_criteria(con, crit)
    return _back("/operations/bids#framework")


@router.post("/operations/bids/decision")
def apply_decision(request: Request, budget: float = Form(...), min_score: str = Form(""),
                   con=Depends(get_con), actor: Actor = Depends(EDIT)):
    ms = parse_number(min_score, "minimum score")
    with change(con, actor, "funding_decision", f"budget {budget:.0f}") as done:
        d = bids.run_decision(con, budget, actor.username, min_score=ms, apply=True)
        done.detail += f": funded {', '.join(a.bid_id for a in d.funded) or 'none'}"
    return _back(f"/operations/bids?budget={budget:.0f}#decisions")


@router.post("/operations/funding-rules")
def save_rule(request: Request, rule_id: str = Form(...), name: str = Form(...),
              rule: str = Form(...), con=Depends(get_con), actor: Actor = Depends(EDIT)):
    """A funding rule as JSON (see docs/explanation/funding-rules.md), simulated on its page."""
    try:
        parsed = json.loads(rule)
    except json.JSONDecodeError as exc:
        raise UsageError(f"funding rule {rule_id}: not valid JSON ({exc.msg})") from None
    with change(con, actor, "funding_rule", f"saved funding rule {rule_id.strip()}"):
        bids.save_rule(con, rule_id.strip(), name.strip(), parsed)
    return _back("/operations/funding-rules")


def _bid_exists(con, bid_id: str) -> None:
    if not con.execute("SELECT 1 FROM bids WHERE bid_id = ?", [bid_id]).fetchall():
        raise NotFound(f"bid {bid_id} does not exist")


@router.post("/operations/bids/{bid_id}/spend")
def add_spend(request: Request, bid_id: str, month: str = Form(...), amount: float = Form(...),
              con=Depends(get_con), actor: Actor = Depends(EDIT)):
    _bid_exists(con, bid_id)
    month = periods.check_month(month, "month")
    with change(con, actor, "bid", f"spend on bid {bid_id} for {month}"):
        bids.record_spend(con, bid_id, month, amount)
    return _back(f"/operations/bids/{bid_id}#spend")


@router.post("/operations/bids/{bid_id}/milestones")
def save_milestone(request: Request, bid_id: str, milestone: str = Form(...),
                   due_date: str = Form(...), status: str = Form("PLANNED"),
                   con=Depends(get_con), actor: Actor = Depends(EDIT)):
    _bid_exists(con, bid_id)
    with change(con, actor, "bid", f"milestone of bid {bid_id} {status}"):
        bids.set_milestone(con, bid_id, milestone.strip(), due_date, status)
    return _back(f"/operations/bids/{bid_id}#milestones")


# --- what works ---------------------------------------------------------------------------

@router.post("/operations/initiatives")
def register_initiative(request: Request, initiative_id: str = Form(...), name: str = Form(...),
                        kind: str = Form(...), go_live: str = Form(...),
                        target_measures: str = Form(...), improvement: str = Form("increase"),
                        provider_code: str = Form(""), owner: str = Form(""),
                        description: str = Form(""), con=Depends(get_con),
                        actor: Actor = Depends(EDIT)):
    iid = initiative_id.strip()
    actuals.check_measure_codes(target_measures, "target measure")
    with change(con, actor, "initiative", f"registered initiative {iid}"):
        initiatives.register(con, iid, name.strip(), kind.strip(), _opt(provider_code),
                             go_live, target_measures, improvement, _opt(owner),
                             _opt(description))
    return _back(f"/operations/initiatives/{iid}")


@router.post("/operations/initiatives/{initiative_id}/evaluation")
def record_evaluation(request: Request, initiative_id: str, con=Depends(get_con),
                      actor: Actor = Depends(EDIT)):
    """Keep today's verdicts in the register (what the page shows is not stored on a GET)."""
    with change(con, actor, "initiative", f"evaluated initiative {initiative_id}") as done:
        results = initiatives.evaluate_initiative(con, initiative_id, store=True)
        done.detail += f" ({len(results)} measure(s))"
    return _back(f"/operations/initiatives/{initiative_id}")


# --- bulk set-up from a file --------------------------------------------------------------

@router.post("/operations/load")
def load_upload(family: str = Form(...), file: UploadFile = File(...), con=Depends(get_con),
                actor: Actor = Depends(EDIT)):
    """Load one CSV (named after its table) or xlsx workbook, exactly as the CLI does.

    A plain ``def``: the upload is read and parsed in the thread pool, never on the event
    loop, within :func:`loaders.read_file`'s bounds; the load and its audit row are one
    transaction."""
    if family not in loaders.FAMILIES:
        raise UsageError(f"unknown load family '{family}'")
    name = upload_name(file.filename, LOAD_SUFFIXES)
    if not name:
        raise UsageError("Choose a file to load (.csv or .xlsx).")
    data = file.file.read(loaders.MAX_FILE_BYTES + 1)
    if len(data) > loaders.MAX_FILE_BYTES:
        raise UsageError(f"{name}: larger than {loaders.MAX_FILE_BYTES >> 20} MB; "
                         "nothing was loaded")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        loaders.load_and_audit(con, path, family, actor)
    return _back(f"/operations?loaded={family}")
