"""Preparing the navigation pages when the data changes, before anyone asks (issue 16).

A user's first visit after a monthly submission is a cold visit: every figure on the page
has to be computed from the new data. The :class:`Warmer` computes them when the data
lands instead: after the job worker has applied a submission, after a command that
borrowed the store gives it back, and when ``serve`` starts (waiting up to a time budget
before serving, then carrying on in the background).

It warms a page by asking the app for it, in-process, exactly as a browser would, as a
built-in alliance analyst (``warm-up``; never a stored account, never logged in): so the
cache holds precisely the entries the page reads, with no second list of keys to keep in
step with the pages. The request goes through the app's own middleware, so it

* holds the store like any request (:mod:`.gate`: a command that asks for the store waits
  for the page in hand, never for the whole warm-up),
* reads through its own cursor (:func:`.deps.get_con`), never a connection another
  thread is using,
* shares its computations with visitors asking for the same figure meanwhile (the
  :class:`~cancer_alliance.web.data.ResultCache` computes a key once).

Only aggregate pages are warmed: no patient-level page, so nothing is written to the audit
log on anyone's behalf. The public page comes first (anyone may open it), then each
role's landing page. Last comes the month-end tracking list with breach risks: kept in
the cache, shown to nobody until a reader allowed to see it opens a provider pack, whose
view audits that reading as before. Its model is fitted once per census and store content
(:mod:`cancer_alliance.outlook.risk_cache`), with the store released while it fits. Then
each provider's pack figures for the latest month (its web view, less the patients).
The actor rides in the request's ASGI ``state``, which only code in this process can set;
no header or cookie can.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

from cancer_alliance.auth.model import Actor
from cancer_alliance.dataset import periods
from cancer_alliance.outlook import tracking_list
from cancer_alliance.reports import packs
from cancer_alliance.web import data

log = logging.getLogger("cancer_alliance.web.warm")

WARM_ACTOR = Actor(username="warm-up", role="analyst")
#: Protected roles see the same figures rounded: their page-level entries are warmed too.
BOARD_ACTOR = Actor(username="warm-up", role="board")


def navigation_pages(con) -> list[tuple[Actor, str]]:
    """The pages to prepare, as (actor, path), most visited first."""
    providers = [r[0] for r in con.execute(
        "SELECT DISTINCT provider_code FROM submissions WHERE status <> 'rejected'"
        " ORDER BY 1").fetchall()]
    groups = data.tumour_groups(con)["tumour_group"].tolist()
    standards = [c for c in data.standard_defs() if c not in (*data.HEADLINE, data.BACKLOG)]
    analyst = [
        "/", f"/standards/{data.BACKLOG}", *(f"/standards/{c}" for c in data.HEADLINE),
        "/outcomes", "/equity", "/looking-ahead",
        *(f"/providers/{p}" for p in providers),
        *(f"/standards/{data.BACKLOG}?provider={p}" for p in providers),
        *(f"/standards/{c}" for c in standards),
        *(f"/tumour-groups/{g}" for g in groups),
    ]
    # the public page first: anyone may open it, it is the one most visited from outside
    # just after a submission, and it is slow from cold; then each role's landing page
    return [(Actor.anonymous(), "/public"), (WARM_ACTOR, "/"), (BOARD_ACTOR, "/board"),
            (BOARD_ACTOR, "/")] + [(WARM_ACTOR, p) for p in analyst[1:]]


async def _get(app: Any, path: str, actor: Actor) -> int:
    """GET ``path`` from ``app`` in-process as ``actor``; the response's status."""
    path, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(),
        "query_string": query.encode(), "root_path": "",
        "headers": [(b"host", b"warm-up.internal")], "client": ("127.0.0.1", 0),
        "server": ("warm-up.internal", 80),
        "state": {"actor": actor},  # read by deps.current_actor; unreachable from outside
    }
    status = 0
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # never disconnects: the page runs to its end
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


class Warmer:
    """One background thread preparing the navigation pages whenever it is asked to.

    :meth:`request` after the data changed (a new request during a run restarts it from
    the most visited page); :meth:`wait_idle` to wait for a run (``serve`` start, tests,
    benchmarks); :meth:`stop` when the app shuts down (the page in hand finishes first).
    Disabled (``enabled=False``, ``WebSettings.warm_pages``), :meth:`request` does nothing.
    """

    def __init__(self, app: Any, enabled: bool = True) -> None:
        self.app = app
        self.enabled = enabled
        #: (path, role, seconds, status) of the last run, for benchmarks and the log
        self.last_run: list[tuple[str, str, float, int]] = []
        self._wanted = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def request(self) -> None:
        """Prepare the pages (again) in the background."""
        if not self.enabled or self._stop.is_set():
            return
        with self._lock:
            self._idle.clear()
            self._wanted.set()
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="page-warm-up",
                                                daemon=True)
                self._thread.start()

    def ensure(self) -> None:
        """Prepare the pages unless a run is already pending or going (a visitor found a
        page older than the data: it is made by the run in hand, or by this one)."""
        if self._idle.is_set():
            self.request()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no run is pending or going; False if ``timeout`` passed first."""
        return self._idle.wait(timeout)

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop after the page in hand; True when the thread has ended."""
        self._stop.set()
        self._wanted.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wanted.wait()
            if self._stop.is_set():
                break
            self._wanted.clear()
            self._run()
            with self._lock:
                if not self._wanted.is_set():
                    self._idle.set()
        self._idle.set()

    def _pages(self) -> list[tuple[Actor, str]]:
        with self.app.state.store.using(timeout=60.0) as con:
            return navigation_pages(con)

    def _prepare_risks(self) -> None:
        """Last, being the slowest: the breach risks of the latest month-end census, which
        the provider pack's web view lists its highest-risk pathways from. The store is held
        only to read (the pathways, then the tracking list); the fit runs without it, so a
        command or an ingest asking for the store waits for a read, never for the fit."""
        store = self.app.state.store
        with store.using(timeout=60.0) as con:
            latest = con.execute("SELECT max(period) FROM submissions").fetchall()[0][0]
            if not latest:
                return
            census = periods.month_end(latest)
            fit = tracking_list.read_then_fit(con, census)
        fit()  # once per census and store content (outlook.risk_cache), store released
        if self._stop.is_set() or self._wanted.is_set():
            return
        with store.using(timeout=60.0) as con:
            data.within(self.app.state.results, lambda: data.ptl_with_risk(con, census, {}))

    def _prepare_packs(self) -> list[tuple[str, str, float, int]]:
        """Each provider's pack figures for the latest month (what its web view shows, less
        the patients), one provider at a time through the store."""
        store = self.app.state.store
        done = []
        with store.using(timeout=60.0) as con:
            latest = con.execute("SELECT max(period) FROM submissions").fetchall()[0][0]
            codes = [p["code"] for p in packs.providers(con)] if latest else []
        for code in codes:
            if self._stop.is_set() or self._wanted.is_set():
                break
            t0 = time.perf_counter()
            try:
                with store.using(timeout=60.0) as con:
                    data.within(self.app.state.results, lambda c=con, p=code: (
                        data.provider_pack_figures(c, p, latest, False)))
                done.append((f"pack figures {code} {latest}", "-", time.perf_counter() - t0,
                             200))
            except Exception as exc:  # noqa: BLE001 - one pack failing never stops the rest
                log.warning("preparing the %s pack failed: %s", code, type(exc).__name__)
        return done

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            pages = self._pages()
        except Exception as exc:  # noqa: BLE001 - a store closed or lent: nothing to warm
            log.warning("page warm-up skipped: %s", type(exc).__name__)
            return
        run = []
        for actor, path in pages:
            if self._stop.is_set() or self._wanted.is_set():
                return  # stopping, or newer data: start again from the top
            t0 = time.perf_counter()
            try:
                with data.preparing():
                    status = asyncio.run(_get(self.app, path, actor))
            except Exception as exc:  # noqa: BLE001 - one page failing never stops the rest
                log.warning("warming %s failed: %s", path, type(exc).__name__)
                status = 0
            run.append((path, actor.role, time.perf_counter() - t0, status))
        if not (self._stop.is_set() or self._wanted.is_set()):
            t0 = time.perf_counter()
            try:
                self._prepare_risks()
                run.append(("breach risk (pack view)", "-", time.perf_counter() - t0, 200))
            except Exception as exc:  # noqa: BLE001
                log.warning("preparing the breach risks failed: %s", type(exc).__name__)
        run.extend(self._prepare_packs())
        self.last_run = run
        log.info("prepared %d pages in %.1f s", len(run), time.perf_counter() - started)
