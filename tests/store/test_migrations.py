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


def test_superseded_split_keeps_every_version_of_an_older_store(tmp_path):
    """Migration 3 turns a stored history (every version, current ones included) into
    ``<table>_superseded`` plus a view, and the view shows exactly the rows it had."""
    from cancer_alliance.store.migrations import m0003_superseded_versions as m3

    path = tmp_path / "a.duckdb"
    con = connect(path)
    cols = ", ".join(f"NULL::{c.sql_type}" for c in TABLES[0].columns[2:])
    for name in ("pathways_history", "pathways_superseded"):
        con.execute(f"DROP {'VIEW' if name.endswith('history') else 'TABLE'} {name}")
    con.execute("CREATE TABLE pathways_history AS SELECT * FROM pathways")
    for t in TABLES[1:]:
        con.execute(f"DROP VIEW {t.name}_history")
        con.execute(f"DROP TABLE {t.name}_superseded")
        con.execute(f"CREATE TABLE {t.name}_history AS SELECT * FROM {t.name}")
    # P1 sent by submissions 1 and 2 (2 is current), P2 once, and an identical resend of P3
    old = [("P1", 1), ("P1", 2), ("P2", 1), ("P3", 1), ("P3", 2)]
    for pid, sub in old:
        con.execute(f"INSERT INTO pathways_history VALUES ('RAA', '{pid}', {cols}, {sub})")
    for pid, sub in [("P1", 2), ("P2", 1), ("P3", 2)]:
        con.execute(f"INSERT INTO pathways VALUES ('RAA', '{pid}', {cols}, {sub})")
    m3.apply(con)
    m3.apply(con)  # re-runnable: the second run finds the views and changes nothing
    got = sorted(con.execute("SELECT pathway_id, submission_id FROM pathways_history").fetchall())
    assert got == sorted(old)
    assert sorted(con.execute("SELECT pathway_id, submission_id FROM pathways_superseded")
                  .fetchall()) == [("P1", 1), ("P3", 1)]
    assert con.execute("SELECT table_type FROM information_schema.tables "
                       "WHERE table_name = 'pathways_history'").fetchall() == [("VIEW",)]
