"""Drill-down that keeps its filters: standard -> tumour group -> trust -> the pathways,
each trust's contribution to the breaches, and the pathways a page at a time."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from .conftest import login


@pytest.fixture
def analyst(app):
    c = TestClient(app, base_url="https://testserver")
    assert login(c, "t-analyst").status_code == 303
    return c


def _rows(html: str, heading_id: str) -> dict[str, list]:
    """First cell's code (data-value: a trust's cell shows its name) or text -> the row's
    cells (data-sort value if any, else the code or text)."""
    s = BeautifulSoup(html, "html.parser")
    out = {}
    for tr in s.select_one(f"h3#{heading_id}").find_next("table").select("tbody tr"):
        tds = tr.select("td")
        out[tds[0].get("data-value") or tds[0].get_text(strip=True)] = [
            float(td["data-sort"]) if td.has_attr("data-sort")
            else td.get("data-value") or td.get_text(strip=True) for td in tds]
    return out


def _link(html: str, heading_id: str, code: str) -> str:
    """The drill link of the row for ``code`` (the link reads in words; its cell keeps the
    code in data-value)."""
    s = BeautifulSoup(html, "html.parser")
    table = s.select_one(f"h3#{heading_id}").find_next("table")
    return next(td.a["href"] for td in table.select("td") if td.a is not None
                and td.get("data-value") == code)


def test_drill_links_read_in_words_and_keep_their_codes(analyst):
    s = BeautifulSoup(analyst.get("/standards/62_DAY?window=quarter&period=2024-06").text,
                      "html.parser")
    cells = [td for td in s.select_one("h3#t-tumour_group").find_next("table").select("td")
             if td.a is not None]
    assert cells
    for td in cells:
        assert td.get("data-value") and td.a.get_text(strip=True) != td["data-value"]
    lung = next(td for td in cells if td["data-value"] == "LUNG")
    assert lung.a.get_text(strip=True) == "Lung"


def test_each_level_is_the_row_it_was_reached_from(analyst):
    top = analyst.get("/standards/62_DAY?window=rolling12&period=2024-06").text
    lung = _rows(top, "t-tumour_group")["LUNG"]
    href = _link(top, "t-tumour_group", "LUNG")
    assert href == "/standards/62_DAY?tumour_group=LUNG"
    group_page = analyst.get(href).text  # the period comes with the cookie
    assert "12 months to 2024-06" in group_page
    assert _rows(group_page, "t-provider")["Total"][1:3] == lung[1:3]
    raa = _rows(group_page, "t-provider")["RAA"]
    href = _link(group_page, "t-provider", "RAA")
    assert href == "/standards/62_DAY?tumour_group=LUNG&provider=RAA"
    trust_page = analyst.get(href).text
    assert _rows(trust_page, "t-provider")["Total"][1:3] == raa[1:3]
    # the chart is the tumour group's at this trust, and the breadcrumbs lead back up
    s = BeautifulSoup(trust_page, "html.parser")
    assert [a["href"] for a in s.select("nav.crumbs a")] == [
        "/standards", "/standards/62_DAY", "/standards/62_DAY?tumour_group=LUNG"]
    assert "Lung" in s.select_one("h1").get_text() and "RAA" in s.select_one("h1").get_text()
    pathways = s.select_one("a.pathways")["href"]
    assert "tumour_group=LUNG" in pathways and "provider=RAA" in pathways


def test_contribution_adds_up_to_the_alliance_excess(analyst):
    """The excesses on the page add up to the alliance's breaches above what it would have
    at 85% (worked from the page's own provider table), worst first."""
    html = analyst.get("/standards/62_DAY?window=quarter&period=2024-06").text
    providers = _rows(html, "t-provider")
    total, breaches = providers["Total"][1], providers["Total"][3]
    rows = _rows(html, "t-contribution")
    excess = [r[4] for r in rows.values()]
    assert sum(excess) == pytest.approx(breaches - total * 0.15, abs=0.05 * len(rows))
    assert excess == sorted(excess, reverse=True)
    for unit, r in rows.items():
        assert r[2] == providers[unit][3]  # breaches as in the provider table
        assert r[4] == pytest.approx(r[2] - r[1] * 0.15, abs=0.05)


def test_board_members_see_no_contribution(clients):
    html = clients["board"].get("/standards/62_DAY").text
    assert 'id="t-contribution"' not in html and "exact counts" in html


def test_the_pathways_are_paged_and_keep_their_filters(analyst):
    first = analyst.get("/standards/FDS/pathways?window=rolling12&period=2024-06")
    assert first.status_code == 200
    s = BeautifulSoup(first.text, "html.parser")
    pager = s.select_one("nav.pager").get_text(" ", strip=True)
    assert pager.startswith("Rows 1 to 50 of ")
    total = int(pager.split(" of ")[1].split()[0].replace(",", ""))
    assert total > 100
    assert len(s.select("table.data tbody tr")) == 50
    nxt = s.select_one("nav.pager a[rel=next]")["href"]
    assert nxt == "/standards/FDS/pathways?window=rolling12&period=2024-06&page=2"
    second = BeautifulSoup(analyst.get(nxt).text, "html.parser")
    assert second.select_one("nav.pager").get_text(" ", strip=True).startswith("Rows 51 to 100")
    ids1 = {tr.select("td")[0].get_text() for tr in s.select("table.data tbody tr")}
    ids2 = {tr.select("td")[0].get_text() for tr in second.select("table.data tbody tr")}
    assert not ids1 & ids2
    # past the end: the last page; not a number: refused
    last = analyst.get("/standards/FDS/pathways?window=rolling12&period=2024-06&page=999")
    pages = -(-total // 50)
    assert f"page {pages} of {pages}" in last.text
    assert analyst.get("/standards/FDS/pathways?page=-1").status_code == 400


def test_a_trust_sees_only_its_own_pathways_and_is_audited(clients, store):
    before = store.execute("SELECT count(*) FROM audit_log WHERE username = 't-provider'"
                           " AND resource LIKE '%/pathways'").fetchall()[0][0]
    r = clients["provider"].get("/standards/FDS/pathways?window=quarter&period=2024-06")
    assert r.status_code == 200
    s = BeautifulSoup(r.text, "html.parser")
    accountable = {tr.select("td")[2].get_text() for tr in s.select("table.data tbody tr")}
    assert accountable == {"RAA"}
    assert clients["provider"].get("/standards/FDS/pathways?provider=RBB").status_code == 403
    after = store.execute("SELECT count(*) FROM audit_log WHERE username = 't-provider'"
                          " AND resource LIKE '%/pathways'").fetchall()[0][0]
    assert after == before + 1


def test_an_unknown_tumour_group_is_not_echoed(analyst):
    r = analyst.get("/standards/62_DAY?tumour_group=NOPE123")
    assert r.status_code == 404 and "NOPE123" not in r.text
