"""Operations pages through the real app: roles, forms, audit rows, provider scope."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient

from cancer_alliance import labels
from operations._web import _client, _csrf

PAGES = ["/operations", "/operations/governance", "/operations/plan",
         "/operations/trajectories", "/operations/trajectories/ALLIANCE/62_DAY",
         "/operations/bids", "/operations/bids/B1", "/operations/funding-rules",
         "/operations/voice", "/operations/initiatives", "/operations/initiatives/I1",
         "/operations/packs"]


def test_every_page_renders_for_the_analyst(app_con):
    app, _, _ = app_con
    c = _client(app, "analyst")
    for url in PAGES:
        r = c.get(url)
        assert r.status_code == 200, (url, r.text[:500])
    assert "Rapid diagnostic centre" in c.get("/operations/bids").text


def test_anonymous_is_sent_to_login(app_con):
    app, _, _ = app_con
    r = TestClient(app).get("/operations/plan", follow_redirects=False)
    assert r.status_code in (302, 303, 401)


def test_board_can_view_but_not_edit(app_con):
    app, con, _ = app_con
    c = _client(app, "board")
    page = c.get("/operations/trajectories")
    assert page.status_code == 200 and "Enter a trajectory" not in page.text
    r = c.post("/operations/trajectories", data={
        "org_code": "ALLIANCE", "measure_code": "FDS", "months": "2024-04 90",
        "csrf_token": _csrf(page.text)}, follow_redirects=False)
    assert r.status_code == 403
    assert con.execute("SELECT planned FROM trajectories WHERE org_code='ALLIANCE' AND"
                       " measure_code='FDS' AND month='2024-04'").fetchone()[0] != 90


def test_entering_a_trajectory_saves_and_audits(app_con):
    app, con, _ = app_con
    c = _client(app, "analyst")
    page = c.get("/operations/trajectories")
    r = c.post("/operations/trajectories", data={
        "org_code": "ALLIANCE", "measure_code": "31_DAY",
        "months": "2024-04 94\n2024-05 95.5", "csrf_token": _csrf(page.text)})
    assert r.status_code == 200
    assert f"{html.escape(labels.standard('31_DAY'))} trajectory" in r.text
    assert con.execute("SELECT planned FROM trajectories WHERE measure_code='31_DAY' AND"
                       " month='2024-05'").fetchone()[0] == 95.5
    assert con.execute("SELECT count(*) FROM audit_log WHERE username='o-analyst' AND"
                       " resource='trajectory' AND detail LIKE '%31_DAY months=2%'"
                       ).fetchone()[0] == 1


def test_scoring_a_bid_changes_its_weighted_score(app_con):
    app, con, _ = app_con
    c = _client(app, "analyst")
    page = c.get("/operations/bids/B3")
    form = {f"score_{k}": "5" for k in ("STRATEGIC_FIT", "PATIENT_BENEFIT", "DELIVERABILITY",
                                        "VALUE_FOR_MONEY", "SUSTAINABILITY")}
    r = c.post("/operations/bids/B3/scores", data={**form, "csrf_token": _csrf(page.text)})
    assert r.status_code == 200
    n = con.execute("SELECT count(DISTINCT assessor) FROM bid_scores WHERE bid_id='B3'"
                    ).fetchone()[0]
    assert n == 3  # two demo assessors and the analyst
    assert con.execute("SELECT count(*) FROM audit_log WHERE resource='bid' AND"
                       " detail LIKE 'scored bid B3%'").fetchone()[0] == 1


def test_provider_user_sees_only_its_own_packs(app_con):
    app, con, prov = app_con
    from cancer_alliance.reports import archive

    other = con.execute("SELECT max(provider_code) FROM pathways").fetchone()[0]
    mine = archive.store(con, "PROVIDER", "2024-04", "html", b"<p>mine</p>", prov)
    theirs = archive.store(con, "PROVIDER", "2024-04", "html", b"<p>theirs</p>", other)
    board = archive.store(con, "BOARD", "2024-04", "html", b"<p>board</p>")
    c = _client(app, "provider")
    got = c.get(f"/operations/packs/{mine['report_id']}")
    assert got.status_code == 200 and got.content == b"<p>mine</p>"
    assert got.headers["x-content-sha256"] == mine["sha256"]
    assert c.get(f"/operations/packs/{theirs['report_id']}").status_code == 403
    assert c.get(f"/operations/packs/{board['report_id']}").status_code == 403
    assert c.get(f"/operations/packs/view/{other}/2024-04").status_code == 403
    listing = c.get("/operations/packs").text
    assert f"report-{mine['report_id']}" in listing
    assert f"report-{theirs['report_id']}" not in listing
