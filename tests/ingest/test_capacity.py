"""The capacity dataset: every rule with a hand-written failing row and its exact message,
resubmission and superseded versions, atomicity, and the generated reference page.

The valid rows are for provider RAA, period 2024-05. Each case changes one cell so one rule
breaks (a malformed provider code also breaks wrong_provider, as in pathway files); the test
asserts the whole rejection record.
"""

from __future__ import annotations

import pytest

from cancer_alliance.dataset.capacity import CAPACITY_RULE_CODES, CAPACITY_TABLES
from cancer_alliance.dataset.capacity_docs import DEFAULT_OUT, render
from cancer_alliance.errors import SubmissionRejected
from cancer_alliance.ingest.capacity import ingest_capacity

from . import hostile_files as hf
from .ingest_helpers import csv_bytes

CT = {"provider_code": "RAA", "period": "2024-05", "resource": "CT", "capacity": "1200",
      "activity": "1150", "cancer_activity": "300"}
RAD = {"provider_code": "RAA", "period": "2024-05", "staff_group": "RADIOLOGIST",
       "in_post_wte": "12.5", "vacancy_wte": "2", "agency_wte": "1.2"}
C = "capacity.csv row 2"
W = "workforce.csv row 2"


def ingest(store, files, *, period="2024-05", provider="RAA"):
    encoded = {n: csv_bytes(v) if isinstance(v, list) else v for n, v in files.items()}
    return ingest_capacity(store.con, files=encoded, provider=provider, period=period,
                           archive_dir=store.archive)


def rejections(store):
    return store.rows('SELECT file, "row", "column", value, rule, message FROM '
                      'capacity_rejections ORDER BY submission_id, file, "row", "column", rule')


CASES = [
    ("required", "capacity.csv", {"resource": ""}, "resource", None, "required",
     f'{C}, column resource, value "": a required value is blank (rule required)'),
    ("invalid_ods", "capacity.csv", {"provider_code": "R-A"}, "provider_code", "R-A",
     "invalid_ods", f'{C}, column provider_code, value "R-A": not an ODS code of 3 or 5 '
     "letters or digits (rule invalid_ods)"),
    ("invalid_code", "capacity.csv", {"resource": "PET"}, "resource", "PET", "invalid_code",
     f'{C}, column resource, value "PET": not one of the allowed codes: allowed codes are CT, '
     "MRI, NOUS, COLONOSCOPY, FLEXI_SIGMOIDOSCOPY, GASTROSCOPY, PATHOLOGY, SURGERY, SACT, "
     "RADIOTHERAPY (rule invalid_code)"),
    ("invalid_month", "capacity.csv", {"period": "2024-5"}, "period", "2024-5", "invalid_month",
     f'{C}, column period, value "2024-5": not a month written YYYY-MM (rule invalid_month)'),
    ("invalid_month_13", "workforce.csv", {"period": "2024-13"}, "period", "2024-13",
     "invalid_month",
     f'{W}, column period, value "2024-13": not a month written YYYY-MM (rule invalid_month)'),
    ("wrong_period", "capacity.csv", {"period": "2024-04"}, "period", "2024-04",
     "wrong_period", f'{C}, column period, value "2024-04": the row\'s month is not the '
     "submission's month: this submission is for 2024-05 (rule wrong_period)"),
    ("wrong_provider", "workforce.csv", {"provider_code": "RBB"}, "provider_code", "RBB",
     "wrong_provider", f'{W}, column provider_code, value "RBB": provider_code is not the '
     "submitting provider: this submission is for provider RAA (rule wrong_provider)"),
    ("invalid_integer", "capacity.csv", {"capacity": "1,200"}, "capacity", "1,200",
     "invalid_integer",
     f'{C}, column capacity, value "1,200": not a whole number (rule invalid_integer)'),
    ("below_minimum", "capacity.csv", {"activity": "-5", "cancer_activity": ""}, "activity",
     "-5", "below_minimum", f'{C}, column activity, value "-5": a number below the allowed '
     "minimum: the minimum is 0 (rule below_minimum)"),
    ("invalid_number", "workforce.csv", {"in_post_wte": "12.5 WTE"}, "in_post_wte",
     "12.5 WTE", "invalid_number", f'{W}, column in_post_wte, value "12.5 WTE": not a number '
     "(rule invalid_number)"),
    ("below_minimum_decimal", "workforce.csv", {"vacancy_wte": "-0.5"}, "vacancy_wte", "-0.5",
     "below_minimum", f'{W}, column vacancy_wte, value "-0.5": a number below the allowed '
     "minimum: the minimum is 0 (rule below_minimum)"),
    ("part_exceeds_total", "capacity.csv", {"cancer_activity": "1151"}, "cancer_activity",
     "1151", "part_exceeds_total", f'{C}, column cancer_activity, value "1151": a part is '
     "larger than the total it is part of: activity is 1150 (rule part_exceeds_total)"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_rule(store, case):
    _, file, changes, column, value, rule, message = case
    row = dict(CT if file == "capacity.csv" else RAD, **changes)
    result = ingest(store, {file: [row]})
    assert (result.rows_read, result.accepted, result.rejected) == (1, 0, 1)
    expected = [(file, 2, column, value, rule, message)]
    if rule == "invalid_ods":  # a malformed provider code is also not the submitting one
        expected.append((file, 2, column, value, "wrong_provider",
                         f'{C}, column provider_code, value "R-A": provider_code is not the '
                         "submitting provider: this submission is for provider RAA "
                         "(rule wrong_provider)"))
    assert rejections(store) == expected
    assert store.rows(f"SELECT count(*) FROM {file.removesuffix('.csv')}") == [(0,)]


def test_duplicate_key_rejects_every_copy(store):
    result = ingest(store, {"capacity.csv": [CT, dict(CT, capacity="1300"),
                                             dict(CT, resource="MRI")]})
    assert (result.accepted, result.rejected) == (1, 2)
    assert [r[1:5] for r in rejections(store)] == [
        (2, "resource", "CT", "duplicate_key"), (3, "resource", "CT", "duplicate_key")]
    assert rejections(store)[0][5].endswith(
        "the same key appears more than once in the file: key (provider_code, period, "
        "resource) repeated in the file (rule duplicate_key)")


def test_every_rule_of_the_dataset_has_a_case_or_a_test_here():
    tested = {c[5] for c in CASES} | {"duplicate_key", "formula_without_value"}
    assert tested == set(CAPACITY_RULE_CODES)


def test_good_files_load_typed(store):
    result = ingest(store, {"capacity.csv": [CT, dict(CT, resource="SACT", capacity="400",
                                                      activity="380", cancer_activity="")],
                            "workforce.csv": [RAD, dict(RAD, staff_group="ONCOLOGIST",
                                                        in_post_wte="8", vacancy_wte="0",
                                                        agency_wte="")]})
    assert (result.rows_read, result.accepted, result.rejected) == (4, 4, 0)
    assert store.rows("SELECT provider_code, period, resource, capacity, activity, "
                      "cancer_activity FROM capacity ORDER BY resource") == [
        ("RAA", "2024-05", "CT", 1200, 1150, 300), ("RAA", "2024-05", "SACT", 400, 380, None)]
    assert store.rows("SELECT staff_group, in_post_wte, vacancy_wte, agency_wte FROM workforce "
                      "ORDER BY staff_group") == [("ONCOLOGIST", 8.0, 0.0, None),
                                                  ("RADIOLOGIST", 12.5, 2.0, 1.2)]
    # bookkept apart from pathway submissions: the reporting calendar never sees it
    assert store.rows("SELECT count(*) FROM submissions") == [(0,)]
    assert store.rows("SELECT submission_id, provider_code, period, rows_read, accepted "
                      "FROM capacity_submissions") == [
        (result.submission_id, "RAA", "2024-05", 4, 4)]
    assert (store.archive / str(result.submission_id) / "capacity.csv").exists()


def test_resubmission_replaces_the_month_and_keeps_the_superseded_version(store):
    april = ingest(store, {"capacity.csv": [dict(CT, period="2024-04")]}, period="2024-04")
    first = ingest(store, {"capacity.csv": [CT, dict(CT, resource="MRI")]})
    second = ingest(store, {"capacity.csv": [dict(CT, capacity="1250")]})
    assert store.rows("SELECT period, resource, capacity, submission_id FROM capacity "
                      "ORDER BY period, resource") == [
        ("2024-04", "CT", 1200, april.submission_id),
        ("2024-05", "CT", 1250, second.submission_id),
        ("2024-05", "MRI", 1200, first.submission_id)]
    assert store.rows("SELECT resource, capacity, submission_id FROM capacity_superseded") == [
        ("CT", 1200, first.submission_id)]
    assert store.rows("SELECT count(*) FROM capacity_history") == [(4,)]


def test_rejected_row_does_not_replace_the_stored_one(store):
    ingest(store, {"workforce.csv": [RAD]})
    ingest(store, {"workforce.csv": [dict(RAD, in_post_wte="twelve")]})
    assert store.rows("SELECT in_post_wte FROM workforce") == [(12.5,)]


def test_unreadable_submission_changes_nothing(store):
    ingest(store, {"capacity.csv": [CT]})
    before = store.rows("SELECT * FROM capacity_submissions"), store.rows("SELECT * FROM capacity")
    with pytest.raises(SubmissionRejected, match="required column"):
        ingest(store, {"capacity.csv": [CT], "workforce.csv": b"provider_code,period\n"})
    with pytest.raises(SubmissionRejected, match="none of the dataset's files"):
        ingest(store, {"notes.txt": b"hello"})
    with pytest.raises(SubmissionRejected, match="not a file of the dataset"):
        ingest(store, {"pathways.csv": [CT]})
    after = store.rows("SELECT * FROM capacity_submissions"), store.rows("SELECT * FROM capacity")
    assert after == before


def test_committed_page_is_current_and_complete():
    assert DEFAULT_OUT.read_text(encoding="utf-8") == render(), (
        "docs/reference/capacity-dataset.md is stale: run "
        "python -m cancer_alliance.dataset.capacity_docs")
    page = render()
    for t in CAPACITY_TABLES:
        assert f"## {t.file_name}" in page
        for c in t.columns:
            assert f"| `{c.name}` |" in page
    for code in CAPACITY_RULE_CODES:
        assert f"| `{code}` |" in page


def test_a_workbook_with_both_sheets_loads_and_a_formula_without_value_rejects_its_row(store):
    """Sheets named after the files; a formula whose value was never saved (a program that
    does not calculate wrote it) rejects the row, as in pathway workbooks."""
    header = list(CT)
    good = hf.inline_row(2, list(CT.values()))
    at = header.index("activity") + 1
    mri = dict(CT, resource="MRI")
    before = hf.inline_row(3, list(mri.values())[:at - 1])[len('<row r="3">'):-6]
    after = hf.inline_row(3, list(mri.values())[at:], start=at + 1)[len('<row r="3">'):-6]
    formula = f'<row r="3">{before}<c r="{hf.col(at)}3"><f>SUM(A1:A2)</f></c>{after}</row>'
    book = hf.workbook({
        "capacity": hf.sheet_xml([hf.inline_row(1, header), good, formula]),
        "workforce": hf.sheet_xml([hf.inline_row(1, list(RAD)),
                                   hf.inline_row(2, list(RAD.values()))]),
    })
    result = ingest(store, {"capacity.xlsx": book})
    assert (result.rows_read, result.accepted, result.rejected) == (3, 2, 1)
    # the formula's text also fails the column's format (as a pathway date's does)
    assert [r for r in rejections(store) if r[4] != "invalid_integer"] == [(
        "capacity.xlsx:capacity", 3, "activity", "=SUM(A1:A2)", "formula_without_value",
        'capacity.xlsx:capacity row 3, column activity, value "=SUM(A1:A2)": an .xlsx formula '
        "cell has no saved value (rule formula_without_value)")]
    assert store.rows("SELECT resource FROM capacity") == [("CT",)]
    assert store.rows("SELECT staff_group FROM workforce") == [("RADIOLOGIST",)]
