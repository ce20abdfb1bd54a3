"""Reading the two published CWT layouts (metrics reference §6), from hand-made fixtures.

The fixtures (``fixtures/``, made by ``fixtures/make_fixtures.py``) hold invented figures in
NHS England's layouts: Monthly Combined CSVs with ISO and DD/MM/YYYY periods and both route
casings, and an older CWT-CRS XLSX extract with title rows and old standard names.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from cancer_alliance.published import (
    PublishedFileRejected,
    load_published,
    published_rows,
    read_published,
)
from cancer_alliance.published import vocabulary as vocab
from cancer_alliance.store import connect

FIXTURES = Path(__file__).parent / "fixtures"
CSV_2024 = FIXTURES / "monthly_combined_2024-05.csv"
CSV_2025 = FIXTURES / "monthly_combined_2025-06.csv"
XLSX = FIXTURES / "cwt_crs_data_extract_provider_2019-04.xlsx"


def _one(df, **match):
    sel = df
    for k, v in match.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1, f"{match}: {len(sel)} rows"
    return sel.iloc[0]


def test_monthly_combined_csv_iso_periods_mixed_case_routes():
    layout, df = read_published(CSV_2024)
    assert layout == "monthly_combined_csv"
    assert set(df["period"]) == {"2024-05"}
    assert set(df["standard"]) == {"62_DAY", "FDS", "31_DAY", "2WW_USC"}
    lung = _one(df, org_code="RAA", standard="62_DAY", cancer_type="Lung")
    assert (lung.route_or_stage, lung.modality) == ("USC", "SURGERY")
    assert (lung.total, lung.within, lung.breaches) == (6, 5, 1)
    assert not lung.is_subtotal
    screen = _one(df, org_code="RAA", standard="62_DAY", cancer_type="Breast")
    assert screen.route_or_stage == "SCREEN"
    drug = _one(df, standard="31_DAY", route_or_stage="SUBSEQUENT")
    assert drug.modality == "ANTICANCER_DRUG"


def test_blank_numbers_are_not_published_never_zero():
    _, df = read_published(CSV_2024)
    skin = _one(df, org_code="RBB", cancer_type="Skin")
    assert all(math.isnan(skin[c]) for c in ("total", "within", "breaches"))


def test_subtotals_and_england_total_are_kept_and_flagged():
    _, df = read_published(CSV_2024)
    total = _one(df, org_code="RAA", standard="62_DAY", cancer_type=vocab.ALL)
    assert total.is_subtotal and (total.total, total.within) == (10, 8)
    england = _one(df, org_code=vocab.ENGLAND)
    assert england.is_subtotal and england.total == 1000  # "1,000" read as a number
    # an FDS detail row with a blank modality is detail, not a subtotal
    assert not _one(df, standard="FDS", cancer_type="Lung").is_subtotal
    assert set(df["basis"]) == {"Provider", "Commissioner"}


def test_dd_mm_yyyy_periods_and_upper_case_routes():
    _, df = read_published(CSV_2025)
    assert set(df["period"]) == {"2025-06"}
    assert set(df["route_or_stage"]) == {vocab.ALL, "USC", "SCREEN"}


def test_older_xlsx_extract_with_title_rows_and_old_standard_names():
    layout, df = read_published(XLSX)
    assert layout == "cwt_crs_xlsx"
    assert set(df["basis"]) == {"Provider"}  # from the title row
    assert set(df["standard"]) == {"62_DAY_USC", "62_DAY_SCREENING",
                                   "31_DAY_SUBSEQUENT_SURGERY", "2WW_USC",
                                   "2WW_BREAST_SYMPTOMATIC"}
    row = _one(df, standard="62_DAY_USC", cancer_type="Lung")
    assert (row.period, row.total, row.within, row.breaches) == ("2019-04", 7, 6, 1)
    assert row.source_row == 6  # header on row 4, after three title rows
    screening = _one(df, standard="62_DAY_SCREENING")
    assert screening.total == 3 and math.isnan(screening.within)
    assert _one(df, standard="2WW_BREAST_SYMPTOMATIC").period == "2019-05"  # text period


@pytest.mark.parametrize(("text", "month"), [
    ("2024-05-01", "2024-05"), ("01/06/2025", "2025-06"), ("2024-05", "2024-05"),
    ("APR-2019", "2019-04"), ("April 2019", "2019-04"), ("Apr-19", "2019-04"),
    ("31/13/2024", None), ("soon", None),
])
def test_period_forms(text, month):
    assert vocab.period(text) == month


def test_a_bad_count_names_file_row_column_value_and_rule(tmp_path):
    bad = tmp_path / "bad.csv"
    text = CSV_2025.read_text().splitlines()
    text[2] = text[2].replace(",3,3,0,", ",3,three,0,", 1)
    bad.write_text("\n".join(text) + "\n")
    with pytest.raises(PublishedFileRejected) as err:
        read_published(bad)
    msg = str(err.value)
    assert "bad.csv" in msg and "row 3" in msg and "Within" in msg and "'three'" in msg
    assert "rule: count" in msg


def test_unknown_standard_is_refused_with_its_words(tmp_path):
    bad = tmp_path / "odd.csv"
    bad.write_text(CSV_2025.read_text().replace(",FDS,", ",Cancer Mystery Wait,"))
    with pytest.raises(PublishedFileRejected, match="Cancer Mystery Wait.*rule: standard"):
        read_published(bad)


def test_load_replaces_a_file_of_the_same_name_and_refusal_changes_nothing(tmp_path):
    con = connect(tmp_path / "t.duckdb")
    first = load_published(con, CSV_2024)
    assert first["rows_loaded"] == 14 and first["not_published_cells"] == 3
    load_published(con, CSV_2024)
    assert len(published_rows(con)) == 14  # not 28
    bad = tmp_path / CSV_2024.name
    bad.write_text(CSV_2024.read_text().replace(",10,8,2,", ",10,x,2,"))
    with pytest.raises(PublishedFileRejected):
        load_published(con, bad)
    assert len(published_rows(con)) == 14
