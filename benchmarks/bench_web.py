"""Dashboard page response times under load: locust, headless, 20 users, loopback.

Builds (or reuses) a store holding three years of the synthetic alliance, starts
``cancer-alliance serve`` on it in a subprocess, warms each page once, then runs locust
for ``--seconds`` with 20 logged-in users (think time 0.5-2 s) and prints the median and
95th percentile per page. The goal is a p95 under 150 ms for dashboard pages.

Usage:
    python benchmarks/bench_web.py [--db PATH] [--months 36] [--seconds 60] [--users 20]

Loading: by default each provider's latest submitted version of every row is loaded
straight from the generated CSVs (no validation: a benchmark shortcut, said in the
output); ``--ingest`` runs ``cancer_alliance.ingest.ingest_submission`` per provider-month.
Not a test: prints figures only.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _generated import load_generated
from locust import HttpUser, between, task

PAGES = {
    "overview": "/",
    "standard 62-day": "/standards/62_DAY",
    "standard FDS": "/standards/FDS",
    "provider": "/providers/{provider}",
    "tumour group": "/tumour-groups/LUNG",
    "equity": "/equity",
    "ptl (filtered)": "/ptl?band=63-104",
    "public": "/public",
    "csv download": "/standards/FDS/provider.csv",
}
PASSWORD = "benchmark-password-1"
USER = "bench-analyst"


class DashboardUser(HttpUser):
    """An alliance analyst moving around the dashboard."""

    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        page = self.client.get("/login", name="login form").text
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        self.client.post("/login", data={"username": USER, "password": PASSWORD,
                                         "csrf_token": token, "next": "/"}, name="login")

    @task(4)
    def overview(self):
        self.client.get("/", name="overview")

    @task(3)
    def standard(self):
        self.client.get("/standards/62_DAY", name="standard 62-day")
        self.client.get("/standards/FDS", name="standard FDS")

    @task(2)
    def provider(self):
        self.client.get(PAGES["provider"].format(provider=os.environ["BENCH_PROVIDER"]),
                        name="provider")
        self.client.get("/tumour-groups/LUNG", name="tumour group")

    @task(2)
    def ptl(self):
        self.client.get("/ptl?band=63-104", name="ptl (filtered)")

    @task(1)
    def others(self):
        self.client.get("/equity", name="equity")
        self.client.get("/public", name="public")
        self.client.get("/standards/FDS/provider.csv", name="csv download")


def build_store(db: Path, months: int, use_ingest: bool = False) -> str:
    """Generate and load the alliance; return how it was loaded."""
    from cancer_alliance import metrics
    from cancer_alliance.auth import users
    from cancer_alliance.generate import generate
    from cancer_alliance.reference.loaders import KINDS, load_reference_data, load_reference_file
    from cancer_alliance.store import connect

    tmp = Path(tempfile.mkdtemp(prefix="bench-web-"))
    try:
        t0 = time.perf_counter()
        generate(tmp, scale="alliance", start="2023-01", months=months, seed=1)
        print(f"generated {months} months in {time.perf_counter() - t0:.0f} s")
        con = connect(db)
        t0 = time.perf_counter()
        ingest_submission = None
        if use_ingest:
            from cancer_alliance.ingest import ingest_submission
        if ingest_submission is not None:
            how = "ingest_submission (validated)"
            load_reference_data(con)
            for f in sorted((tmp / "reference").glob("*.csv")):
                if f.stem in KINDS:
                    load_reference_file(con, f.stem, f)
            for sub in sorted(tmp.glob("submissions/*/*"), key=lambda p: (p.name, p.parent.name)):
                ingest_submission(con, sub, provider=sub.parent.name, period=sub.name,
                                  submitted_by="bench")
        else:
            how = "direct CSV load (latest version of each row, no validation)"
            load_generated(con, tmp)
        print(f"loaded with {how} in {time.perf_counter() - t0:.0f} s")
        t0 = time.perf_counter()
        metrics.refresh(con)
        print(f"materialised outcomes in {time.perf_counter() - t0:.0f} s")
        users.add_user(con, USER, "analyst", None, PASSWORD)
        (n,), = con.execute("SELECT count(*) FROM pathways").fetchall()
        print(f"store: {n:,} pathways")
        con.close()
        return how
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(Path(tempfile.gettempdir()) / "bench-web.duckdb"))
    ap.add_argument("--months", type=int, default=36)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--ingest", action="store_true",
                    help="load through the validating ingest (slower) instead of directly")
    args = ap.parse_args()
    db = Path(args.db)
    if not db.exists():
        build_store(db, args.months, args.ingest)
    from cancer_alliance.store import connect

    con = connect(db, read_only=True)
    (provider,), = con.execute(
        "SELECT provider_code FROM pathways GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchall()
    (n,), = con.execute("SELECT count(*) FROM pathways").fetchall()
    con.close()
    port = _port()
    host = f"http://127.0.0.1:{port}"
    cli = str(Path(sys.executable).parent / "cancer-alliance")
    env = dict(os.environ, CANCER_ALLIANCE_SECRET="benchmark-secret-0123456789",
               BENCH_PROVIDER=provider)
    server = subprocess.Popen([cli, "serve", "--db", str(db), "--port", str(port),
                               "--insecure-cookies"], env=env)
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(host + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        t0 = time.perf_counter()
        import http.cookiejar

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(host + "/login").read().decode()
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        data = f"username={USER}&password={PASSWORD}&csrf_token={token}&next=/".encode()
        opener.open(host + "/login", data=data)
        for path in PAGES.values():  # warm the cache, as the first visitor after a load does
            t1 = time.perf_counter()
            opener.open(host + path.format(provider=provider)).read()
            print(f"first (cold) load of {path.format(provider=provider):<32}"
                  f" {1000 * (time.perf_counter() - t1):7.0f} ms")
        print(f"warm-up took {time.perf_counter() - t0:.0f} s")
        out = Path(tempfile.mkdtemp(prefix="bench-web-locust-"))
        subprocess.run(
            [str(Path(sys.executable).parent / "locust"), "-f", __file__, "--headless",
             "-u", str(args.users), "-r", str(args.users), "-t", f"{args.seconds}s",
             "--host", host, "--csv", str(out / "run"), "--only-summary", "--loglevel",
             "WARNING"], env=env, check=True, capture_output=True)
        with open(out / "run_stats.csv") as fh:
            rows = list(csv.DictReader(fh))
        print(f"\n{n:,} pathways · {args.users} users · {args.seconds} s · loopback")
        print(f"{'page':<20} {'requests':>9} {'failures':>9} {'median ms':>10} {'p95 ms':>8}")
        for r in rows:
            if r["Name"] in ("Aggregated",) or r["Name"].startswith("login"):
                continue
            print(f"{r['Name']:<20} {r['Request Count']:>9} {r['Failure Count']:>9} "
                  f"{r['50%']:>10} {r['95%']:>8}")
        agg = next(r for r in rows if r["Name"] == "Aggregated")
        print(f"{'all pages':<20} {agg['Request Count']:>9} {agg['Failure Count']:>9} "
              f"{agg['50%']:>10} {agg['95%']:>8}   ({float(agg['Requests/s']):.1f} req/s)")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
