"""Governance: the alliance's members and footprint, its board, meetings, decisions, actions.

Actions are the thread from a meeting to the measure it should move: each has an owner, a due
date, a status, optionally the provider it concerns and the measure code. Provider packs list
the provider's open actions, so the next meeting starts from what was agreed at the last.
"""

from __future__ import annotations

from datetime import date

from cancer_alliance.errors import NotFound, UsageError
from cancer_alliance.operations.db import next_id, rows

MEMBER_TYPES = {
    "TRUST": "NHS trust (provider)",
    "COMMISSIONER": "Commissioner (sub-ICB location)",
    "ICS": "Integrated care system / partnership",
    "SPECIALISED_COMMISSIONING": "Specialised commissioning",
    "LOCAL_AUTHORITY": "Local authority",
    "PUBLIC_HEALTH": "Public health",
    "PRIMARY_CARE": "Primary care network",
    "CHARITY": "Charity",
}
ROLES = {
    "ALLIANCE_LEAD": "Alliance lead",
    "CLINICAL_LEAD": "Clinical lead",
    "SYSTEM_LEAD": "System (ICS) lead",
    "PROVIDER_EXECUTIVE": "Provider executive",
    "SPECIALISED_COMMISSIONING": "Specialised commissioning",
    "PUBLIC_HEALTH": "Public health",
    "LOCAL_AUTHORITY": "Local authority",
    "PATIENT_REPRESENTATIVE": "Patient representative",
    "CHARITY": "Charity",
}
ACTION_STATUSES = ("OPEN", "IN_PROGRESS", "DONE", "DROPPED")
OPEN_STATUSES = ("OPEN", "IN_PROGRESS")


def _check(value: str, allowed, what: str) -> str:
    if value not in allowed:
        raise UsageError(f"{what} '{value}' is not one of {', '.join(allowed)}")
    return value


def members(con) -> list[dict]:
    return rows(con, "SELECT * FROM alliance_members ORDER BY member_type, org_code")


def board(con) -> list[dict]:
    return rows(con, "SELECT * FROM board_members ORDER BY role, name")


def meetings(con) -> list[dict]:
    return rows(con, "SELECT * FROM meetings ORDER BY meeting_date DESC")


def add_member(con, org_code, org_name, member_type, system_code=None, footprint=None) -> None:
    _check(member_type, MEMBER_TYPES, "member type")
    con.execute(
        "INSERT OR REPLACE INTO alliance_members VALUES (?, ?, ?, ?, ?)",
        [org_code, org_name, member_type, system_code, footprint],
    )


def add_board_member(con, name: str, role: str, organisation: str | None = None,
                     since: date | str | None = None) -> int:
    _check(role, ROLES, "board role")
    mid = next_id(con)
    con.execute("INSERT INTO board_members VALUES (?, ?, ?, ?, ?)",
                [mid, name, role, organisation, since])
    return mid


def add_meeting(con, meeting_date, kind: str, title: str, provider_code: str | None = None,
                notes: str | None = None) -> int:
    _check(kind, ("BOARD", "PROVIDER_REVIEW", "OTHER"), "meeting kind")
    mid = next_id(con)
    con.execute("INSERT INTO meetings VALUES (?, ?, ?, ?, ?, ?)",
                [mid, meeting_date, kind, provider_code, title, notes])
    return mid


def add_decision(con, meeting_id: int | None, decision: str) -> int:
    did = next_id(con)
    con.execute("INSERT INTO decisions VALUES (?, ?, ?)", [did, meeting_id, decision])
    return did


def decisions(con) -> list[dict]:
    return rows(con, "SELECT d.*, m.meeting_date, m.title AS meeting FROM decisions d"
                     " LEFT JOIN meetings m USING (meeting_id) ORDER BY m.meeting_date DESC")


def add_action(con, action: str, owner: str, due_date=None, *, meeting_id=None,
               provider_code=None, measure_code=None, status="OPEN", updated_by=None) -> int:
    _check(status, ACTION_STATUSES, "action status")
    if not action.strip() or not owner.strip():
        raise UsageError("an action needs a description and an owner")
    aid = next_id(con)
    con.execute(
        "INSERT INTO actions (action_id, meeting_id, provider_code, action, owner, due_date,"
        " status, measure_code, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [aid, meeting_id, provider_code, action, owner, due_date, status, measure_code,
         updated_by],
    )
    return aid


def set_action_status(con, action_id: int, status: str, updated_by: str) -> None:
    _check(status, ACTION_STATUSES, "action status")
    n = con.execute("SELECT count(*) FROM actions WHERE action_id = ?", [action_id]).fetchone()[0]
    if not n:
        raise NotFound(f"action {action_id} does not exist")
    con.execute(
        "UPDATE actions SET status = ?, updated_by = ?, updated_at = current_timestamp"
        " WHERE action_id = ?",
        [status, updated_by, action_id],
    )


def actions(con, provider_code: str | None = None, open_only: bool = False,
            as_of: date | None = None) -> list[dict]:
    """Actions, newest due first; ``overdue`` is set for open actions past their due date."""
    where, params = [], []
    if provider_code:
        where.append("provider_code = ?")
        params.append(provider_code)
    if open_only:
        where.append("status IN ('OPEN', 'IN_PROGRESS')")
    sql = "SELECT * FROM actions" + (" WHERE " + " AND ".join(where) if where else "")
    out = rows(con, sql + " ORDER BY due_date NULLS LAST, action_id", params)
    today = as_of or date.today()
    for a in out:
        a["overdue"] = bool(a["status"] in OPEN_STATUSES and a["due_date"]
                            and a["due_date"] < today)
    return out
