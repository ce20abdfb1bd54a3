"""The delivery plan: the vision and deliverables by year, each tied to the measures it moves.

Each deliverable has an owner, a red/amber/green status with the reason, the deliverables it
depends on, the national priority it serves, and the measure codes it should move, so the
plan page can show each deliverable beside the latest value of its measures.
"""

from __future__ import annotations

from cancer_alliance.errors import UsageError
from cancer_alliance.operations.db import rows

PRIORITIES = {
    "EARLY_DIAGNOSIS": "Earlier diagnosis",
    "PATIENT_EXPERIENCE": "Patient experience",
    "LIVING_WITH_AND_BEYOND": "Living with and beyond cancer",
    "MODERN_SERVICES": "Modern services",
    "COMMISSIONING_ACCOUNTABILITY": "Commissioning and accountability",
    "PREVENTION": "Prevention",
}
RAG = ("RED", "AMBER", "GREEN")


def set_vision(con, plan_id: str, title: str, vision: str) -> None:
    con.execute("INSERT OR REPLACE INTO plan_vision VALUES (?, ?, ?)", [plan_id, title, vision])


def vision(con) -> dict | None:
    r = rows(con, "SELECT * FROM plan_vision ORDER BY plan_id LIMIT 1")
    return r[0] if r else None


def upsert_deliverable(con, deliverable_id: str, title: str, year: int, owner: str,
                       priority: str, rag: str, rag_reason: str | None = None,
                       depends_on: str | None = None, measures: str | None = None,
                       updated_by: str | None = None) -> None:
    if priority not in PRIORITIES:
        raise UsageError(f"deliverable {deliverable_id}: priority '{priority}' is not one of "
                         f"{', '.join(PRIORITIES)}")
    if rag not in RAG:
        raise UsageError(f"deliverable {deliverable_id}: status '{rag}' is not RED, AMBER or "
                         "GREEN")
    if rag != "GREEN" and not (rag_reason or "").strip():
        raise UsageError(f"deliverable {deliverable_id}: a {rag} status needs a reason")
    con.execute(
        "INSERT OR REPLACE INTO deliverables (deliverable_id, title, year, owner, priority, rag,"
        " rag_reason, depends_on, measures, updated_by, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp)",
        [deliverable_id, title, int(year), owner, priority, rag, rag_reason, depends_on,
         measures, updated_by],
    )


def deliverables(con) -> list[dict]:
    out = rows(con, "SELECT * FROM deliverables ORDER BY year, priority, deliverable_id")
    ids = {d["deliverable_id"] for d in out}
    for d in out:
        deps = [x.strip() for x in (d["depends_on"] or "").split(",") if x.strip()]
        d["depends"] = deps
        d["missing_dependencies"] = [x for x in deps if x not in ids]
        d["measure_list"] = [x.strip() for x in (d["measures"] or "").split(",") if x.strip()]
        d["priority_label"] = PRIORITIES.get(d["priority"], d["priority"])
    return out
