"""No count from 1 to 7 shown unprotected to a board member or the public, anywhere.

Every page of the app (the routes of ``app.routes``, each with its sample values) is
opened as a board member and as the public; each live provider pack is opened as a board
member; the board pack is rendered as it is archived. Every count cell of every table
(``td.num`` on pages, the packs' numeric ``td.n`` cells that are not percentages) is read
back as a number and checked against the one rule of ``stats/suppression.py``: a count
above 0 and below ``SUPPRESS_BELOW`` is never shown. The same pages opened as an analyst
do show such counts, so the store has small counts for the rule to act on.
"""

from __future__ import annotations

import shutil

import pytest
from bs4 import BeautifulSoup

from cancer_alliance.reports import packs, patients
from cancer_alliance.reports import render as render_pack
from cancer_alliance.stats.suppression import SUPPRESS_BELOW

from .test_route_sweep import Sweep, _get_routes, _quick_risk


@pytest.fixture(scope="module")
def site(ops_store_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("protect") / "alliance.duckdb"
    shutil.copyfile(ops_store_path, path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(patients, "with_breach_risk", _quick_risk)
        s = Sweep(path)
        yield s
        s.app.state.jobs.stop()
        s.con.close()


def counts(html: str) -> list[tuple[str, float]]:
    """(column heading or cell, value) of every count cell of every table in ``html``."""
    soup = BeautifulSoup(html, "html.parser")
    out = []
    for td in soup.select("td.num, td.n"):
        text = td.get_text(strip=True).replace(",", "")
        # counts of people are whole numbers; rates, ratios and money are not counts, nor
        # is a number of submission files
        if not text.isdigit() or _heading(td) in NOT_PATIENT_COUNTS:
            continue
        try:
            out.append((text, float(text)))
        except ValueError:
            continue
    return out


NOT_PATIENT_COUNTS = {"Submissions"}


def _heading(td) -> str:
    row, table = td.find_parent("tr"), td.find_parent("table")
    heads = table.select("th") if table else []
    cells = row.find_all(["td", "th"]) if row else []
    i = cells.index(td) if td in cells else -1
    return heads[i].get_text(strip=True) if 0 <= i < len(heads) else ""


def small(cells) -> list[str]:
    return [text for text, v in cells if 0 < v < SUPPRESS_BELOW]


def _pages(site) -> list[str]:
    urls = [u for route in _get_routes(site) for u in site.urls(route)]
    return [u for u in urls if not u.endswith(".csv") and "/api/" not in u]


@pytest.mark.parametrize("role", ["board", "public"])
def test_no_small_count_on_any_page_for_protected_roles(site, role):
    c = site.client(role)
    defects, seen = [], 0
    for url in _pages(site):
        r = c.get(url)
        if r.status_code != 200 or "text/html" not in r.headers.get("content-type", ""):
            continue
        cells = counts(r.text)
        seen += len(cells)
        if small(cells):
            defects.append(f"{role} {url}: {small(cells)[:10]}")
    assert seen > 15, "too few count cells were read: the sweep checks nothing"
    assert not defects, "\n".join(defects)


def test_the_store_has_small_counts_that_staff_see(site):
    """Without small counts in the store the sweeps above would prove nothing."""
    c = site.client("analyst")
    found = [u for u in _pages(site) if small(counts(c.get(u).text))]
    assert found, "no page shows an analyst a count from 1 to 7"


def test_no_small_count_in_any_pack_for_the_board(site):
    c = site.client("board")
    defects = []
    for p in packs.providers(site.con):
        html = c.get(f"/operations/packs/view/{p['code']}/{site.period}").text
        cells = counts(html)
        assert cells, f"no count cells in {p['code']}'s pack"
        if small(cells):
            defects.append(f"provider pack {p['code']}: {small(cells)[:10]}")
    cur = site.con.cursor()
    try:
        board = render_pack.render_html(packs.board_pack(cur, site.period))
    finally:
        cur.close()
    assert counts(board), "no count cells in the board pack"
    if small(counts(board)):
        defects.append(f"board pack: {small(counts(board))[:10]}")
    assert not defects, "\n".join(defects)
