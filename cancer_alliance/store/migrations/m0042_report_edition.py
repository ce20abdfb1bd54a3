"""Packs record the edition of the figures they used (final or provisional, which month).

A board paper made from provisional figures must say so, and the archive must show which
edition each pack was made from, so a later revision of a final month is never confused
with what the board was shown.
"""

VERSION = 42
DESCRIPTION = "report archive: the edition of the figures each pack used"


def apply(con) -> None:
    cols = {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'report_archive'"
    ).fetchall()}
    if "edition" not in cols:
        con.execute("ALTER TABLE report_archive ADD COLUMN edition VARCHAR")
