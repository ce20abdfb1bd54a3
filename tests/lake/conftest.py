"""A small generated footprint, loaded into stores and lakes, shared by the lake tests.

Built through the Python API once per test worker: generation, reference data and the
first three months into a store (``store3``); the fourth month is left for the tests that
ingest more.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cancer_alliance.generate import generate
from cancer_alliance.ingest import SubmissionItem, ingest_submissions
from cancer_alliance.ingest.folder import folder_submissions, load_folder_reference
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
