"""Tiny stores for the outlook tests: dataset rows inserted with SQL, plus submissions."""

from __future__ import annotations

import pandas as pd
import pytest

from cancer_alliance.dataset import table as dataset_table
from cancer_alliance.store import connect

PATHWAY_DEFAULTS = {
    "nhs_number": "9434765919", "date_of_birth": "1950-01-01", "sex": "1",
    "commissioner_code": "QAA", "referral_route": "USC", "treatment_adjustment_days": 0,
}


def insert_pathways(con, rows: list[dict]) -> None:
    """Insert pathway ``rows`` (dicts of dataset columns), typed by the dataset's columns."""
    t = dataset_table("pathways")
    full = []
    for i, r in enumerate(rows):
        row = {"pathway_id": f"P{i + 1}", **PATHWAY_DEFAULTS, **r}
        assert not set(row) - set(t.column_names), set(row) - set(t.column_names)
        full.append({c: row.get(c) for c in t.column_names} | {"submission_id": 1})
    df = pd.DataFrame(full, columns=[*t.column_names, "submission_id"]).astype(object)
    con.register("_rows", df)
    casts = ", ".join(f"CAST({c.name} AS {c.sql_type}) AS {c.name}" for c in t.columns)
    con.execute(f"INSERT INTO pathways SELECT {casts}, submission_id FROM _rows")
    con.unregister("_rows")


def insert_submissions(con, periods_by_provider: dict[str, list[str]]) -> None:
    """One loaded submission per provider and period."""
    n = 0
    for provider, periods in periods_by_provider.items():
        for period in periods:
            n += 1
            con.execute(
                "INSERT INTO submissions VALUES (?, ?, ?, 'test', now(), 'loaded', NULL, 1,"
                " 0, 0, 0, NULL)", [n, provider, period])


@pytest.fixture
def tiny_store(tmp_path):
    """An empty migrated store with organisations RAA and RBB in alliance E1."""
    path = tmp_path / "t.duckdb"
    con = connect(path)
    con.execute("INSERT INTO organisations VALUES "
                "('RAA', 'Trust A', 'PROVIDER', 'E1', NULL, 'R'),"
                "('RBB', 'Trust B', 'PROVIDER', 'E1', NULL, 'R')")
    return con, str(path)
