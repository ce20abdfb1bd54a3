"""The reconciliation page (issue 13, part 5): local against published figures on the web,
by provider, month and standard, the differences listed first, scoped by role."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from cancer_alliance import metrics
from cancer_alliance.published import load_published
from cancer_alliance.web import data

MONTH = "2024-05"
HEADER = ("Period,Basis,Org_Code,Parent_Org,Org_Name,Standard_or_Item,Cancer_Type,"
          "Referral_Route_or_Stage,Treatment_Modality,Total,Within,After,Performance")


@pytest.fixture(scope="module")
def published(store, tmp_path_factory):
    """A published 62-day file for MONTH: RAA exactly as the store computes it, RBB with
    three more patients within than the store has."""
    local = metrics.compute_metrics(store, "62_DAY", by=("provider_code", "month"),
                                    period=MONTH).set_index("provider_code")
    lines = [HEADER]
    for code, extra in (("RAA", 0), ("RBB", 3)):
        r = local.loc[code]
        total, within = r["total"] + extra, r["within"] + extra
        lines.append(f"{MONTH}-01,Provider,{code},QAA,{code} trust,62D,ALL CANCERS,"
                     f"ALL ROUTES,ALL MODALITIES,{total:g},{within:g},{r['breaches']:g},")
    lines.append(f"{MONTH}-01,Provider,Total,,England,62D,ALL CANCERS,ALL ROUTES,"
                 f"ALL MODALITIES,20000,14000,6000,")
    path = tmp_path_factory.mktemp("pub") / "CWT-monthly-combined-2024-05.csv"
    path.write_text("\n".join(lines) + "\n")
    load_published(store, path)
    data.clear_cache()
    return local


def _rows(html: str) -> list[dict[str, str]]:
    soup = BeautifulSoup(html, "html.parser")
    table = soup.select_one("table.data")
    heads = [th.get_text(strip=True) for th in table.select("thead th")]
    out = []
    for tr in table.select("tbody tr"):
        # a coded cell shows words (a trust's name, "Differs") and keeps its code in data-value
        cells = [td.get("data-value") or td.get_text(strip=True) for td in tr.select("td")]
        out.append(dict(zip([f"{i}:{h}" for i, h in enumerate(heads)], cells, strict=False)))
    return out


def test_differences_are_listed_first_with_local_and_published_side_by_side(clients,
                                                                             published):
    page = clients["analyst"].get(f"/reconciliation?standard=62_DAY&period={MONTH}")
    assert page.status_code == 200
    rows = _rows(page.text)
    lines = [(r["0:Provider"], r["3:Status"]) for r in rows]
    assert lines[0] == ("RBB", "differs")  # the difference first
    assert ("RAA", "match") in lines and ("RCC", "local only") in lines  # RCC: not published
    rbb = rows[0]
    assert rbb["8:Local within"] == f"{published.loc['RBB', 'within']:,.0f}"
    assert rbb["9:Difference"] == "-3.0"  # local minus published
    assert "1 differs" in " ".join(BeautifulSoup(page.text, "html.parser")
                                   .select_one("ul.status-counts").get_text(" ").split())


def test_a_provider_user_sees_its_own_trust_only(clients, published):
    page = clients["provider"].get(f"/reconciliation?standard=62_DAY&period={MONTH}")
    assert {r["0:Provider"] for r in _rows(page.text)} == {"RAA"}
    assert "Alpha Hospitals NHS Trust (RAA)" in page.text
    assert clients["provider"].get("/reconciliation?provider=RBB").status_code == 403


def test_protected_roles_are_refused_and_do_not_see_the_link(clients, published):
    assert clients["board"].get("/reconciliation").status_code == 403
    menu = BeautifulSoup(clients["board"].get("/").text, "html.parser").select("nav a")
    assert "/reconciliation" not in {a.get("href") for a in menu}
    menu = BeautifulSoup(clients["analyst"].get("/").text, "html.parser").select("nav a")
    assert "/reconciliation" in {a.get("href") for a in menu}


def test_the_page_matches_the_command_line_table(clients, published, store):
    from cancer_alliance.published import reconcile

    table = reconcile(store, "62_DAY", MONTH)
    page = _rows(clients["analyst"].get(f"/reconciliation?standard=62_DAY&period={MONTH}").text)
    assert len(page) == len(table)
    assert set(zip(table["provider_code"], table["status"], strict=True)) == {
        (r["0:Provider"], r["3:Status"]) for r in page}
    assert table.loc[table["status"] == "differs", "within_difference"].tolist() == [-3.0]


def test_england_and_peers_are_shown_beside_the_local_figures(clients, published):
    # England 14,000 of 20,000 = 70.0%; England's providers in the file: RAA and RBB.
    page = clients["analyst"].get(f"/standards/62_DAY?period={MONTH}")
    soup = BeautifulSoup(page.text, "html.parser")
    section = soup.find(id="h-england").find_parent("section")
    rows = {tr.select("td")[0].get_text(strip=True): [td.get_text(strip=True)
                                                    for td in tr.select("td")]
            for tr in section.select("tbody tr")}
    local = metrics.compute_metrics(store_of(clients), "62_DAY", by=("month",), period=MONTH)
    mine = 100 * local["within"].sum() / local["total"].sum()
    # the file's only (so latest) month is NHS England's provisional edition
    assert rows[MONTH][1:] == [f"{mine:.1f}%", "70.0%", "provisional", f"{mine - 70:+.1f}"]
    assert "2 providers" in section.get_text(" ")
    board = BeautifulSoup(clients["board"].get(f"/standards/62_DAY?period={MONTH}").text,
                          "html.parser")
    assert board.find(id="h-england") is not None  # England is public; local stays protected


def store_of(clients):
    return clients["analyst"].app.state.con
