"""Shipped reference data, its loaders and the ICD-10 to tumour-group map."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from cancer_alliance.dataset.codes import CANCER_TYPE
from cancer_alliance.errors import SubmissionRejected, UsageError
from cancer_alliance.reference import load_reference_data, load_reference_file, tumour_group_for
from cancer_alliance.store import connect


def shipped(name: str) -> list[dict]:
    text = (resources.files("cancer_alliance.reference") / "data" / f"{name}.csv").read_text(
        encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@pytest.fixture
def con(tmp_path):
    c = connect(tmp_path / "r.duckdb")
    yield c
    c.close()


def test_cancer_types_match_the_dataset_code_list_and_rare_flags():
    rows = shipped("cancer_types")
    assert [r["code"] for r in rows] == list(CANCER_TYPE)
    assert {r["code"] for r in rows if r["rare"] == "true"} == {
        "ACUTE_LEUKAEMIA", "TESTICULAR", "CHILDREN"}


def test_rare_and_less_common_groups_are_flagged():
    flags = {r["tumour_group"]: r["rare_less_common"] == "true" for r in shipped("tumour_groups")}
    for group in ("SARCOMA", "BRAIN_CNS", "CHILDREN", "TESTICULAR", "ACUTE_LEUKAEMIA"):
        assert flags[group], group
    for group in ("BREAST", "LUNG", "COLORECTAL", "PROSTATE"):
        assert not flags[group], group


def test_map_refers_only_to_known_groups():
    groups = {r["tumour_group"] for r in shipped("tumour_groups")}
    assert {r["tumour_group"] for r in shipped("icd10_tumour_groups")} <= groups


# Three-character categories that ICD-10 leaves unused within C00-C97.
UNUSED_ICD10 = {"C27", "C28", "C29", "C35", "C36", "C42", "C59", "C87", "C89"}
CATEGORIES = [f"C{n:02d}" for n in range(98) if f"C{n:02d}" not in UNUSED_ICD10]


@pytest.mark.parametrize("code", CATEGORIES + [f"D0{n}" for n in range(10)])
def test_every_malignant_and_in_situ_category_has_a_group(code):
    assert tumour_group_for(code) is not None


@pytest.mark.parametrize(("code", "group"), [
    ("C50.9", "BREAST"), ("c509", "BREAST"), ("C34.1", "LUNG"), ("C18.7", "COLORECTAL"),
    ("C61", "PROSTATE"), ("C62.9", "TESTICULAR"), ("C43.5", "MELANOMA"),
    ("C44.3", "SKIN_NON_MELANOMA"), ("C92.0", "ACUTE_LEUKAEMIA"),
    ("C92.1", "HAEMATOLOGICAL_OTHER"), ("C71.9", "BRAIN_CNS"), ("C49.2", "SARCOMA"),
    ("D05.1", "IN_SITU"), ("X00", None), (None, None), ("", None),
])
def test_longest_prefix_wins(code, group):
    assert tumour_group_for(code) == group


def test_sql_macro_and_view_agree_with_python(con):
    load_reference_data(con)
    codes = [r["icd10_prefix"] + s for r in shipped("icd10_tumour_groups") for s in ("", "9")]
    codes += ["c50.9", "C92.1", "Z99"]
    for code in codes:
        assert con.execute("SELECT tumour_group_for(?)", [code]).fetchall() == [
            (tumour_group_for(code),)], code


def test_loading_shipped_data_is_idempotent(con):
    first = load_reference_data(con)
    second = load_reference_data(con)
    assert first == second
    assert con.execute("SELECT count(*) FROM cancer_types").fetchall() == [(16,)]


GOOD = {
    "alliances": "alliance_code,alliance_name\nQE1,North Alliance\n",
    "organisations": "org_code,org_name,org_type,alliance_code,parent_code,region\n"
                     "RAA,Trust A,PROVIDER,QE1,,North\nQAA,Sub-ICB A,COMMISSIONER,QE1,QE1,North\n",
    "lsoa_imd": "lsoa_code,imd_decile,imd_quintile\nE01000001,1,1\n",
    "populations": "area_code,area_type,year,sex,age_band,population\nQAA,COMMISSIONER,2024,1,"
                   "60-64,1200\n",
}


@pytest.mark.parametrize("kind", list(GOOD))
def test_user_reference_files_load(con, tmp_path, kind):
    f = tmp_path / f"{kind}.csv"
    f.write_text(GOOD[kind], encoding="utf-8")
    n = load_reference_file(con, kind, f)
    assert n == GOOD[kind].count("\n") - 1
    assert con.execute(f"SELECT count(*) FROM {kind}").fetchall() == [(n,)]


@pytest.mark.parametrize(("kind", "text", "message"), [
    ("lsoa_imd", "lsoa_code,imd_decile,imd_quintile\nE01000001,11,5\n",
     'lsoa_imd.csv row 2, column imd_decile, value "11": expected a whole number 1-10'),
    ("organisations", "org_code,org_name,org_type,alliance_code,parent_code,region\n"
                      "R-A,Trust,PROVIDER,,,\n",
     'organisations.csv row 2, column org_code, value "R-A": expected an ODS code of 3 or 5 '
     "letters or digits"),
    ("alliances", "code,name\nQE1,X\n",
     "alliances.csv: missing column(s) alliance_code, alliance_name; a alliances reference "
     "file needs the columns alliance_code, alliance_name"),
])
def test_bad_reference_file_is_rejected_and_changes_nothing(con, tmp_path, kind, text, message):
    good = tmp_path / "good.csv"
    good.write_text(GOOD[kind], encoding="utf-8")
    load_reference_file(con, kind, good)
    before = con.execute(f"SELECT * FROM {kind}").fetchall()
    bad = tmp_path / f"{kind}.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(SubmissionRejected) as info:
        load_reference_file(con, kind, bad)
    assert str(info.value) == message
    assert con.execute(f"SELECT * FROM {kind}").fetchall() == before


def test_unknown_kind(con, tmp_path):
    with pytest.raises(UsageError, match="unknown reference kind"):
        load_reference_file(con, "hospitals", tmp_path / "x.csv")
