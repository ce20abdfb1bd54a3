"""The 62-day backlog and the 104-day waits as counts against the trajectory, with SPC for
counts and no percentage, interval or funnel; the 104-day list for harm review, scoped and
audited like the tracking list (issue 13)."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from cancer_alliance import metrics
from cancer_alliance.auth import users
from cancer_alliance.store import connect
from cancer_alliance.web import data
from cancer_alliance.web.app import create_app
from cancer_alliance.web.settings import WebSettings

from . import synthetic
from .conftest import PASSWORD, SECRET, login

ROLES = {"analyst": None, "provider": "RAA", "commissioner": "QAA", "board": None}


def _long_waits(con) -> None:
    """Twelve pathways referred in January and February and still open on 30 June."""
    rng = random.Random(104)
    rows = []
    for n in range(12):
        provider = ("RAA", "RBB")[n % 2]
        (sid,), = con.execute("SELECT max(submission_id) FROM submissions WHERE "
                              "provider_code = ?", [provider]).fetchall()
        ref = date(2024, 1, 5) + timedelta(days=4 * n)
        rows.append(dict(provider_code=provider, pathway_id=f"{provider}-LONG-{n:02d}",
                         nhs_number=synthetic.nhs_number(rng), date_of_birth=date(1950, 1, 1),
                         sex="1", ethnic_category="A", commissioner_code=("QAA", "QBB")[n % 3 == 0],
                         referral_route="USC", suspected_cancer_type="LUNG",
                         referral_received_date=ref, first_seen_date=ref + timedelta(days=10),
                         first_seen_provider_code=provider, submission_id=sid))
    df = pd.DataFrame(rows)
    cols = [r[0] for r in con.execute("DESCRIBE pathways").fetchall()]
    for c in cols:
        if c not in df.columns:
            df[c] = None
    con.register("long_rows", df[cols])
    con.execute("INSERT INTO pathways SELECT * FROM long_rows")
    con.unregister("long_rows")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    path = tmp_path_factory.mktemp("backlog") / "alliance.duckdb"
    con = connect(path)
    synthetic.load(con)
    _long_waits(con)
    metrics.refresh(con)
    for role, org in ROLES.items():
        users.add_user(con, f"b-{role}", role, org, PASSWORD)
    data.clear_cache()
    app = create_app(WebSettings(db=None, secret=SECRET, secure_cookies=True, oidc=None,
                                 census=synthetic.CENSUS), con=con)
    clients = {}
    for role in ROLES:
        c = TestClient(app, base_url="https://testserver")
        assert login(c, f"b-{role}").status_code == 303
        clients[role] = c
    yield con, clients
    data.clear_cache()
    con.close()


def test_backlog_counts_agree_with_the_tracking_list_and_the_standard(site):
    con, _ = site
    counts = metrics.backlog_counts(con, by="month")
    assert counts["period"].tolist() == synthetic.MONTHS  # from the data start, no ramp
    june = counts.iloc[-1]
    ptl = metrics.ptl(con, date(2024, 6, 30))
    assert june["open"] == len(ptl)
    assert june["backlog_62"] == int(ptl["in_62_day_backlog"].astype(bool).sum())
    assert june["over_104"] == int(ptl["in_104_day_subset"].astype(bool).sum()) == 12
    std = metrics.compute_metrics(con, "62_DAY_BACKLOG", by="month")
    assert std["breaches"].tolist() == counts["backlog_62"].tolist()
    by_provider = metrics.backlog_counts(con, by="provider,month", period="2024-06")
    assert by_provider["over_104"].sum() == 12


def test_the_backlog_page_is_counts_with_spc_for_counts_and_no_percentages(site):
    con, clients = site
    s = BeautifulSoup(clients["analyst"].get("/standards/62_DAY_BACKLOG").text, "html.parser")
    text = s.get_text(" ", strip=True)
    assert len(s.select("svg.chart-spc")) == 2  # the backlog and the 104-day waits
    assert s.select_one("svg.chart-funnel") is None
    headings = {th.get_text(strip=True) for th in s.select("table.data thead th")}
    assert "Performance" not in headings and not any("CI" in h for h in headings)
    assert {"Waiting over 62 days", "Waiting over 104 days", "Open pathways"} <= headings
    june = metrics.backlog_counts(con, by="month").iloc[-1]
    assert f"2024-06 (final figures): {int(june['backlog_62'])} patients waiting over 62 days" \
        in text
    assert f"{int(june['over_104'])} over 104 days" in text
    assert "/harm-review" in [a["href"] for a in s.select("main a")]
    board = BeautifulSoup(clients["board"].get("/standards/62_DAY_BACKLOG").text,
                          "html.parser")
    assert "/harm-review" not in [a["href"] for a in board.select("main a")]


def _listed(client) -> list[dict]:
    r = client.get("/harm-review.csv")
    assert r.status_code == 200
    return list(csv.DictReader(io.StringIO(r.text)))


def test_the_104_day_list_is_scoped_and_audited_like_the_ptl(site):
    con, clients = site
    everyone = _listed(clients["analyst"])
    assert len(everyone) == 12 and all(int(r["days_waited"]) > 104 for r in everyone)
    assert {r["provider_code"] for r in _listed(clients["provider"])} == {"RAA"}
    assert len(_listed(clients["provider"])) == 6
    ptl = metrics.ptl(con, date(2024, 6, 30))
    if "commissioner_code" not in ptl.columns:
        ptl = ptl.merge(con.execute("SELECT provider_code, pathway_id, commissioner_code"
                                    " FROM pathways").df(), on=["provider_code", "pathway_id"])
    qaa = ptl[ptl["in_104_day_subset"].astype(bool) & (ptl["commissioner_code"] == "QAA")]
    assert len(_listed(clients["commissioner"])) == len(qaa) > 0
    assert clients["board"].get("/harm-review").status_code == 403
    assert clients["provider"].get("/harm-review?provider=RBB").status_code == 403
    page = BeautifulSoup(clients["analyst"].get("/harm-review").text, "html.parser")
    assert len(page.select("table.data tbody tr")) == 12
    audited = con.execute("SELECT count(*) FROM audit_log WHERE username = 'b-provider' AND"
                          " resource LIKE '%harm-review%'").fetchall()[0][0]
    assert audited >= 2
