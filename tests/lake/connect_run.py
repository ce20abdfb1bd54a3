"""Run in a subprocess by test_connect.py: every completed standard and the 62-day backlog
through a Spark Connect server, with the engine ``--spark-remote`` makes.

A separate process because a Spark Connect client switches PySpark into Connect mode for
the whole process, and the test process may hold a classic local session. Writes each
result as a pickle into OUT, and what the session was in ``info.json``.

Usage: python connect_run.py SC_URL LAKE OUT PERIOD
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from cancer_alliance import metrics
from cancer_alliance.metrics.engines import SparkRunner, SparkSettings


def main(remote: str, lake: str, out: str, period: str) -> None:
    out_dir = Path(out)
    engine = SparkRunner(settings=SparkSettings(remote=remote, timeout=60), lake=lake)
    try:
        session = engine.session
        info = {"session": type(session).__module__, "version": session.version,
                "session_id": session.session_id}
        metrics.compute_many(None, by="provider,month", engine=engine).to_pickle(
            out_dir / "standards.pkl")
        metrics.compute_metrics(None, "62_DAY_BACKLOG", by="provider,month", period=period,
                                engine=engine).to_pickle(out_dir / "backlog.pkl")
    finally:
        engine.stop()
    (out_dir / "info.json").write_text(json.dumps(info))


if __name__ == "__main__":
    main(*sys.argv[1:])
