"""Build the seeded test store once per test run, shared by xdist workers through a lock.

The store is generated with the project's generator (4 months, 2 trusts), loaded with
``ingest-folder``, outcomes materialised, and the demo operations seeded. Tests never write
to it: they copy it into their own ``tmp_path``.
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

PERIOD = "2024-04"


def _cli(*args: str) -> None:
    exe = Path(sys.executable).with_name("cancer-alliance")
    subprocess.run([str(exe), *args], check=True, capture_output=True, text=True)


def build_store(tmp_path_factory) -> Path:
    root = tmp_path_factory.getbasetemp()
    shared = root.parent if root.name.startswith("popen-gw") else root
    base = shared / "ops_store"
    base.mkdir(exist_ok=True)
    db, done = base / "alliance.duckdb", base / "READY"
    with open(base / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            _cli("generate", "--out", str(base / "gen"), "--scale", "small", "--start",
                 "2024-01", "--months", "4", "--seed", "7")
            _cli("ingest-folder", str(base / "gen"), "--db", str(db))
            from cancer_alliance import metrics
            from cancer_alliance.operations.demo import seed_demo
            from cancer_alliance.store import connect

            con = connect(db)
            metrics.refresh(con)
            seed_demo(con)
            con.close()
            done.write_text("ok")
    return db
