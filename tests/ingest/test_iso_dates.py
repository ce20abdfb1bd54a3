"""The NumPy date parser agrees with the SQL rule it replaced, value for value."""

from __future__ import annotations

import random

import duckdb
import pyarrow as pa

from cancer_alliance.ingest.iso_dates import iso_dates

# the rule the validator applied in SQL before: the exact shape, then a real date
SQL_RULE = ("CASE WHEN regexp_full_match(v, '[0-9]{4}-[0-9]{2}-[0-9]{2}') "
            "THEN try_cast(v AS DATE) END")
EDGE_CASES = [
    "2024-01-05", "2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29", "0000-01-01",
    "0000-02-29", "0001-02-29", "9999-12-31", "1970-01-01", "1969-12-31", "2024-13-01",
    "2024-00-10", "2024-01-00", "2024-1-05", "2024/01/05", "20240105xx", "2024-01-32",
    "abcd-ef-gh", None, "", "2024-01-05 ", "+024-01-05", "2024-01- 5", "2024-01-5\u00e9",
    "05/01/2024", "2024-01-05T00:00",
]


def _disagreements(values: list[str | None]) -> list[tuple]:
    con = duckdb.connect()
    got = iso_dates(pa.array(values, pa.string()))
    con.register("t", pa.table({"v": pa.array(values, pa.string()), "got": got}))
    return con.execute(f"SELECT v, got::VARCHAR, ({SQL_RULE})::VARCHAR FROM t "
                       f"WHERE got IS DISTINCT FROM {SQL_RULE}").fetchall()


def test_edge_cases_match_the_sql_rule():
    assert _disagreements(EDGE_CASES) == []
    got = iso_dates(pa.array(["2024-02-29", "2023-02-29", None])).to_pylist()
    assert [str(d) if d else None for d in got] == ["2024-02-29", None, None]


def test_random_values_match_the_sql_rule_on_every_path():
    rng = random.Random(11)
    values = [f"{rng.randint(0, 9999):04d}-{rng.randint(0, 13):02d}-{rng.randint(0, 32):02d}"
              for _ in range(50_000)]
    assert _disagreements(values) == []  # every value ten bytes: the packed fast path
    assert _disagreements(values + [None] * 100) == []  # nulls among them: still packed
    assert _disagreements(values + EDGE_CASES) == []  # other lengths: the gather path
    assert _disagreements((values + EDGE_CASES)[7:]) == []  # an array slice (an offset)


def test_chunked_and_empty_columns():
    chunked = pa.chunked_array([pa.array(["2024-05-01"]), pa.array([None, "2024-05-31"])])
    assert [str(d) if d else None for d in iso_dates(chunked).to_pylist()] == [
        "2024-05-01", None, "2024-05-31"]
    assert iso_dates(pa.array([], pa.string())).to_pylist() == []
    assert iso_dates(pa.array([None, None], pa.string())).to_pylist() == [None, None]
