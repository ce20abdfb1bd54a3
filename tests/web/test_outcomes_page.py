"""The outcomes page: every measure kind drawn in its own columns, the months it pools said.

Regression tests for issue 16: "Urgent referrals" and "One-year survival" showed "No rows."
(their tables have no numerator column), the stratified follow-up mix showed 33.3% for
every trust (the strata's rows summed by provider, so each provider's assignments were
counted once per stratum), and a span of months was pooled without saying so. They read
the demo alliance (referrals, deaths and follow-up assignments are all in it).
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from cancer_alliance.auth import users
from cancer_alliance.auth.model import Actor
from cancer_alliance.metrics import measures
from cancer_alliance.store import connect
from cancer_alliance.web.app import create_app
from cancer_alliance.web.settings import WebSettings
from cancer_alliance.web.views import outcomes

from .conftest import PASSWORD, SECRET, login

SPAN = ("quarter", "2024-03")  # the quarter January to March 2024
RANGE = "2024-01..2024-03"


@pytest.fixture(scope="module")
def demo(ops_store_path, tmp_path_factory):
    """(connection, analyst client, board client) on a copy of the demo alliance."""
    db = tmp_path_factory.mktemp("outcomes") / "alliance.duckdb"
    shutil.copy(ops_store_path, db)
    con = connect(db)
    users.add_user(con, "o-analyst", "analyst", None, PASSWORD)
    users.add_user(con, "o-board", "board", None, PASSWORD)
    app = create_app(WebSettings(db=None, secret=SECRET, secure_cookies=True, oidc=None),
                     con=con)
    clients = []
    for name in ("o-analyst", "o-board"):
        c = TestClient(app, base_url="https://testserver")
        assert login(c, name).status_code == 303
        clients.append(c)
    yield con, *clients
    con.close()


def _page(client) -> BeautifulSoup:
    r = client.get(f"/outcomes?window={SPAN[0]}&period={SPAN[1]}")
    assert r.status_code == 200
    return BeautifulSoup(r.text, "html.parser")


def _table(page: BeautifulSoup, code: str) -> tuple[list[str], dict[str, list]]:
    """(headings, {provider code: cells}) of a measure's table; numbers as data-sort."""
    table = page.select_one(f"#measure-{code} table.data")
    assert table is not None, code
    head = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    rows = {}
    for tr in table.select("tbody tr"):
        cells = tr.select("td")
        assert len(cells) == len(head), f"{code}: {tr.get_text(' ', strip=True)}"
        key = cells[0].get("data-value") or cells[0].get_text(strip=True)
        rows[key] = [float(c["data-sort"]) if c.has_attr("data-sort") else
                     c.get_text(strip=True) for c in cells[1:]]
    return head, rows


def test_urgent_referrals_are_listed_per_provider_as_the_engine_counts_them(demo):
    con, analyst, _ = demo
    engine = measures.compute_measure(con, "URGENT_REFERRALS", by=("provider_code",),
                                      period=RANGE)
    assert engine["referrals"].sum() > 0
    head, rows = _table(_page(analyst), "URGENT_REFERRALS")
    assert head == ["Provider", "Referrals"]
    for r in engine.itertuples():
        assert rows[r.provider_code] == [r.referrals]
    assert rows["Total"] == [engine["referrals"].sum()]


def test_one_year_survival_lists_each_provider_with_its_patients(demo):
    con, analyst, _ = demo
    engine = measures.compute_measure(con, "ONE_YEAR_SURVIVAL_OBSERVED",
                                      by=("provider_code",), period=RANGE)
    assert len(engine) > 0
    head, rows = _table(_page(analyst), "ONE_YEAR_SURVIVAL_OBSERVED")
    assert head[:3] == ["Provider", "Patients diagnosed",
                        "Alive one year after diagnosis (per cent)"]
    for r in engine.itertuples():
        assert rows[r.provider_code][0] == r.n


def test_follow_up_mix_shares_are_of_each_providers_own_assignments(demo):
    con, analyst, _ = demo
    engine = measures.compute_measure(con, "SFU_MIX", by=("provider_code",), period=RANGE)
    assert engine["numerator"].sum() > 0
    head, rows = _table(_page(analyst), "SFU_MIX")
    for provider, part in engine.groupby("provider_code"):
        cells = dict(zip(head[1:], rows[provider], strict=True))
        assert cells["Follow-up assignments in all"] == part["numerator"].sum()
        shares = [v for h, v in cells.items() if h.endswith("per cent")]
        assert sum(shares) == pytest.approx(100.0)
        for r in part.itertuples():  # the engine's own share of the stratum
            assert any(v == pytest.approx(r.value, abs=0.01) for v in shares)
    # not a third each: the demo's providers differ in their mix
    assert len({tuple(v) for k, v in rows.items() if k != "Total"}) > 1


def test_follow_up_mix_worked_by_hand_for_every_role():
    """RA1: 4, 3, 2 assignments of the three strata (9 in all); RA2: 1, 1, 4 (6). Each row
    of the engine's table repeats its provider's total as the denominator."""
    df = pd.DataFrame({
        "provider_code": ["RA1"] * 3 + ["RA2"] * 3,
        "follow_up_stratum": ["PROFESSIONAL_LED", "SHARED_CARE",
                              "SUPPORTED_SELF_MANAGEMENT"] * 2,
        "numerator": [4, 3, 2, 1, 1, 4],
        "denominator": [9, 9, 9, 6, 6, 6],
    })
    _, rows = outcomes.mix_table(Actor(username="a", role="analyst"), df)
    ra1, ra2, total = rows
    assert ra1["n_PROFESSIONAL_LED"] == 4 and ra1["total"] == 9
    assert ra1["pct_PROFESSIONAL_LED"] == pytest.approx(400 / 9)
    assert ra1["pct_SUPPORTED_SELF_MANAGEMENT"] == pytest.approx(200 / 9)
    assert ra2["pct_SUPPORTED_SELF_MANAGEMENT"] == pytest.approx(400 / 6)
    assert total["total"] == 15 and total["pct_PROFESSIONAL_LED"] == pytest.approx(100 / 3)
    # a board member sees these small counts protected, never the exact 1s and 2s
    _, shown = outcomes.mix_table(Actor(username="b", role="board"), df)
    for row in shown:
        for k, v in row.items():
            if k.startswith("n_") or k == "total":
                assert pd.isna(v) or v % 5 == 0, (k, v)  # withheld, or rounded to 5


def test_the_page_says_which_months_its_figures_pool(demo):
    con, analyst, _ = demo
    page = _page(analyst)
    note = page.select_one(".pooled-note").get_text(" ", strip=True)
    assert "pool the 3 months 2024-01 to 2024-03" in note
    # and the figures are those of the whole span, not of its last month
    engine = measures.compute_measure(con, "CONVERSION_RATE", by=("provider_code",),
                                      period=RANGE)
    _, rows = _table(page, "CONVERSION_RATE")
    for r in engine.itertuples():
        assert rows[r.provider_code][:2] == [r.numerator, r.denominator]


def test_one_month_is_named_as_one_month(demo):
    _, analyst, _ = demo
    r = analyst.get("/outcomes?window=month&period=2024-02")
    note = BeautifulSoup(r.text, "html.parser").select_one(".pooled-note")
    assert "count the month 2024-02" in note.get_text(" ", strip=True)


def test_a_board_member_sees_every_measure_protected(demo):
    _, _, board = demo
    page = _page(board)
    for code in ("URGENT_REFERRALS", "SFU_MIX", "ONE_YEAR_SURVIVAL_OBSERVED"):
        head, rows = _table(page, code)
        assert rows, code
        if code == "ONE_YEAR_SURVIVAL_OBSERVED":  # no interval beside a protected count
            assert "Lower 95% limit" not in head


def test_survival_curves_are_named_in_words(demo):
    """The curves' legend names tumour groups as the chooser does (it showed BREAST)."""
    con, analyst, _ = demo
    chart, groups, shown = outcomes.survival_chart(con, Actor("o-analyst", "analyst", None))
    assert chart is not None and shown
    names = [s.name for s in chart.series]
    assert "BREAST" in groups and "Breast" in names
    assert not set(names) & set(groups)
