"""Fixtures: the seeded synthetic alliance store (built once, see ``_store.py``)."""

from __future__ import annotations

import shutil

import pytest

from operations._store import PERIOD, build_store  # noqa: F401 - PERIOD re-exported
from operations._web import app_con  # noqa: F401 - the fixture, for every web test


@pytest.fixture(scope="session")
def ops_store_path(tmp_path_factory):
    return build_store(tmp_path_factory)


@pytest.fixture
def ops_con(ops_store_path, tmp_path):
    """A private copy of the seeded store, open for writing."""
    from cancer_alliance.store import connect

    db = tmp_path / "copy.duckdb"
    shutil.copy(ops_store_path, db)
    con = connect(db)
    yield con
    con.close()
