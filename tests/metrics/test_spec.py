"""The metrics reference's worked examples, on the reference implementation, DuckDB and Spark.

Each case in ``spec_cases.py`` draws pathways and the per-pathway result the reference
requires. Every case gets its own pathway-id prefix, so all cases load into one store and
each engine runs once per kind of query (Spark is slow to start, and ibis takes a second or
two to compile all the standards); each test then checks its own case's rows. The reference
implementation runs case by case.
"""

from __future__ import annotations

import pytest

from cancer_alliance import metrics

from . import drawn
from .spec_cases import CASES, PTL_CASES

ENGINES = ["reference", "duckdb", pytest.param("spark", marks=pytest.mark.spark)]


def _prefix(i: int) -> str:
    return f"c{i:02d}_"


def _all_outcomes(engine: str, spark=None) -> list[dict]:
    paths, subs = [], []
    for i, case in enumerate(CASES):
        paths += drawn.pathways(case.pathways, _prefix(i))
        subs += drawn.subsequent(case.subsequent, _prefix(i))
    con = drawn.store(paths, subs)
    return drawn.frame_rows(metrics.outcomes(con, engine=engine, spark=spark))


def _all_ptl(engine: str, spark=None) -> dict:
    by_census: dict = {}
    for i, case in enumerate(PTL_CASES):
        by_census.setdefault(case.census, []).extend(drawn.pathways(case.pathways,
                                                                    _prefix(i)))
    out = {}
    for census, rows in by_census.items():
        con = drawn.store(rows, [])
        out[census] = drawn.frame_rows(metrics.ptl(con, census, engine=engine, spark=spark))
    return out


@pytest.fixture(scope="module")
def batched_outcomes(request) -> dict:
    """Outcome rows of every case per engine, computed once per engine."""
    cache: dict = {}

    def get(engine: str) -> list[dict]:
        if engine not in cache:
            spark = request.getfixturevalue("spark_session") if engine == "spark" else None
            cache[engine] = _all_outcomes(engine, spark)
        return cache[engine]

    return get


@pytest.fixture(scope="module")
def batched_ptl(request) -> dict:
    cache: dict = {}

    def get(engine: str) -> dict:
        if engine not in cache:
            spark = request.getfixturevalue("spark_session") if engine == "spark" else None
            cache[engine] = _all_ptl(engine, spark)
        return cache[engine]

    return get


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("index", range(len(CASES)), ids=[c.name for c in CASES])
def test_worked_example(index, engine, batched_outcomes):
    case = CASES[index]
    prefix = _prefix(index)
    if engine == "reference":
        rows = drawn.run_outcomes(engine, drawn.pathways(case.pathways, prefix),
                                  drawn.subsequent(case.subsequent, prefix), case.standards)
    else:
        rows = [r for r in batched_outcomes(engine) if r["pathway_id"].startswith(prefix)]
    rows = [r for r in rows if r["standard"] in case.standards]
    expected = drawn.expected(case.expected, prefix)
    columns = list(expected[0])
    assert drawn.project(rows, columns) == drawn.project(expected, columns)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("index", range(len(PTL_CASES)), ids=[c.name for c in PTL_CASES])
def test_ptl_example(index, engine, batched_ptl):
    case = PTL_CASES[index]
    prefix = _prefix(index)
    if engine == "reference":
        rows = drawn.run_ptl(engine, drawn.pathways(case.pathways, prefix), case.census)
    else:
        rows = [r for r in batched_ptl(engine)[case.census]
                if r["pathway_id"].startswith(prefix)]
    expected = drawn.expected(case.expected, prefix)
    columns = list(expected[0])
    assert drawn.project(rows, columns) == drawn.project(expected, columns)
