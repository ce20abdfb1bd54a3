"""No count of patients from 1 to 7 reaches a board member or the public, anywhere.

Every GET route of the app (``app.routes``, with the sample values of the route sweep,
``test_route_sweep.Sweep``) is opened as a board member and as the anonymous public, over a
copy of the demo store; every answer they may open (200) is read back as they see it
(``tests/protection_scan.py``): every count cell of every HTML table, every chart drawn
(from its spec, so every plotted value), every count field of a JSON answer, every count
column of a CSV, and every page table downloaded as CSV (and one a page as Excel, which
one function writes for every table). A count above 0 and
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
import re
import shutil
import subprocess
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

from cancer_alliance import labels, reports
from cancer_alliance.charts import interactive
from cancer_alliance.dataset.capacity_codes import RESOURCE
from cancer_alliance.reports import packs, patients, render
from cancer_alliance.store import connect
from cancer_alliance.web import data
from cancer_alliance.web.downloads import page_tables
from cancer_alliance.web.views.standards import TABLE_BREAKDOWNS

from . import synthetic
from .test_route_sweep import Sweep, _get_routes, _quick_risk, app_routes

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
    # the board pack as archived, so the sweep opens it as a board member downloads it
    period = con.execute("SELECT max(period) FROM submissions").fetchone()[0]
    _, archived = reports.generate_board_pack(con, period, fmt="html", generated_by="sweep")
    con.close()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(patients, "with_breach_risk", _quick_risk)
        s = Sweep(path)
        s.archived = f"/operations/packs/{archived['report_id']}"
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
    """Every GET URL of the route sweep; each capacity resource's chart; the archived
    board pack; and the headline standards by every breakdown (page funnel, CSV and API),
    where small counts live."""
    out = [u for route in _get_routes(site) for u in site.urls(route)]
    out += [f"/looking-ahead/capacity?{urlencode({'resource': r})}" for r in RESOURCE]
    out.append(site.archived)
    for code in ("FDS", "62_DAY"):
        out += [f"/api/v1/metrics/{code}?by={by}" for by in data.BREAKDOWNS]
        out += [f"/standards/{code}/{by}.csv" for by in TABLE_BREAKDOWNS]
        out += [f"/standards/{code}?funnel_by={by}" for by in TABLE_BREAKDOWNS]
    return out


def _with(url: str, **params) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


def read(client, url: str, charts: list) -> tuple[list, list[str]]:
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
    tables = [t for t in page_tables(r.text) if t["caption"]]
    for t in tables:  # each table as CSV
        got = client.get(_with(url, download="csv", table=t["caption"]))
        if got.status_code == 200 and "csv" in got.headers.get("content-type", ""):
            downloads.append(got.text)
    # Excel, which one function writes for every table: once a page, the first table with
    # formula-like text if there is one
    risky = [t for t in tables if any(str(c).startswith(FORMULA_START)
                                      for row in t["rows"] for c in row)]
    for caption in [t["caption"] for t in (risky or tables)][:1]:
        xl = client.get(_with(url, download="xlsx", table=caption))
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
    defects, seen, downloads, neutralised, in_excel = [], 0, 0, 0, 0
    read_at: dict[str, int] = {}
    for url in urls(site):
        shown, files = read(c, url, charts)
        read_at[url] = len(shown)
        seen += len(shown)
        downloads += len(files)
        defects += small(shown)
        defects += [f"{url}: formula cell {v!r} in a download" for f in files
                    for v in formula_cells(f)]
        neutralised += sum(str(v).startswith("'" + FORMULA) for f in files for v in _cells(f))
        in_excel += sum(str(v).startswith("'" + FORMULA) for f in files
                        if isinstance(f, bytes) for v in _cells(f))
    assert seen > (200 if role == "board" else 20), \
        f"only {seen} counts were read: the sweep checks nothing"
    assert downloads > (20 if role == "board" else 2), f"only {downloads} downloads read"
    assert neutralised and in_excel, "the formula-like provider name is in no CSV or no " \
        "Excel download: nothing tested"
    # the places earlier leaks were found must stay read, not silently drop out
    must = MUST_READ[role] + ([site.archived] if role == "board" else [])
    unread = [u for u in must if not any(n for url, n in read_at.items()
                                         if url.startswith(u))]
    assert not unread, f"no counts were read at {unread}"
    assert not defects, "\n".join(defects)


#: Pages where leaks were found (issue 14: governance transfers, provider packs' backlog by
#: tumour group; the capacity page) or that the public reads: each must yield counts.
MUST_READ = {
    "board": ["/operations/governance", "/operations/packs/view/", "/looking-ahead/capacity",
              "/standards/62_DAY", "/api/v1/metrics/", "/public"],
    "public": ["/public", "/api/v1/metrics/", "/standards/62_DAY/provider.csv"],
}


def web_store_urls(app) -> list[str]:
    """Every GET URL of the web tests' synthetic store (``tests/web/synthetic.py``, whose
    third trust is deliberately tiny) that its codes can fill; routes that need a record
    this store has not got (a bid, a job) are the demo sweep's."""
    standards = ("FDS", "31_DAY", "62_DAY", "62_DAY_BACKLOG")
    samples = {
        "/standards/{code}": [{"code": c} for c in standards],
        "/standards/{code}/{breakdown}.csv": [{"code": c, "breakdown": b}
                                              for c in standards[:3] for b in TABLE_BREAKDOWNS],
        "/providers/{code}": [{"code": p} for p in synthetic.PROVIDERS],
        "/commissioners/{code}": [{"code": c} for c in synthetic.COMMISSIONERS],
        "/tumour-groups/{group}": [{"group": g[0]} for g in synthetic.TUMOUR_GROUPS],
        "/api/v1/metrics/{standard}": [{"standard": c} for c in standards[:3]],
        "/operations/packs/view/{provider_code}/{period}":
            [{"provider_code": p, "period": synthetic.MONTHS[-1]} for p in synthetic.PROVIDERS],
        "/operations/trajectories/{org_code}/{measure_code}":
            [{"org_code": "ALLIANCE", "measure_code": "62_DAY"}],
    }
    out = []
    for route in app_routes(app.routes):
        if "GET" not in route.methods or any(
                p.field_info.is_required() for p in route.dependant.query_params):
            continue
        if not route.dependant.path_params:
            out.append(route.path)
        out += [route.path.format(**v) for v in samples.get(route.path, [])]
    for code in ("FDS", "62_DAY"):
        out += [f"/api/v1/metrics/{code}?by={by}" for by in data.BREAKDOWNS]
    return out


@pytest.mark.parametrize("role", ["board", "public"])
def test_no_small_count_in_the_web_stores_outputs(app, clients, charts, role):
    """The same reading over the web tests' store, whose small trust (4 pathways a month)
    puts small counts in every breakdown."""
    defects, seen = [], 0
    for url in web_store_urls(app):
        shown, files = read(clients[role], url, charts)
        seen += len(shown)
        defects += small(shown)
        defects += [f"{url}: formula cell {v!r} in a download" for f in files
                    for v in formula_cells(f)]
    assert seen > (100 if role == "board" else 20), f"only {seen} counts were read"
    assert not defects, "\n".join(defects)


def test_the_web_stores_small_counts_are_there_for_staff(app, clients, charts):
    found = []
    for url in ["/providers/RCC", "/standards/FDS", "/api/v1/metrics/FDS?by=provider"]:
        found += small(read(clients["analyst"], url, charts)[0])
    assert found, "the small trust shows an analyst no count from 1 to 7"


def test_the_sweep_can_find_a_leak(site, charts):
    """An analyst sees exact counts on the same pages, so the store has small counts and
    the reader finds them."""
    c = site.client("analyst")
    found = []
    for url in ["/", "/outcomes", "/operations/governance", "/api/v1/metrics/FDS?by=month"]:
        shown, _ = read(c, url, charts)
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


def _web_by_provider(client, code: str, period: str) -> dict[str, tuple[str, str, str]]:
    """The standard page's provider table as shown: code -> (total, within, performance),
    columns found by their keys (``data-col``)."""
    soup = BeautifulSoup(client.get(f"/standards/{code}?period={period}").text, "html.parser")
    for table in soup.select("table"):
        heads = [th.get("data-col") for th in table.select("thead th")]
        if not heads or heads[0] != "provider_code":
            continue
        out = {}
        for tr in table.select("tbody tr"):
            cells = [c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
            row = dict(zip(heads, cells, strict=True))
            shown_as = row["provider_code"]  # "Name (CODE)", or the code itself
            org = re.search(r"\(([^()]+)\)$", shown_as)
            out[org.group(1) if org else shown_as] = (row["total"], row["within"],
                                                       row["performance"])
        return out
    raise AssertionError(f"no provider table on /standards/{code}")


def _pdf_text(pack: dict, tmp_path) -> str:
    path = tmp_path / "board.pdf"
    path.write_bytes(render.render_pdf(render.render_html(pack)))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


def test_a_board_figure_is_the_same_on_the_web_in_the_pdf_and_in_the_api(site, tmp_path):
    """Issue 13 item 4: the same figure, role and month look the same everywhere. For each
    standard of the board pack, each provider's patients, within and performance as the
    board sees them on the standard's page, in the board pack's PDF and in the API (the
    API's numbers written with the same ``labels`` the pages and packs use)."""
    board, period = site.client("board"), site.period
    cur = site.con.cursor()
    try:
        pack = packs.board_pack(cur, period)
        names = packs.org_names(cur)
    finally:
        cur.close()
    pdf = _pdf_text(pack, tmp_path)
    compared = withheld = 0
    for section in pack["by_provider"]:
        code = section["code"]
        web = _web_by_provider(board, code, period)
        api = board.get(f"/api/v1/metrics/{code}?by=provider&period={period}").json()
        assert api["period"] == period
        for row in api["rows"]:
            provider = row["provider_code"]
            shown = (labels.count(row["total"]), labels.count(row["within"]),
                     labels.percent(row["performance"]))
            name = provider if provider == "Total" else f"{names[provider]} ({provider})"
            assert web[provider] == shown, (code, provider, web[provider], shown)
            assert f"{name} {' '.join(shown)}" in pdf, (code, provider, shown)
            mine = next(r for r in section["rows"] if r["provider_code"] == provider)
            assert (labels.count(mine["total"]), labels.count(mine["within"]),
                    labels.percent(mine["performance"])) == shown
            compared += 1
            withheld += row["performance"] is None
    assert compared >= 6 and withheld, "no provider figure, or none withheld, compared"


def test_verdicts_are_the_same_for_the_board_as_for_an_analyst(site):
    """Issue 13 item 4: SPC variation and assurance are judged on the true values, so the
    board and an analyst see the same verdicts on the headline table (the figure itself
    may be withheld for the board)."""

    def headlines(role):
        html = site.client(role).get("/").text
        table = next(t for t in page_tables(html) if t["caption"].startswith("Headline"))
        head = table["head"]
        return {r[0]: {h: v for h, v in zip(head, r, strict=True)
                       if h.startswith(("Variation", "Assurance"))} for r in table["rows"]}

    board, analyst = headlines("board"), headlines("analyst")
    assert board and board == analyst
