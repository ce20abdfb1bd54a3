"""The browser forms that set up operations data: each saves, audits, and is refused to
users who may only view (the board), with the same checks as the file loaders."""

from __future__ import annotations

import pytest

from operations._web import _client, _csrf


def _audits(con, resource: str, like: str) -> int:
    return con.execute("SELECT count(*) FROM audit_log WHERE username = 'o-analyst' AND"
                       " resource = ? AND detail LIKE ?", [resource, like]).fetchone()[0]


def _post(c, page_url: str, url: str, data: dict, **kw):
    token = _csrf(c.get(page_url).text)
    return c.post(url, data={**data, "csrf_token": token}, follow_redirects=False, **kw)


def test_governance_forms_add_member_board_meeting_decision(app_con):
    app, con, _ = app_con
    c = _client(app, "analyst")
    g = "/operations/governance"
    assert _post(c, g, "/operations/members", {
        "org_code": "LA99", "org_name": "Westshire Council", "member_type": "LOCAL_AUTHORITY",
        "system_code": "QAA"}).status_code == 303
    assert _post(c, g, "/operations/board", {
        "name": "Ms Kay Reed", "role": "PATIENT_REPRESENTATIVE"}).status_code == 303
    assert _post(c, g, "/operations/meetings", {
        "meeting_date": "2024-09-10", "kind": "BOARD", "title": "September board"}
    ).status_code == 303
    mid = con.execute("SELECT meeting_id FROM meetings WHERE title = 'September board'"
                      ).fetchone()[0]
    assert _post(c, g, "/operations/decisions", {
        "meeting_id": str(mid), "decision": "Adopt the lung trajectory"}).status_code == 303
    page = c.get(g).text
    for text in ("Westshire Council", "Ms Kay Reed", "September board",
                 "Adopt the lung trajectory"):
        assert text in page
    assert _audits(con, "member", "member LA99%") == 1
    assert _audits(con, "decision", f"%meeting {mid}") == 1
    # a decision for a meeting that does not exist is refused, not stored loose
    r = _post(c, g, "/operations/decisions", {"meeting_id": "999999", "decision": "x"})
    assert r.status_code == 404
    # an unknown member type is refused with the allowed list
    r = _post(c, g, "/operations/members", {"org_code": "X", "org_name": "X",
                                             "member_type": "PUB"})
    assert r.status_code == 400 and "LOCAL_AUTHORITY" in r.text


def test_deliverable_form_needs_a_reason_for_amber(app_con):
    app, con, _ = app_con
    c = _client(app, "analyst")
    base = {"deliverable_id": "D9", "title": "Prehabilitation offer", "year": "2024",
            "owner": "Ms Obi", "priority": "LIVING_WITH_AND_BEYOND", "rag": "AMBER",
            "measures": "HNA_COVERAGE", "depends_on": "D4"}
    r = _post(c, "/operations/plan", "/operations/plan", base)
    assert r.status_code == 400 and "needs a reason" in r.text
    assert _post(c, "/operations/plan", "/operations/plan",
                 {**base, "rag_reason": "Workforce"}).status_code == 303
    got = con.execute("SELECT rag, rag_reason, measures FROM deliverables WHERE"
                      " deliverable_id = 'D9'").fetchone()
    assert got == ("AMBER", "Workforce", "HNA_COVERAGE")
    assert _post(c, "/operations/plan", "/operations/plan/vision",
                 {"title": "Plan 2024/25", "vision": "Earlier and fairer"}).status_code == 303
    assert "Earlier and fairer" in c.get("/operations/plan").text
    assert _audits(con, "deliverable", "saved deliverable D9") == 1


def test_value_framework_weights_change_the_ranking(app_con):
    """Two bids scored so that the weights decide the order (hand-worked)."""
    app, con, _ = app_con
    from cancer_alliance.operations import bids

    con.execute("DELETE FROM bid_scores")
    for bid_id, fit, benefit in (("B1", 5, 1), ("B2", 1, 5)):
        for assessor in ("x", "y"):
            bids.score_bid(con, bid_id, assessor, {
                "STRATEGIC_FIT": fit, "PATIENT_BENEFIT": benefit, "DELIVERABILITY": 3,
                "VALUE_FOR_MONEY": 3, "SUSTAINABILITY": 3})
    c = _client(app, "analyst")
    weights = {"weight_STRATEGIC_FIT": "0.6", "weight_PATIENT_BENEFIT": "0.1",
               "weight_DELIVERABILITY": "0.1", "weight_VALUE_FOR_MONEY": "0.1",
               "weight_SUSTAINABILITY": "0.1"}
    assert _post(c, "/operations/bids", "/operations/value-framework", weights
                 ).status_code == 303
    # B1: 0.6*5 + 0.1*1 + 0.3*3 = 4.0; B2: 0.6*1 + 0.1*5 + 0.9 = 2.0
    got = {a.bid_id: a.weighted_score for a in bids.assessments(con)}
    assert got["B1"] == pytest.approx(4.0) and got["B2"] == pytest.approx(2.0)
    bad = {**weights, "weight_SUSTAINABILITY": "0.5"}
    r = _post(c, "/operations/bids", "/operations/value-framework", bad)
    assert r.status_code == 400 and "sum to 1" in r.text
    assert bids.criteria(con)["STRATEGIC_FIT"][1] == pytest.approx(0.6)  # unchanged
    assert _audits(con, "value_framework", "%STRATEGIC_FIT=0.6%") == 1


def test_recording_a_decision_sets_statuses_and_is_listed(app_con):
    app, con, _ = app_con
    c = _client(app, "analyst")
    con.execute("UPDATE bids SET status = 'SUBMITTED'")
    r = _post(c, "/operations/bids", "/operations/bids/decision", {"budget": "130000"})
    assert r.status_code == 303
    funded = {b for (b,) in con.execute("SELECT bid_id FROM bids WHERE status = 'FUNDED'"
                                        ).fetchall()}
    # only B2 (cost 120,000) fits in 130,000
    assert funded == {"B2"}
    assert con.execute("SELECT count(*) FROM funding_decisions WHERE budget = 130000"
                       ).fetchone()[0] == 1
    assert _audits(con, "funding_decision", "budget 130000: funded B2") == 1


def test_spend_and_milestones_are_tracked_after_funding(app_con):
    app, con, _ = app_con
    c = _client(app, "analyst")
    page = "/operations/bids/B3"
    assert _post(c, page, "/operations/bids/B3/spend",
                 {"month": "2024-03", "amount": "12500"}).status_code == 303
    assert _post(c, page, "/operations/bids/B3/milestones",
                 {"milestone": "Platform live", "due_date": "2024-11-30", "status": "LATE"}
                 ).status_code == 303
    text = c.get(page).text
    assert "£12,500" in text and "Platform live" in text and "LATE" in text
    r = _post(c, page, "/operations/bids/B3/spend", {"month": "2024-13", "amount": "1"})
    assert r.status_code == 400 and "YYYY-MM" in r.text
    assert _post(c, page, "/operations/bids/NOPE/spend",
                 {"month": "2024-03", "amount": "1"}).status_code == 404


def test_bid_form_takes_costs_by_year_and_a_named_measure(app_con):
    app, con, _ = app_con
    c = _client(app, "analyst")
    r = _post(c, "/operations/bids", "/operations/bids", {
        "bid_id": "B7", "title": "FIT in primary care", "partner_code": "QAA",
        "priority_area": "EARLY_DIAGNOSIS", "cost_year": "2024", "cost": "40000",
        "more_costs": "2025 30000\n2026 10000", "expected_benefit": "50",
        "benefit_measure": "FDS", "benefit_baseline": "75", "benefit_expected": "80",
        "deliverability": "GP federation signed up"})
    assert r.status_code == 303
    costs = con.execute("SELECT year, amount FROM bid_costs WHERE bid_id = 'B7' ORDER BY 1"
                        ).fetchall()
    assert costs == [(2024, 40000.0), (2025, 30000.0), (2026, 10000.0)]
    assert con.execute("SELECT measure_code, baseline, expected FROM bid_benefits WHERE"
                       " bid_id = 'B7'").fetchall() == [("FDS", 75.0, 80.0)]
    assert "£80,000" in c.get("/operations/bids/B7").text


def test_initiative_register_and_feedback_linked_to_an_action(app_con):
    app, con, _ = app_con
    c = _client(app, "analyst")
    r = _post(c, "/operations/initiatives", "/operations/initiatives", {
        "initiative_id": "I9", "name": "Prostate MRI one-stop", "kind": "ONE_STOP",
        "go_live": "2024-03", "target_measures": "FDS, 62_DAY", "improvement": "increase"})
    assert r.status_code == 303 and r.headers["location"] == "/operations/initiatives/I9"
    assert con.execute("SELECT target_measures FROM initiatives WHERE initiative_id = 'I9'"
                       ).fetchone()[0] == "FDS,62_DAY"
    assert c.get("/operations/initiatives/I9").status_code == 200
    aid = con.execute("SELECT min(action_id) FROM actions").fetchone()[0]
    assert _post(c, "/operations/voice", "/operations/voice/feedback", {
        "received_date": "2024-05-01", "source": "Panel", "theme": "Access",
        "you_said": "Parking was impossible", "we_did": "Free parking",
        "action_id": str(aid)}).status_code == 303
    assert con.execute("SELECT action_id FROM panel_feedback WHERE you_said ="
                       " 'Parking was impossible'").fetchone()[0] == aid


def test_a_file_upload_loads_like_the_cli_and_keeps_nothing_on_error(app_con):
    app, con, _ = app_con
    c = _client(app, "analyst")
    good = b"org_code,measure_code,month,planned\nALLIANCE,31_DAY,2024-07,93\n"
    token = _csrf(c.get("/operations/load").text)
    r = c.post("/operations/load", data={"family": "trajectories", "csrf_token": token},
               files={"file": ("trajectories.csv", good, "text/csv")}, follow_redirects=False)
    assert r.status_code == 303
    assert con.execute("SELECT planned FROM trajectories WHERE measure_code = '31_DAY' AND"
                       " month = '2024-07'").fetchone()[0] == 93
    assert _audits(con, "load_trajectories", "trajectories.csv: trajectories=1") == 1
    bad = b"org_code,measure_code,month,planned\nALLIANCE,31_DAY,2024-08,90\nX,Y,2024-09,no\n"
    r = c.post("/operations/load", data={"family": "trajectories", "csrf_token": token},
               files={"file": ("trajectories.csv", bad, "text/csv")})
    assert r.status_code == 400 and "row 3" in r.text and "not a number" in r.text
    assert con.execute("SELECT count(*) FROM trajectories WHERE measure_code = '31_DAY'"
                       " AND month = '2024-08'").fetchone()[0] == 0


EDIT_POSTS = {
    "/operations/members": {"org_code": "Z", "org_name": "Z", "member_type": "CHARITY"},
    "/operations/board": {"name": "Z", "role": "CHARITY"},
    "/operations/meetings": {"meeting_date": "2024-01-01", "kind": "OTHER", "title": "Z"},
    "/operations/plan/vision": {"title": "Z", "vision": "Z"},
    "/operations/value-framework": {"weight_STRATEGIC_FIT": "1"},
    "/operations/bids/decision": {"budget": "1"},
    "/operations/bids/B1/spend": {"month": "2024-01", "amount": "1"},
    "/operations/funding-rules": {"rule_id": "Z", "name": "Z", "rule": "{}"},
    "/operations/initiatives": {"initiative_id": "Z", "name": "Z", "kind": "Z",
                                "go_live": "2024-01", "target_measures": "FDS"},
}


@pytest.mark.parametrize("role", ["board", "provider"])
def test_viewers_cannot_use_the_editing_forms(app_con, role):
    app, con, _ = app_con
    c = _client(app, role)
    before = con.execute("SELECT count(*) FROM audit_log WHERE action = 'edit_operations'"
                         ).fetchone()[0]
    for url, data in EDIT_POSTS.items():
        r = _post(c, "/operations", url, data)
        assert r.status_code == 403, url
    assert c.get("/operations/load").status_code == 403
    assert "Load from a file" not in c.get("/operations/governance").text
    after = con.execute("SELECT count(*) FROM audit_log WHERE action = 'edit_operations'"
                        ).fetchone()[0]
    assert after == before
    assert con.execute("SELECT count(*) FROM initiatives WHERE initiative_id = 'Z'"
                       ).fetchone()[0] == 0


def test_pack_view_form_goes_to_the_pack_page_within_scope(app_con):
    app, con, prov = app_con
    other = con.execute("SELECT max(provider_code) FROM pathways").fetchone()[0]
    c = _client(app, "analyst")
    listing = c.get("/operations/packs").text
    assert f"/operations/packs/view/{prov}/" in listing
    r = c.get(f"/operations/packs/view?provider_code={prov}&period=2024-04",
              follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith(f"/{prov}/2024-04")
    assert c.get(f"/operations/packs/view?provider_code={prov}&period=2024-4"
                 ).status_code == 400
    p = _client(app, "provider")
    assert p.get(f"/operations/packs/view?provider_code={other}&period=2024-04",
                 follow_redirects=False).status_code == 403


def test_viewing_an_initiative_stores_nothing_recording_is_audited(app_con):
    app, con, _ = app_con
    c = _client(app, "analyst")
    con.execute("DELETE FROM initiative_evaluations")
    assert c.get("/operations/initiatives/I1").status_code == 200
    assert con.execute("SELECT count(*) FROM initiative_evaluations").fetchone()[0] == 0
    r = _post(c, "/operations/initiatives/I1", "/operations/initiatives/I1/evaluation", {})
    assert r.status_code == 303
    stored = con.execute("SELECT count(*) FROM initiative_evaluations WHERE"
                         " initiative_id = 'I1'").fetchone()[0]
    assert stored >= 1
    assert _audits(con, "initiative", "evaluated initiative I1%") == 1


def test_a_funding_rule_entered_in_the_browser_is_checked_and_simulated(app_con):
    app, con, _ = app_con
    c = _client(app, "analyst")
    page = "/operations/funding-rules"
    rule = ('{"standard": "FDS", "pot_per_quarter": 40000, "split": "equal",'
            ' "pay_if": {"meets_threshold": true}, "unconditional_split": "equal"}')
    assert _post(c, page, page, {"rule_id": "RF", "name": "FDS link", "rule": rule}
                 ).status_code == 303
    text = c.get(page).text
    assert "FDS link (RF)" in text and "£40,000" in text
    r = _post(c, page, page, {"rule_id": "RX", "name": "x", "rule": "{not json"})
    assert r.status_code == 400 and "not valid JSON" in r.text
    r = _post(c, page, page, {"rule_id": "RX", "name": "x", "rule": '{"standard": "FDS"}'})
    assert r.status_code == 400 and "missing" in r.text
    assert con.execute("SELECT count(*) FROM funding_rules WHERE rule_id = 'RX'"
                       ).fetchone()[0] == 0
    assert _audits(con, "funding_rule", "saved funding rule RF") == 1
