"""A small generated footprint, loaded into stores and lakes, shared by the lake tests.

Built through the Python API once per test worker: generation, reference data and the
first three months into a store (``store3``); the fourth month is left for the tests that
ingest more.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from cancer_alliance.generate import generate
from cancer_alliance.generate import organisations as orgs
from cancer_alliance.ingest import SubmissionItem, ingest_submissions
from cancer_alliance.ingest.folder import folder_submissions, load_folder_reference
from cancer_alliance.lake import export_store
from cancer_alliance.store import connect

RUN = {"scale": "small", "start": "2024-01", "months": 4, "seed": 23}


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("lake-generated")
    generate(out, **RUN)
    return out


def items(folder: Path, months: set[str]) -> list[SubmissionItem]:
    return [SubmissionItem(p, m, path) for p, m, path in folder_submissions(folder)
            if m in months]


FIRST = {"2024-01", "2024-02", "2024-03"}
LAST = {"2024-04"}


def load(db: Path, folder: Path, months: set[str]) -> None:
    with connect(db) as con:
        load_folder_reference(con, folder)
        ingest_submissions(con, items(folder, months), submitted_by="test")


@pytest.fixture(scope="session")
def store3(generated, tmp_path_factory) -> Path:
    """A store holding the first three months (copy it before changing it)."""
    db = tmp_path_factory.mktemp("lake-store") / "three.duckdb"
    load(db, generated, FIRST)
    return db


#: Three alliances of two trusts each: enough for transfers between alliances, small enough
#: for a two-worker cluster on a laptop.
MULTI = {"start": "2024-01", "months": 4, "seed": 31}


@pytest.fixture(scope="session")
def multi_store(tmp_path_factory) -> tuple[Path, Path]:
    """(store, lake) of a generated three-alliance footprint, the lake exported from it."""
    out = tmp_path_factory.mktemp("multi")
    small = orgs.SCALES["small"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(orgs.SCALES, "multi", orgs.Scale("multi", 3, small.providers,
                                                    small.commissioners, small.population))
        generate(out / "data", scale="multi", **MULTI)
    db = out / "multi.duckdb"
    months = {m for _, m, _ in folder_submissions(out / "data")}
    load(db, out / "data", months)
    with connect(db) as con:
        export_store(con, out / "lake")
    return db, out / "lake"


def IN_CI_REQUIRES_JAVA() -> None:  # noqa: N802 - reads as the rule it enforces
    """Spark needs Java: skip without it, except under CI, where it is a failure."""
    if shutil.which("java") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Java is required under CI")
        pytest.skip("Java is not installed on this machine")
