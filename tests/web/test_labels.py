"""Words for codes and numbers (``cancer_alliance.labels``), by hand-worked cases.

Pages and packs format through the same functions, so these cases hold for both; the
page-level checks (a trust's name in a table, the half-patient note) are at the end.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from cancer_alliance import labels
from cancer_alliance.reports import render
from cancer_alliance.web import filters


@pytest.mark.parametrize(("value", "shown"), [
    (0, "0"), (7, "7"), (1234, "1,234"), (1234567.0, "1,234,567"),
    (108.5, "108.5†"),  # a transfer's half share: one decimal and the mark
    (None, "*"), (float("nan"), "*"), (pd.NA, "*"),
])
def test_counts_have_thousands_separators_and_mark_half_patients(value, shown):
    assert labels.count(value) == shown
    assert filters.num(value) == shown  # the page filter is the same function


@pytest.mark.parametrize(("value", "shown"), [
    (85.04, "85.0%"), (-0.04, "0.0%"), (-0.05000001, "-0.1%"), (None, "–"), (pd.NA, "–"),
])
def test_percentages_never_show_minus_zero(value, shown):
    assert labels.percent(value) == shown


def test_points_and_changes_never_show_minus_zero():
    assert labels.points(-0.04) == "+0.0"
    assert labels.points(-1.26) == "-1.3"
    assert labels.change(-0.04) == "■ +0.0 pts"  # no change at one decimal: the square
    assert labels.change(2.0) == "▲ +2.0 pts"
    assert labels.change(-2.0) == "▼ -2.0 pts"


def test_timestamps_are_uk_time_to_the_minute():
    # 14:03 UTC is 15:03 in British Summer Time, 14:03 in GMT
    assert labels.timestamp(datetime(2026, 7, 5, 14, 3, 7, 123456)) == "5 Jul 2026, 15:03"
    assert labels.timestamp(datetime(2026, 12, 5, 14, 3, 7, tzinfo=UTC)) == "5 Dec 2026, 14:03"
    assert labels.timestamp(pd.Timestamp("2026-12-05 09:03:59.999")) == "5 Dec 2026, 09:03"
    assert labels.timestamp("2026-03-29 01:30:00") == "29 Mar 2026, 02:30"  # BST from 01:00
    assert labels.timestamp(date(2026, 1, 2)) == "2 Jan 2026"
    assert labels.timestamp(None) == ""


def test_codes_become_words():
    assert labels.tumour_group("ACUTE_LEUKAEMIA") == "Haematological - acute leukaemia"
    assert labels.cancer_type("ACUTE_LEUKAEMIA").startswith("Suspected")
    assert labels.standard("62_DAY").startswith("62-day")
    assert labels.status("OFF_TRACK") == "Off track"
    assert labels.step("decision_to_treat") == "Decision to treat"
    assert labels.phase("24_day").startswith("Transfer to treatment")
    assert labels.sentence("SOMETHING_NEW") == "Something new"  # unknown: never raw


def test_organisations_by_name_with_their_code():
    names = {"RA1": "Alpha Trust"}
    assert labels.org("RA1", names) == "Alpha Trust (RA1)"
    assert labels.org("RA1", names, with_code=False) == "Alpha Trust"
    assert labels.org("RZZ", names) == "RZZ"  # no name known: the code, not a blank
    assert labels.org("ALLIANCE", names) == "Alliance"
    assert labels.org(None, names) == "" and labels.org(pd.NA, names) == ""


def test_cells_follow_their_column_key():
    names = {"RA1": "Alpha Trust"}
    assert labels.for_column("provider_code", "RA1", names) == "Alpha Trust (RA1)"
    assert labels.for_column("tumour_group", "LUNG") == "Lung"
    assert labels.for_column("referral_route", "USC") == "Urgent suspected cancer"
    assert labels.for_column("period", "2024-03") == "2024-03"  # not a coded column
    assert labels.for_column("provider_code", "Total", names) == "Total"


def test_half_patients_are_found_only_in_the_count_columns_named():
    rows = [{"total": 10.0, "within": 7.5, "performance": 75.0},
            {"total": 4.0, "within": 4.0, "performance": 100.0}]
    assert labels.has_half(rows, "total", "within")
    assert not labels.has_half(rows, "total")
    assert not labels.has_half([{"performance": 33.3}], "total")
    assert not labels.has_half([{"total": None, "flag": True}], "total", "flag")


def test_packs_use_the_same_words():
    env = render.environment()
    assert env.filters["num"](108.5) == "108.5†"
    assert env.filters["pct"](-0.04) == "0.0%"
    out = env.from_string("{{ 'RA1'|org }} {{ 'OFF_TRACK'|status }}").render(
        org_names={"RA1": "Alpha Trust"})
    assert out == "Alpha Trust (RA1) Off track"


def test_tables_name_trusts_and_keep_the_code_for_scripts(clients):
    from bs4 import BeautifulSoup

    page = BeautifulSoup(clients["analyst"].get("/").text, "html.parser")
    cells = page.select('td[data-value="RAA"]')
    assert cells, "the overview's provider tables carry the code"
    assert all(td.get_text(strip=True) == "Alpha Hospitals NHS Trust (RAA)" for td in cells)
