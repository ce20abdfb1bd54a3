"""``engines.to_frame`` gives exactly the frame ibis's ``to_pandas`` gives.

It replaces ``to_pandas`` at every call site for speed (ibis turns a column holding a null
into Python objects one value at a time), so any difference in dtype or value would change
a figure: these tests compare the two on the column kinds the metrics read.
"""

from __future__ import annotations

import duckdb
import ibis
import pandas as pd
import pytest

from cancer_alliance.metrics.engines import duckdb_backend, to_frame

COLUMNS = """
    i,
    CASE WHEN i % 3 = 0 THEN NULL ELSE DATE '2024-01-01' + (i % 400)::INT END AS gappy_date,
    DATE '2024-01-01' + (i % 400)::INT AS full_date,
    CASE WHEN i % 5 = 0 THEN NULL
         ELSE TIMESTAMP '2024-03-01 10:00:01.123456' + TO_DAYS((i % 9)::INT) END AS gappy_ts,
    CASE WHEN i % 7 = 0 THEN NULL ELSE i END AS gappy_int,
    CASE WHEN i % 4 = 0 THEN NULL ELSE 'RAA' || i END AS gappy_text,
    CASE WHEN i % 6 = 0 THEN NULL ELSE i % 2 = 0 END AS gappy_flag,
    CASE WHEN i % 8 = 0 THEN NULL ELSE i / 3.0 END AS gappy_float
"""


@pytest.fixture
def table() -> ibis.Table:
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS SELECT {COLUMNS} FROM range(2000) r(i)")
    return duckdb_backend(con).table("t")


def test_same_frame_as_to_pandas(table: ibis.Table) -> None:
    pd.testing.assert_frame_equal(to_frame(table), table.to_pandas())


def test_gappy_dates_keep_their_gaps_and_dtypes(table: ibis.Table) -> None:
    frame = to_frame(table)
    assert str(frame["gappy_date"].dtype) == "datetime64[s]"
    assert str(frame["gappy_ts"].dtype) == "datetime64[ns]"
    assert frame["gappy_date"].isna().sum() == len(range(0, 2000, 3))
    assert frame.loc[1, "gappy_date"] == pd.Timestamp("2024-01-02")
    assert frame.loc[1, "gappy_ts"] == pd.Timestamp("2024-03-02 10:00:01.123456")


def test_aggregate_and_all_null_columns(table: ibis.Table) -> None:
    grouped = table.group_by(flag=table.gappy_flag).aggregate(
        n=table.count(), first=table.gappy_date.min(), last=table.gappy_ts.max())
    empty = table.filter(table.i < 0).aggregate(first=table.gappy_date.min())
    for expr in (grouped.order_by("flag"), empty):
        pd.testing.assert_frame_equal(to_frame(expr), expr.to_pandas())
    assert pd.isna(to_frame(empty).iloc[0]["first"])


def test_dates_beyond_the_nanosecond_range_take_ibis_path() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (TIMESTAMP '2999-01-01'), (NULL)) v(ts)")
    t = duckdb_backend(con).table("t")
    pd.testing.assert_frame_equal(to_frame(t), t.to_pandas())
