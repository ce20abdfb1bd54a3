"""``/looking-ahead/capacity``: demand against capacity by trust, scoped, charted, protected.

The shared web store has pathways for RAA and RBB over 2024-01..06 and no capacity returns;
this test copies it and loads capacity submissions for both trusts (through the real
ingest), so the page has something to show. RBB's CT runs full; RAA's has headroom.
"""

from __future__ import annotations

import shutil

import pytest
from _stores import web_store
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from cancer_alliance.ingest.capacity import ingest_capacity
from cancer_alliance.store import connect
from cancer_alliance.web.app import create_app
from cancer_alliance.web.settings import WebSettings

from . import synthetic
from .conftest import SECRET, _build, login


def _csv(rows: list[str], header: str) -> bytes:
    return (header + "\n" + "\n".join(rows) + "\n").encode()


@pytest.fixture(scope="module")
def clients(tmp_path_factory):
    path = tmp_path_factory.mktemp("capacity-web") / "alliance.duckdb"
    shutil.copyfile(web_store(tmp_path_factory, _build), path)
    con = connect(path)
    for provider, ct in (("RAA", (400, 320)), ("RBB", (150, 150))):
        for month in synthetic.MONTHS:
            ingest_capacity(con, provider=provider, period=month, archive_dir=path.parent / "a",
                            files={
                "capacity.csv": _csv([f"{provider},{month},CT,{ct[0]},{ct[1]},40",
                                      f"{provider},{month},MRI,200,150,20"],
                                     "provider_code,period,resource,capacity,activity,"
                                     "cancer_activity"),
                "workforce.csv": _csv([f"{provider},{month},RADIOLOGIST,4.5,1.5,0.5"],
                                      "provider_code,period,staff_group,in_post_wte,"
                                      "vacancy_wte,agency_wte")})
    settings = WebSettings(db=None, secret=SECRET, secure_cookies=True, oidc=None,
                           census=synthetic.CENSUS)
    app = create_app(settings, con=con)
    out = {"public": TestClient(app, base_url="https://testserver")}
    for role, username in (("analyst", "t-analyst"), ("provider", "t-provider"),
                           ("board", "t-board")):
        c = TestClient(app, base_url="https://testserver")
        assert login(c, username).status_code == 303
        out[role] = c
    yield out
    con.close()


def _page(client, query: str = ""):
    r = client.get("/looking-ahead/capacity" + query)
    assert r.status_code == 200, r.text[:300]
    return BeautifulSoup(r.text, "html.parser")


def test_every_trust_with_returns_has_a_chart_and_tables(clients):
    s = _page(clients["analyst"])
    assert [h.get_text(strip=True) for h in s.select("section h2")] == ["RAA", "RBB"]
    assert len(s.select("figure.forecast svg")) == 2
    rows = {tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
            for tr in s.select("section")[1].select("table.capacity-summary tbody tr")}
    ct = rows["Computed tomography (tests)"]
    assert ct[:4] == ["2024-06", "150", "150", "100%"]  # month, capacity, activity, utilisation
    assert rows["Magnetic resonance imaging (tests)"][3] == "75%"
    workforce = s.select("section")[1].select("table.workforce tbody tr")
    assert [td.get_text(strip=True) for td in workforce[0].select("td")][:3] == [
        "4.5", "1.5", "0.5"]


def test_a_trust_sees_its_own_only(clients):
    s = _page(clients["provider"], "?resource=MRI")
    assert [h.get_text(strip=True) for h in s.select("section h2")] == ["RAA"]
    assert "RBB" not in s.text
    assert s.select_one("option[selected]")["value"] == "MRI"


def test_unknown_resource_is_refused_without_echo_and_public_cannot_open_it(clients):
    r = clients["analyst"].get("/looking-ahead/capacity?resource=<b>PET</b>")
    assert r.status_code == 400 and "<b>PET</b>" not in r.text
    r = clients["public"].get("/looking-ahead/capacity", follow_redirects=False)
    assert r.status_code in (302, 303, 401, 403)
