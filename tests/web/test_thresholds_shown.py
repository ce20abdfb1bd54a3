"""One rule for the threshold of a month, shown beside the figure on the page, in the
definition and in the export (issue 13: the 62-day page judged against 85% while its
definition listed a later interim objective as if current)."""

from __future__ import annotations

import csv
import io

from bs4 import BeautifulSoup


def test_the_62_day_page_says_what_its_month_is_judged_against(clients):
    s = BeautifulSoup(clients["analyst"].get("/standards/62_DAY").text, "html.parser")
    assert "Breakdowns, 2024-06" in s.get_text(" ", strip=True)
    applies = s.select_one("p.applies").get_text(" ", strip=True)
    assert applies == "Judged against the standard 85% (Operational standard)."
    marked = [li.get_text(" ", strip=True) for li in s.select("dl.definition li")
              if li.strong is not None]
    assert marked == ["From 2023-10-01: 85% – Operational standard (what 2024-06 is judged "
                      "against)"]
    rows = list(csv.DictReader(io.StringIO(
        clients["analyst"].get("/standards/62_DAY/provider.csv").text)))
    assert {r["threshold"] for r in rows} == {"85"} and {r["objective"] for r in rows} == {""}
    assert {r["edition"] for r in rows} == {"final"}


def test_the_headline_standard_column_is_the_same_rule(clients):
    s = BeautifulSoup(clients["analyst"].get("/").text, "html.parser")
    row = next(r for r in s.select("table.headline tbody tr") if "62-day" in r.th.text)
    cell = row.select("td")[2]
    assert cell.get_text(strip=True) == "85%"
    assert cell["title"] == "standard 85% (Operational standard)"


def test_the_api_carries_the_edition_and_the_thresholds_of_its_month(clients):
    body = clients["analyst"].get("/api/v1/metrics/62_DAY?by=provider").json()
    assert (body["period"], body["edition"], body["threshold"], body["objective"]) == (
        "2024-06", "final", 85.0, None)
