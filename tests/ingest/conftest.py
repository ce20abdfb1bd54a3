"""Fixtures for ingest tests: each test gets its own store under ``tmp_path``.

Tests run in parallel (``-n 2``), so nothing is shared between them. Rows and helpers live in
``ingest_helpers.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .ingest_helpers import Store


@pytest.fixture(scope="session")
def empty_store_file(tmp_path_factory) -> Path:
    """An empty store with every migration applied, made once and copied per test."""
    folder = tmp_path_factory.mktemp("template")
    Store(folder).con.close()
    return folder / "alliance.duckdb"


@pytest.fixture
def store(tmp_path: Path, empty_store_file: Path):
    s = Store(tmp_path, empty_store_file)
    yield s
    s.con.close()
