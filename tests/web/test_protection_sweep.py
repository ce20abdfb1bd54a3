"""No count of patients from 1 to 7 reaches a board member or the public, anywhere.

Every GET route of the app (``app.routes``, with the sample values of the route sweep,
``test_route_sweep.Sweep``) is opened as a board member and as the anonymous public, over a
copy of the demo store; every answer they may open (200) is read back as they see it
(``tests/protection_scan.py``): every count cell of every HTML table, every chart drawn
(from its spec, so every plotted value), every count field of a JSON answer, every count
column of a CSV, and every page table downloaded as CSV and as Excel. A count above 0 and
below ``SUPPRESS_BELOW`` (``stats/suppression.py``) is a leak. The same pages opened as an
analyst do show such counts, so the store gives the rule work to do.

Downloads for board and public also never start a text cell with a formula character
(OWASP CSV injection): the store copy carries formula-like text in fields the board
reads.

What is not a count of patients (capacity and activity in tests or sessions, staff in
whole-time equivalents, counts of organisations or files, ratios, money, days) is listed
with its reason in ``protection_scan.NOT_PATIENT_COUNTS``; see
``docs/explanation/security.md``.
"""

from __future__ import annotations

import csv
import io
import shutil
from urllib.parse import urlencode

import openpyxl
import pytest
from bs4 import BeautifulSoup
from protection_scan import (
    NOT_PATIENT_COUNTS,
    chart_counts,
    csv_counts,
    json_counts,
    small,
    table_counts,
)

from cancer_alliance.charts import interactive
from cancer_alliance.dataset.capacity_codes import RESOURCE
from cancer_alliance.reports import patients
from cancer_alliance.store import connect
from cancer_alliance.web import data
from cancer_alliance.web.downloads import page_tables
from cancer_alliance.web.views.standards import TABLE_BREAKDOWNS

from .test_route_sweep import Sweep, _get_routes, _quick_risk

FORMULA = '=HYPERLINK("http://e.x","go")'
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def site(ops_store_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("protect") / "alliance.duckdb"
    shutil.copyfile(ops_store_path, path)
    con = connect(path)
    # a provider's name, which board and public read in tables, made to look like a
    # spreadsheet formula (before the app reads and caches the names)
    con.execute("UPDATE organisations SET org_name = ? WHERE org_code = "
                "(SELECT max(provider_code) FROM pathways)", [FORMULA])
    con.close()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(patients, "with_breach_risk", _quick_risk)
        s = Sweep(path)
        yield s
        s.app.state.jobs.stop()
        s.con.close()


@pytest.fixture
def charts(monkeypatch):
    """Every chart spec drawn while the test runs (the drawing cache is emptied first, so
    a chart drawn earlier is drawn, and so recorded, again)."""
    drawn: list = []
    draw = interactive.render_svg

    def record(spec, **kw):
        drawn.append(spec)
        return draw(spec, **kw)

    monkeypatch.setattr(interactive, "render_svg", record)
    interactive.render_interactive.cache_clear()
    yield drawn
    interactive.render_interactive.cache_clear()


def urls(site) -> list[str]:
    """Every GET URL of the route sweep; each capacity resource's chart; and the headline
    standards by every breakdown (page funnel, CSV and API), where small counts live."""
    out = [u for route in _get_routes(site) for u in site.urls(route)]
    out += [f"/looking-ahead/capacity?{urlencode({'resource': r})}" for r in RESOURCE]
    for code in ("FDS", "62_DAY"):
        out += [f"/api/v1/metrics/{code}?by={by}" for by in data.BREAKDOWNS]
        out += [f"/standards/{code}/{by}.csv" for by in TABLE_BREAKDOWNS]
        out += [f"/standards/{code}?funnel_by={by}" for by in TABLE_BREAKDOWNS]
    return out


def _with(url: str, **params) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


def read(site, client, url: str, charts: list) -> tuple[list, list[str]]:
    """What a reader of ``url`` is shown (counts), and the downloads of its tables."""
    charts.clear()
    r = client.get(url, follow_redirects=False)
    if r.status_code != 200:
        return [], []
    kind = r.headers.get("content-type", "")
    if "json" in kind:
        return list(json_counts(r.text, url)), []
    if "csv" in kind:
        return list(csv_counts(r.text, url)), [r.text]
    if "html" not in kind:
        return [], []
    shown = list(table_counts(r.text, url)) + list(chart_counts(charts, url))
    downloads = []
    for t in page_tables(r.text):
        if not t["caption"]:
            continue
        got = client.get(_with(url, download="csv", table=t["caption"]))
        if got.status_code == 200 and "csv" in got.headers.get("content-type", ""):
            downloads.append(got.text)
        xl = client.get(_with(url, download="xlsx", table=t["caption"]))
        if xl.status_code == 200 and "sheet" in xl.headers.get("content-type", ""):
            downloads.append(xl.content)
    return shown, downloads


def _cells(download) -> list:
    if isinstance(download, bytes):
        book = openpyxl.load_workbook(io.BytesIO(download))
        return [c.value for row in book.active.iter_rows() for c in row]
    return [c for row in csv.reader(io.StringIO(download)) for c in row]


def formula_cells(download) -> list[str]:
    """Text cells of a download that a spreadsheet would run as a formula."""
    out = []
    for v in _cells(download):
        if not isinstance(v, str) or not v.startswith(FORMULA_START):
            continue
        try:
            float(v)  # a number, negative or signed, stays a number
        except ValueError:
            out.append(v)
    return out


@pytest.mark.parametrize("role", ["board", "public"])
def test_no_small_count_anywhere_for_protected_roles(site, charts, role):
    c = site.client(role)
    defects, seen, downloads, neutralised = [], 0, 0, 0
    for url in urls(site):
        shown, files = read(site, c, url, charts)
        seen += len(shown)
        downloads += len(files)
        defects += small(shown)
        defects += [f"{url}: formula cell {v!r} in a download" for f in files
                    for v in formula_cells(f)]
        neutralised += sum(str(v).startswith("'" + FORMULA) for f in files for v in _cells(f))
    assert seen > (200 if role == "board" else 20), \
        f"only {seen} counts were read: the sweep checks nothing"
    assert downloads > (20 if role == "board" else 2), f"only {downloads} downloads read"
    assert neutralised, "the formula-like provider name is in no download: nothing tested"
    assert not defects, "\n".join(defects)


def test_the_sweep_can_find_a_leak(site, charts):
    """An analyst sees exact counts on the same pages, so the store has small counts and
    the reader finds them."""
    c = site.client("analyst")
    found = []
    for url in ["/", "/outcomes", "/operations/governance", "/api/v1/metrics/FDS?by=month"]:
        shown, _ = read(site, c, url, charts)
        found += small(shown)
    assert found, "no page shows an analyst a count from 1 to 7"


def test_exemptions_say_why():
    assert all(reason.strip() for reason in NOT_PATIENT_COUNTS.values())


def test_a_ratio_never_gives_a_suppressed_demand_back(site):
    """Capacity is shown exactly, so demand / capacity beside it would give back a demand
    that small-number protection hides (the demo's flexible sigmoidoscopy at one trust:
    capacity 7, demand ``*``, 104% is a demand of 7.3). Where the demand is ``*`` its
    ratio is ``*`` too (``stats.protect_ratio``); where it is shown, so is the ratio."""
    soup = BeautifulSoup(site.client("board").get("/looking-ahead/capacity").text,
                         "html.parser")
    withheld = shown = 0
    for table in soup.select("table.capacity-summary"):
        heads = [th.get("data-col") for th in table.select("thead th")]
        for tr in table.select("tbody tr"):
            cells = dict(zip(heads, [tr.th, *tr.select("td")], strict=True))
            demand = cells["demand"].get_text(strip=True)
            ratio = cells["demand_ratio"].get_text(strip=True)
            if demand == "*":
                withheld += 1
                assert ratio == "*", tr.th.get_text(strip=True)
            else:
                shown += 1
                assert ratio.endswith("%"), tr.th.get_text(strip=True)
    assert withheld and shown, "the store has no small demand and no large one to test"
