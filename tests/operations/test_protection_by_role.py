"""Issue 14, finding 5: board members saw exact small counts in the governance patient
flows (an inter-provider transfer count of 2) and in provider packs' backlog by tumour
group (3, 2, 2, 1, 1), under the page's own protection notice. Every count a board member
sees there now passes the dashboard's protection (``stats.protect_table``); staff still
see exact counts. Tested by role through the real pages.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from cancer_alliance import labels, reports
from cancer_alliance.operations import flows
from cancer_alliance.reports import packs

from ._web import _client

PERIOD = "2024-04"  # a month of the shared demo store (tests/_stores.py)


def _table_after(html: str, heading: str) -> list[list[str]]:
    s = BeautifulSoup(html, "html.parser")
    h = next(h for h in s.find_all(["h2", "h3"]) if h.get_text(strip=True).startswith(heading))
    table = h.find_next("table")
    # a cell shown by name keeps its code in data-value: compare codes, not display text
    return [[td.get("data-value") or td.get_text(strip=True) for td in tr.find_all("td")]
            for tr in table.find_all("tr") if tr.find_all("td")]


def _code(shown: str) -> str:
    """A trust shown as "Name (CODE)" back to its code (an unknown code is shown bare)."""
    found = re.search(r"\(([A-Z0-9]+)\)$", shown)
    return found.group(1) if found else shown


def _protected_cell(text: str) -> bool:
    """``*`` or a multiple of 5 (never 1-7, never an unrounded count)."""
    return text == "*" or (text.replace(",", "").isdigit()
                           and int(text.replace(",", "")) % 5 == 0)


def test_governance_flows_are_protected_for_the_board_exact_for_staff(app_con):
    app, con, _ = app_con
    # the finding's case: a transfer flow of exactly 2 pathways (from a made-up trust)
    con.execute("UPDATE pathways SET transfer_from_provider_code = 'RZZ' WHERE rowid IN "
                "(SELECT rowid FROM pathways WHERE first_treatment_provider_code = (SELECT "
                "min(first_treatment_provider_code) FROM pathways) ORDER BY rowid LIMIT 2)")
    raw = flows.transfers(con)
    assert [r["pathways"] for r in raw if r["from_provider"] == "RZZ"] == [2]
    board = _client(app, "board").get("/operations/governance").text
    analyst = _client(app, "analyst").get("/operations/governance").text
    for heading in ("Where each commissioner's residents are first seen",
                    "Where each commissioner's residents are first treated",
                    "Inter-provider transfers"):
        cells = [row[2] for row in _table_after(board, heading)]
        assert cells and all(_protected_cell(c) for c in cells), (heading, cells)
    assert "*" in [row[2] for row in _table_after(board, "Inter-provider transfers")]
    for row in _table_after(board, "Footprint alignment"):
        assert _protected_cell(row[2]), row
    exact = {(r["from_provider"], r["to_provider"]): r["pathways"] for r in raw}
    shown = {(_code(a), _code(b)): int(n.replace(",", ""))
             for a, b, n in _table_after(analyst, "Inter-provider transfers")}
    assert shown == exact


def _backlog_by_group(html: str) -> dict[str, str]:
    return {g: n for g, n in _table_after(html, "62-day backlog by tumour group")}


def test_provider_pack_backlog_by_tumour_group_is_protected_for_the_board(app_con):
    app, con, prov = app_con
    raw = packs.s.backlog_section(con, PERIOD, prov)["backlog_by_tumour_group"]
    assert any(1 <= n <= 7 for n in raw.values()), "the fixture needs a small group"
    url = f"/operations/packs/view/{prov}/{PERIOD}"
    board = _client(app, "board").get(url).text
    shown = _backlog_by_group(board)
    assert shown and all(_protected_cell(n) for n in shown.values()), shown
    assert 'id="pack-protection"' in board
    analyst = _client(app, "analyst").get(url).text
    assert ({g: int(n.replace(",", "")) for g, n in _backlog_by_group(analyst).items()}
            == {labels.tumour_group(g): n for g, n in raw.items()})
    assert 'id="pack-protection"' not in analyst
    # every other count of pathways in the board's view of the pack is protected too (the
    # number of submission files a month is not a count of patients; trajectories are
    # plans and forecasts)
    s = BeautifulSoup(board, "html.parser")
    for td in s.select("td.n:not([data-count=submissions])"):
        if "Year-end forecast" in td.find_parent("table").get_text():
            continue
        text = td.get_text(strip=True)
        if text and not text.endswith("%") and text not in ("–",):
            assert _protected_cell(text), td.parent.parent.get_text(" | ", strip=True)


def test_an_archived_provider_pack_opens_protected_for_the_board(app_con):
    app, con, prov = app_con
    _, meta = reports.generate_provider_pack(con, prov, PERIOD, "html", "test")
    r = _client(app, "board").get(f"/operations/packs/{meta['report_id']}",
                                  follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/operations/packs/view/{prov}/{PERIOD}"
    exact = _client(app, "analyst").get(f"/operations/packs/{meta['report_id']}")
    assert exact.status_code == 200 and 'id="pack-protection"' not in exact.text


def test_operations_pages_do_not_repeat_url_values(app_con):
    app, _, prov = app_con
    c = _client(app, "analyst")
    for url in ("/operations/bids/ZQXV-77-unknown", "/operations/initiatives/ZQXV-77-unknown",
                f"/operations/packs/view/{prov}/ZQXV-77",
                f"/operations/packs/view?provider_code={prov}&period=ZQXV-77"):
        r = c.get(url, follow_redirects=False)
        assert r.status_code in (400, 404), (url, r.status_code)
        assert "ZQXV" not in r.text, url
