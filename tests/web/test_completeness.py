"""The completeness grid page, finalising a month from the browser, and the issue's
regression: one trust's early upload of next month must not move the overview's headline
month or the backlog census."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from cancer_alliance import metrics
from cancer_alliance.auth import users
from cancer_alliance.dataset import periods
from cancer_alliance.store import connect
from cancer_alliance.web import data
from cancer_alliance.web.app import create_app
from cancer_alliance.web.settings import WebSettings

from . import synthetic
from .conftest import PASSWORD, SECRET, csrf_from, login


def soup(r):
    assert r.status_code == 200, r.text[:300]
    return BeautifulSoup(r.text, "html.parser")


def grid(client) -> dict[tuple[str, str], str]:
    s = soup(client.get("/completeness"))
    table = s.select_one("table.completeness-grid")
    # a provider's column is headed by its name and code; the code itself is data-org
    heads = [th.get("data-org") or th.get_text(strip=True) for th in table.select("thead th")]
    out = {}
    for tr in table.select("tbody tr"):
        month = tr.th.get_text(strip=True)
        for head, td in zip(heads[2:], tr.select("td")[1:], strict=False):
            state = td.select_one(".state")
            if state is not None:
                out[(head, month)] = state.get_text(strip=True)
    return out


def test_grid_shows_every_provider_and_month_scoped_like_submissions(clients):
    analyst = grid(clients["analyst"])
    assert set(analyst) == {(p, m) for p in synthetic.PROVIDERS for m in synthetic.MONTHS}
    assert set(analyst.values()) == {"Final"}  # 2024 months, judged today
    heading = soup(clients["analyst"].get("/completeness")).select_one('th[data-org="RAA"]')
    assert heading.get_text(strip=True) == "Alpha Hospitals NHS Trust (RAA)"  # names not codes
    assert set(grid(clients["provider"])) == {("RAA", m) for m in synthetic.MONTHS}
    for role in ("board", "commissioner"):
        assert clients[role].get("/completeness").status_code == 403
    assert clients["public"].get("/completeness", follow_redirects=False).status_code in (
        302, 303, 401)
    page = soup(clients["analyst"].get("/completeness"))
    assert "Latest complete month: 2024-06" in page.get_text(" ", strip=True)
    assert "/completeness" in [a["href"] for a in page.select(".site-nav a")]


def _early_upload_store(path) -> None:
    """The web tests' alliance, then RAA uploads July 2024 before the others (as in the
    issue): July's pathways all ruled out within a week, so RAA's July FDS is 100%."""
    con = connect(path)
    synthetic.load(con)
    users.add_user(con, "e-analyst", "analyst", None, PASSWORD)
    (sid,), = con.execute("SELECT nextval('submission_id_seq')").fetchall()
    con.execute("INSERT INTO submissions VALUES (?, 'RAA', '2024-07', 'fixture', ?, 'loaded',"
                " NULL, 1, 30, 30, 0, NULL)", [sid, datetime(2024, 7, 25)])
    rows = []
    for n in range(30):
        ref = date(2024, 7, 1) + timedelta(days=n % 20)
        rows.append(dict(provider_code="RAA", pathway_id=f"RAA-JUL-{n:03d}",
                         nhs_number=synthetic.nhs_number(random.Random(n)),
                         date_of_birth=date(1960, 1, 1), sex="1", ethnic_category="A",
                         commissioner_code="QAA", referral_route="USC",
                         suspected_cancer_type="LUNG", referral_received_date=ref,
                         first_seen_date=ref + timedelta(days=2), first_seen_provider_code="RAA",
                         diagnosis_communicated_date=ref + timedelta(days=6),
                         fds_outcome="RULED_OUT", pathway_closed_reason="RULED_OUT",
                         pathway_closed_date=ref + timedelta(days=6), submission_id=sid))
    df = pd.DataFrame(rows)
    cols = [r[0] for r in con.execute("DESCRIBE pathways").fetchall()]
    for c in cols:
        if c not in df.columns:
            df[c] = None
    con.register("july_rows", df[cols])
    con.execute("INSERT INTO pathways SELECT * FROM july_rows")
    con.unregister("july_rows")
    metrics.refresh(con)
    con.close()


@pytest.fixture(scope="module")
def early(tmp_path_factory):
    path = tmp_path_factory.mktemp("early") / "alliance.duckdb"
    _early_upload_store(path)
    con = connect(path)
    data.clear_cache()
    app = create_app(WebSettings(db=None, secret=SECRET, secure_cookies=True, oidc=None,
                                 census=None), con=con)
    client = TestClient(app, base_url="https://testserver")
    assert login(client, "e-analyst").status_code == 303
    yield con, client
    data.clear_cache()
    con.close()


def test_an_early_upload_does_not_move_the_headline_month(early):
    con, client = early
    # the engine does see July: that is what the overview used to call the latest month
    july = metrics.compute_metrics(con, "FDS", by="month")
    assert july["period"].max() == "2024-07"
    s = soup(client.get("/"))
    text = s.get_text(" ", strip=True)
    assert "Latest complete month: 2024-06" in text
    for row in s.select("table.headline tbody tr"):
        assert row.select("td")[0].get_text(strip=True) == "2024-06", row.th.get_text()
    provisional = s.select_one("#h-provisional").find_parent("section")
    cells = [td.get_text(strip=True) for td in provisional.select("tbody td")]
    assert cells[0] == "2024-07" and "RBB, RCC" in cells
    # the backlog census is the end of the latest complete month, not July
    assert "census 2024-06-30" in text
    # the standard page's default month, and its note naming the provisional month
    fds = soup(client.get("/standards/FDS")).get_text(" ", strip=True)
    assert "Breakdowns, 2024-06" in fds and "2024-07 (1 of 3 providers in; missing RBB, RCC)" in fds


def test_finalise_from_the_browser_is_allowed_checked_and_audited(tmp_path):
    path = tmp_path / "a.duckdb"
    con = connect(path)
    last_month = periods.shift(periods.from_date(date.today()), -1)
    now = datetime.now(UTC).replace(tzinfo=None)
    for sid, provider in enumerate(("RAA", "RBB"), start=1):
        con.execute("INSERT INTO submissions VALUES (?, ?, ?, 'fixture', ?, 'loaded', NULL, 1,"
                    " 5, 5, 0, NULL)", [sid, provider, last_month, now])
    users.add_user(con, "f-analyst", "analyst", None, PASSWORD)
    users.add_user(con, "f-provider", "provider", "RAA", PASSWORD)
    data.clear_cache()
    app = create_app(WebSettings(db=None, secret=SECRET, secure_cookies=True, oidc=None,
                                 census=None), con=con)
    analyst, provider = (TestClient(app, base_url="https://testserver") for _ in range(2))
    assert login(analyst, "f-analyst").status_code == 303
    assert login(provider, "f-provider").status_code == 303
    page = analyst.get("/completeness")
    assert soup(page).select_one("form[action='/completeness/finalise']") is not None
    token = csrf_from(page.text)
    refused = provider.post("/completeness/finalise", data={"period": last_month,
                                                           "csrf_token": csrf_from(
                                                               provider.get("/completeness").text)})
    assert refused.status_code == 403
    done = analyst.post("/completeness/finalise", data={"period": last_month,
                                                        "csrf_token": token},
                        follow_redirects=False)
    assert done.status_code == 303
    assert set(grid(analyst).values()) == {"Final"}
    again = analyst.post("/completeness/finalise", data={"period": last_month,
                                                         "csrf_token": token})
    assert again.status_code == 409 and "already final" in again.text
    audit = con.execute("SELECT username, action, detail FROM audit_log"
                        " WHERE action = 'finalise_month'").fetchall()
    assert audit == [("f-analyst", "finalise_month", f"finalised {last_month}")]
    data.clear_cache()
    con.close()
