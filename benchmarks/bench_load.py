"""Page latency at 20 users for a fixed time, with and without a concurrent upload (issue 14).

Starts ``cancer-alliance serve`` on 127.0.0.1 over a small store (one month via the CLI),
drives it with locust (as a library) at 20 users browsing the public pages and /healthz,
and prints p50/p95/p99 per phase: quiet, then while an upload of ``--upload-mb`` MB of
pathways is posted through the API and ingested by the job worker. Stops the server.

    python benchmarks/bench_load.py --seconds 20 --upload-mb 30
"""

from __future__ import annotations

from gevent import monkey  # noqa: I001 - locust needs gevent's patching first

monkey.patch_all()

import argparse  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import httpx  # noqa: E402
import locust.stats  # noqa: E402
from locust import HttpUser, between, task  # noqa: E402
from locust.env import Environment  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.service.procs import Served, cli, csv_bytes, month_rows, write_month  # noqa: E402


class Browser(HttpUser):
    wait_time = between(0.2, 0.5)

    @task(3)
    def public(self):
        self.client.get("/public", name="/public")

    @task(2)
    def login_page(self):
        self.client.get("/login", name="/login")

    @task(1)
    def health(self):
        self.client.get("/healthz", name="/healthz")


def run_phase(url: str, seconds: float, during=None) -> dict[str, tuple[float, float, float]]:
    env = Environment(user_classes=[Browser], host=url)
    runner = env.create_local_runner()
    runner.start(20, spawn_rate=20)
    side = threading.Thread(target=during) if during else None
    if side:
        side.start()
    time.sleep(seconds)
    runner.quit()
    if side:
        side.join()
    out = {}
    for name in ("/public", "/login", "/healthz"):
        e = env.stats.get(name, "GET")
        out[name] = tuple(e.get_response_time_percentile(p) / 1000 for p in (0.5, 0.95, 0.99))
    total = env.stats.total
    out["all"] = tuple(total.get_response_time_percentile(p) / 1000 for p in (0.5, 0.95, 0.99))
    out["requests"] = (total.num_requests, total.num_failures, 0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--upload-mb", type=float, default=30)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-load-"))
    db = root / "alliance.duckdb"
    assert cli("ingest", str(write_month(root, "RAA", "2024-05", n=2000)), "--provider", "RAA",
               "--period", "2024-05", "--db", str(db)).returncode == 0
    token = cli("tokens", "add", "--provider", "RAA", "--db", str(db)).stdout.strip()
    rows_per_mb = 1_000_000 // 75  # about 75 bytes a row
    body = csv_bytes(month_rows("RAA", "2024-06", n=int(args.upload_mb * rows_per_mb)))
    n_rows = body.count(b"\n") - 1
    print(f"upload: {len(body) / 1e6:.1f} MB, {n_rows:,} rows")
    served = Served(db).start()
    timing = {}

    def upload():
        t0 = time.perf_counter()
        r = httpx.post(served.url + "/api/v1/submissions", timeout=600,
                       headers={"authorization": f"Bearer {token}"}, data={"period": "2024-06"},
                       files={"files": ("pathways.csv", body, "text/csv")})
        timing["accepted_s"] = time.perf_counter() - t0
        url = served.url + r.json()["status_url"]
        while httpx.get(url, headers={"authorization": f"Bearer {token}"}).json()["state"] in (
                "queued", "running"):
            time.sleep(0.2)
        timing["done_s"] = time.perf_counter() - t0

    try:
        for phase, during in (("quiet", None), ("during upload", upload)):
            res = run_phase(served.url, args.seconds, during)
            print(f"\n{phase} ({args.seconds:.0f} s, 20 users): {res.pop('requests')[:2]} "
                  "(requests, failures)")
            for name, (p50, p95, p99) in res.items():
                print(f"  {name:9s} p50 {p50:6.3f} s  p95 {p95:6.3f} s  p99 {p99:6.3f} s")
        print(f"\nupload answered 202 after {timing.get('accepted_s', float('nan')):.1f} s; "
              f"job done after {timing.get('done_s', float('nan')):.1f} s")
    finally:
        served.stop()


if __name__ == "__main__":
    locust.stats.CSV_STATS_INTERVAL_SEC = 60
    main()
