"""The period chooser: a month, quarter, financial year to date or rolling 12 months on
every figure page, kept from page to page, ending only at complete months.

A span's figure is checked against the months it covers, read from the same pages with
the month chosen (an independent path: each month is its own query), so a span that
dropped or double-counted a month fails.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from cancer_alliance.web import selection

from .conftest import login


@pytest.fixture
def analyst(app):
    """A logged-in analyst with cookies of its own (the chooser sets one)."""
    c = TestClient(app, base_url="https://testserver")
    assert login(c, "t-analyst").status_code == 303
    return c


def _total_row(html: str, table: str = "provider") -> tuple[float, float]:
    """(patients, within) of the Total row of a standard page's breakdown table."""
    s = BeautifulSoup(html, "html.parser")
    for tr in s.select_one(f"h3#t-{table}").find_next("table").select("tbody tr"):
        tds = tr.select("td")
        if tds[0].get_text(strip=True) == "Total":
            return float(tds[1]["data-sort"]), float(tds[2]["data-sort"])
    raise AssertionError("no Total row")


def _shown(html: str) -> str:
    return BeautifulSoup(html, "html.parser").select_one("p.period-shown").get_text(" ",
                                                                                   strip=True)


def _month_sums(client, code: str, months: list[str]) -> tuple[float, float]:
    total = within = 0.0
    for m in months:
        t, w = _total_row(client.get(f"/standards/{code}?window=month&period={m}").text)
        total, within = total + t, within + w
    return total, within


@pytest.mark.parametrize("kind, month, span, months", [
    ("quarter", "2024-05", "2024-01 to 2024-03", ["2024-01", "2024-02", "2024-03"]),
    ("quarter", "2024-06", "2024-04 to 2024-06", ["2024-04", "2024-05", "2024-06"]),
    ("fytd", "2024-06", "2024-04 to 2024-06", ["2024-04", "2024-05", "2024-06"]),
    # the data start at 2024-01: the earlier six months of the span have no figures
    ("rolling12", "2024-06", "2023-07 to 2024-06", ["2024-01", "2024-02", "2024-03",
                                                    "2024-04", "2024-05", "2024-06"]),
])
def test_a_span_is_the_sum_of_its_months(analyst, kind, month, span, months):
    html = analyst.get(f"/standards/FDS?window={kind}&period={month}").text
    assert _total_row(html) == _month_sums(analyst, "FDS", months)
    assert span in _shown(html)


def test_the_choice_is_kept_from_page_to_page(analyst):
    r = analyst.get("/?window=quarter&period=2024-06")
    assert r.status_code == 200
    assert analyst.cookies.get(selection.COOKIE) == "quarter:2024-06"
    label = "2024-Q2 (2024-04 to 2024-06)"
    for path in ("/", "/standards/62_DAY", "/providers/RAA", "/commissioners/QAA",
                 "/tumour-groups/LUNG", "/equity", "/outcomes"):
        page = analyst.get(path)
        assert page.status_code == 200, path
        assert label in _shown(page.text), path
    # the chooser on the page shows the choice
    s = BeautifulSoup(analyst.get("/standards/FDS").text, "html.parser")
    assert s.select_one("#sel-window option[selected]")["value"] == "quarter"
    assert s.select_one("#sel-period option[selected]")["value"] == "2024-06"
    # and a page's download covers the span it shows
    links = [a["href"] for a in s.select("a.download")]
    assert "/standards/FDS/provider.csv?window=quarter&period=2024-06" in links


def test_the_headline_follows_the_span(analyst):
    """The overview's FDS row over Q2 2024: the quarter's performance and its change from
    Q1, worked out from the month pages' counts."""
    t2, w2 = _month_sums(analyst, "FDS", ["2024-04", "2024-05", "2024-06"])
    t1, w1 = _month_sums(analyst, "FDS", ["2024-01", "2024-02", "2024-03"])
    s = BeautifulSoup(analyst.get("/?window=quarter&period=2024-06").text, "html.parser")
    row = next(tr for tr in s.select("table.headline tbody tr")
               if tr.select_one("th a")["href"] == "/standards/FDS")
    tds = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert tds[0].startswith("2024-Q2")
    assert tds[1] == f"{w2 / t2 * 100:.1f}%"
    assert tds[5].endswith(f"{(w2 / t2 - w1 / t1) * 100:+.1f} pts")


def test_the_csv_download_says_which_span(analyst):
    r = analyst.get("/standards/FDS/provider.csv?window=fytd&period=2024-06")
    assert r.status_code == 200
    first = r.text.splitlines()[1].split(",")
    assert first[1] == "2024-04..2024-06"
    assert "2024-04-to-2024-06" in r.headers["content-disposition"]


def test_a_bad_span_is_refused_without_echoing_it(analyst):
    r = analyst.get("/?window=<script>&period=2024-06")
    assert r.status_code == 400 and "<script>" not in r.text
    assert analyst.get("/?window=month&period=2024-13").status_code == 400


def test_a_forged_cookie_is_ignored(analyst):
    analyst.cookies.set(selection.COOKIE, "decade:2024-06", domain="testserver")
    assert "2024-06" in _shown(analyst.get("/").text)


# The decision itself, by hand (no store): the calendar's months in, the span out.
COMPLETE = ("2024-01", "2024-02", "2024-03", "2024-04", "2024-05")


def test_default_is_the_latest_complete_month():
    sel = selection.resolve(None, None, "", COMPLETE, ("2024-06",))
    assert (sel.kind, sel.month, sel.range, sel.provisional) == ("month", "2024-05",
                                                                 "2024-05", False)


def test_a_provisional_month_on_its_own_is_marked():
    sel = selection.resolve("month", "2024-06", "", COMPLETE, ("2024-06",))
    assert sel.provisional and sel.range == "2024-06" and not sel.moved
    assert ("2024-06", "2024-06 (provisional)") in sel.choices()


def test_a_longer_span_ends_only_at_a_complete_month():
    sel = selection.resolve("rolling12", "2024-06", "", COMPLETE, ("2024-06",))
    assert sel.moved and sel.last == "2024-05" and not sel.provisional
    assert sel.range == "2023-06..2024-05"


def test_the_cookie_fills_what_the_query_leaves_out():
    sel = selection.resolve(None, None, "fytd:2024-04", COMPLETE)
    assert (sel.kind, sel.month, sel.range) == ("fytd", "2024-04", "2024-04")
    # a remembered month the store no longer has falls back to the latest complete
    sel = selection.resolve(None, None, "quarter:2019-03", COMPLETE)
    assert (sel.kind, sel.month) == ("quarter", "2024-05")
    # the query wins over the cookie
    sel = selection.resolve("month", "2024-02", "fytd:2024-04", COMPLETE)
    assert (sel.kind, sel.range) == ("month", "2024-02")


def test_edition_is_final_only_when_every_month_is():
    sel = selection.resolve("quarter", "2024-03", "", COMPLETE, (), ("2024-01", "2024-02"))
    assert sel.edition == "provisional"
    sel = selection.resolve("quarter", "2024-03", "", COMPLETE, (),
                            ("2024-01", "2024-02", "2024-03"))
    assert sel.edition == "final"
