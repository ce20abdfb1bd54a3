# ruff: noqa: E501  (drawn tables are read across; wrapping them would hide the columns)
"""EARLY_STAGE, STAGE_COMPLETENESS, Recovery Package coverage and SFU_MIX, by hand (§7)."""

from __future__ import annotations

import pytest

from cancer_alliance.metrics.measures import compute_measure

STAGES = """
| pathway_id | primary_diagnosis_icd10 | diagnosis_date | stage_group |
| P1         | C34.1                   | 2024-05-02     | 1           |
| P2         | C34                     | 2024-05-03     | 2           |
| P3         | C34                     | 2024-05-04     | 3           |
| P4         | C34                     | 2024-05-05     | U           |
| P5         | C34                     | 2024-05-06     | 0           |
| P6         | C34                     | 2024-05-07     |             |
| P7         | C50.4                   | 2024-05-08     | 4           |
| P8         | C71                     | 2024-05-09     | 1           |
| P9         | C34                     | 2024-05-10     | NA          |
"""


def _cells(df, key):
    return {r[key]: (r["numerator"], r["denominator"]) for r in df.to_dict("records")}


def test_early_stage_is_stage_1_2_of_known_1_4_in_stageable_groups(store):
    con = store(STAGES)
    by_group = _cells(compute_measure(con, "EARLY_STAGE", by=("tumour_group", "month")),
                      "tumour_group")
    # Lung: P1, P2 early of known P1-P3; P4 U, P6 blank, P9 NA unknown; P5 stage 0 out.
    # Brain (P8) is not stageable, so it is in neither table.
    assert by_group == {"BREAST": (0, 1), "LUNG": (2, 3)}
    overall = compute_measure(con, "EARLY_STAGE", by=("month",))
    assert overall["value"].tolist() == [50.0]


def test_stage_completeness_is_known_over_stageable_without_stage_0(store):
    con = store(STAGES)
    by_group = _cells(compute_measure(con, "STAGE_COMPLETENESS", by=("tumour_group",)),
                      "tumour_group")
    assert by_group == {"BREAST": (1, 1), "LUNG": (3, 6)}
    overall = compute_measure(con, "STAGE_COMPLETENESS", by=("month",))
    assert overall["value"].tolist() == [pytest.approx(57.14)]


RECOVERY_PATHWAYS = """
| pathway_id | primary_diagnosis_icd10 | diagnosis_date |
| P1         | C34                     | 2024-06-01     |
| P2         | C50                     | 2024-06-15     |
| P3         | C34                     | 2024-06-30     |
| P4         | C34                     | 2024-07-01     |
| P5         |                         |                |
"""
RECOVERY_EVENTS = """
| pathway_id | event     | event_date |
| P1         | HNA       | 2024-06-10 |
| P1         | HNA       | 2024-08-01 |
| P2         | CARE_PLAN | 2024-06-20 |
| P4         | HNA       | 2024-05-30 |
| P5         | HNA       | 2024-06-02 |
"""


def test_recovery_coverage_counts_patients_with_the_event_over_diagnosed(store):
    con = store(RECOVERY_PATHWAYS, recovery_events=RECOVERY_EVENTS)
    hna = _cells(compute_measure(con, "HNA_COVERAGE", by=("month",)), "period")
    # June: P1 (two HNAs, one patient) of P1-P3; July: P4, whose HNA predates diagnosis.
    # P5 has no diagnosed cancer: in neither numerator nor denominator.
    assert hna == {"2024-06": (1, 3), "2024-07": (1, 1)}
    plan = _cells(compute_measure(con, "CARE_PLAN_COVERAGE", by=("month",)), "period")
    assert plan == {"2024-06": (1, 3), "2024-07": (0, 1)}
    review = compute_measure(con, "CANCER_CARE_REVIEW_COVERAGE", by=("month",))
    assert review["value"].tolist() == [0.0, 0.0]


def test_treatment_summary_counts_pathways_finishing_treatment_in_the_period(store):
    con = store(
        """
        | pathway_id | primary_diagnosis_icd10 | diagnosis_date | decision_to_treat_date | first_treatment_date |
        | P1         | C34                     | 2024-02-01     | 2024-03-01             | 2024-03-10           |
        | P2         | C34                     | 2024-02-01     | 2024-03-01             | 2024-03-05           |
        | P3         | C34                     | 2024-02-01     | 2024-02-20             | 2024-03-01           |
        | P4         | C34                     | 2024-02-01     |                        |                      |
        """,
        subsequent_treatments="""
        | pathway_id | treatment_number | decision_to_treat_date | treatment_date | treatment_provider_code | modality       |
        | P2         | 2                | 2024-04-01             | 2024-05-20     | RAA                     | RADIOTHERAPY   |
        | P3         | 2                | 2024-04-01             |                | RAA                     | ANTICANCER_DRUG |
        """,
        recovery_events="""
        | pathway_id | event             | event_date |
        | P1         | TREATMENT_SUMMARY | 2024-03-20 |
        | P3         | TREATMENT_SUMMARY | 2024-03-21 |
        """,
    )
    got = _cells(compute_measure(con, "TREATMENT_SUMMARY_COVERAGE", by=("month",)), "period")
    # P1 ends in March with a summary; P2 ends at its May radiotherapy; P3 still waits for
    # drug treatment, so has not finished; P4 was never treated.
    assert got == {"2024-03": (1, 1), "2024-05": (0, 1)}


def test_sfu_mix_is_each_stratum_share_of_assignments(store):
    con = store(
        """
        | pathway_id | provider_code |
        | P1         | RAA           |
        | P2         | RAA           |
        | P3         | RAA           |
        | P4         | RBB           |
        """,
        recovery_events="""
        | pathway_id | provider_code | event        | event_date | follow_up_stratum         |
        | P1         | RAA           | SFU_ASSIGNED | 2024-09-01 | SUPPORTED_SELF_MANAGEMENT |
        | P2         | RAA           | SFU_ASSIGNED | 2024-09-02 | SUPPORTED_SELF_MANAGEMENT |
        | P3         | RAA           | SFU_ASSIGNED | 2024-09-03 | SHARED_CARE               |
        | P4         | RBB           | SFU_ASSIGNED | 2024-10-01 | PROFESSIONAL_LED          |
        | P1         | RAA           | HNA          | 2024-09-01 |                           |
        """,
    )
    df = compute_measure(con, "SFU_MIX", by=("provider_code", "month"))
    assert list(df.columns) == ["measure", "period", "provider_code", "follow_up_stratum",
                                "numerator", "denominator", "value"]
    got = {(r["provider_code"], r["period"], r["follow_up_stratum"]): (
        r["numerator"], r["denominator"], r["value"]) for r in df.to_dict("records")}
    assert got == {
        ("RAA", "2024-09", "SHARED_CARE"): (1, 3, 33.33),
        ("RAA", "2024-09", "SUPPORTED_SELF_MANAGEMENT"): (2, 3, 66.67),
        ("RBB", "2024-10", "PROFESSIONAL_LED"): (1, 1, 100.0),
    }
