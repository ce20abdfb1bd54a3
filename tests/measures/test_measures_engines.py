# ruff: noqa: E501  (drawn tables are read across; wrapping them would hide the columns)
"""The ibis measures give the same answers on DuckDB and on Spark (one shared session)."""

from __future__ import annotations

import pandas as pd
import pytest

from cancer_alliance.metrics.measures import compute_measures

PATHWAYS = """
| pathway_id | provider_code | referral_route | referral_received_date | primary_diagnosis_icd10 | diagnosis_date | stage_group | sex | decision_to_treat_date | first_treatment_date | first_treatment_provider_code | first_treatment_modality |
| P1         | RAA           | USC            | 2024-02-29             | C34.1                   | 2024-03-20     | 1           | 1   | 2024-04-01             | 2024-04-10           | RAA                           | SURGERY                  |
| P2         | RAA           | BS             | 2024-03-01             | C50                     | 2024-03-31     | 3           | 2   |                        |                      |                               |                          |
| P3         | RBB           | USC            | 2024-03-31             |                         |                |             | 2   |                        |                      |                               |                          |
| P4         | RBB           | SCREEN         | 2024-04-01             | C50.9                   | 2024-04-15     | U           | 2   | 2024-04-20             | 2024-05-01             | RBB                           | RADIOTHERAPY             |
| P5         | RBB           | OTHER          |                        | C71                     | 2024-04-30     | NA          | 1   |                        |                      |                               |                          |
| P6         | RAA           | USC            | 2024-01-01             | C44.1                   | 2024-01-20     | 1           | 9   |                        |                      |                               |                          |
"""
EVENTS = """
| pathway_id | provider_code | event             | event_date | follow_up_stratum |
| P1         | RAA           | HNA               | 2024-03-25 |                   |
| P1         | RAA           | TREATMENT_SUMMARY | 2024-04-20 |                   |
| P2         | RAA           | CARE_PLAN         | 2024-04-02 |                   |
| P4         | RBB           | SFU_ASSIGNED      | 2024-06-01 | SHARED_CARE       |
| P1         | RAA           | SFU_ASSIGNED      | 2024-06-02 | PROFESSIONAL_LED  |
"""


@pytest.mark.spark
def test_every_ibis_measure_agrees_on_duckdb_and_spark(store, spark_session):
    con = store(PATHWAYS, recovery_events=EVENTS)
    by = ("provider_code", "sex", "quarter")
    duck = compute_measures(con, by=by)
    spark = compute_measures(con, by=by, engine="spark", spark=spark_session)
    assert len(duck) == 10 and duck.keys() == spark.keys()
    for code, frame in duck.items():
        assert not frame.empty, code
        pd.testing.assert_frame_equal(frame, spark[code], check_dtype=False, obj=code)
