"""Other Cancer Alliances on the reconciliation page: NHS England's commissioner extract
summed by Cancer Alliance through the ONS lookup (issue 13), every cell rebuilt here from
the spreadsheet's own rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from cancer_alliance.auth import users
from cancer_alliance.published import alliances, load_published
from cancer_alliance.store import connect
from cancer_alliance.web import data
from cancer_alliance.web.app import create_app
from cancer_alliance.web.settings import WebSettings

from .conftest import PASSWORD, SECRET, login

REAL = next((p / "shared" / "fixtures" / "cwt-published"
             for p in Path(__file__).resolve().parents
             if (p / "shared" / "fixtures" / "cwt-published").is_dir()), None)
EXTRACT = (REAL or Path("absent")) / "CWT-CRS-Apr-23-to-Oct-23-Data-Extract-ICB-Sub-Location.xlsx"
LOOKUP = (Path(__file__).parents[1] / "published" / "lookups"
          / "sub_icb_to_cancer_alliance_sample.csv")
WORDS = {"FDS": "28-day FDS", "31_DAY": "31-day Combined", "62_DAY": "62-day Combined"}
pytestmark = pytest.mark.skipif(REAL is None, reason="shared/fixtures/cwt-published absent")
MEMBERS = {"Northern": ["00L", "00N", "00P"], "Lancashire and South Cumbria": ["00Q", "00R"],
           "Greater Manchester": ["00T", "00V"]}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    con = connect(tmp_path_factory.mktemp("alliances") / "a.duckdb")
    load_published(con, EXTRACT)
    for role in ("analyst", "board"):
        users.add_user(con, f"oa-{role}", role, None, PASSWORD)
    data.clear_cache()
    app = create_app(WebSettings(db=None, secret=SECRET, secure_cookies=True, oidc=None),
                     con=con)
    clients = {}
    for role in ("analyst", "board"):
        c = TestClient(app, base_url="https://testserver")
        assert login(c, f"oa-{role}").status_code == 303
        clients[role] = c
    yield con, clients
    data.clear_cache()
    con.close()


def _alliance_table(html: str) -> pd.DataFrame:
    soup = BeautifulSoup(html, "html.parser")
    heading = soup.select_one("h2#other-alliances")
    table = heading.find_next("table")
    assert table is not None, "no alliance table"
    heads = [th.get_text(strip=True) for th in table.select("thead th")]
    rows = [[td.get("data-sort") or td.get("data-value") or td.get_text(strip=True)
             for td in tr.select("td")] for tr in table.select("tbody tr")]
    return pd.DataFrame(rows, columns=heads)


def test_alliances_are_shown_once_the_lookup_is_loaded_and_sum_the_fixture_rows(site):
    con, clients = site
    page = clients["analyst"].get("/reconciliation?standard=62_DAY&period=2023-10")
    assert page.status_code == 200
    assert "Nothing to compare yet" in page.text
    alliances.load_alliances(con, LOOKUP)
    data.clear_cache()
    page = clients["analyst"].get("/reconciliation?standard=62_DAY&period=2023-10")
    table = _alliance_table(page.text).set_index("Cancer Alliance")
    raw = pd.read_excel(EXTRACT)
    raw = raw[(raw["STANDARD"] == WORDS["62_DAY"])
              & (pd.to_datetime(raw["PERIOD"]).dt.strftime("%Y-%m") == "2023-10")]
    for name, codes in MEMBERS.items():
        mine = raw[raw["ICB SUB LOCATION"].isin(codes)]
        assert float(table.loc[name, "Total"]) == float(mine["TOTAL"].sum())
        assert float(table.loc[name, "Within"]) == float(mine["WITHIN STANDARD"].sum())
    rest = raw[~raw["ICB SUB LOCATION"].isin(sum(MEMBERS.values(), []))]
    assert float(table.loc["Not in the lookup", "Total"]) == float(rest["TOTAL"].sum())
    # the table downloads like every other
    csv = clients["analyst"].get("/reconciliation", params={
        "standard": "62_DAY", "period": "2023-10", "download": "csv",
        "table": "Published figures by Cancer Alliance, 2023-10"})
    assert csv.status_code == 200 and "Greater Manchester" in csv.text


def test_without_a_standard_each_published_standard_is_compared_in_the_latest_month(site):
    con, clients = site
    alliances.load_alliances(con, LOOKUP)
    data.clear_cache()
    table = _alliance_table(clients["analyst"].get("/reconciliation").text)
    assert set(table["Standard"]) == set(WORDS)
    assert "Published figures by Cancer Alliance, 2023-10" in clients["analyst"].get(
        "/reconciliation").text


def test_board_members_still_do_not_see_the_page(site):
    _, clients = site
    assert clients["board"].get("/reconciliation").status_code == 403
