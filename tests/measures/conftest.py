"""Tiny hand-made stores for the outcome-measure tests.

Rows are drawn as pipe tables (``drawn``) and inserted straight into the dataset tables with
SQL, so each test shows its data and its expected answer side by side. Blank cells are NULL.
Every store has a small tumour-group reference: lung and breast stageable, brain not.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from cancer_alliance.dataset import table as dataset_table
from cancer_alliance.store import connect

#: Defaults that make a valid pathway; each test overrides what it is about.
PATHWAY_DEFAULTS = {
    "provider_code": "RAA", "nhs_number": "9434765919", "date_of_birth": "1950-01-01",
    "sex": "1", "commissioner_code": "QAA", "referral_route": "USC",
    "suspected_cancer_type": "LUNG", "treatment_adjustment_days": 0,
}


def drawn(text: str) -> list[dict[str, str | None]]:
    """Rows from a pipe-drawn table; blank cells become None."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    lines = [ln for ln in lines if not set(ln) <= set("|-+ ")]
    header = [h.strip() for h in lines[0].strip("|").split("|")]
    rows = []
    for ln in lines[1:]:
        cells = [c.strip() for c in ln.strip("|").split("|")]
        rows.append({h: (c or None) for h, c in zip(header, cells, strict=True)})
    return rows


def insert(con, name: str, rows: list[dict], defaults: dict | None = None) -> None:
    """Insert ``rows`` into dataset table ``name``, typed by the dataset's columns."""
    t = dataset_table(name)
    full = []
    for r in rows:
        row = {**(defaults or {}), **{k: v for k, v in r.items() if v is not None}}
        unknown = set(row) - set(t.column_names)
        assert not unknown, f"not columns of {name}: {unknown}"
        full.append({c: row.get(c) for c in t.column_names} | {"submission_id": 1})
    df = pd.DataFrame(full, columns=[*t.column_names, "submission_id"]).astype(object)
    con.register("_rows", df)
    casts = ", ".join(f"CAST({c.name} AS {c.sql_type}) AS {c.name}" for c in t.columns)
    con.execute(f"INSERT INTO {name} SELECT {casts}, submission_id FROM _rows")
    con.unregister("_rows")


@pytest.fixture
def store(tmp_path) -> Callable[..., object]:
    """make(pathways=..., recovery_events=..., subsequent_treatments=..., deaths=...)."""

    def make(pathways: str = "", **others: str):
        con = connect(tmp_path / "t.duckdb")
        con.execute("INSERT INTO tumour_groups VALUES ('LUNG', 'Lung', false, true),"
                    " ('BREAST', 'Breast', false, true), ('BRAIN', 'Brain/CNS', true, false)")
        con.execute("INSERT INTO icd10_tumour_groups VALUES ('C34', 'LUNG', 'lung'),"
                    " ('C50', 'BREAST', 'breast'), ('C71', 'BRAIN', 'brain')")
        if pathways:
            rows = drawn(pathways)
            for i, r in enumerate(rows):
                r.setdefault("pathway_id", f"P{i + 1}")
            insert(con, "pathways", rows, PATHWAY_DEFAULTS)
        for name, text in others.items():
            if text:
                defaults = {} if name == "deaths" else {"provider_code": "RAA"}
                insert(con, name, drawn(text), defaults)
        return con

    return make
