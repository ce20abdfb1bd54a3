"""DDL generated from the dataset's column description (one source for the schema).

For each dataset table there are two stored tables:

* ``<table>``: the current truth, one row per key (the latest submitted version);
* ``<table>_history``: every version every submission sent, for audit and replay.

Both carry ``submission_id``, the submission the row came from.
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


def history_table_ddl(table: Table) -> str:
    return (
        f"CREATE TABLE IF NOT EXISTS {table.name}_history (\n  {column_ddl(table)},\n"
        f"  submission_id BIGINT NOT NULL\n)"
    )


def dataset_ddl() -> list[str]:
    out = []
    for t in TABLES:
        out.append(current_table_ddl(t))
        out.append(history_table_ddl(t))
    return out
