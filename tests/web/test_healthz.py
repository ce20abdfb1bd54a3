"""/healthz: up, and whether the warm-up has prepared the pages for the current data."""

from __future__ import annotations

from fastapi.testclient import TestClient


class _Busy:
    """A warm-up with a run pending or going."""

    def wait_idle(self, timeout: float | None = None) -> bool:
        return False


def test_healthz_says_whether_pages_are_prepared(app, monkeypatch):
    c = TestClient(app, base_url="https://testserver")
    assert c.get("/healthz").json() == {"status": "ok", "pages": "ready"}  # warm-up idle
    monkeypatch.setattr(app.state, "warmer", _Busy())
    assert c.get("/healthz").json() == {"status": "ok", "pages": "preparing"}
