"""England and a configured peer set beside local figures, with the edition of each
published figure (issue 16, item 1): on the overview and the standard pages, from the
loaded published data; the peer set is set with ``published peers --set`` (migration m0025).
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cancer_alliance.cli import app as cli_app
from cancer_alliance.errors import UsageError
from cancer_alliance.published import load_published
from cancer_alliance.published import peers as pp
from cancer_alliance.store import connect
from cancer_alliance.web.app import create_app
from cancer_alliance.web.settings import WebSettings

from . import synthetic
from .conftest import SECRET, copy_of_store, login

HEADER = ("Period,Basis,Org_Code,Parent_Org,Org_Name,Standard_or_Item,Cancer_Type,"
          "Referral_Route_or_Stage,Treatment_Modality,Total,Within,After,Performance")
# 62-day, every subtotal. May: England 700/1000 = 70.0%; peers RX1 50/100 + RX2 70/100
# pooled = 120/200 = 60.0%. June: England 800/1000 = 80.0%; only RX1 published, 40/50 = 80.0%.
ROWS = [
    ("2024-05-01", "Total", 1000, 700), ("2024-05-01", "RX1", 100, 50),
    ("2024-05-01", "RX2", 100, 70), ("2024-06-01", "Total", 1000, 800),
    ("2024-06-01", "RX1", 50, 40),
]


def _csv() -> str:
    lines = [HEADER] + [
        f"{d},Provider,{org},Q99,Org {org},62D,ALL CANCERS,ALL ROUTES,ALL MODALITIES,"
        f"{t},{w},{t - w},{100 * w / t:.1f}" for d, org, t, w in ROWS]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def loaded(store, tmp_path_factory):
    folder = tmp_path_factory.mktemp("peers")
    db = copy_of_store(store, folder)
    published = folder / "monthly_combined_2024-06.csv"
    published.write_text(_csv())
    con = connect(db)
    load_published(con, published)
    yield con, db
    con.close()


def test_edition_rule_by_hand():
    assert pp.edition_of_file("CWT-Oct-2023-Provisional.xlsx", "2023-09", "2023-10") == (
        "provisional")  # the name says so, whatever the month
    assert pp.edition_of_file("CWT-Oct-2023-Final.xlsx", "2023-10", "2023-10") == "final"
    # no marker: a file's latest month is provisional, its earlier (revised) months final
    assert pp.edition_of_file("series-with-Revisions.xlsx", "2023-10", "2023-10") == (
        "provisional")
    assert pp.edition_of_file("series-with-Revisions.xlsx", "2023-09", "2023-10") == "final"


def test_peer_set_and_pooled_figures(loaded):
    con, _ = loaded
    assert pp.peers(con, "62_DAY").empty  # no set yet
    assert pp.set_peers(con, ["rx2", " RX1", "RX1"]) == ["RX1", "RX2"]
    got = pp.peers(con, "62_DAY").set_index("period")
    assert got.loc["2024-05", ["total", "within", "performance", "peers"]].tolist() == [
        200.0, 120.0, 60.0, 2]
    assert got.loc["2024-06", ["performance", "peers"]].tolist() == [80.0, 1]
    assert got.loc["2024-05", "edition"] == "final"
    assert got.loc["2024-06", "edition"] == "provisional"
    eng = pp.england(con, "62_DAY").set_index("period")
    assert eng.loc["2024-05", "performance"] == 70.0 and eng.loc["2024-06", "within"] == 800
    with pytest.raises(UsageError):
        pp.set_peers(con, ["RX1; DROP TABLE"])
    assert pp.read_peers(con) == ("Provider", ["RX1", "RX2"])  # unchanged by the refusal


def test_pages_show_england_and_peers_with_editions(loaded):
    con, _ = loaded
    pp.set_peers(con, ["RX1", "RX2"])
    web = create_app(WebSettings(secret=SECRET, oidc=None, census=synthetic.CENSUS), con=con)
    c = TestClient(web, base_url="https://testserver")
    assert login(c, "t-analyst").status_code == 303
    page = BeautifulSoup(c.get("/standards/62_DAY").text, "html.parser")
    table = page.find("section", attrs={"aria-labelledby": "h-england"}).find("table")
    heads = [th.get_text(strip=True) for th in table.select("thead th")]
    assert heads[2:] == ["England", "England's edition", "Difference (points)", "Peers",
                         "Peers' edition"]
    rows = {tr.find("td").get_text(strip=True): [td.get_text(strip=True)
                                                for td in tr.find_all("td")]
            for tr in table.select("tbody tr")}
    assert rows["2024-05"][2:4] == ["70.0%", "final"] and rows["2024-05"][5] == "60.0%"
    assert rows["2024-05"][6] == "final, 2 organisations"
    assert rows["2024-06"][2:4] == ["80.0%", "provisional"]
    assert rows["2024-06"][6] == "provisional, 1 organisation"
    overview = BeautifulSoup(c.get("/").text, "html.parser")
    assert overview.find(id="h-compared") is not None
    cells = [td.get_text(strip=True) for td in
             overview.find(id="h-compared").find_next("table").select("tbody td")]
    assert "England" not in cells and any(v in cells for v in ("70.0%", "80.0%"))
    assert any(v in cells for v in ("final, 2 organisations", "provisional, 1 organisation"))


def test_cli_sets_and_clears_peers(loaded):
    _, db = loaded
    runner = CliRunner()
    out = runner.invoke(cli_app, ["published", "peers", "--db", str(db) + ".cli",
                                  "--set", "RX1,RX2"])
    assert out.exit_code == 0, out.output
    assert "Provider peers: RX1, RX2" in out.output
    out = runner.invoke(cli_app, ["published", "peers", "--db", str(db) + ".cli", "--clear"])
    assert out.exit_code == 0 and "(none set)" in out.output
