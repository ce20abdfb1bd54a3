"""Every table as CSV and Excel: the screen's columns and rows, the screen's protection,
never a formula."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from bs4 import BeautifulSoup

from cancer_alliance.web import downloads

PAGES = ("/?window=quarter&period=2024-06", "/providers/RAA?window=month&period=2024-06",
         "/tumour-groups/LUNG?window=fytd&period=2024-06",
         "/equity?window=rolling12&period=2024-06", "/outcomes?window=month&period=2024-06",
         "/commissioners/QAA?window=month&period=2024-06")


def _screen(html: str) -> list[tuple[str, list[str], list[list], str, str]]:
    """(caption, headings, rows as cells, csv link, xlsx link) of each downloadable table."""
    s = BeautifulSoup(html, "html.parser")
    for svg in s.select("table.data svg"):  # icons and sparklines: drawings, not figures
        svg.decompose()
    out = []
    for table in s.select("table.data"):
        cap = table.select_one("caption")
        wrap = table.find_parent("div", class_="table-wrap")
        links = wrap.find_next_sibling() if wrap is not None else None
        if cap is None or links is None or "table-download" not in links.get("class", []):
            continue  # a chart's own data table, not one of the page's tables
        head = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        rows = []
        for tr in table.select("tbody tr"):
            cells = tr.select("td, th")
            if len(cells) != len(head):
                continue  # "No rows."
            rows.append([float(c["data-sort"]) if c.has_attr("data-sort")
                         else " ".join(c.get_text(" ", strip=True).split()) for c in cells])
        hrefs = [a["href"] for a in links.select("a")]
        out.append((" ".join(cap.get_text().split()), head, rows, hrefs[0], hrefs[1]))
    return out


def _csv_value(text: str):
    try:
        return float(text)
    except ValueError:
        return text


@pytest.mark.parametrize("role", ["analyst", "board", "provider"])
@pytest.mark.parametrize("path", PAGES)
def test_each_table_downloads_as_it_is_shown(clients, role, path):
    page = clients[role].get(path)
    assert page.status_code == 200
    tables = _screen(page.text)
    assert tables, "every figure page offers its tables"
    for caption, head, rows, csv_link, xlsx_link in tables:
        r = clients[role].get(csv_link)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        got = list(csv.reader(io.StringIO(r.text)))
        assert got[0] == head, caption
        assert [[_csv_value(v) for v in row] for row in got[1:]] == [
            [_csv_value(str(v)) if isinstance(v, str) else v for v in row] for row in rows
        ], caption
        x = clients[role].get(xlsx_link)
        assert x.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(x.content)).active
        values = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
        assert values[0] == head
        # Excel keeps 15 significant digits
        assert [[v if v is not None else "" for v in r] for r in values[1:]] == [
            [pytest.approx(v, rel=1e-12) if isinstance(v, float) else v for v in row]
            for row in rows], caption


def test_a_protected_cell_stays_protected(clients):
    """The board's RCC (4 patients a month) is withheld on screen and in the download."""
    html = clients["board"].get("/tumour-groups/LUNG?window=month&period=2024-06").text
    found = [t for t in _screen(html) if any("*" in map(str, r) for r in t[2])]
    assert found, "the small trust is withheld for the board"
    caption, head, rows, link, _ = found[0]
    text = clients["board"].get(link).text
    assert "*" in text
    analyst = clients["analyst"].get(link).text
    assert analyst != text  # the analyst's download has the counts the board's withholds


def test_formulas_never_run():
    html = ('<table class="data"><caption>T</caption><thead><tr><th>Name</th><th>N</th>'
            '</tr></thead><tbody><tr><td>=HYPERLINK("http://x","y")</td>'
            '<td data-sort="-3">-3</td></tr></tbody></table>')
    r = downloads.table_response(html, "csv", "T")
    assert r.body.decode().splitlines()[1] == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-3.0"
    x = downloads.table_response(html, "xlsx", "T")
    with zipfile.ZipFile(io.BytesIO(x.body)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere
    cell = openpyxl.load_workbook(io.BytesIO(x.body)).active["A4"].value
    assert cell.startswith("'=HYPERLINK")


def test_unknown_tables_and_formats_are_refused(clients):
    c = clients["analyst"]
    assert c.get("/equity?download=csv&table=nope").status_code == 404
    assert c.get("/equity?download=exe&table=x").status_code == 400
    assert c.get("/equity?download=csv").status_code == 400
