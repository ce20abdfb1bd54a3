"""Operations in real Chromium: enter a trajectory, submit and score a bid, generate a pack.

A live server (uvicorn in a thread) serves the seeded synthetic alliance of
``tests/_stores.py``. Screenshots go to ``$DASHBOARD_SCREENSHOTS`` if set, else to
pytest's temporary folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cancer_alliance import labels

pytestmark = pytest.mark.browser

HERE = Path(__file__).parent
PASSWORD = "ops-browser-password-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ops_server(ops_store_path, tmp_path_factory):
    import uvicorn

    from cancer_alliance.auth import users
    from cancer_alliance.store import connect
    from cancer_alliance.web.app import create_app
    from cancer_alliance.web.settings import WebSettings

    src = ops_store_path
    db = tmp_path_factory.mktemp("ops_browser") / "alliance.duckdb"
    shutil.copy(src, db)
    con = connect(db)
    users.add_user(con, "ob-analyst", "analyst", None, PASSWORD)
    app = create_app(WebSettings(secret="ops-browser-secret-0123456789", oidc=None,
                                 secure_cookies=False), con=con)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", con
    srv.should_exit = True
    thread.join(timeout=10)
    con.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    out = os.environ.get("DASHBOARD_SCREENSHOTS")
    path = Path(out) if out else tmp_path_factory.mktemp("ops_screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def page(browser, ops_server):
    server, _ = ops_server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.goto(f"{server}/login")
    p.fill("#username", "ob-analyst")
    p.fill("#password", PASSWORD)
    p.click("form.stack button[type=submit]")
    p.wait_for_url(f"{server}/")
    yield p
    context.close()


def test_enter_a_trajectory(page, ops_server, shots):
    server, con = ops_server
    page.goto(f"{server}/operations/trajectories")
    page.select_option("#org_code", "ALLIANCE")
    page.select_option("#measure_code", "31_DAY")
    page.fill("#months", "2024-01 96\n2024-02 96\n2024-03 96\n2024-04 97\n2024-05 97\n"
                         "2024-06 97")
    page.click("#trajectory-form button[type=submit]")
    page.wait_for_url("**/operations/trajectories/ALLIANCE/31_DAY")
    rows = page.locator("#trajectory-table tbody tr")
    assert rows.count() >= 6
    status = page.locator("#trajectory-status")
    code = status.get_attribute("data-status")
    assert code in ("ON_TRACK", "OFF_TRACK", "NO_YEAR_END_PLAN")
    assert status.inner_text() == labels.status(code)  # words for people, not the code
    page.screenshot(path=str(shots / "ops-trajectory.png"), full_page=True)
    got = con.execute("SELECT count(*) FROM trajectories WHERE org_code='ALLIANCE'"
                      " AND measure_code='31_DAY'").fetchone()[0]
    assert got == 6


def test_submit_and_score_a_bid(page, ops_server, shots):
    server, _ = ops_server
    page.goto(f"{server}/operations/bids")
    form = page.locator("#bid-form")
    form.locator("input[name=bid_id]").fill("BX")
    form.locator("input[name=title]").fill("Teledermatology triage")
    form.locator("input[name=partner_code]").fill("RA1")
    form.locator("select[name=priority_area]").select_option("EARLY_DIAGNOSIS")
    form.locator("input[name=cost]").fill("50000")
    form.locator("input[name=expected_benefit]").fill("100")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/operations/bids/BX")
    assert "incomplete" in page.locator("#weighted-score").inner_text() or \
        page.locator("#weighted-score").count() == 1
    for crit, score in (("STRATEGIC_FIT", "4"), ("PATIENT_BENEFIT", "5"),
                        ("DELIVERABILITY", "3"), ("VALUE_FOR_MONEY", "4"),
                        ("SUSTAINABILITY", "2")):
        page.fill(f"#score_{crit}", score)
    page.click("#score-form button[type=submit]")
    page.wait_for_url("**/operations/bids/BX")
    # 0.25*4 + 0.30*5 + 0.20*3 + 0.15*4 + 0.10*2 = 3.90
    assert "3.90" in page.locator("#weighted-score").inner_text()
    page.screenshot(path=str(shots / "ops-bid-scored.png"), full_page=True)
    page.goto(f"{server}/operations/bids?budget=700000")
    assert page.locator("#ranking >> text=BX").count() == 1
    page.screenshot(path=str(shots / "ops-bid-ranking.png"), full_page=True)


def test_generate_a_pack(page, ops_server, shots):
    server, con = ops_server
    prov = con.execute("SELECT min(provider_code) FROM pathways").fetchone()[0]
    page.goto(f"{server}/operations/packs")
    page.select_option("#kind", "PROVIDER")
    page.select_option("#provider_code", prov)
    page.fill("#period", "2024-04")
    page.select_option("#fmt", "pdf")
    page.click("#pack-form button[type=submit]")
    page.wait_for_url("**/jobs/*", timeout=60_000)  # the pack is made by a job
    # the job page refreshes itself until the job ends (a reload of our own could collide
    # with that refresh: net::ERR_ABORTED); the assertion waits across the refreshes
    expect(page.locator("#job-state")).to_have_text("done", timeout=120_000)
    page.screenshot(path=str(shots / "ops-pack-job.png"), full_page=True)
    page.goto(f"{server}/operations/packs")
    row = page.locator("#archive tbody tr").first
    assert prov in row.inner_text() and "2024-04" in row.inner_text()
    page.screenshot(path=str(shots / "ops-packs.png"), full_page=True)
    page.goto(f"{server}/operations/packs/view/{prov}/2024-04")
    assert prov in page.locator("h1").inner_text()
    page.screenshot(path=str(shots / "ops-pack-page.png"), full_page=True)
