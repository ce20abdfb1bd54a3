"""A landing page per role, the commissioner's population, and the board's one page whose
executive summary is the board pack's."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from cancer_alliance import metrics
from cancer_alliance.reports import packs
from cancer_alliance.reports.summary import executive_summary

from .conftest import ACCOUNTS, csrf_from, login


@pytest.mark.parametrize("role, where", [
    ("provider", "/providers/RAA"), ("commissioner", "/commissioners/QAA"),
    ("board", "/board"), ("analyst", "/"), ("admin", "/"),
])
def test_each_role_lands_on_its_own_page(app, role, where):
    c = TestClient(app, base_url="https://testserver")
    r = login(c, ACCOUNTS[role][0])
    assert r.status_code == 303 and r.headers["location"] == where
    assert c.get(where).status_code == 200


def test_a_page_asked_for_wins_over_the_landing_page(app):
    c = TestClient(app, base_url="https://testserver")
    token = csrf_from(c.get("/login").text)
    r = c.post("/login", data={"username": "t-provider", "password": "correct-horse-battery",
                               "csrf_token": token, "next": "/standards/FDS"},
               follow_redirects=False)
    assert r.headers["location"] == "/standards/FDS"


def test_the_board_page_says_what_the_board_pack_says(clients, store):
    html = clients["board"].get("/board?window=month&period=2024-06").text
    s = BeautifulSoup(html, "html.parser")
    on_page = [p.get_text() for p in s.select("div.executive-summary p")]
    cur = store.cursor()
    try:
        in_pack = packs.board_pack(cur, "2024-06")["summary"]
    finally:
        cur.close()
    assert on_page == in_pack and len(on_page) >= 4
    assert on_page[0].startswith("In 2024-06")


def test_the_executive_summary_by_hand():
    standards = [
        {"name": "FDS", "performance": 80.04, "threshold": 75.0, "met": True,
         "variation": "common_cause", "assurance": "inconsistent"},
        {"name": "62-day", "performance": None, "threshold": 85.0, "met": None,
         "variation": "special_cause_concern", "assurance": None},
        {"name": "31-day", "error": "no completed pathways in the period"},
    ]
    backlog = {"census": "2024-06-30", "backlog_62": 1234.0, "over_104": None}
    out = executive_summary("2024-06", standards, backlog, {"note": "Figures are final."})
    assert out == [
        "In 2024-06 (Figures are final.), the alliance met 1 of its 1 headline waiting-time "
        "standards that could be judged.",
        "FDS: 80.0% against 75% (met) - common cause variation and the threshold will be "
        "met in some months and missed in others.",
        "62-day: withheld against 85% (not judged) - special cause: a concern.",
        "31-day: not available (no completed pathways in the period).",
        "At the census on 2024-06-30, 1,234 open pathways had waited over 62 days, a "
        "withheld number of of them over 104 days.",
    ]


def test_a_commissioner_sees_its_residents_waiting_and_their_outcomes(clients, store):
    html = clients["commissioner"].get("/commissioners/QAA?window=month&period=2024-06").text
    s = BeautifulSoup(html, "html.parser")
    table = s.select_one("h2#h-pop-backlog").find_next("table")
    total = next(tr for tr in table.select("tbody tr")
                 if tr.select("td")[0].get_text(strip=True) == "Total")
    shown_open = float(total.select("td")[1]["data-sort"])
    cur = store.cursor()
    try:
        ptl = metrics.ptl(cur, date(2024, 6, 30))
        keys = cur.execute("SELECT provider_code, pathway_id, commissioner_code"
                           " FROM pathways").df()
    finally:
        cur.close()
    residents = ptl.drop(columns=["commissioner_code"], errors="ignore").merge(
        keys, on=["provider_code", "pathway_id"])
    assert shown_open == (residents["commissioner_code"] == "QAA").sum() > 0
    assert s.select_one("h2#h-pop-outcomes") is not None
