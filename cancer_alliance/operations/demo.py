"""The demo alliance's operations: a plausible plan, trajectories, bids, board, actions,
initiatives, survey results and panel feedback, so every operations page has content.

Built on whatever providers and commissioners the store holds (the synthetic alliance), and
safe to run twice: it replaces its own rows.
"""

from __future__ import annotations

import contextlib
import json

from cancer_alliance.dataset import periods
from cancer_alliance.errors import AllianceError
from cancer_alliance.operations import (
    actuals,
    bids,
    funding,
    governance,
    initiatives,
    plan,
    trajectories,
    voice,
)
from cancer_alliance.operations.actuals import ALLIANCE

DEMO_USER = "demo"
RULE = dict(funding.EXAMPLE_RULE)


def _orgs(con, kind: str) -> list[tuple[str, str, str | None]]:
    got = con.execute(
        "SELECT org_code, org_name, parent_code FROM organisations WHERE org_type = ?"
        " ORDER BY org_code", [kind]).fetchall()
    if got or kind != "PROVIDER":
        return got
    return [(r[0], r[0], None) for r in con.execute(
        "SELECT DISTINCT provider_code FROM pathways ORDER BY 1").fetchall()]


def _last_month(con) -> str:
    r = con.execute("SELECT max(strftime(coalesce(first_treatment_date, first_seen_date,"
                    " referral_received_date), '%Y-%m')) FROM pathways").fetchone()
    return r[0] if r and r[0] else "2024-06"


def _go_live(con, measure: str, org: str) -> str:
    """A go-live in the middle of the measure's history (at most 12 months back), so the
    evaluation has months on both sides whatever span the store holds."""
    try:
        months = list(actuals.monthly(con, measure, org).dropna(subset=["value"])["month"])
    except Exception:  # noqa: BLE001 - no metrics yet: a date the register can still show
        months = []
    if len(months) < 2:
        return periods.shift(_last_month(con), -6)
    return months[max(len(months) // 2, len(months) - 12)]


def _months(con) -> list[str]:
    """The financial year holding the store's latest pathway month (or 2024/25)."""
    return periods.financial_year_months(_last_month(con))


def _backlog_at(con, org: str, month: str) -> float | None:
    """The 62-day backlog in ``month`` (or the latest month before it), for a plausible plan."""
    try:
        df = actuals.monthly(con, "62_DAY_BACKLOG", org).dropna(subset=["value"])
    except Exception:  # noqa: BLE001 - no metrics yet: the demo simply has no backlog plan
        return None
    df = df[df["month"] <= month]
    return float(df["value"].iloc[-1]) if len(df) and df["value"].iloc[-1] > 0 else None


def _clear(con) -> None:
    for t in ("alliance_members", "board_members", "meetings", "decisions", "actions",
              "plan_vision", "deliverables", "trajectories", "bids", "bid_costs",
              "bid_benefits", "value_criteria", "bid_scores", "bid_spend", "bid_milestones",
              "funding_rules", "survey_results", "panel_feedback", "initiatives",
              "initiative_evaluations"):
        con.execute(f"DELETE FROM {t}")


def seed_demo(con) -> dict[str, int]:
    """Fill the operations tables for the demo alliance; returns rows per area."""
    _clear(con)
    provs = _orgs(con, "PROVIDER")
    comms = _orgs(con, "COMMISSIONER")
    systems = _orgs(con, "ICB")
    months = _months(con)
    fy = int(months[0][:4])
    for code, name, parent in provs:
        governance.add_member(con, code, name, "TRUST", parent, None)
    for code, name, parent in comms:
        governance.add_member(con, code, name, "COMMISSIONER", parent or code, None)
    for code, name, _ in systems:
        governance.add_member(con, code, name, "ICS", code, None)
    for code, name, mtype in (
        ("LA01", "Brackenford County Council", "LOCAL_AUTHORITY"),
        ("PH01", "Brackenford Public Health", "PUBLIC_HEALTH"),
        ("CH01", "Macmillan Cancer Support (local)", "CHARITY"),
        ("SC01", "NHS England specialised commissioning", "SPECIALISED_COMMISSIONING"),
    ):
        governance.add_member(con, code, name, mtype)
    for name, role, org in (
        ("Dr Aisha Rahman", "ALLIANCE_LEAD", "Alliance"),
        ("Mr Tom Walsh", "CLINICAL_LEAD", "Alliance"),
        ("Ms Grace Obi", "SYSTEM_LEAD", comms[0][0] if comms else "ICS"),
        *[(f"Chief Operating Officer, {n}", "PROVIDER_EXECUTIVE", c) for c, n, _ in provs],
        ("Mr Ravi Patel", "SPECIALISED_COMMISSIONING", "SC01"),
        ("Dr Helen Moss", "PUBLIC_HEALTH", "PH01"),
        ("Cllr Jo Kent", "LOCAL_AUTHORITY", "LA01"),
        ("Mrs Ann Lee", "PATIENT_REPRESENTATIVE", "Patient panel"),
        ("Mr Sam Ford", "CHARITY", "CH01"),
    ):
        governance.add_board_member(con, name, role, org, f"{fy}-04-01")
    board_mtg = governance.add_meeting(con, f"{fy}-06-12", "BOARD", "Alliance board")
    governance.add_decision(con, board_mtg, "Adopt 62-day trajectories for the year; review "
                            "bi-monthly with each provider.")
    governance.add_decision(con, board_mtg, "Fund the rapid diagnostic service and stratified "
                            "follow-up bids within the transformation budget.")
    n_actions = 0
    for i, (code, _name, _) in enumerate(provs):
        mtg = governance.add_meeting(con, f"{fy}-07-0{i + 2}", "PROVIDER_REVIEW",
                                     f"Bi-monthly review with {code}", code)
        governance.add_action(con, "Recover the 62-day backlog to plan: weekly PTL review of "
                              "patients past day 50", "Cancer manager", f"{fy}-09-30",
                              meeting_id=mtg, provider_code=code, measure_code="62_DAY",
                              updated_by=DEMO_USER)
        governance.add_action(con, "Agree day-38 transfer protocol with the tertiary centre",
                              "Lead cancer nurse", f"{fy}-08-31", meeting_id=mtg,
                              provider_code=code, measure_code="62_DAY", status="IN_PROGRESS",
                              updated_by=DEMO_USER)
        n_actions += 2
    patient_action = governance.add_action(
        con, "Publish a named main contact on every diagnosis letter", "Alliance nursing lead",
        f"{fy}-10-31", meeting_id=board_mtg, measure_code="MAIN_CONTACT", updated_by=DEMO_USER)
    n_actions += 1

    plan.set_vision(con, "DEMO", f"Delivery plan {fy}/{(fy + 1) % 100}",
                    "More cancers diagnosed early, faster diagnosis for everyone referred, and "
                    "personalised care for everyone living with and beyond cancer.")
    dels = [
        ("D1", "Rapid diagnostic service for non-specific symptoms", "EARLY_DIAGNOSIS", "GREEN",
         None, None, "FDS,EARLY_STAGE"),
        ("D2", "Straight-to-test lower GI pathway with FIT", "EARLY_DIAGNOSIS", "AMBER",
         "Endoscopy capacity short in Q2", "D1", "FDS,62_DAY"),
        ("D3", "Personalised stratified follow-up for breast, colorectal, prostate",
         "LIVING_WITH_AND_BEYOND", "AMBER", "IT system for remote monitoring delayed", None,
         "HNA_COVERAGE"),
        ("D4", "Holistic needs assessment offered to every patient at diagnosis",
         "PATIENT_EXPERIENCE", "GREEN", None, None, "HNA_COVERAGE"),
        ("D5", "Lung health checks in the two most deprived places", "PREVENTION", "RED",
         "Procurement of CT scanner slipped to next year", None, "EARLY_STAGE"),
        ("D6", "Alliance-wide 62-day recovery and IPT agreement", "COMMISSIONING_ACCOUNTABILITY",
         "AMBER", "Transfers after day 38 remain common", "D2", "62_DAY"),
        ("D7", "Shared PTL and digital pathway navigator", "MODERN_SERVICES", "GREEN", None,
         None, "62_DAY"),
    ]
    for did, title, prio, rag, reason, deps, measures in dels:
        plan.upsert_deliverable(con, did, title, fy, "Alliance programme manager", prio, rag,
                                reason, deps, measures, DEMO_USER)

    n_traj = 0
    for org in [ALLIANCE, *[p[0] for p in provs]]:
        for code, start, end in (("62_DAY", 70.0, 75.0), ("FDS", 75.0, 80.0)):
            vals = {m: round(start + (end - start) * i / 11, 1) for i, m in enumerate(months)}
            n_traj += trajectories.set_planned(con, org, code, vals, DEMO_USER)
        # a backlog recovery trajectory: from the open pathways past day 62 at the start of
        # the year down by a fifth by March (a count, lower is better)
        base = _backlog_at(con, org, months[0])
        if base:
            vals = {m: round(base * (1 - 0.2 * i / 11)) for i, m in enumerate(months)}
            n_traj += trajectories.set_planned(con, org, "62_DAY_BACKLOG", vals, DEMO_USER)

    partners = [p[0] for p in provs] or ["RA1"]
    bid_specs = [
        ("B1", "Rapid diagnostic centre", "EARLY_DIAGNOSIS", {fy: 250_000, fy + 1: 150_000},
         120, "cancers diagnosed earlier", {"FDS": (72.0, 80.0)}, (5, 4, 4, 3, 4)),
        ("B2", "Recovery Package roll-out", "PERSONALISED_CARE", {fy: 120_000}, 900,
         "patients with an HNA", {"HNA_COVERAGE": (40.0, 75.0)}, (4, 5, 4, 4, 3)),
        ("B3", "Stratified follow-up platform", "STRATIFIED_FOLLOW_UP",
         {fy: 180_000, fy + 1: 60_000}, 1500, "follow-up appointments avoided", {},
         (4, 3, 2, 4, 4)),
        ("B4", "Community lung health checks", "EARLY_DIAGNOSIS", {fy: 300_000}, 60,
         "lung cancers found at stage 1-2", {"EARLY_STAGE": (45.0, 52.0)}, (5, 4, 2, 2, 3)),
    ]
    crit = list(funding.DEFAULT_CRITERIA)
    for k, (bid_id, title, area, costs, benefit, unit, benefits, scores) in enumerate(bid_specs):
        bids.add_bid(con, bid_id, title, partners[k % len(partners)], area, costs, benefit, unit,
                     summary=f"{title} across the alliance.", risks="Workforce recruitment.",
                     deliverability="Clinical leads named; go-live within two quarters.",
                     benefits=benefits, submitted_by=DEMO_USER)
        for assessor, delta in (("assessor.ann", 0), ("assessor.bob", -1)):
            bids.score_bid(con, bid_id, assessor,
                           {c: max(0, min(5, s + delta)) for c, s in zip(crit, scores,
                                                                          strict=True)})
    bids.run_decision(con, 600_000, DEMO_USER, apply=True)
    for i, m in enumerate(months[:6]):
        con.execute("INSERT OR REPLACE INTO bid_spend VALUES ('B1', ?, ?)", [m, 30_000 + 2_000 * i])
        con.execute("INSERT OR REPLACE INTO bid_spend VALUES ('B2', ?, ?)", [m, 15_000])
    for bid_id, ms, due, st in (("B1", "Service live", f"{fy}-07-01", "DONE"),
                                ("B1", "First evaluation", f"{fy}-12-31", "PLANNED"),
                                ("B2", "All trusts offering HNA", f"{fy}-10-31", "PLANNED")):
        con.execute("INSERT OR REPLACE INTO bid_milestones VALUES (?, ?, ?, ?)",
                    [bid_id, ms, due, st])
    con.execute("INSERT OR REPLACE INTO funding_rules VALUES (?, ?, ?)",
                ["R62", RULE["name"], json.dumps(RULE)])

    n_survey = 0
    for j, (code, _n, _) in enumerate(provs):
        for q, text, score, nat in (
            ("OVERALL_RATING", voice.QUESTIONS["OVERALL_RATING"], 8.8 - 0.2 * j, 8.9),
            ("MAIN_CONTACT", voice.QUESTIONS["MAIN_CONTACT"], 90.0 - 3 * j, 91.0),
        ):
            for gtype, gval, resp, adj in (("ALL", "ALL", 420, 0.0),
                                           ("ETHNIC_GROUP", "Ethnic minority", 64, -0.4),
                                           ("AGE_GROUP", "16-24", 12, -0.6)):
                voice.add_result(con, {
                    "survey_year": fy - 1, "org_code": code, "question_code": q,
                    "question_text": text, "group_type": gtype, "group_value": gval,
                    "respondents": resp, "national_score": nat,
                    "score": round(score + (adj if q == "OVERALL_RATING" else adj * 10), 1),
                })
                n_survey += 1
    voice.add_feedback(con, f"{fy}-05-14", "Alliance patient panel", "Communication",
                       "We did not know who to call between appointments.",
                       "Every diagnosis letter now names a main contact.", patient_action)
    voice.add_feedback(con, f"{fy}-06-20", "Lower GI user group", "Access",
                       "Travelling to two hospitals for tests was exhausting.",
                       "Straight-to-test pathway books all tests at one site.")
    voice.add_feedback(con, f"{fy}-07-02", "Young people's group", "Information",
                       "Information was written for older patients.", None)

    inits = [
        ("I1", "Non-specific symptoms rapid diagnostic clinic", "RAPID_DIAGNOSTIC",
         partners[0], _go_live(con, "FDS", partners[0]), "FDS", "increase"),
        ("I2", "One-stop breast clinic", "ONE_STOP", partners[-1],
         _go_live(con, "62_DAY", partners[-1]), "FDS,62_DAY", "increase"),
        ("I3", "Straight-to-test colorectal pathway", "STRAIGHT_TO_TEST", None,
         _go_live(con, "62_DAY", ALLIANCE), "62_DAY", "increase"),
    ]
    for iid, name, kind, prov, golive, measures, imp in inits:
        con.execute("INSERT OR REPLACE INTO initiatives VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [iid, name, kind, prov, golive, measures, imp, "Alliance programme manager",
                     f"{name}: local pilot."])
    for iid, *_ in inits:  # so the register shows a verdict for each
        # no metrics yet: the register says "not evaluated"
        with contextlib.suppress(AllianceError):
            initiatives.evaluate_initiative(con, iid)
    return {"members": len(provs) + len(comms) + len(systems) + 4, "actions": n_actions,
            "deliverables": len(dels), "trajectory_months": n_traj, "bids": len(bid_specs),
            "survey_rows": n_survey, "initiatives": len(inits)}
