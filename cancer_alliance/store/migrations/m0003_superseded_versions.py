"""Each version of a row stored once: ``<table>_history`` becomes a view.

Before: every accepted row was written twice, to ``<table>`` (the current version of each
key) and to ``<table>_history`` (every version). Writing is the most expensive step of an
ingest, and the second copy doubled both it and the store's size. Now ``<table>_superseded``
keeps only the versions a later submission replaced, and ``<table>_history`` is the view
"superseded versions, then current ones": the same rows as before, each stored once.

The existing history is split without loss: every current row is also in the history (the
same submission wrote both), so the history minus one copy of each current row is exactly
what has been superseded.
"""

from cancer_alliance.dataset import TABLES
from cancer_alliance.store.schema import history_view_ddl

VERSION = 3
DESCRIPTION = "superseded versions stored once; <table>_history becomes a view"


def apply(con) -> None:
    for table in TABLES:
        name = table.name
        stored = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?",
                             [f"{name}_history"]).fetchall()[0][0]
        if not stored:  # already a view: this store has been migrated
            continue
        con.execute(f"CREATE TABLE {name}_superseded AS "
                    f"SELECT * FROM {name}_history EXCEPT ALL SELECT * FROM {name}")
        con.execute(f"DROP TABLE {name}_history")
        con.execute(history_view_ddl(table))
