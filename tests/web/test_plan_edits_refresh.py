"""A plan edit shows on the next view of a cached page (issue 17: plans change without a
submission, so the store's data version alone kept the old plan on the page)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from cancer_alliance.operations import trajectories

BACKLOG = "/standards/62_DAY_BACKLOG"


def _planned(html: str) -> str | None:
    summary = BeautifulSoup(html, "html.parser").select_one("p.summary")
    assert summary is not None
    found = re.search(r"against a planned ([\d,]+)", summary.get_text(" ", strip=True))
    return found.group(1) if found else None


def _latest_month(html: str) -> str:
    summary = BeautifulSoup(html, "html.parser").select_one("p.summary")
    return summary.get_text(" ", strip=True)[:7]


def test_backlog_page_shows_a_plan_edit_at_once(clients, store):
    client = clients["analyst"]
    first = client.get(BACKLOG)
    assert first.status_code == 200
    month = _latest_month(first.text)
    assert re.fullmatch(r"\d{4}-\d{2}", month)
    try:
        trajectories.set_planned(store, "ALLIANCE", "62_DAY_BACKLOG", {month: 1234},
                                 updated_by="test")
        assert _planned(client.get(BACKLOG).text) == "1,234"
        # an edit of the same month (same number of rows) is seen too
        trajectories.set_planned(store, "ALLIANCE", "62_DAY_BACKLOG", {month: 987},
                                 updated_by="test")
        assert _planned(client.get(BACKLOG).text) == "987"
        store.execute("DELETE FROM trajectories WHERE org_code = 'ALLIANCE' "
                      "AND measure_code = '62_DAY_BACKLOG'")
        assert _planned(client.get(BACKLOG).text) is None
    finally:
        store.execute("DELETE FROM trajectories WHERE org_code = 'ALLIANCE' "
                      "AND measure_code = '62_DAY_BACKLOG'")


def test_the_plans_version_changes_with_every_kind_of_edit(store):
    from cancer_alliance.web import data

    start = data.plans_version(store)
    try:
        trajectories.set_planned(store, "RAA", "FDS", {"2024-01": 70.0}, updated_by="test")
        added = data.plans_version(store)
        assert added != start
        trajectories.set_planned(store, "RAA", "FDS", {"2024-01": 71.0}, updated_by="test")
        edited = data.plans_version(store)
        assert edited not in (start, added)
    finally:
        store.execute("DELETE FROM trajectories WHERE org_code = 'RAA' AND measure_code = 'FDS'")
    assert data.plans_version(store)[0] == start[0]  # a removal is seen in the count
