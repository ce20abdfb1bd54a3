"""The store's schema is versioned: migrations run once, in order, and are recorded."""

from __future__ import annotations

import duckdb

from cancer_alliance.dataset import TABLES
from cancer_alliance.store import connect
from cancer_alliance.store.migrations import all_migrations


def test_fresh_store_has_every_dataset_table_and_its_history(tmp_path):
    con = connect(tmp_path / "a.duckdb")
    names = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    for t in TABLES:
        assert t.name in names and f"{t.name}_history" in names
        cols = [r[0] for r in con.execute(f"DESCRIBE {t.name}").fetchall()]
        assert cols == [*t.column_names, "submission_id"]


def test_migrations_are_recorded_once_and_reopening_changes_nothing(tmp_path):
    path = tmp_path / "a.duckdb"
    connect(path).close()
    con = connect(path)
    rows = con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    versions = [r[0] for r in rows]
    assert versions == [m.VERSION for m in all_migrations()]
    assert len(set(versions)) == len(versions)


def test_date_columns_are_typed_as_dates(tmp_path):
    con = connect(tmp_path / "a.duckdb")
    types = dict((r[0], r[1]) for r in con.execute("DESCRIBE pathways").fetchall())
    assert types["referral_received_date"] == "DATE"
    assert types["treatment_adjustment_days"] == "INTEGER"
    assert types["nhs_number"] == "VARCHAR"  # leading zeros and check digit kept as written


def test_store_path_from_environment(tmp_path, monkeypatch):
    from cancer_alliance.store import resolve_db_path

    monkeypatch.setenv("CANCER_ALLIANCE_DB", str(tmp_path / "env.duckdb"))
    assert resolve_db_path(None) == tmp_path / "env.duckdb"
    assert resolve_db_path(tmp_path / "x.duckdb") == tmp_path / "x.duckdb"
    monkeypatch.delenv("CANCER_ALLIANCE_DB")
    assert str(resolve_db_path(None)) == "alliance.duckdb"
    assert isinstance(duckdb.__version__, str)


def test_a_missing_lower_numbered_migration_is_still_applied(tmp_path):
    """Families number their migrations in ranges; a store may lack a lower one."""
    path = tmp_path / "a.duckdb"
    con = connect(path)
    lowest_extra = [m for m in all_migrations() if m.VERSION > 1][0]
    con.execute("DELETE FROM schema_migrations WHERE version = ?", [lowest_extra.VERSION])
    con.close()
    con = connect(path)  # re-applies it (migrations are written to be re-runnable)
    versions = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    assert lowest_extra.VERSION in versions
