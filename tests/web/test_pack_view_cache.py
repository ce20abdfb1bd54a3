"""The provider pack's web view keeps its figures per data version and plan edit
(``web.data.provider_pack_figures``): the page is the same with them kept or computed
afresh, each role gets its own version (a board member's protected one is never an
analyst's exact one), and a plan edit shows at once."""

from __future__ import annotations

import re

from cancer_alliance.operations import trajectories
from cancer_alliance.reports import packs
from cancer_alliance.reports import render as render_pack

URL = "/operations/packs/view/RAA/2024-06"


def _without_time(html: str) -> str:
    return re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", "<time>", html)


def test_kept_figures_give_the_same_page_as_computed_ones(app, clients, store):
    results = app.state.results
    results.clear()
    first = clients["board"].get(URL)
    assert first.status_code == 200
    kept = len(results)
    again = clients["board"].get(URL)
    assert _without_time(again.text) == _without_time(first.text)
    assert len(results) == kept  # nothing computed the second time
    cur = store.cursor()
    try:
        fresh = render_pack.render_html(packs.provider_pack(cur, "RAA", "2024-06",
                                                            protect=True))
    finally:
        cur.close()
    assert _without_time(first.text) == _without_time(fresh)


def test_each_role_gets_its_own_figures(clients):
    board = clients["board"].get(URL).text
    analyst = clients["analyst"].get(URL).text
    # the funnel places the provider by its exact counts: only in the unprotected pack
    assert "against the alliance" in analyst and "against the alliance" not in board


def test_a_plan_edit_shows_at_once(clients, store):
    before = clients["board"].get(URL).text
    try:
        trajectories.set_planned(store, "RAA", "FDS", {"2024-05": 71.0, "2024-06": 72.0},
                                 updated_by="test")
        after = clients["board"].get(URL).text
        assert _without_time(after) != _without_time(before)
    finally:
        store.execute("DELETE FROM trajectories WHERE org_code = 'RAA' AND measure_code = 'FDS'")
