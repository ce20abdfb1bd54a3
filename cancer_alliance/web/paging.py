"""Long lists a page at a time: which rows page ``n`` holds and the links either side.

A list of hundreds of rows (every submission, the pathways behind a figure) is shown
``size`` rows at a time; the links keep the page's other query values, so filters and the
chosen period survive paging. A page number past the end shows the last page.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd
from fastapi import HTTPException, Request

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    """Page ``number`` (from 1) of ``total`` rows, ``size`` a page, and its rows."""

    number: int
    size: int
    total: int
    rows: list[dict]
    base: str = ""  # the page's path and other query values, for the links

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first_row(self) -> int:
        return 0 if self.total == 0 else (self.number - 1) * self.size + 1

    @property
    def last_row(self) -> int:
        return min(self.number * self.size, self.total)

    def href(self, number: int) -> str | None:
        if not 1 <= number <= self.pages or number == self.number:
            return None
        sep = "&" if "?" in self.base else "?"
        return f"{self.base}{sep}page={number}"


def page_number(value: str | None) -> int:
    """The ``page`` query value as a page number (400 for anything but 1 to 99999)."""
    if value is None or value == "":
        return 1
    if not value.isdigit() or not 1 <= int(value) <= 99_999:
        raise HTTPException(400, "The page must be a whole number from 1.")
    return int(value)


def paginate(df: pd.DataFrame, request: Request, keep: tuple[str, ...] = (),
             size: int = PAGE_SIZE) -> Page:
    """The request's page of ``df`` (its ``page`` query value; past the end: the last).

    ``keep`` names the query values the links carry on: only values the page has already
    checked, so nothing typed into a URL is echoed back unchecked."""
    total = len(df)
    pages = max(1, -(-total // size))
    number = min(page_number(request.query_params.get("page")), pages)
    kept = [(k, v) for k, v in request.query_params.multi_items() if k in keep]
    base = request.url.path + (f"?{urlencode(kept)}" if kept else "")
    part = df.iloc[(number - 1) * size: number * size]
    return Page(number, size, total, part.to_dict("records"), base)
