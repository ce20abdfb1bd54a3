"""Every column of subsequent_treatments.csv, recovery_events.csv and deaths.csv against its
type, code list and requirement, plus the cross-row rules of those files, each with a
hand-written failing row and the exact rejection records.

Each submission carries the valid pathway P1 of provider RAA (period 2024-05, period end
2024-05-31) so that child rows have a pathway to belong to; only the child row is bad.
"""

from __future__ import annotations

import pytest

from cancer_alliance.dataset import TABLES

from .ingest_helpers import VALID_DEATH, VALID_PATHWAY, VALID_RECOVERY, VALID_SUBSEQUENT

SUB = "subsequent_treatments.csv"
REC = "recovery_events.csv"
DEA = "deaths.csv"
VALID = {SUB: VALID_SUBSEQUENT, REC: VALID_RECOVERY, DEA: VALID_DEATH}
MODALITIES = "SURGERY, ANTICANCER_DRUG, RADIOTHERAPY, ACTIVE_MONITORING, PALLIATIVE, OTHER"
NOT_KNOWN = ("the row refers to a pathway the platform does not have: it is in neither "
             "pathways.csv nor an earlier submission of RAA")


def _rejection(file: str, column: str, value: str | None, rule: str, text: str) -> tuple:
    """The stored record of a failure on row 2 of ``file``: text is the message's words."""
    shown = value or ""
    return (file, 2, column, value, rule,
            f'{file} row 2, column {column}, value "{shown}": {text} (rule {rule})')


# (case id, file, changes to its valid row, expected rejections as (column, value, rule, text))
CASES = [
    # subsequent_treatments.csv
    ("sub_provider_required", SUB, {"provider_code": ""},
     [("provider_code", None, "required", "a required value is blank")]),
    ("sub_wrong_provider", SUB, {"provider_code": "RBB"},
     [("pathway_id", "P1", "unknown_pathway", NOT_KNOWN),
      ("provider_code", "RBB", "wrong_provider", "provider_code is not the submitting "
       "provider: this submission is for provider RAA")]),
    ("sub_pathway_required", SUB, {"pathway_id": ""},
     [("pathway_id", None, "required", "a required value is blank")]),
    ("sub_number_required", SUB, {"treatment_number": ""},
     [("treatment_number", None, "required", "a required value is blank")]),
    ("sub_number_integer", SUB, {"treatment_number": "two"},
     [("treatment_number", "two", "invalid_integer", "not a whole number")]),
    ("sub_number_minimum", SUB, {"treatment_number": "1"},
     [("treatment_number", "1", "below_minimum",
       "a number below the allowed minimum: the minimum is 2")]),
    ("sub_dtt_required", SUB, {"decision_to_treat_date": ""},
     [("decision_to_treat_date", None, "required", "a required value is blank")]),
    ("sub_dtt_date", SUB, {"decision_to_treat_date": "2024-13-01"},
     [("decision_to_treat_date", "2024-13-01", "invalid_date",
       "not a real date written YYYY-MM-DD")]),
    ("sub_dtt_after_period", SUB, {"decision_to_treat_date": "2024-06-01", "treatment_date": ""},
     [("decision_to_treat_date", "2024-06-01", "date_after_period_end",
       "a date is after the end of the submission's period: the period ends 2024-05-31")]),
    ("sub_treatment_date", SUB, {"treatment_date": "10/05/2024"},
     [("treatment_date", "10/05/2024", "invalid_date", "not a real date written YYYY-MM-DD")]),
    ("sub_treatment_after_period", SUB, {"treatment_date": "2024-06-02"},
     [("treatment_date", "2024-06-02", "date_after_period_end",
       "a date is after the end of the submission's period: the period ends 2024-05-31")]),
    ("sub_provider_of_treatment_required", SUB, {"treatment_provider_code": ""},
     [("treatment_provider_code", None, "required", "a required value is blank")]),
    ("sub_provider_of_treatment_ods", SUB, {"treatment_provider_code": "RAA-1"},
     [("treatment_provider_code", "RAA-1", "invalid_ods",
       "not an ODS code of 3 or 5 letters or digits")]),
    ("sub_modality_required", SUB, {"modality": ""},
     [("modality", None, "required", "a required value is blank")]),
    ("sub_modality_code", SUB, {"modality": "CHEMO"},
     [("modality", "CHEMO", "invalid_code",
       f"not one of the allowed codes: allowed codes are {MODALITIES}")]),
    ("sub_adjustment_integer", SUB, {"adjustment_days": "x"},
     [("adjustment_days", "x", "invalid_integer", "not a whole number")]),
    ("sub_adjustment_minimum", SUB, {"adjustment_days": "-2"},
     [("adjustment_days", "-2", "below_minimum",
       "a number below the allowed minimum: the minimum is 0")]),
    ("sub_unknown_pathway", SUB, {"pathway_id": "NOPE"},
     [("pathway_id", "NOPE", "unknown_pathway", NOT_KNOWN)]),
    # recovery_events.csv
    ("rec_provider_ods", REC, {"provider_code": "R_A"},
     [("pathway_id", "P1", "unknown_pathway", NOT_KNOWN),
      ("provider_code", "R_A", "invalid_ods", "not an ODS code of 3 or 5 letters or digits"),
      ("provider_code", "R_A", "wrong_provider", "provider_code is not the submitting "
       "provider: this submission is for provider RAA")]),
    ("rec_event_required", REC, {"event": ""},
     [("event", None, "required", "a required value is blank")]),
    ("rec_event_code", REC, {"event": "hna"},
     [("event", "hna", "invalid_code", "not one of the allowed codes: allowed codes are HNA, "
       "CARE_PLAN, TREATMENT_SUMMARY, CANCER_CARE_REVIEW, SFU_ASSIGNED")]),
    ("rec_date_required", REC, {"event_date": ""},
     [("event_date", None, "required", "a required value is blank")]),
    ("rec_date", REC, {"event_date": "02/05/2024"},
     [("event_date", "02/05/2024", "invalid_date", "not a real date written YYYY-MM-DD")]),
    ("rec_date_after_period", REC, {"event_date": "2024-06-01"},
     [("event_date", "2024-06-01", "date_after_period_end",
       "a date is after the end of the submission's period: the period ends 2024-05-31")]),
    ("rec_stratum_code", REC, {"event": "SFU_ASSIGNED", "follow_up_stratum": "SELF"},
     [("follow_up_stratum", "SELF", "invalid_code", "not one of the allowed codes: allowed "
       "codes are SUPPORTED_SELF_MANAGEMENT, SHARED_CARE, PROFESSIONAL_LED")]),
    ("rec_stratum_required", REC, {"event": "SFU_ASSIGNED", "follow_up_stratum": ""},
     [("follow_up_stratum", None, "required_when",
       "a value required in this situation is blank: required for SFU_ASSIGNED")]),
    ("rec_pathway_too_long", REC, {"pathway_id": "Y" * 41},
     [("pathway_id", "Y" * 41, "too_long", "longer than allowed: at most 40 characters"),
      ("pathway_id", "Y" * 41, "unknown_pathway", NOT_KNOWN)]),
    ("rec_unknown_pathway", REC, {"pathway_id": "NOPE"},
     [("pathway_id", "NOPE", "unknown_pathway", NOT_KNOWN)]),
    # deaths.csv
    ("death_nhs_required", DEA, {"nhs_number": ""},
     [("nhs_number", None, "required", "a required value is blank")]),
    ("death_nhs_format", DEA, {"nhs_number": "943 476 5919"},
     [("nhs_number", "943 476 5919", "invalid_nhs_number", "not a 10-digit NHS number")]),
    ("death_nhs_check_digit", DEA, {"nhs_number": "9434765911"},
     [("nhs_number", "9434765911", "nhs_number_check_digit",
       "the NHS number's check digit is wrong")]),
    ("death_date_required", DEA, {"date_of_death": ""},
     [("date_of_death", None, "required", "a required value is blank")]),
    ("death_date", DEA, {"date_of_death": "2024-5-20"},
     [("date_of_death", "2024-5-20", "invalid_date", "not a real date written YYYY-MM-DD")]),
]


@pytest.mark.parametrize(("file", "changes", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_child_file_rule(store, file, changes, expected):
    bad = dict(VALID[file], **changes)
    result = store.ingest({"pathways.csv": [VALID_PATHWAY], file: [bad]})
    assert (result.rows_read, result.accepted, result.rejected) == (2, 1, 1)
    assert store.rejections() == sorted(_rejection(file, *e) for e in expected)
    assert store.rows(f"SELECT count(*) FROM {file.removesuffix('.csv')}") == [(0,)]


def test_every_column_of_the_child_files_is_tested():
    """Each column of the three optional files has at least one hand-written failing case."""
    tested = {(c[1], e[0]) for c in CASES for e in c[3]}
    for t in TABLES[1:]:
        for col in t.column_names:
            assert (t.file_name, col) in tested, (t.file_name, col)


@pytest.mark.parametrize(("file", "key"), [
    (SUB, "(provider_code, pathway_id, treatment_number)"),
    (REC, "(provider_code, pathway_id, event, event_date)"),
    (DEA, "(nhs_number)"),
])
def test_duplicate_key_in_child_files(store, file, key):
    row = VALID[file]
    result = store.ingest({"pathways.csv": [VALID_PATHWAY], file: [row, row]})
    assert (result.accepted, result.rejected) == (1, 2)
    column = key.strip("()").split(", ")[-1]
    value = row[column]
    text = f"the same key appears more than once in the file: key {key} repeated in the file"
    assert store.rejections() == [
        (file, n, column, value, "duplicate_key",
         f'{file} row {n}, column {column}, value "{value}": {text} (rule duplicate_key)')
        for n in (2, 3)
    ]


def test_blank_adjustment_days_default_to_zero(store):
    row = dict(VALID_SUBSEQUENT, adjustment_days="")
    result = store.ingest({"pathways.csv": [VALID_PATHWAY], SUB: [row]})
    assert result.rejected == 0
    assert store.rows("SELECT adjustment_days FROM subsequent_treatments") == [(0,)]


@pytest.mark.parametrize("file", [SUB, REC])
def test_child_of_a_pathway_rejected_in_this_submission_says_so(store, file):
    """The pathway was sent, but its row was rejected: the child row points at that row."""
    result = store.ingest({"pathways.csv": [dict(VALID_PATHWAY, sex="M")], file: [VALID[file]]})
    assert (result.accepted, result.rejected) == (0, 2)
    child = [r for r in store.rejections() if r[0] == file]
    assert child == [_rejection(file, "pathway_id", "P1", "unknown_pathway",
                                "the row refers to a pathway the platform does not have: its "
                                "row in pathways.csv was rejected; correct that row")]


@pytest.mark.parametrize("file", [SUB, REC])
def test_child_of_a_pathway_stored_earlier_is_accepted_even_if_resent_badly(store, file):
    store.ingest({"pathways.csv": [VALID_PATHWAY]})
    result = store.ingest({"pathways.csv": [dict(VALID_PATHWAY, sex="M")], file: [VALID[file]]})
    assert (result.accepted, result.rejected) == (1, 1)
    assert [r[0] for r in store.rejections()] == ["pathways.csv"]


@pytest.mark.parametrize("file", [SUB, REC])
def test_child_of_another_providers_pathway_is_unknown(store, file):
    """A pathway is keyed by provider: RBB's P1 does not make RAA's child row known."""
    rbb = dict(VALID_PATHWAY, provider_code="RBB")
    store.ingest({"pathways.csv": [rbb]}, provider="RBB")
    other = dict(VALID_PATHWAY, pathway_id="P2", nhs_number="9434765870")
    result = store.ingest({"pathways.csv": [other], file: [VALID[file]]})
    assert result.rejected == 1
    assert store.rejections() == [_rejection(file, "pathway_id", "P1", "unknown_pathway",
                                             NOT_KNOWN)]
