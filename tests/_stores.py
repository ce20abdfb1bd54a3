"""Test stores built once per test run through the Python API, shared by every worker.

A store is built by the first process that asks for it (``pytest -n 2`` runs two); the
others wait on a file lock and then use the same file. Tests never write to a shared store
file: fixtures copy it into the test's own folder (or open it for reading only).

* :func:`web_store` - the small hand-made alliance of ``tests/web/synthetic.py`` with one
  account per role (the web tests' permission matrix and pages);
* :func:`demo_store` - the generator's small alliance (4 months, 2 trusts), ingested with
  :func:`cancer_alliance.ingest.folder.ingest_folder`, outcomes materialised and the demo
  operations seeded (operations and pack tests).
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable
from pathlib import Path

from cancer_alliance import metrics
from cancer_alliance.generate import generate
from cancer_alliance.ingest.folder import ingest_folder
from cancer_alliance.operations.demo import seed_demo
from cancer_alliance.store import connect


def shared_store(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """The store ``name``, built by ``build(path)`` once per test run (every xdist worker
    of the run shares the one file, through a lock)."""
    root = tmp_path_factory.getbasetemp()
    shared = root.parent if root.name.startswith("popen-gw") else root
    base = shared / f"store-{name}"
    base.mkdir(exist_ok=True)
    db, ready = base / "alliance.duckdb", base / "READY"
    with open(base / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not ready.exists():
            building = base / "building.duckdb"
            building.unlink(missing_ok=True)
            build(building)
            building.rename(db)
            ready.write_text("ok")
    return db


def build_demo(path: Path, folder: Path | None = None) -> None:
    """Generate the small demo alliance, ingest it, materialise outcomes, seed operations."""
    folder = folder or path.with_name("generated")
    generate(folder, scale="small", start="2024-01", months=4, seed=7)
    con = connect(path)
    try:
        ingest_folder(con, folder)
        metrics.refresh(con)
        seed_demo(con)
    finally:
        con.close()


def demo_store(tmp_path_factory) -> Path:
    return shared_store(tmp_path_factory, "demo", build_demo)


def web_store(tmp_path_factory, build: Callable[[Path], None]) -> Path:
    return shared_store(tmp_path_factory, "web", build)
