"""Packs a board member reads show no count of patients from 1 to 7 (issue 14).

The board pack and every provider pack built for a board member (``protect=True``) are
rendered as they are archived (HTML, which the PDF prints) and read back with the web
sweep's reader (``tests/protection_scan.py``): every count cell of every table and every
chart drawn in the pack (recorded from its spec as it is drawn). The same packs built
without protection (the provider's own) do show such counts, so the store has them.
"""

from __future__ import annotations

import shutil

import pytest
from protection_scan import chart_counts, small, table_counts

from cancer_alliance.reports import packs, render, sections
from cancer_alliance.store import connect


@pytest.fixture(scope="module")
def con(ops_store_path, tmp_path_factory):
    db = tmp_path_factory.mktemp("pack-protection") / "alliance.duckdb"
    shutil.copy(ops_store_path, db)
    c = connect(db)
    yield c
    c.close()


@pytest.fixture
def charts(monkeypatch):
    """Every chart spec a pack draws while the test runs."""
    drawn: list = []
    draw = sections.render_svg

    def record(spec, **kw):
        drawn.append(spec)
        return draw(spec, **kw)

    monkeypatch.setattr(sections, "render_svg", record)
    return drawn


def _period(con) -> str:
    return con.execute("SELECT max(period) FROM submissions").fetchone()[0]


def shown(pack: dict, drawn: list, where: str) -> list:
    html = render.render_html(pack)
    return list(table_counts(html, where)) + list(chart_counts(drawn, where))


def test_board_pack_shows_no_small_count(con, charts):
    period = _period(con)
    cells = shown(packs.board_pack(con, period), charts, f"board pack {period}")
    assert len(cells) > 20, "too few counts were read: the test checks nothing"
    assert not small(cells), "\n".join(small(cells))


def test_provider_packs_for_the_board_show_no_small_count(con, charts):
    period = _period(con)
    defects, exact = [], []
    for p in packs.providers(con):
        charts.clear()
        cells = shown(packs.provider_pack(con, p["code"], period, protect=True), charts,
                      f"provider pack {p['code']} for the board")
        assert len(cells) > 10, f"too few counts read in {p['code']}'s pack"
        defects += small(cells)
        charts.clear()
        exact += small(shown(packs.provider_pack(con, p["code"], period), charts, "own"))
    assert exact, "no provider's own pack has a count from 1 to 7: nothing was tested"
    assert not defects, "\n".join(defects)
