"""The reporting calendar on a store: what it says and how long it takes.

Prints the completeness grid's counts by state, the latest complete month, the data start,
how long reading the calendar takes (it is read on every aggregate to know the data start),
and, with ``--pages``, the first (uncached) and second (cached) response time of the pages
that use it, in-process. ``--early PROVIDER`` first copies the store and registers an early
upload of the month after the latest by one provider (issue 13's scenario), to show that
the latest month does not move.

Usage:
    python benchmarks/bench_calendar.py --db alliance.duckdb [--pages] [--early RA1]

Not a test: prints figures only.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from cancer_alliance.calendar import grid_frame, read_calendar
from cancer_alliance.dataset import periods
from cancer_alliance.store import connect


def _timed(fn, repeat: int = 5) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def _early_upload(con, provider: str) -> str:
    latest = max(r[0] for r in con.execute("SELECT DISTINCT period FROM submissions").fetchall())
    month = periods.shift(latest, 1)
    (sid,), = con.execute("SELECT coalesce(max(submission_id), 0) + 1 FROM submissions"
                          ).fetchall()
    con.execute("INSERT INTO submissions VALUES (?, ?, ?, 'bench', ?, 'loaded', NULL, 1, 743,"
                " 743, 0, NULL)", [sid, provider, month, datetime.now(UTC).replace(tzinfo=None)])
    return month


def _pages(con) -> None:
    from fastapi.testclient import TestClient

    from cancer_alliance.auth import users
    from cancer_alliance.web import data
    from cancer_alliance.web.app import create_app
    from cancer_alliance.web.settings import WebSettings

    users.add_user(con, "bench-analyst", "analyst", None, "bench-password-123")
    data.clear_cache()
    app = create_app(WebSettings(db=None, secret="bench-secret-0123456789abcdef0123456789",
                                 secure_cookies=True, oidc=None, census=None), con=con)
    client = TestClient(app, base_url="https://testserver")
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post("/login", data={"username": "bench-analyst",
                                    "password": "bench-password-123", "csrf_token": token,
                                    "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, "could not log in"
    for name, path in (("overview", "/"), ("completeness", "/completeness"),
                       ("standard FDS", "/standards/FDS"),
                       ("backlog (counts)", "/standards/62_DAY_BACKLOG")):
        t = time.perf_counter()
        r = client.get(path, follow_redirects=False)
        first = time.perf_counter() - t
        assert r.status_code == 200, (path, r.status_code)
        t = time.perf_counter()
        client.get(path)
        second = time.perf_counter() - t
        print(f"page {name:18s} status {r.status_code}  first {first:6.2f} s  "
              f"cached {second * 1000:6.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--pages", action="store_true")
    ap.add_argument("--early", metavar="PROVIDER")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        shutil.copyfile(args.db, db)
        con = connect(db)
        if args.early:
            print(f"early upload: {args.early} sends {_early_upload(con, args.early)}")
        took, cal = _timed(lambda: read_calendar(con))
        grid = grid_frame(cal)
        print(f"read_calendar: {took * 1000:.1f} ms (median of 5); "
              f"{len(cal.months)} months x {grid['provider_code'].nunique()} providers")
        print("cells by state: " + ", ".join(f"{k} {v}" for k, v in
                                              grid["state"].value_counts().sort_index().items()))
        print(f"complete months: {sum(m.complete for m in cal.months)}; final months: "
              f"{sum(m.final for m in cal.months)}")
        print(f"data start: {cal.data_start}; latest complete month: {cal.latest_complete}")
        for m in cal.provisional_after():
            print(f"provisional: {m.period}, {len(m.received)} of {len(m.expected)} in, "
                  f"missing {', '.join(m.missing)}")
        if args.pages:
            _pages(con)
        con.close()


if __name__ == "__main__":
    main()
