"""Small-number protection for public and board users on pages, CSVs and the API."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from cancer_alliance.auth.model import Actor
from cancer_alliance.web.protect import for_actor


def _cells(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [td.get_text(strip=True) for td in soup.select("table.data td.num")]


def _small(values) -> list[float]:
    out = []
    for v in values:
        try:
            f = float(str(v).replace(",", ""))
        except ValueError:
            continue
        if 0 < f < 8 or f % 5:
            out.append(f)
    return out


@pytest.mark.parametrize("role, path", [("public", "/public")] + [
    ("board", p) for p in ("/public", "/standards/FDS", "/providers/RCC", "/equity",
                           "/rare-cancers", "/")])
def test_protected_roles_never_see_small_or_unrounded_counts(clients, role, path):
    html = clients[role].get(path).text
    cells = _cells(html)
    assert cells, "no counts on the page"
    assert not _small(cells), f"unprotected counts on {path}: {_small(cells)}"


def test_alliance_staff_see_exact_small_counts(clients):
    # RCC is the small provider: four referrals a month, so exact counts below 8 appear.
    cells = _cells(clients["analyst"].get("/standards/FDS").text)
    assert any(0 < float(c.replace(",", "")) < 8 for c in cells if c not in ("*", ""))


@pytest.mark.parametrize("role", ["public", "board"])
def test_downloads_and_api_are_protected_too(clients, role):
    r = clients[role].get("/standards/FDS/provider.csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and "ci_lower" not in rows[0]
    counts = [row[c] for row in rows for c in ("total", "within", "breaches")]
    assert not _small(counts) and "*" in counts
    api = clients[role].get("/api/v1/metrics/FDS?by=provider").json()
    values = [row[c] for row in api["rows"] for c in ("total", "within")]
    assert not _small(v for v in values if v is not None)


def test_every_breakdown_of_one_cell_agrees_for_the_public(clients):
    """Asking for a breakdown another way cannot reveal a suppressed count: the total row
    of every breakdown is the same protected figure."""
    totals = set()
    for by in ("provider", "commissioner", "route", "tumour_group"):
        rows = list(csv.DictReader(io.StringIO(
            clients["public"].get(f"/standards/FDS/{by}.csv").text)))
        totals.add(next(r["total"] for r in rows if r[next(iter(rows[0]))] == "FDS"
                        and "Total" in r.values()))
    assert len(totals) == 1


def test_for_actor_rounds_and_suppresses_for_protected_roles_only():
    df = pd.DataFrame({"g": ["a", "b", "c"], "within": [3, 40, 12], "total": [5, 52, 13]})
    pub = for_actor(Actor.anonymous(), df, ["within", "total"], ["g"],
                    percentages={"performance": ("within", "total")})
    assert pub.loc[pub.g == "b", "total"].item() == 50
    assert pd.isna(pub.loc[pub.g == "a", "within"].item())
    staff = for_actor(Actor("x", "analyst"), df, ["within", "total"], ["g"],
                      percentages={"performance": ("within", "total")})
    assert staff.loc[staff.g == "a", "within"].item() == 3
    assert staff.loc[staff.g == "b", "performance"].item() == pytest.approx(40 / 52 * 100)
