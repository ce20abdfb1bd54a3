"""The Cancer Dashboard in real Chromium: each role's main journey, keyboard use, CSP and
accessibility (axe-core, vendored in ``tests/browser/vendor``), with screenshots.

A live server (uvicorn in a thread) serves the small synthetic alliance from the web tests.
Screenshots go to ``$DASHBOARD_SCREENSHOTS`` if set, else to pytest's temporary folder.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from cancer_alliance.auth.model import Actor
from cancer_alliance.web.views.landing import landing_path

pytestmark = pytest.mark.browser

HERE = Path(__file__).parent
AXE = HERE / "vendor" / "axe-core-4.14.1.min.js"
PASSWORD = "browser-test-password"
ROLES = {"admin": None, "analyst": None, "provider": "RAA", "commissioner": "QAA",
         "board": None}


def _synthetic():
    path = HERE.parent / "web" / "synthetic.py"
    spec = importlib.util.spec_from_file_location("dashboard_synthetic", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from cancer_alliance.auth import users
    from cancer_alliance.store import connect
    from cancer_alliance.web.app import create_app
    from cancer_alliance.web.settings import WebSettings

    synthetic = _synthetic()
    con = connect(tmp_path_factory.mktemp("browser") / "alliance.duckdb")
    synthetic.load(con)
    for role, org in ROLES.items():
        users.add_user(con, f"b-{role}", role, org, PASSWORD)
    app = create_app(WebSettings(secret="browser-test-secret-0123456789", oidc=None,
                                 census=synthetic.CENSUS), con=con)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    con.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    out = os.environ.get("DASHBOARD_SCREENSHOTS")
    path = Path(out) if out else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.csp_errors = []
    p.on("console", lambda m: p.csp_errors.append(m.text)
         if "Content Security Policy" in m.text else None)
    yield p
    context.close()


def log_in(page, server: str, role: str) -> None:
    page.goto(f"{server}/login")
    page.fill("#username", f"b-{role}")
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    actor = Actor(username=f"b-{role}", role=role, org_code=ROLES[role])
    page.wait_for_url(f"{server}{landing_path(actor)}")
    if page.url != f"{server}/":  # the role's own landing page; the journey starts at the overview
        page.goto(f"{server}/")


def axe_violations(page) -> list[dict]:
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', "
        "'wcag22aa']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("role", list(ROLES))
def test_role_journey(page, server, shots, role):
    """Log in, read the overview, open a standard, use the chart, then the role's own page."""
    log_in(page, server, role)
    assert page.locator("table.headline tbody tr").count() == 3
    page.screenshot(path=str(shots / f"{role}-overview.png"), full_page=True)
    page.click("nav.site-nav >> text=Standards")
    page.click("text=62-day (combined)")
    page.wait_for_selector("svg.chart-spc")
    point = page.locator("svg.chart-spc .pt").first
    point.hover()
    tip = page.locator(".chart-tip.visible")
    assert tip.count() == 1 and "62-day" in tip.inner_text()
    a, b = point.bounding_box(), tip.bounding_box()  # beside the point, not over it
    assert (b["x"] >= a["x"] + a["width"] or b["x"] + b["width"] <= a["x"]
            or b["y"] >= a["y"] + a["height"])
    page.screenshot(path=str(shots / f"{role}-standard.png"), full_page=True)
    nav = page.locator("nav.site-nav").inner_text()
    if role == "board":
        assert "Patient tracking list" not in nav
        page.goto(f"{server}/ptl")
        assert page.locator("h1").inner_text() == "Not allowed"
    else:
        page.click("nav.site-nav >> text=Patient tracking list")
        page.select_option("#f-band", "29-62")
        page.click("form.filters button")
        page.wait_for_url("**/ptl?*band=29-62*")
        assert page.locator("main").count() == 1, "the htmx swap must replace, not nest"
        heads = [h.strip() for h in page.locator("table.data thead th").all_inner_texts()]

        def column(name: str) -> list[str]:  # by heading: the PTL's columns move by role
            n = heads.index(name) + 1
            return page.locator(f"table.data tbody tr td:nth-child({n})").all_inner_texts()

        bands = column("Band")
        assert bands and set(bands) == {"29-62"}
        providers = set(column("Provider"))
        if role == "provider":  # its own trust only, named (the code in brackets)
            assert providers == {"Alpha Hospitals NHS Trust (RAA)"}
        page.screenshot(path=str(shots / f"{role}-ptl.png"), full_page=True)
    page.click("header >> text=Log out")
    page.wait_for_url(f"{server}/public")
    assert not page.csp_errors, page.csp_errors


def test_accessibility_of_main_pages(page, server, shots):
    """axe-core finds no serious or critical WCAG 2.2 AA problems on the main pages."""
    failures = {}
    page.goto(f"{server}/public")
    failures["/public"] = axe_violations(page)
    log_in(page, server, "analyst")
    for path in ("/", "/standards/62_DAY", "/ptl", "/equity", "/submissions",
                 "/definitions", "/providers/RAA", "/outcomes", "/rare-cancers",
                 "/standards/62_DAY_USC", "/completeness", "/standards/62_DAY_BACKLOG",
                 "/harm-review", "/reconciliation"):
        page.goto(server + path)
        failures[path] = axe_violations(page)
    page.screenshot(path=str(shots / "analyst-last.png"), full_page=True)
    bad = {p: [(v["id"], v["help"], len(v["nodes"])) for v in vs] for p, vs in failures.items()
           if vs}
    assert not bad, bad
    assert not page.csp_errors, page.csp_errors


def test_keyboard_only_and_tablet(browser, server, shots):
    """The skip link comes first; forms work from the keyboard; a tablet viewport fits."""
    context = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{server}/login")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        page.focus("#username")
        page.keyboard.type("b-analyst")
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{server}/")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 820, "the overview must not scroll sideways on a tablet"
        page.screenshot(path=str(shots / "tablet-overview.png"), full_page=True)
    finally:
        context.close()


def test_keyboard_users_do_not_tab_through_chart_points(page, server):
    """Issue 16: 67 tabs reached the first table of the 62-day page, one per chart point.
    Points are hover targets only; the chart's data table carries the same values."""
    log_in(page, server, "analyst")
    page.goto(f"{server}/standards/62_DAY")
    assert page.locator("svg.chart .pt[tabindex]").count() == 0
    for _press in range(1, 120):
        page.keyboard.press("Tab")
        where = page.evaluate("(() => { const e = document.activeElement;"
                              " return [e.getAttribute('class') || '', e.tagName,"
                              " !!e.closest('svg'), !!e.closest('table.sortable')]; })()")
        assert not where[2], "a chart point took the keyboard focus"
        if where[3]:
            break
    else:
        raise AssertionError("no table reached from the keyboard")
    assert page.locator("figure.chart-figure details summary").count() >= 1  # the table


def test_tables_sort_from_their_headings(page, server):
    """A heading is a button: it sorts by that column (numbers by value, suppressed or blank
    cells last), says the order in aria-sort, and a third press restores the server order."""
    log_in(page, server, "analyst")
    page.goto(f"{server}/standards/62_DAY")
    table = page.locator("table.sortable").filter(has=page.locator("tbody tr:nth-child(3)")).first
    heading = table.locator("thead th").nth(1)
    original = table.locator("tbody tr td:first-child").all_inner_texts()

    def column(i: int) -> list[float]:
        cells = table.locator(f"tbody tr:not(.total) td:nth-child({i + 1})")
        return [float(v) for v in cells.evaluate_all(
            "cs => cs.map(c => c.getAttribute('data-sort')).filter(v => v !== null)")]

    heading.locator("button.sort").focus()
    page.keyboard.press("Enter")
    assert heading.get_attribute("aria-sort") == "ascending"
    values = column(1)
    assert len(values) >= 2 and values[0] < values[-1] and values == sorted(values)
    heading.locator("button.sort").click()
    assert heading.get_attribute("aria-sort") == "descending"
    assert column(1) == sorted(values, reverse=True)
    heading.locator("button.sort").click()
    assert heading.get_attribute("aria-sort") is None
    assert table.locator("tbody tr td:first-child").all_inner_texts() == original
    assert not page.csp_errors, page.csp_errors
