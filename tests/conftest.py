"""Fixtures shared by every test folder.

Expensive things are made once per run: one local Spark session, one Chromium browser and
the demo store (``tests/_stores.py``: built through the Python API, shared by workers).
Under CI (``CI=true``) a missing Java or Chromium is an error, never a skip.
"""

from __future__ import annotations

import os
import shutil

import pytest
from _stores import demo_store

from cancer_alliance.store import connect

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


def _missing(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} is required under CI; .ci/run must install it")
    pytest.skip(f"{what} is not installed on this machine")


@pytest.fixture(scope="session")
def spark_session():
    """One local-mode Spark session for the whole run (about 8 s to start)."""
    if shutil.which("java") is None:
        _missing("Java")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        _missing("pyspark")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("cancer-alliance-tests")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium, driven by Playwright, for every browser test."""
    if not os.path.exists(CHROMIUM):
        _missing("Chromium (/usr/bin/chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def ops_store_path(tmp_path_factory):
    """The demo store file (generated, ingested, materialised, operations seeded): read-only."""
    return demo_store(tmp_path_factory)


@pytest.fixture
def ops_con(ops_store_path, tmp_path):
    """A private copy of the demo store, open for writing."""
    db = tmp_path / "copy.duckdb"
    shutil.copy(ops_store_path, db)
    con = connect(db)
    yield con
    con.close()
