"""Screenshots of the Cancer Dashboard for the docs (issue 16): each role's landing page,
the 62-day page and the patient tracking list, at 1440 px (desktop) and 390 px (phone).

    python scripts/screenshots.py --db alliance.duckdb --out docs/screenshots

Serves a *copy* of the store (so a running dashboard keeps its file) with the demo
accounts (``web.demo_accounts``), logs in as each role in headless Debian Chromium and saves
the visible window as a small palette PNG. Before each shot it checks the page: the key
element is there, and every NHS number on it is in the fictitious 999 range (synthetic
data only; a real number refuses the shot, without printing it). The browser test
``tests/browser/test_screenshots.py`` runs :func:`shoot` on the test demo store.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage"]
#: name -> viewport (width, height): a desktop monitor and a phone.
WIDTHS = {"1440": (1440, 900), "390": (390, 844)}
ROLES = ("admin", "analyst", "provider", "commissioner", "board")
#: 10 digits standing alone (not inside a pathway id), with or without the 3-3-4 spaces.
NHS_NUMBER = re.compile(r"(?<!\w)(\d{3}) ?(\d{3}) ?(\d{4})(?!\w)")


@dataclass(frozen=True)
class Shot:
    """One screenshot: who, where, and the element that shows the page rendered."""

    name: str
    role: str
    path: str | None  # None: the role's landing page (where logging in takes it)
    ready: str        # CSS selector that must be on the page


SHOTS = [Shot(f"{role}-landing", role, None, "main h1") for role in ROLES] + [
    Shot("analyst-62-day", "analyst", "/standards/62_DAY", "svg.chart-spc"),
    Shot("provider-ptl", "provider", "/ptl", "table.data tbody tr"),
]


class RealNumberOnPage(Exception):
    """An NHS number outside the fictitious 999 range is visible: no screenshot."""


def check_nhs_numbers(text: str, where: str) -> int:
    """How many NHS-number-like values ``text`` shows; refuse any outside the 999 range."""
    found = ["".join(m) for m in NHS_NUMBER.findall(text)]
    outside = [n for n in found if not n.startswith("999")]
    if outside:
        raise RealNumberOnPage(f"{where}: {len(outside)} NHS number(s) outside the 999 range")
    return len(found)


def _small_png(path: Path) -> None:
    """Quantise to a 256-colour palette: a third of the size, no visible loss for pages."""
    from PIL import Image

    with Image.open(path) as img:
        img.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
            path, optimize=True)


def _log_in(page, server: str, username: str, password: str) -> None:
    page.goto(f"{server}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state("networkidle")


def shoot(browser, server: str, out: Path, accounts: dict[str, tuple[str, str]],
          shots: list[Shot] = SHOTS) -> list[Path]:
    """Take every shot at every width; ``accounts`` maps role -> (username, password)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for width, (w, h) in WIDTHS.items():
        for role in dict.fromkeys(s.role for s in shots):
            context = browser.new_context(viewport={"width": w, "height": h})
            page = context.new_page()
            try:
                _log_in(page, server, *accounts[role])
                for shot in (s for s in shots if s.role == role):
                    if shot.path:
                        page.goto(server + shot.path)
                        page.wait_for_load_state("networkidle")
                    page.wait_for_selector(shot.ready, state="attached", timeout=60_000)
                    check_nhs_numbers(page.inner_text("body"), shot.name)
                    path = out / f"{shot.name}-{width}.png"
                    page.screenshot(path=str(path))
                    _small_png(path)
                    written.append(path)
            finally:
                context.close()
    return written


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db: Path, census: str | None = None) -> Iterator[tuple[str, dict]]:
    """A dashboard on a copy of ``db`` with the demo accounts: (URL, role -> login)."""
    import uvicorn

    from cancer_alliance.store import connect
    from cancer_alliance.web.app import create_app
    from cancer_alliance.web.demo_accounts import create_demo_accounts
    from cancer_alliance.web.settings import WebSettings

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "alliance.duckdb"
        shutil.copyfile(db, copy)
        con = connect(copy)
        accounts = {role: (user, pw) for user, pw, role, _ in create_demo_accounts(con)}
        app = create_app(WebSettings(secret="screenshots-secret-0123456789abcdef", oidc=None,
                                     census=census), con=con)
        port = _free_port()
        srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                            log_level="warning"))
        thread = threading.Thread(target=srv.run, daemon=True)
        thread.start()
        for _ in range(400):
            if srv.started:
                break
            time.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}", accounts
        finally:
            srv.should_exit = True
            thread.join(timeout=10)
            con.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, type=Path, help="the store to show (copied)")
    ap.add_argument("--out", default=Path("docs/screenshots"), type=Path)
    ap.add_argument("--census", default=None, help="fixed PTL census YYYY-MM-DD")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with serving(args.db, args.census) as (server, accounts), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=CHROMIUM_ARGS)
        try:
            for path in shoot(browser, server, args.out, accounts):
                print(f"{path}  {path.stat().st_size // 1024} KiB")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
