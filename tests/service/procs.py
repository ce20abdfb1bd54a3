"""Real processes for the service tests: the command line, and ``serve`` on 127.0.0.1.

Every process started here is stopped by the test that started it (by its own PID).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

COLUMNS = ["provider_code", "pathway_id", "nhs_number", "date_of_birth", "sex",
           "ethnic_category", "commissioner_code", "referral_route", "suspected_cancer_type",
           "referral_received_date", "first_seen_date", "first_seen_provider_code",
           "diagnosis_communicated_date", "fds_outcome", "pathway_closed_reason",
           "pathway_closed_date"]


def month_rows(provider: str, period: str, n: int = 4, prefix: str = "P") -> list[list[str]]:
    """``n`` valid open pathways referred in ``period`` (NHS numbers from the 999 test range
    with correct check digits), the last one with a wrong check digit (one rejection)."""
    rows = []
    valid = [nhs_number(999000000 + 37 * k) for k in range(50)]
    for i in range(n):
        nhs = valid[i % len(valid)] if i < n - 1 else "9990000001"
        rows.append([provider, f"{prefix}{i}", nhs, "1950-01-01", "1", "A", "QAA", "USC",
                     "LUNG", f"{period}-0{1 + i % 9}", "", "", "", "", "", ""])
    return rows


def nhs_number(stem: int) -> str:
    """A 10-digit NHS number from a 9-digit stem, with its modulus-11 check digit."""
    digits = f"{stem:09d}"
    for bump in range(100):
        d = f"{int(digits) + bump:09d}"
        total = sum(int(c) * w for c, w in zip(d, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if check != 10:
            return d + str(check)
    raise AssertionError("no valid check digit")


def csv_bytes(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    w.writerows(rows)
    return buf.getvalue().encode()


def write_month(folder: Path, provider: str, period: str, n: int = 4) -> Path:
    sub = folder / f"{provider}-{period}"
    sub.mkdir(parents=True, exist_ok=True)
    (sub / "pathways.csv").write_bytes(csv_bytes(month_rows(provider, period, n)))
    return sub


def env(**extra: str) -> dict[str, str]:
    out = dict(os.environ)
    out.pop("CANCER_ALLIANCE_DB", None)
    out.setdefault("CANCER_ALLIANCE_SECRET", "service-test-secret-0123456789abcdef")
    out.update(extra)
    return out


def cli(*args: str, timeout: float = 180, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cancer_alliance", *args],
                          capture_output=True, text=True, timeout=timeout, env=env(**extra))


def start_cli(*args: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cancer_alliance", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env(**extra))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """``cancer-alliance serve`` in a subprocess on 127.0.0.1; stopped on exit."""

    def __init__(self, db: Path, **extra: str):
        self.db, self.port, self.extra = db, free_port(), extra
        self.proc: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self, wait_up: bool = True) -> Served:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cancer_alliance", "serve", "--db", str(self.db),
             "--port", str(self.port), "--insecure-cookies"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(**self.extra),
            start_new_session=True)
        if wait_up:
            self.wait_up()
        return self

    def wait_up(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.proc.stderr.read()
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    # the marker is written just before uvicorn starts: up means lendable
                    return
            time.sleep(0.2)
        raise AssertionError("serve did not come up")

    def get(self, path: str, **kw) -> httpx.Response:
        return httpx.get(self.url + path, timeout=60, **kw)

    def kill(self) -> None:
        """SIGKILL: no clean-up at all (fault tests)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> str:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.stderr.read() if self.proc and self.proc.stderr else ""

    def __enter__(self) -> Served:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
