"""Tiny stores for the outlook tests: dataset rows inserted with SQL, plus submissions.

``small_store`` (the simulation tests): two trusts, 14 months of submissions (2024-01 to
2025-02: the fit window is 2024-03 to 2025-02). Each month RAA receives 40 lung referrals and
RBB 20 lower GI referrals; the waits are fixed per pathway so every fitted figure can be
worked out by hand (see test_simulation_fit.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

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


MONTHS = [(2024, m) for m in range(1, 13)] + [(2025, 1), (2025, 2)]


def pathway_rows() -> list[dict]:
    rows = []
    for year, month in MONTHS:
        for provider, grp, n in (("RAA", "LUNG", 40), ("RBB", "LOWER_GI", 20)):
            for i in range(n):
                start = date(year, month, 1 + i % 28)
                seen = start + timedelta(days=7 + i % 5)  # 7-11 days
                told = start + timedelta(days=20 + i % 10)  # 20-29 days after the clock start
                cancer = i % 10 == 0  # one in ten
                row = dict(provider_code=provider, pathway_id=f"{provider}-{year}{month:02d}-{i}",
                           referral_route="USC", suspected_cancer_type=grp,
                           referral_received_date=start, first_seen_date=seen,
                           first_seen_provider_code=provider, diagnosis_communicated_date=told,
                           fds_outcome="CONFIRMED" if cancer else "RULED_OUT")
                if cancer:
                    dtt = told + timedelta(days=10)
                    row.update(decision_to_treat_date=dtt,
                               first_treatment_date=dtt + timedelta(days=14),
                               first_treatment_provider_code="RAA" if i % 20 == 0 else provider,
                               first_treatment_modality="SURGERY")
                rows.append(row)
    return rows


@pytest.fixture(scope="session")
def small_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("outlook") / "alliance.duckdb"
    con = connect(path)
    df = pd.DataFrame(pathway_rows())
    df.insert(0, "submission_id", 1)
    con.register("new_rows", df)
    cols = ", ".join(df.columns)
    con.execute(f"INSERT INTO pathways ({cols}) SELECT {cols} FROM new_rows")
    con.unregister("new_rows")
    for sid, (provider, (year, month)) in enumerate(
            ((p, m) for p in ("RAA", "RBB") for m in MONTHS), start=1):
        con.execute("INSERT INTO submissions (submission_id, provider_code, period, submitted_by,"
                    " submitted_at, status, dataset_version, rows_read, accepted, rejected) "
                    "VALUES (?, ?, ?, 'test', ?, 'applied', 1, 0, 0, 0)",
                    [sid, provider, f"{year}-{month:02d}", datetime(2025, 3, 1)])
    con.close()
    return path
