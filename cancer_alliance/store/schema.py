"""DDL generated from the dataset's column description (one source for the schema).

For each dataset table:

* ``<table>``: the current truth, one row per key (the latest submitted version);
* ``<table>_superseded``: the versions a later submission replaced;
* ``<table>_history``: a view of both, every version every submission sent, for audit and
  replay (migration 3; before it, the history was a second stored copy of every row).

All carry ``submission_id``, the submission the row came from.
"""

from __future__ import annotations

from cancer_alliance.dataset import TABLES, Table


def column_ddl(table: Table) -> str:
    return ",\n  ".join(f"{c.name} {c.sql_type}" for c in table.columns)


def current_table_ddl(table: Table) -> str:
    # One row per ``table.key`` is guaranteed by ingest (duplicates within a file are
    # rejected; a new version deletes the old one in the same transaction). No PRIMARY KEY:
    # DuckDB's index maintenance would make every monthly replace several times slower.
    return (
        f"CREATE TABLE IF NOT EXISTS {table.name} (\n  {column_ddl(table)},\n"
        f"  submission_id BIGINT NOT NULL\n)"
    )


def history_view_ddl(table: Table) -> str:
    """Every version of every row: those superseded, then the current ones."""
    return (f"CREATE VIEW {table.name}_history AS SELECT * FROM {table.name}_superseded "
            f"UNION ALL SELECT * FROM {table.name}")


def history_table_ddl(table: Table) -> str:
    """The stored history of migration 1 (replaced by a view in migration 3)."""
    return (
        f"CREATE TABLE IF NOT EXISTS {table.name}_history (\n  {column_ddl(table)},\n"
        f"  submission_id BIGINT NOT NULL\n)"
    )


def dataset_ddl() -> list[str]:
    """The dataset tables as migration 1 creates them (migration 3 changes the history)."""
    out = []
    for t in TABLES:
        out.append(current_table_ddl(t))
        out.append(history_table_ddl(t))
    return out
