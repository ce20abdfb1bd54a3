"""A tiny store with a few treated pathways, for reconciliation tests."""

from __future__ import annotations

import pandas as pd
import pytest

from cancer_alliance.dataset.columns import PATHWAYS
from cancer_alliance.store import connect

_BASE = {
    "provider_code": "RAA", "nhs_number": "9434765919", "date_of_birth": "1950-01-01",
    "sex": "1", "commissioner_code": "QAA", "referral_route": "USC",
    "suspected_cancer_type": "LUNG", "first_seen_provider_code": "RAA",
    "primary_diagnosis_icd10": "C34", "first_treatment_provider_code": "RAA",
    "first_treatment_modality": "SURGERY", "treatment_adjustment_days": 0,
}


def treated(pathway_id: str, referred: str, seen: str, dtt: str, treated_on: str) -> dict:
    """A USC lung pathway at RAA, diagnosed on the decision-to-treat date."""
    return {**_BASE, "pathway_id": pathway_id, "referral_received_date": referred,
            "first_seen_date": seen, "diagnosis_date": dtt, "decision_to_treat_date": dtt,
            "first_treatment_date": treated_on, "pathway_closed_reason": "TREATED",
            "pathway_closed_date": treated_on}


@pytest.fixture
def local_store(tmp_path):
    """RAA: 62_DAY May 2024 one within (P1, day 62) and one breach (P2, day 99);
    June 2024 one within (P3, day 40)."""
    con = connect(tmp_path / "t.duckdb")
    rows = [
        treated("P1", "2024-03-01", "2024-03-08", "2024-04-20", "2024-05-02"),
        treated("P2", "2024-02-01", "2024-02-08", "2024-04-20", "2024-05-10"),
        treated("P3", "2024-05-01", "2024-05-08", "2024-06-01", "2024-06-10"),
    ]
    cols = PATHWAYS.column_names
    df = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols).astype(object)
    con.register("_rows", df)
    casts = ", ".join(f"CAST({c.name} AS {c.sql_type}) AS {c.name}" for c in PATHWAYS.columns)
    con.execute(f"INSERT INTO pathways SELECT {casts}, 1 FROM _rows")
    con.unregister("_rows")
    return con
