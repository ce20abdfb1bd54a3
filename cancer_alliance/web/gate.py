"""Admitting requests to the store: the web side of lending it to a command.

Each request (except ``/healthz`` and static files, which never touch the store) enters the
app's :class:`~cancer_alliance.store.served.ServedStore` for its whole length, so a lend
waits for it. While the store is lent, a request waits without blocking the event loop,
up to :data:`PAGE_WAIT_S`; then it gets a 503 saying to try again shortly.
"""

from __future__ import annotations

import asyncio
import json

PAGE_WAIT_S = 20.0
EXEMPT = ("/healthz", "/static/")
BUSY = ("The data store is in use by a command-line task (for example an ingest run by an "
        "analyst). This page will work again when it finishes: try again in a minute.")


class StoreGate:
    """Pure ASGI middleware: enter the store for the request, or wait, or answer 503."""

    def __init__(self, app, wait_s: float = PAGE_WAIT_S):
        self.app = app
        self.wait_s = wait_s

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT):
            await self.app(scope, receive, send)
            return
        store = scope["app"].state.store
        if not store.try_enter():
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.wait_s
            while not store.try_enter():
                if loop.time() >= deadline:
                    await _busy(scope, send)
                    return
                await asyncio.sleep(0.05)
        try:
            await self.app(scope, receive, send)
        finally:
            store.leave()


async def _busy(scope, send) -> None:
    if scope["path"].startswith("/api/"):
        body = json.dumps({"error": {"status": 503, "title": "Store busy",
                                     "message": BUSY}}).encode()
        ctype = b"application/json"
    else:
        body = ("<!doctype html><html lang=\"en\"><head><title>Store busy - Cancer Dashboard"
                f"</title></head><body><h1>Store busy</h1><p>{BUSY}</p></body></html>").encode()
        ctype = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": 503,
                "headers": [(b"content-type", ctype), (b"retry-after", b"30"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
