"""The dashboard on a phone, 390 px wide, in real Chromium (issue 16).

On a phone the navigation took about 440 px of height and the headline table hid "Met?"
off the right edge. Now the menu folds behind a "Menu" toggle (a checkbox and CSS, no
script), the headline table keeps its key columns in view (less needed columns are left
out on a phone, the first column stays put while the rest scrolls), charts scroll at a
legible size rather than shrink, and no page is wider than the screen.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from _stores import demo_store

pytestmark = pytest.mark.browser

SCRIPT = Path(__file__).parents[2] / "scripts" / "screenshots.py"
PHONE = {"width": 390, "height": 844}
PAGES = ("/", "/standards/62_DAY", "/outcomes", "/equity", "/submissions", "/ptl",
         "/definitions", "/looking-ahead/capacity", "/operations/governance",
         "/operations/plan", "/operations/bids", "/operations/voice")


def _script():
    spec = importlib.util.spec_from_file_location("screenshots_script_mobile", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def phone(browser, tmp_path_factory):
    """An analyst logged in on a 390 px screen, and the server's address."""
    shots = _script()
    with shots.serving(demo_store(tmp_path_factory)) as (server, accounts):
        context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
        page = context.new_page()
        shots._log_in(page, server, *accounts["analyst"])
        yield page, server
        context.close()


def _height(page, selector: str) -> float:
    return page.locator(selector).bounding_box()["height"]


def test_the_menu_is_folded_on_a_phone_and_opens_from_its_toggle(phone):
    page, server = phone
    page.goto(server + "/")
    assert _height(page, "nav.site-nav") < 120
    links = page.locator("nav.site-nav ul a")
    assert links.count() > 5 and not links.first.is_visible()
    page.click("label.nav-toggle-label")
    assert links.first.is_visible()
    assert _height(page, "nav.site-nav") > 200  # every link listed once open
    page.click("label.nav-toggle-label")
    assert not links.first.is_visible()


def test_the_menu_opens_from_the_keyboard(phone):
    page, server = phone
    page.goto(server + "/")
    page.focus("#nav-toggle")
    page.keyboard.press("Space")
    assert page.locator("nav.site-nav ul a").first.is_visible()


def test_the_headline_table_shows_met_without_scrolling(phone):
    page, server = phone
    page.goto(server + "/")
    met = page.locator("table.headline thead th", has_text="Met?")
    box = met.bounding_box()
    assert box is not None and met.is_visible()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    first = page.locator("table.headline tbody tr").first.locator("td .tag")
    if first.count():  # the verdict itself, not only its heading
        cell = first.bounding_box()
        assert cell["x"] + cell["width"] <= PHONE["width"]


@pytest.mark.parametrize("path", PAGES)
def test_no_page_is_wider_than_the_phone(phone, path):
    page, server = phone
    page.goto(server + path)
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} is {width} px wide"


def test_charts_keep_legible_text_on_a_phone(phone):
    page, server = phone
    page.goto(server + "/standards/62_DAY")
    chart = page.locator("svg.chart").first
    box = chart.bounding_box()
    # a 720 px chart squeezed into 390 px would draw its 11 px labels at 6 px
    assert box["width"] >= 600
