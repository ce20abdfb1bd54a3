"""Read an output back as its reader sees it and list every count of patients that
small-number protection should have hidden (``stats/suppression.py``: a count above 0 and
below ``SUPPRESS_BELOW`` (7.5) is never shown below national level).

Shared by the web sweep (``tests/web/test_protection_sweep.py``) and the pack test
(``tests/reports/test_pack_protection.py``). What is a count is decided from typed
metadata wherever the output carries it, never from the words of a heading:

* HTML tables: a numeric cell (class ``num`` or ``n``, or a cell with no class holding a
  number and nothing else, so a template that forgets the class is still read) is a count unless its
  column's
  heading names a key (``data-col``, written by ``_table.html`` from the column's key and
  by hand in the other templates) listed in :data:`NOT_PATIENT_COUNTS`; a column without a
  key is a count (fail-safe). Numbers followed by ``%`` (percentages) and month or date
  strings in a cell are not counts. Cells of kind ``pct``/``pts`` are not counts. A count
  cell's ``data-sort`` (the value sorting and the CSV/Excel downloads use) is read too.
* Chart payloads: the :class:`~cancer_alliance.charts.ChartSpec` of every chart drawn (the
  sweep records them as they are rendered). A data series is a count unless the chart's
  unit is ``%`` or the series says it is not one (``Series.not_a_count``); a funnel's x is
  its denominator, a count of patients. Limits and centre lines are statistics.
* JSON and CSV: fields named by :data:`COUNT_FIELDS` (the count columns of
  ``metrics.output``, which the API and the standard downloads share).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bs4 import BeautifulSoup

from cancer_alliance.stats.suppression import SUPPRESS_BELOW

#: Numeric columns that are not counts of patients, by key, and why each may show any value.
NOT_PATIENT_COUNTS: dict[str, str] = {
    "capacity": "tests, procedures or sessions a trust can do (its own return): not patients",
    "activity": "tests or sessions a trust did for all its patients, as it submitted them "
                "(NHS England publishes such activity unprotected): not a count of patients",
    "utilisation": "a ratio of activity to capacity, neither a count of patients",
    "demand_ratio": "a ratio; withheld by stats.protect_ratio where its demand is suppressed",
    "peak_ratio": "a ratio; withheld by stats.protect_ratio where its demand is suppressed",
    "in_post_wte": "whole-time equivalents of staff",
    "vacancy_wte": "whole-time equivalents of staff",
    "agency_wte": "whole-time equivalents of staff",
    "needed_wte": "whole-time equivalents of staff",
    "gap_wte": "whole-time equivalents of staff",
    "trusts_short": "a count of organisations, not of patients",
    "received": "a count of providers that submitted",
    "expected": "a count of providers expected to submit",
    "submissions": "a count of files submitted",
    "mase": "a forecast's error ratio",
    "coverage_80": "a share of months (per cent)",
    "score": "a survey score (0 to 10) or an assessor's score (0 to 5)",
    "national_score": "a survey score (0 to 10)",
    "total_cost": "money",
    "spent": "money",
    "difference": "percentage points",
    "change": "percentage points",
    "days_waited": "days, not patients",
    "days_to_next_step": "days, not patients",
    "days_to_breach": "days, not patients",
    "days": "days, not patients",
    "row": "a row number in a submitted file",
    "months_off_plan": "months named, not counted",
    "group": "a group's name (deprivation quintiles are named 1 to 5)",
    "survey_year": "a year",
    "weight": "a criterion's weight in bid scoring",
    "mean_score": "assessors' mean score",
    "weighted_score": "a bid's weighted score (0 to 5)",
    "rank": "a bid's rank",
    "benefit_per_1000": "a bid's benefit per £1,000 (a ratio)",
    "meeting_id": "a meeting's number",
    "action_id": "an action's number",
    "report_id": "an archived pack's number",
    "records": "records of an operations area (bids, plans), not patients",
}

#: Count fields of the machine-readable outputs (``metrics.output``'s count columns).
COUNT_FIELDS = ("within", "breaches", "total", "numerator", "denominator", "open",
                "backlog_62", "over_104", "pathways")

_BARE = re.compile(r"^\d[\d,]*(?:\.\d+)?½?$")  # a cell that is a number and nothing else
_DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?(?:[ T]\d{2}:\d{2}(?::\d{2})?)?")
_NUMBER = re.compile(r"(?<![\w.£$])(\d[\d,]*(?:\.\d+)?)(?![\d.,]*\s*%)")


@dataclass(frozen=True)
class Shown:
    """A count as its reader sees it: where, which column, the text and its numbers."""

    where: str
    column: str
    text: str
    values: tuple[float, ...]

    @property
    def small(self) -> bool:
        return any(0 < v < SUPPRESS_BELOW for v in self.values)

    def __str__(self) -> str:
        return f"{self.where} [{self.column}] {self.text!r}"


def numbers(text: str) -> tuple[float, ...]:
    """The numbers of a cell that could be counts: not percentages, not months or dates."""
    text = _DATE.sub(" ", text)
    out = []
    for token in _NUMBER.findall(text):
        try:
            out.append(float(token.replace(",", "")))
        except ValueError:
            continue
    return tuple(out)


def _header(table) -> list:
    head = table.find("thead")
    row = head.find("tr") if head else table.find("tr")
    return row.find_all(["th", "td"], recursive=False) if row else []


def table_counts(html: str, where: str = "") -> Iterator[Shown]:
    """Every count cell of every table of ``html`` (chart data tables aside: a chart is
    checked from its spec, :func:`chart_counts`)."""
    soup = BeautifulSoup(html, "html.parser")
    for table in soup.find_all("table"):
        if table.find_parent("figure", class_="chart-figure"):
            continue
        header = _header(table)
        keys = [th.get("data-col") for th in header]
        words = [th.get_text(" ", strip=True) for th in header]
        header_row = header[0].find_parent("tr") if header else None
        for tr in table.find_all("tr"):
            if tr is header_row:
                continue
            for i, cell in enumerate(tr.find_all(["td", "th"], recursive=False)):
                classes = set(cell.get("class") or [])
                if cell.name != "td" or not (classes & {"num", "n"} or (
                        not classes and _BARE.match(cell.get_text(strip=True)))):
                    continue
                key = keys[i] if i < len(keys) else None
                if key in NOT_PATIENT_COUNTS:
                    continue
                text = cell.get_text(" ", strip=True)
                column = key or (words[i] if i < len(words) else "?")
                values = numbers(text)
                sort = cell.get("data-sort")  # what sorting and downloads use
                if sort not in (None, "") and "pct" not in classes and "pts" not in classes:
                    values += (float(sort),)
                yield Shown(where, column, f"{text} (data-sort {sort})" if sort else text,
                            values)


def chart_counts(specs: Iterable, where: str = "") -> Iterator[Shown]:
    """The counts drawn in charts (see the module docstring)."""
    for spec in specs:
        for s in spec.series:
            if s.role != "data":
                continue
            if spec.kind == "funnel":
                xs = tuple(float(p.x) for p in s.points if p.y is not None)
                yield Shown(where, f"chart {spec.title!r} {s.name} (denominator)",
                            ", ".join(f"{x:g}" for x in xs), xs)
            if spec.unit == "%" or getattr(s, "not_a_count", None):
                continue
            if spec.kind == "funnel":
                continue
            ys = tuple(p.y for p in s.points if p.y is not None)
            yield Shown(where, f"chart {spec.title!r} {s.name}",
                        ", ".join(f"{y:g}" for y in ys), ys)


def _json_rows(value) -> Iterator[dict]:
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from _json_rows(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_rows(v)


def json_counts(text: str, where: str = "") -> Iterator[Shown]:
    """Count fields anywhere in a JSON answer."""
    for row in _json_rows(json.loads(text)):
        for field in COUNT_FIELDS:
            v = row.get(field)
            if isinstance(v, int | float) and not isinstance(v, bool):
                yield Shown(where, field, str(v), (float(v),))


def csv_counts(text: str, where: str = "", columns: Iterable[str] = COUNT_FIELDS
               ) -> Iterator[Shown]:
    """Count columns of a CSV (by its header)."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return
    header = rows[0]
    for j, name in enumerate(header):
        if name not in columns:
            continue
        for r in rows[1:]:
            if j < len(r):
                yield Shown(where, name, r[j], numbers(r[j]))


def small(shown: Iterable[Shown]) -> list[str]:
    """The shown counts protection should have hidden, as readable lines."""
    return [str(s) for s in shown if s.small]
