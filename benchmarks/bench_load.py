"""Page latency at 20 users, quiet and while a large upload is sent and ingested (issue 14).

Starts ``cancer-alliance serve`` on 127.0.0.1 over a small store (one month via the CLI),
writes a real pathways file of ``--upload-mb`` MB to disk (complete rows, 40-character
pathway ids, at most the 1,000,000-row limit), and drives the service with locust (as a
library) at 20 users browsing the public pages and /healthz. Two phases: quiet for
``--seconds``, then while the file is posted through the API by a separate process
(``curl``, streaming from disk, as a trust's system would) and ingested by the job worker;
that phase lasts until the job has finished and ``/healthz`` says the pages are prepared
again (the warm-up after the job is part of what users feel), at least ``--seconds``.
Prints p50/p95/p99 per page and overall, the upload's accept time, job time and time until
the pages were ready, the load average, and a timeline: the slowest request of each 2-second
slice of the upload phase beside what happened then (upload answered, job done, pages
ready), to show where any tail comes from.

    python benchmarks/bench_load.py --seconds 20 --upload-mb 150
"""

from __future__ import annotations

from gevent import monkey  # noqa: I001 - locust needs gevent's patching first

monkey.patch_all()

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
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
from tests.service.procs import COLUMNS, Served, cli, nhs_number, write_month  # noqa: E402


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


SLICE_S = 2.0


class Timeline:
    """The slowest request of each ``SLICE_S`` slice of a phase, and named events."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.slowest: dict[int, tuple[float, str]] = {}
        self.events: list[tuple[float, str]] = []

    def request(self, request_type, name, response_time, response_length, **kw) -> None:
        """locust's ``request`` event: response_time in ms."""
        at = int((time.perf_counter() - self.start) // SLICE_S)
        if response_time / 1000 > self.slowest.get(at, (0.0, ""))[0]:
            self.slowest[at] = (response_time / 1000, name)

    def event(self, what: str) -> None:
        self.events.append((time.perf_counter() - self.start, what))

    def print(self) -> None:
        print(f"  timeline (slowest request per {SLICE_S:.0f} s slice):")
        events = sorted(self.events)
        for at in sorted(self.slowest):
            lo, hi = at * SLICE_S, (at + 1) * SLICE_S
            said = "; ".join(f"{what} at {t:.1f} s" for t, what in events if lo <= t < hi)
            secs, name = self.slowest[at]
            print(f"    {lo:5.0f}-{hi:<4.0f} s  {secs:6.3f} s {name:9s} {said}")


def run_phase(url: str, seconds: float, during=None,
              timeline: Timeline | None = None) -> dict[str, tuple[float, float, float]]:
    """20 users for ``seconds``; with ``during`` (run in a thread), until it has finished."""
    env = Environment(user_classes=[Browser], host=url)
    if timeline is not None:
        env.events.request.add_listener(timeline.request)
    runner = env.create_local_runner()
    runner.start(20, spawn_rate=20)
    side = threading.Thread(target=during) if during else None
    if side:
        side.start()
    time.sleep(seconds)
    if side:
        side.join()
    runner.quit()
    out = {}
    for name in ("/public", "/login", "/healthz"):
        e = env.stats.get(name, "GET")
        out[name] = tuple(e.get_response_time_percentile(p) / 1000 for p in (0.5, 0.95, 0.99))
    total = env.stats.total
    out["all"] = tuple(total.get_response_time_percentile(p) / 1000 for p in (0.5, 0.95, 0.99))
    out["requests"] = (total.num_requests, total.num_failures, 0)
    return out


def write_upload(path: Path, provider: str, period: str, mb: float) -> int:
    """A valid pathways file of about ``mb`` MB (complete closed rows, 40-character pathway
    ids: the longest the dataset allows), written in chunks;
    returns its rows. Capped at the ingest's 1,000,000-row limit."""
    valid = [nhs_number(999000000 + 37 * k) for k in range(50)]
    row_bytes = 152  # a complete row with a 40-character pathway id
    n = min(int(mb * 1_000_000 / row_bytes), 999_999)
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for i in range(n):
            day = 1 + i % 9
            w.writerow([provider, f"{provider}-LOAD-{i:012d}-{'X' * 18}", valid[i % 50],
                        "1950-01-01", "1", "A", "QAA", "USC", "LUNG", f"{period}-0{day}",
                        f"{period}-1{day}", provider, f"{period}-2{day}", "RULED_OUT",
                        "RULED_OUT", f"{period}-2{day}"])
    return n


def load() -> str:
    return "load average " + " / ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--upload-mb", type=float, default=150)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-load-"))
    db = root / "alliance.duckdb"
    assert cli("ingest", str(write_month(root, "RAA", "2024-05", n=2000)), "--provider", "RAA",
               "--period", "2024-05", "--db", str(db)).returncode == 0
    token = cli("tokens", "add", "--provider", "RAA", "--db", str(db)).stdout.strip()
    upload_file = root / "pathways.csv"
    t0 = time.perf_counter()
    n_rows = write_upload(upload_file, "RAA", "2024-06", args.upload_mb)
    print(f"upload: {upload_file.stat().st_size / 1e6:.1f} MB, {n_rows:,} rows on disk "
          f"(written in {time.perf_counter() - t0:.0f} s)")
    served = Served(db).start()
    print(f"serve: pid {served.proc.pid} on {served.url}")
    timing: dict = {}
    timeline = Timeline()

    def upload():
        t0 = time.perf_counter()
        timeline.start = t0
        timeline.event("upload starts")
        # a separate process streams the file from disk, as a trust's system would
        out = subprocess.run(
            ["curl", "-sS", "-H", f"authorization: Bearer {token}", "-F", "period=2024-06",
             "-F", f"files=@{upload_file};type=text/csv", served.url + "/api/v1/submissions"],
            capture_output=True, text=True, timeout=1800)
        timing["accepted_s"] = time.perf_counter() - t0
        timeline.event("upload answered")
        answer = json.loads(out.stdout)
        url = served.url + answer["status_url"]
        while True:
            state = httpx.get(url, headers={"authorization": f"Bearer {token}"},
                              timeout=60).json()
            if state["state"] not in ("queued", "running"):
                break
            time.sleep(0.5)
        timing["done_s"] = time.perf_counter() - t0
        timeline.event("job done")
        timing["state"] = state["state"]
        timing["result"] = {k: v for k, v in (state.get("result") or {}).items()
                            if k in ("status", "rows_read", "accepted", "rejected", "error")}
        # then the warm-up prepares the pages for the new data: part of the phase too
        while httpx.get(served.url + "/healthz", timeout=60).json().get("pages") != "ready":
            time.sleep(0.5)
        timing["ready_s"] = time.perf_counter() - t0
        timeline.event("pages ready")

    try:
        for phase, during in (("quiet", None), ("during upload", upload)):
            before = load()
            t0 = time.perf_counter()
            res = run_phase(served.url, args.seconds, during,
                            timeline if during else None)
            n, failures = res.pop("requests")[:2]
            print(f"\n{phase} ({time.perf_counter() - t0:.0f} s, 20 users): {n} requests, "
                  f"{failures} failures; {before} at the start, {load()} at the end")
            for name, (p50, p95, p99) in res.items():
                print(f"  {name:9s} p50 {p50:6.3f} s  p95 {p95:6.3f} s  p99 {p99:6.3f} s")
            if during:
                timeline.print()
        print(f"\nupload answered after {timing.get('accepted_s', float('nan')):.1f} s; "
              f"job {timing.get('state')} after {timing.get('done_s', float('nan')):.1f} s "
              f"{timing.get('result')}; pages ready after "
              f"{timing.get('ready_s', float('nan')):.1f} s")
    finally:
        served.stop()


if __name__ == "__main__":
    locust.stats.CSV_STATS_INTERVAL_SEC = 60
    main()
