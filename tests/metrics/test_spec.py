"""The metrics reference's worked examples, on the reference implementation, DuckDB and Spark.

Each case in ``spec_cases.py`` draws pathways and the per-pathway result the reference
requires. Spark is slow to start, so every case is loaded into one store and Spark runs
once per kind of query; each test then checks its own case's rows.
"""

from __future__ import annotations

import pytest

from cancer_alliance import metrics

from . import drawn
from .spec_cases import CASES, PTL_CASES

ENGINES = ["reference", "duckdb", pytest.param("spark", marks=pytest.mark.spark)]


def _prefix(i: int) -> str:
    return f"c{i:02d}_"


@pytest.fixture(scope="module")
def spark_outcomes(spark_session) -> list[dict]:
    """Outcome rows of every case, computed in one Spark run over one combined store."""
    paths, subs = [], []
    for i, case in enumerate(CASES):
        paths += drawn.pathways(case.pathways, _prefix(i))
        subs += drawn.subsequent(case.subsequent, _prefix(i))
    con = drawn.store(paths, subs)
    return drawn.frame_rows(metrics.outcomes(con, engine="spark", spark=spark_session))


@pytest.fixture(scope="module")
def spark_ptl(spark_session) -> dict:
    """PTL rows of every PTL case, one Spark run per census date."""
    by_census: dict = {}
    for i, case in enumerate(PTL_CASES):
        by_census.setdefault(case.census, []).extend(drawn.pathways(case.pathways,
                                                                    _prefix(i)))
    out = {}
    for census, rows in by_census.items():
        con = drawn.store(rows, [])
        out[census] = drawn.frame_rows(metrics.ptl(con, census, engine="spark",
                                                   spark=spark_session))
    return out


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("index", range(len(CASES)), ids=[c.name for c in CASES])
def test_worked_example(index, engine, request):
    case = CASES[index]
    prefix = _prefix(index)
    if engine == "spark":
        rows = [r for r in request.getfixturevalue("spark_outcomes")
                if r["pathway_id"].startswith(prefix)]
    else:
        rows = drawn.run_outcomes(engine, drawn.pathways(case.pathways, prefix),
                                  drawn.subsequent(case.subsequent, prefix), case.standards)
    rows = [r for r in rows if r["standard"] in case.standards]
    expected = drawn.expected(case.expected, prefix)
    columns = list(expected[0])
    assert drawn.project(rows, columns) == drawn.project(expected, columns)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("index", range(len(PTL_CASES)), ids=[c.name for c in PTL_CASES])
def test_ptl_example(index, engine, request):
    case = PTL_CASES[index]
    prefix = _prefix(index)
    if engine == "spark":
        rows = [r for r in request.getfixturevalue("spark_ptl")[case.census]
                if r["pathway_id"].startswith(prefix)]
    else:
        rows = drawn.run_ptl(engine, drawn.pathways(case.pathways, prefix), case.census)
    expected = drawn.expected(case.expected, prefix)
    columns = list(expected[0])
    assert drawn.project(rows, columns) == drawn.project(expected, columns)
