"""Every rule of the catalogue, each with a hand-written failing row and its exact message.

The valid pathway in ``ingest_helpers.VALID_PATHWAY`` is for provider RAA, period 2024-05 (period
end 2024-05-31), USC route with the clock started 2024-03-01. Each case changes one or two
cells so exactly one rule breaks; the test asserts the whole rejection record.
"""

from __future__ import annotations

import pytest

from cancer_alliance.dataset.rules import RULES

from .ingest_helpers import VALID_DEATH, VALID_PATHWAY, VALID_RECOVERY, VALID_SUBSEQUENT

P = "pathways.csv row 2"

# (case id, changes to the valid pathway, column, value, rule, message)
PATHWAY_CASES = [
    ("required", {"commissioner_code": ""}, "commissioner_code", None, "required",
     f'{P}, column commissioner_code, value "": a required value is blank (rule required)'),
    ("required_when", {"suspected_cancer_type": ""}, "suspected_cancer_type", None,
     "required_when",
     f'{P}, column suspected_cancer_type, value "": a value required in this situation is '
     "blank: required for USC (rule required_when)"),
    ("required_when_treatment", {"first_treatment_modality": ""}, "first_treatment_modality",
     None, "required_when",
     f'{P}, column first_treatment_modality, value "": a value required in this situation is '
     "blank: required with first_treatment_date (rule required_when)"),
    ("invalid_date", {"first_seen_date": "2024-02-30"}, "first_seen_date", "2024-02-30",
     "invalid_date",
     f'{P}, column first_seen_date, value "2024-02-30": not a real date written YYYY-MM-DD '
     "(rule invalid_date)"),
    ("invalid_date_format", {"first_seen_date": "08/03/2024"}, "first_seen_date",
     "08/03/2024", "invalid_date",
     f'{P}, column first_seen_date, value "08/03/2024": not a real date written YYYY-MM-DD '
     "(rule invalid_date)"),
    ("invalid_code", {"sex": "M"}, "sex", "M", "invalid_code",
     f'{P}, column sex, value "M": not one of the allowed codes: allowed codes are 1, 2, 9, 0 '
     "(rule invalid_code)"),
    ("invalid_code_case", {"referral_route": "usc"}, "referral_route", "usc", "invalid_code",
     f'{P}, column referral_route, value "usc": not one of the allowed codes: allowed codes '
     "are USC, BS, SCREEN, UPGRADE, OTHER (rule invalid_code)"),
    ("invalid_ods", {"commissioner_code": "Q-AA"}, "commissioner_code", "Q-AA", "invalid_ods",
     f'{P}, column commissioner_code, value "Q-AA": not an ODS code of 3 or 5 letters or '
     "digits (rule invalid_ods)"),
    ("invalid_nhs_number", {"nhs_number": "943476591"}, "nhs_number", "943476591",
     "invalid_nhs_number",
     f'{P}, column nhs_number, value "943476591": not a 10-digit NHS number '
     "(rule invalid_nhs_number)"),
    ("nhs_number_check_digit", {"nhs_number": "9434765911"}, "nhs_number", "9434765911",
     "nhs_number_check_digit",
     f'{P}, column nhs_number, value "9434765911": the NHS number\'s check digit is wrong '
     "(rule nhs_number_check_digit)"),
    ("invalid_integer", {"treatment_adjustment_days": "3.5"}, "treatment_adjustment_days",
     "3.5", "invalid_integer",
     f'{P}, column treatment_adjustment_days, value "3.5": not a whole number '
     "(rule invalid_integer)"),
    ("below_minimum", {"treatment_adjustment_days": "-1"}, "treatment_adjustment_days", "-1",
     "below_minimum",
     f'{P}, column treatment_adjustment_days, value "-1": a number below the allowed minimum: '
     "the minimum is 0 (rule below_minimum)"),
    ("invalid_icd10", {"primary_diagnosis_icd10": "50.9"}, "primary_diagnosis_icd10", "50.9",
     "invalid_icd10",
     f'{P}, column primary_diagnosis_icd10, value "50.9": not an ICD-10 code '
     "(rule invalid_icd10)"),
    ("invalid_lsoa", {"lsoa_code": "W01000001"}, "lsoa_code", "W01000001", "invalid_lsoa",
     f'{P}, column lsoa_code, value "W01000001": not an LSOA code (rule invalid_lsoa)'),
    ("too_long", {"pathway_id": "X" * 41}, "pathway_id", "X" * 41, "too_long",
     f'{P}, column pathway_id, value "{"X" * 41}": longer than allowed: at most 40 '
     "characters (rule too_long)"),
    ("date_of_birth_in_future", {"date_of_birth": "2024-06-01"}, "date_of_birth",
     "2024-06-01", "date_of_birth_in_future",
     f'{P}, column date_of_birth, value "2024-06-01": date of birth is in the future: after '
     "the period end 2024-05-31 (rule date_of_birth_in_future)"),
    ("date_of_birth_too_old", {"date_of_birth": "1904-05-30"}, "date_of_birth", "1904-05-30",
     "date_of_birth_too_old",
     f'{P}, column date_of_birth, value "1904-05-30": date of birth is over 120 years ago '
     "(rule date_of_birth_too_old)"),
    ("date_before_clock_start", {"first_seen_date": "2024-02-28"}, "first_seen_date",
     "2024-02-28", "date_before_clock_start",
     f'{P}, column first_seen_date, value "2024-02-28": a pathway date is before the clock '
     "start: the clock started 2024-03-01 (rule date_before_clock_start)"),
    ("date_before_upgrade", {"referral_route": "UPGRADE", "suspected_cancer_type": "",
                             "upgrade_date": "2024-04-05"},
     "decision_to_treat_date", "2024-04-01", "date_before_clock_start",
     f'{P}, column decision_to_treat_date, value "2024-04-01": a pathway date is before the '
     "clock start: the clock started 2024-04-05 (rule date_before_clock_start)"),
    ("treatment_before_decision", {"first_treatment_date": "2024-03-30",
                                   "pathway_closed_date": "2024-03-30"},
     "first_treatment_date", "2024-03-30", "treatment_before_decision",
     f'{P}, column first_treatment_date, value "2024-03-30": treatment is before the decision '
     "to treat: decision to treat was 2024-04-01 (rule treatment_before_decision)"),
    ("date_after_period_end", {"pathway_closed_date": "2024-06-01"}, "pathway_closed_date",
     "2024-06-01", "date_after_period_end",
     f'{P}, column pathway_closed_date, value "2024-06-01": a date is after the end of the '
     "submission's period: the period ends 2024-05-31 (rule date_after_period_end)"),
    ("ethnic_category_code", {"ethnic_category": "Q"}, "ethnic_category", "Q", "invalid_code",
     f'{P}, column ethnic_category, value "Q": not one of the allowed codes: allowed codes are '
     "A, B, C, D, E, F, G, H, J, K, L, M, N, P, R, S, Z, 99 (rule invalid_code)"),
    ("gp_practice_ods", {"gp_practice_code": "A81001X"}, "gp_practice_code", "A81001X",
     "invalid_ods",
     f'{P}, column gp_practice_code, value "A81001X": not an ODS code of 3 or 5 letters or '
     "digits (rule invalid_ods)"),
    ("referral_date_required", {"referral_received_date": ""}, "referral_received_date", None,
     "required_when",
     f'{P}, column referral_received_date, value "": a value required in this situation is '
     "blank: required for USC, BS, SCREEN (rule required_when)"),
    ("upgrade_date_required", {"referral_route": "UPGRADE", "suspected_cancer_type": ""},
     "upgrade_date", None, "required_when",
     f'{P}, column upgrade_date, value "": a value required in this situation is blank: '
     "required for UPGRADE (rule required_when)"),
    ("first_seen_provider_required", {"first_seen_provider_code": ""},
     "first_seen_provider_code", None, "required_when",
     f'{P}, column first_seen_provider_code, value "": a value required in this situation is '
     "blank: required with first_seen_date (rule required_when)"),
    ("clock_reset_before_clock_start", {"first_seen_clock_reset_date": "2024-02-20"},
     "first_seen_clock_reset_date", "2024-02-20", "date_before_clock_start",
     f'{P}, column first_seen_clock_reset_date, value "2024-02-20": a pathway date is before '
     "the clock start: the clock started 2024-03-01 (rule date_before_clock_start)"),
    ("told_before_clock_start", {"diagnosis_communicated_date": "2024-02-29"},
     "diagnosis_communicated_date", "2024-02-29", "date_before_clock_start",
     f'{P}, column diagnosis_communicated_date, value "2024-02-29": a pathway date is before '
     "the clock start: the clock started 2024-03-01 (rule date_before_clock_start)"),
    ("diagnosed_before_clock_start", {"diagnosis_date": "2024-02-10"}, "diagnosis_date",
     "2024-02-10", "date_before_clock_start",
     f'{P}, column diagnosis_date, value "2024-02-10": a pathway date is before the clock '
     "start: the clock started 2024-03-01 (rule date_before_clock_start)"),
    ("fds_outcome_required", {"fds_outcome": ""}, "fds_outcome", None, "required_when",
     f'{P}, column fds_outcome, value "": a value required in this situation is blank: '
     "required with diagnosis_communicated_date (rule required_when)"),
    ("fds_exclusion_code", {"fds_exclusion": "DNA"}, "fds_exclusion", "DNA", "invalid_code",
     f'{P}, column fds_exclusion, value "DNA": not one of the allowed codes: allowed codes are '
     "DIED, DECLINED, OTHER (rule invalid_code)"),
    ("icd10_required", {"primary_diagnosis_icd10": ""}, "primary_diagnosis_icd10", None,
     "required_when",
     f'{P}, column primary_diagnosis_icd10, value "": a value required in this situation is '
     "blank: required when cancer is diagnosed (rule required_when)"),
    ("diagnosis_date_required", {"diagnosis_date": ""}, "diagnosis_date", None,
     "required_when",
     f'{P}, column diagnosis_date, value "": a value required in this situation is blank: '
     "required when cancer is diagnosed (rule required_when)"),
    ("stage_group_code", {"stage_group": "5"}, "stage_group", "5", "invalid_code",
     f'{P}, column stage_group, value "5": not one of the allowed codes: allowed codes are '
     "0, 1, 2, 3, 4, U, NA (rule invalid_code)"),
    ("decision_required", {"decision_to_treat_date": ""}, "decision_to_treat_date", None,
     "required_when",
     f'{P}, column decision_to_treat_date, value "": a value required in this situation is '
     "blank: required with a first treatment (rule required_when)"),
    ("treatment_provider_required", {"first_treatment_provider_code": ""},
     "first_treatment_provider_code", None, "required_when",
     f'{P}, column first_treatment_provider_code, value "": a value required in this '
     "situation is blank: required with first_treatment_date (rule required_when)"),
    ("transfer_before_clock_start", {"transfer_received_date": "2024-02-01",
                                     "transfer_from_provider_code": "RBB"},
     "transfer_received_date", "2024-02-01", "date_before_clock_start",
     f'{P}, column transfer_received_date, value "2024-02-01": a pathway date is before the '
     "clock start: the clock started 2024-03-01 (rule date_before_clock_start)"),
    ("transfer_from_required", {"transfer_received_date": "2024-04-05"},
     "transfer_from_provider_code", None, "required_when",
     f'{P}, column transfer_from_provider_code, value "": a value required in this situation '
     "is blank: required with transfer_received_date (rule required_when)"),
    ("closed_reason_code", {"pathway_closed_reason": "DONE"}, "pathway_closed_reason", "DONE",
     "invalid_code",
     f'{P}, column pathway_closed_reason, value "DONE": not one of the allowed codes: allowed '
     "codes are TREATED, RULED_OUT, DIED, PATIENT_CHOICE, OTHER (rule invalid_code)"),
    ("closed_date_required", {"pathway_closed_date": ""}, "pathway_closed_date", None,
     "required_when",
     f'{P}, column pathway_closed_date, value "": a value required in this situation is '
     "blank: required with pathway_closed_reason (rule required_when)"),
    ("wrong_provider", {"provider_code": "RBB"}, "provider_code", "RBB", "wrong_provider",
     f'{P}, column provider_code, value "RBB": provider_code is not the submitting provider: '
     "this submission is for provider RAA (rule wrong_provider)"),
]


@pytest.mark.parametrize(("changes", "column", "value", "rule", "message"),
                         [c[1:] for c in PATHWAY_CASES], ids=[c[0] for c in PATHWAY_CASES])
def test_pathway_rule(store, changes, column, value, rule, message):
    good = dict(VALID_PATHWAY, pathway_id="GOOD", nhs_number="9434765870")
    bad = dict(VALID_PATHWAY, **changes)
    result = store.ingest({"pathways.csv": [bad, good]})
    assert (result.rows_read, result.accepted, result.rejected) == (2, 1, 1)
    assert store.rejections() == [("pathways.csv", 2, column, value, rule, message)]
    assert store.rows("SELECT pathway_id FROM pathways") == [("GOOD",)]


def test_duplicate_key_rejects_every_copy(store):
    rows = [VALID_PATHWAY, dict(VALID_PATHWAY, nhs_number="9434765870"),
            dict(VALID_PATHWAY, pathway_id="P2")]
    result = store.ingest({"pathways.csv": rows})
    assert (result.accepted, result.rejected) == (1, 2)
    message = ('pathways.csv row {}, column pathway_id, value "P1": the same key appears more '
               "than once in the file: key (provider_code, pathway_id) repeated in the file "
               "(rule duplicate_key)")
    assert store.rejections() == [
        ("pathways.csv", 2, "pathway_id", "P1", "duplicate_key", message.format(2)),
        ("pathways.csv", 3, "pathway_id", "P1", "duplicate_key", message.format(3)),
    ]


def test_unknown_pathway(store):
    result = store.ingest({"pathways.csv": [VALID_PATHWAY],
                           "recovery_events.csv": [VALID_RECOVERY,
                                                   dict(VALID_RECOVERY, pathway_id="NOPE")]})
    assert (result.rows_read, result.accepted, result.rejected) == (3, 2, 1)
    assert store.rejections() == [(
        "recovery_events.csv", 3, "pathway_id", "NOPE", "unknown_pathway",
        'recovery_events.csv row 3, column pathway_id, value "NOPE": the row refers to a '
        "pathway the platform does not have: it is in neither pathways.csv nor an earlier "
        "submission of RAA (rule unknown_pathway)",
    )]


def test_child_row_may_refer_to_a_pathway_of_an_earlier_submission(store):
    store.ingest({"pathways.csv": [VALID_PATHWAY]})
    other = dict(VALID_PATHWAY, pathway_id="P9", nhs_number="9434765870")
    result = store.ingest({"pathways.csv": [other], "recovery_events.csv": [VALID_RECOVERY]})
    assert result.rejected == 0
    assert store.rows("SELECT pathway_id, event FROM recovery_events") == [("P1", "HNA")]


def test_subsequent_treatment_before_its_decision(store):
    bad = dict(VALID_SUBSEQUENT, treatment_date="2024-04-30")
    store.ingest({"pathways.csv": [VALID_PATHWAY], "subsequent_treatments.csv": [bad]})
    assert store.rejections() == [(
        "subsequent_treatments.csv", 2, "treatment_date", "2024-04-30",
        "treatment_before_decision",
        'subsequent_treatments.csv row 2, column treatment_date, value "2024-04-30": treatment '
        "is before the decision to treat: decision to treat was 2024-05-01 "
        "(rule treatment_before_decision)",
    )]


def test_subsequent_treatment_number_minimum(store):
    bad = dict(VALID_SUBSEQUENT, treatment_number="1")
    store.ingest({"pathways.csv": [VALID_PATHWAY], "subsequent_treatments.csv": [bad]})
    assert [r[2:5] for r in store.rejections()] == [("treatment_number", "1", "below_minimum")]


def test_follow_up_stratum_required_for_sfu(store):
    bad = dict(VALID_RECOVERY, event="SFU_ASSIGNED", follow_up_stratum="")
    store.ingest({"pathways.csv": [VALID_PATHWAY], "recovery_events.csv": [bad]})
    assert store.rejections() == [(
        "recovery_events.csv", 2, "follow_up_stratum", None, "required_when",
        'recovery_events.csv row 2, column follow_up_stratum, value "": a value required in '
        "this situation is blank: required for SFU_ASSIGNED (rule required_when)",
    )]


def test_deaths_file_rules(store):
    rows = [VALID_DEATH, dict(VALID_DEATH, nhs_number="9434765870", date_of_death="2024-06-03")]
    result = store.ingest({"pathways.csv": [VALID_PATHWAY], "deaths.csv": rows})
    assert result.rejected == 1
    assert store.rejections() == [(
        "deaths.csv", 3, "date_of_death", "2024-06-03", "date_after_period_end",
        'deaths.csv row 3, column date_of_death, value "2024-06-03": a date is after the end of '
        "the submission's period: the period ends 2024-05-31 (rule date_after_period_end)",
    )]
    assert store.rows("SELECT nhs_number FROM deaths") == [("9434765919",)]


def test_date_of_birth_after_today_is_rejected_in_a_period_not_yet_ended(store):
    """A period that has not ended (the open month, the only one a submission may be for
    before its end): a birth date after today is in the future."""
    import calendar
    import datetime as dt

    today = dt.date.today()
    period = today.strftime("%Y-%m")
    future = (today + dt.timedelta(days=2)).isoformat()
    # on the month's last day today is the period end, and the message says so
    last_day = today.day == calendar.monthrange(today.year, today.month)[1]
    words = f"after the period end {today}" if last_day else f"after today, {today}"
    row = dict(VALID_PATHWAY, date_of_birth=future)
    store.ingest({"pathways.csv": [row]}, period=period)
    assert store.rejections() == [(
        "pathways.csv", 2, "date_of_birth", future, "date_of_birth_in_future",
        f'{P}, column date_of_birth, value "{future}": date of birth is in the future: '
        f"{words} (rule date_of_birth_in_future)",
    )]


def test_boundaries_are_accepted(store):
    """Dates equal to the clock start or the period end, and 120 years exactly, are fine."""
    row = dict(VALID_PATHWAY, date_of_birth="1904-05-31", first_seen_date="2024-03-01",
               pathway_closed_date="2024-05-31", decision_to_treat_date="2024-04-20")
    result = store.ingest({"pathways.csv": [row]})
    assert store.rejections() == []
    assert result.accepted == 1


def test_other_route_has_no_clock_start_check(store):
    row = dict(VALID_PATHWAY, referral_route="OTHER", suspected_cancer_type="",
               referral_received_date="2024-04-10")
    assert store.ingest({"pathways.csv": [row]}).rejected == 0


def test_rejected_row_is_kept_whole(store):
    import json

    bad = dict(VALID_PATHWAY, sex="M", extra_column="kept")
    store.ingest({"pathways.csv": [bad]})
    raw = json.loads(store.rows("SELECT raw_row FROM rejections")[0][0])
    assert raw["sex"] == "M" and raw["pathway_id"] == "P1"
    assert raw["first_treatment_date"] == "2024-04-20"


def test_one_row_breaking_two_rules_is_one_rejected_row_with_two_reasons(store):
    bad = dict(VALID_PATHWAY, sex="M", lsoa_code="X")
    result = store.ingest({"pathways.csv": [bad]})
    assert (result.rejected, result.accepted) == (1, 0)
    assert sorted(r[4] for r in store.rejections()) == ["invalid_code", "invalid_lsoa"]


def test_every_column_of_pathways_is_tested():
    """Each column of pathways.csv has at least one hand-written failing case above."""
    from cancer_alliance.dataset import table

    tested = {c[2] for c in PATHWAY_CASES} | {"pathway_id"}
    assert set(table("pathways").column_names) <= tested


def test_every_rule_of_the_catalogue_is_tested():
    # formula_without_value: tests/ingest/test_hostile_inputs.py (only a workbook breaks it)
    tested = {c[4] for c in PATHWAY_CASES} | {"duplicate_key", "unknown_pathway",
                                              "formula_without_value"}
    assert tested == set(RULES)
