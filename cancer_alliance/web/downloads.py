"""Every table on a page as CSV or Excel, in the columns the screen shows.

A page's tables are drawn by ``_table.html`` (and the headline table), each with a caption
and a link ``?download=csv|xlsx&table=<caption>``. :func:`deps.render` then builds the page
exactly as it would show it to this viewer (so with the same protection, scope and audit)
and, instead of sending it, sends that table: the screen's headings as columns, each
number as its exact value (the ``data-sort`` the sorting uses; a withheld count stays
``*``), text as shown. Nothing can be in a download that is not on the screen.

Every text cell passes :func:`cancer_alliance.metrics.output.neutralise` (OWASP CSV
injection); in Excel, text is written as text, never as a formula.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pandas as pd
import xlsxwriter
from fastapi import HTTPException
from fastapi.responses import Response

from cancer_alliance.metrics.output import neutralise

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
MAX_CAPTION = 200


class _Tables(HTMLParser):
    """Tables of class ``data`` in a page: caption, headings and cells (``data-sort``
    value if the cell has one, else its text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._table: dict | None = None
        self._cell: list[str] | None = None
        self._sort: str | None = None
        self._in_caption = False
        self._in_head = False
        self._row: list | None = None
        self._skip = 0  # inside an svg (a sparkline): its text is not a cell's

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "table" and "data" in (a.get("class") or "").split():
            self._table = {"caption": "", "head": [], "rows": []}
        elif self._table is None:
            return
        elif tag == "svg":
            self._skip += 1
        elif tag == "caption":
            self._in_caption = True
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell, self._sort = [], a.get("data-sort")
        elif tag == "img" and self._cell is not None and a.get("alt"):
            self._cell.append(a["alt"])

    def handle_endtag(self, tag: str) -> None:
        if self._table is None:
            return
        if tag == "svg":
            self._skip = max(0, self._skip - 1)
        elif tag == "caption":
            self._in_caption = False
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            text = " ".join("".join(self._cell).split())
            self._row.append(float(self._sort) if self._sort not in (None, "") else text)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._in_head:
                self._table["head"] = [str(c) for c in self._row]
            elif self._row:
                self._table["rows"].append(self._row)
            self._row = None
        elif tag == "table":
            self.tables.append(self._table)
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._table is None or self._skip:
            return
        if self._in_caption:
            self._table["caption"] += data
        elif self._cell is not None:
            self._cell.append(data)


def page_tables(html: str) -> list[dict]:
    """Every data table of a rendered page (caption, head, rows)."""
    parser = _Tables()
    parser.feed(html)
    for t in parser.tables:
        t["caption"] = " ".join(t["caption"].split())
    return parser.tables


def table_frame(html: str, caption: str) -> pd.DataFrame:
    """The table with ``caption`` as a frame with the screen's headings (404: none)."""
    for t in page_tables(html):
        if t["caption"] == caption:
            head = t["head"]
            rows = [r for r in t["rows"] if len(r) == len(head)]  # not "No rows."
            return pd.DataFrame(rows, columns=head)
    raise HTTPException(404, "There is no such table on this page.")


def _filename(caption: str, fmt: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", caption).strip("-").lower()[:80] or "table"
    return f"{slug}.{fmt}"


def table_response(html: str, fmt: str, caption: str | None) -> Response:
    """The page's table ``caption`` as a ``fmt`` (csv or xlsx) attachment."""
    if fmt not in FORMATS:
        raise HTTPException(400, "Downloads are offered as csv or xlsx.")
    if not caption or len(caption) > MAX_CAPTION:
        raise HTTPException(400, "Say which table to download.")
    df = table_frame(html, caption)
    name = _filename(caption, fmt)
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        buf = io.StringIO()
        df.map(neutralise).to_csv(buf, index=False)  # headings may repeat: cell by cell
        return Response(buf.getvalue(), media_type=FORMATS["csv"], headers=headers)
    return Response(excel_bytes(df, caption), media_type=FORMATS["xlsx"], headers=headers)


def excel_bytes(df: pd.DataFrame, title: str) -> bytes:
    """One sheet: the caption, then the table; numbers as numbers, text always as text
    (``write_string``: a cell starting ``=`` is never a formula, and is neutralised too)."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False})
    sheet = book.add_worksheet("Table")
    bold = book.add_format({"bold": True})
    sheet.write_string(0, 0, str(neutralise(title)), bold)
    for j, heading in enumerate(df.columns):
        sheet.write_string(2, j, str(neutralise(heading)), bold)
    for i, row in enumerate(df.itertuples(index=False, name=None), start=3):
        for j, value in enumerate(row):
            if isinstance(value, float):
                sheet.write_number(i, j, value)
            else:
                sheet.write_string(i, j, str(neutralise(value)))
    book.close()
    return buf.getvalue()
