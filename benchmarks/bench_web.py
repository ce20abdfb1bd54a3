"""Dashboard page speed: cold and warm visits of every navigation page, the warm-up after
a submission, 20 users under load, and pack render times (issue 16). Prints figures only.

Builds (or reuses, ``--db``) a store holding the synthetic alliance, then

1. **in-process** (a copy of the store, the app as ``serve`` makes it, one analyst):
   * *cold*: each route visited with the app's result cache emptied first, as a new
     submission empties it, warm-up off: what a page costs to compute (median and max of
     ``--rounds``);
   * *warm*: the same route visited again (median and max of ``--rounds``);
   * *after a submission, warmed*: the cache emptied, the warm-up (``web/warm.py``) run to
     the end (its length printed), then each route's first visit;
   * the provider pack's web view: after the warm-up, cold (cache and fitted breach-risk
     model emptied) and with only the cache emptied (the model kept: same pathways);
2. **the provider pack from the command line** (``cancer-alliance report provider``);
3. **20 users for 60 s**: ``cancer-alliance serve`` in a subprocess (it prepares the pages
   at start), then once /healthz says the warm-up has finished, locust headless with
   logged-in users (think time 0.5-2 s): p50, p95, p99.

The goals: a page's first visit after a submission under 1 s; warm p95 under 150 ms at
20 users; packs under 10 s. Print ``uptime`` alongside: the machine is shared.

Usage:
    python benchmarks/bench_web.py [--db PATH] [--months 36] [--seconds 60] [--users 20]
                                   [--rounds 5] [--skip-pages] [--skip-load] [--skip-pack]

Loading: by default each provider's latest submitted version of every row is loaded
straight from the generated CSVs (no validation: a benchmark shortcut, said in the
output); ``--ingest`` runs ``cancer_alliance.ingest.ingest_submission`` per provider-month.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import socket
import statistics
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
    "backlog": "/standards/62_DAY_BACKLOG",
    "outcomes": "/outcomes",
}
#: Every page of the navigation an alliance analyst has, and the pages behind its links
ROUTES = [
    "/", "/standards", "/standards/62_DAY", "/standards/FDS", "/standards/31_DAY",
    "/standards/62_DAY_BACKLOG", "/standards/62_DAY_BACKLOG?provider={provider}",
    "/providers", "/providers/{provider}", "/tumour-groups", "/tumour-groups/LUNG",
    "/equity", "/outcomes", "/looking-ahead", "/ptl", "/harm-review", "/submissions",
    "/completeness", "/reconciliation", "/operations", "/public", "/definitions",
]
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
        self.client.get("/standards/62_DAY_BACKLOG", name="backlog")
        self.client.get("/outcomes", name="outcomes")


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


def _stats(times: list[float]) -> str:
    return f"{1000 * statistics.median(times):8.0f} {1000 * max(times):8.0f}"


def _ensure_user(db: Path) -> None:
    from cancer_alliance.auth import users
    from cancer_alliance.store import connect

    con = connect(db)
    try:
        if not con.execute("SELECT count(*) FROM users WHERE username = ?",
                           [USER]).fetchall()[0][0]:
            users.add_user(con, USER, "analyst", None, PASSWORD)
    finally:
        con.close()


def in_process(db: Path, provider: str, month: str, rounds: int) -> None:
    """Cold, warm and after-submission (warmed) visits of every route, and the pack view."""
    from fastapi.testclient import TestClient

    from cancer_alliance.store import connect
    from cancer_alliance.web.app import create_app
    from cancer_alliance.web.settings import WebSettings

    copy = db.with_name(db.stem + "-inproc.duckdb")
    shutil.copyfile(db, copy)
    con = connect(copy)
    app = create_app(WebSettings(secret="benchmark-secret-0123456789", oidc=None,
                                 secure_cookies=False, warm_pages=True), con=con)
    client = TestClient(app, base_url="http://testserver")
    page = client.get("/login").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client.post("/login", data={"username": USER, "password": PASSWORD,
                                "csrf_token": token, "next": "/standards"})
    routes = [r.format(provider=provider) for r in ROUTES]
    cache = app.state.results

    def visit(path: str) -> float:
        t0 = time.perf_counter()
        r = client.get(path)
        assert r.status_code == 200, (path, r.status_code)
        return time.perf_counter() - t0

    print(f"\n{'route':<44} {'cold med':>8} {'max':>8}   {'warm med':>8} {'max':>8}  (ms,"
          f" {rounds} rounds; cold = cache emptied, no warm-up)")
    for path in routes:
        cold, warm = [], []
        for _ in range(rounds):
            cache.clear()
            cold.append(visit(path))
            warm.append(visit(path))
        print(f"{path:<44} {_stats(cold)}   {_stats(warm)}   load {os.getloadavg()[0]:.1f}",
              flush=True)

    cache.clear()
    t0 = time.perf_counter()
    app.state.warmer.request()
    app.state.warmer.wait_idle()
    pages = len(app.state.warmer.last_run)
    print(f"\nafter a submission: the warm-up prepared {pages} pages in "
          f"{time.perf_counter() - t0:.0f} s; then each route's first visit:")
    firsts = []
    for path in routes:
        firsts.append(visit(path))
        print(f"{path:<44} {1000 * firsts[-1]:8.0f} ms")
    print(f"{'slowest first visit after the warm-up':<44} {1000 * max(firsts):8.0f} ms")

    pack = f"/operations/packs/view/{provider}/{month}"
    print(f"\nprovider pack, web view ({pack}), after the warm-up: {visit(pack):.1f} s"
          f"  (load {os.getloadavg()[0]:.1f})", flush=True)
    from cancer_alliance.outlook import risk_cache

    cache.clear()
    risk_cache.CACHE.clear()
    print(f"provider pack, web view, cold (cache and fitted model emptied): {visit(pack):.1f} s"
          f"  (load {os.getloadavg()[0]:.1f})", flush=True)
    cache.clear()
    print(f"provider pack, web view, cache emptied, model kept (same pathways): "
          f"{visit(pack):.1f} s  (load {os.getloadavg()[0]:.1f})", flush=True)
    app.state.warmer.stop()
    con.close()
    copy.unlink(missing_ok=True)


def pack_cli(db: Path, provider: str, month: str) -> None:
    copy = db.with_name(db.stem + "-pack.duckdb")
    shutil.copyfile(db, copy)
    out = Path(tempfile.mkdtemp(prefix="bench-web-pack-")) / "pack.html"
    cli = str(Path(sys.executable).parent / "cancer-alliance")
    t0 = time.perf_counter()
    subprocess.run([cli, "report", "provider", provider, "--period", month, "--out", str(out),
                    "--db", str(copy)], check=True, capture_output=True)
    print(f"provider pack, command line (HTML, whole process): "
          f"{time.perf_counter() - t0:.1f} s  (load {os.getloadavg()[0]:.1f})")
    copy.unlink(missing_ok=True)


def load_test(db: Path, provider: str, n: int, users: int, seconds: int) -> None:
    port = _port()
    host = f"http://127.0.0.1:{port}"
    cli = str(Path(sys.executable).parent / "cancer-alliance")
    env = dict(os.environ, CANCER_ALLIANCE_SECRET="benchmark-secret-0123456789",
               BENCH_PROVIDER=provider)
    t0 = time.perf_counter()
    server = subprocess.Popen([cli, "serve", "--db", str(db), "--port", str(port),
                               "--insecure-cookies"], env=env)
    try:
        for _ in range(1200):
            try:
                urllib.request.urlopen(host + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        print(f"\nserve up (with its start-up warm-up budget) in "
              f"{time.perf_counter() - t0:.0f} s")
        # warm pages are the goal's subject: wait for the warm-up to finish (/healthz says)
        for _ in range(1800):
            with urllib.request.urlopen(host + "/healthz", timeout=5) as r:
                if json.loads(r.read()).get("pages") == "ready":
                    break
            time.sleep(0.5)
        print(f"pages prepared (warm-up finished) {time.perf_counter() - t0:.0f} s after start")
        out = Path(tempfile.mkdtemp(prefix="bench-web-locust-"))
        subprocess.run(
            [str(Path(sys.executable).parent / "locust"), "-f", __file__, "--headless",
             "-u", str(users), "-r", str(users), "-t", f"{seconds}s",
             "--host", host, "--csv", str(out / "run"), "--only-summary", "--loglevel",
             "WARNING"], env=env, check=False, capture_output=True)  # 1 when any failed
        with open(out / "run_stats.csv") as fh:
            rows = list(csv.DictReader(fh))
        print(f"\n{n:,} pathways · {users} users · {seconds} s · loopback")
        print(f"{'page':<20} {'requests':>9} {'failures':>9} {'p50 ms':>8} {'p95 ms':>8}"
              f" {'p99 ms':>8}")
        for r in rows:
            if r["Name"] in ("Aggregated",) or r["Name"].startswith("login"):
                continue
            print(f"{r['Name']:<20} {r['Request Count']:>9} {r['Failure Count']:>9} "
                  f"{r['50%']:>8} {r['95%']:>8} {r['99%']:>8}")
        agg = next(r for r in rows if r["Name"] == "Aggregated")
        print(f"{'all pages':<20} {agg['Request Count']:>9} {agg['Failure Count']:>9} "
              f"{agg['50%']:>8} {agg['95%']:>8} {agg['99%']:>8}"
              f"   ({float(agg['Requests/s']):.1f} req/s)")
    finally:
        server.terminate()
        server.wait(timeout=60)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(Path(tempfile.gettempdir()) / "bench-web.duckdb"))
    ap.add_argument("--months", type=int, default=36)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--skip-load", action="store_true", help="no 20-user run")
    ap.add_argument("--skip-pages", action="store_true", help="no in-process page times")
    ap.add_argument("--skip-pack", action="store_true", help="no pack render times")
    ap.add_argument("--ingest", action="store_true",
                    help="load through the validating ingest (slower) instead of directly")
    args = ap.parse_args()
    db = Path(args.db)
    if not db.exists():
        build_store(db, args.months, args.ingest)
    _ensure_user(db)
    from cancer_alliance.store import connect

    con = connect(db, read_only=True)
    (provider,), = con.execute(
        "SELECT provider_code FROM pathways GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchall()
    (n,), = con.execute("SELECT count(*) FROM pathways").fetchall()
    (month,), = con.execute("SELECT max(period) FROM submissions").fetchall()
    con.close()
    print(f"{n:,} pathways; load average at start: {os.getloadavg()}")
    if not args.skip_pages:
        in_process(db, provider, month, args.rounds)
    if not args.skip_pack:
        pack_cli(db, provider, month)
    if not args.skip_load:
        load_test(db, provider, n, args.users, args.seconds)
    print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
