"""The "Looking ahead" page in real Chromium: charts drawn, keyboard tooltips, accessible.

Reuses the dashboard journeys' live server, page and helpers (same synthetic alliance).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

_spec = importlib.util.spec_from_file_location(
    "dashboard_journeys", Path(__file__).parent / "test_dashboard_journeys.py")
_journeys = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_journeys)
server = _journeys.server
shots = _journeys.shots
page = _journeys.page


@pytest.mark.parametrize("role", ["analyst", "provider", "board"])
def test_looking_ahead_journey(page, server, shots, role):
    _journeys.log_in(page, server, role)
    page.click("nav.site-nav >> text=Looking ahead")
    page.wait_for_url(f"{server}/looking-ahead")
    figures = page.locator("figure.forecast")
    assert figures.count() >= 1
    assert page.locator("figure.forecast svg").count() >= 1
    captions = " ".join(figures.locator(":scope > figcaption").all_inner_texts())
    if role == "provider":
        assert "RBB" not in captions
    page.screenshot(path=str(shots / f"{role}-looking-ahead.png"), full_page=True)
    violations = _journeys.axe_violations(page)
    assert not violations, [(v["id"], v["help"]) for v in violations]
    assert not page.csp_errors, page.csp_errors
