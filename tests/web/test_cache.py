"""The result cache belongs to one app, so to one store: never shared between stores."""

from __future__ import annotations

import threading

import duckdb
import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient

from cancer_alliance.web import data
from cancer_alliance.web.deps import get_con


def _store(path, label: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE submissions (submission_id INTEGER, submitted_at TIMESTAMP)")
    con.execute("INSERT INTO submissions VALUES (1, TIMESTAMP '2024-07-01 09:00:00')")
    # the reporting calendar's tables, which the data version also reads
    con.execute("CREATE TABLE month_finalisations (period VARCHAR)")
    con.execute("CREATE TABLE calendar_settings (set_at TIMESTAMP)")
    con.execute("CREATE TABLE calendar_providers (set_at TIMESTAMP)")
    con.execute("CREATE TABLE capacity_submissions (submission_id INTEGER)")  # and this
    con.execute("CREATE TABLE label AS SELECT ? AS label", [label])
    return con


def _app(con) -> FastAPI:
    """An app as create_app makes it, as far as the cache goes, with one cached page."""
    app = FastAPI()
    app.state.con = con
    app.state.results = data.ResultCache()
    app.add_middleware(data.ResultCacheScope, cache=app.state.results)
    router = APIRouter()

    @router.get("/label")
    def label(cur=Depends(get_con)):
        # the same key in both apps, as two dashboards on two stores would use
        return {"label": data.cached(cur, ("label",), lambda: cur.execute(
            "SELECT label FROM label").fetchall()[0][0])}

    app.include_router(router)
    return app


def test_two_stores_in_one_process_never_share_a_result(tmp_path):
    a, b = _store(tmp_path / "a.duckdb", "store A"), _store(tmp_path / "b.duckdb", "store B")
    client_a, client_b = TestClient(_app(a)), TestClient(_app(b))
    # identical data versions (one submission each, same time): only the app tells them apart
    assert client_a.get("/label").json() == {"label": "store A"}
    assert client_b.get("/label").json() == {"label": "store B"}
    assert client_a.get("/label").json() == {"label": "store A"}


def test_a_result_is_cached_until_the_data_version_changes(tmp_path):
    con = _store(tmp_path / "a.duckdb", "first")
    cache = data.ResultCache(version_ttl=0)
    calls = []

    def compute():
        calls.append(1)
        return con.execute("SELECT label FROM label").fetchall()[0][0]

    assert cache.get(con, ("k",), compute) == "first"
    con.execute("UPDATE label SET label = 'second'")
    assert cache.get(con, ("k",), compute) == "first" and len(calls) == 1  # same version
    con.execute("INSERT INTO submissions VALUES (2, TIMESTAMP '2024-08-01 09:00:00')")
    assert cache.get(con, ("k",), compute) == "second" and len(calls) == 2
    cache.clear()
    assert cache.get(con, ("k",), compute) == "second" and len(calls) == 3


def test_outside_a_request_nothing_is_cached(tmp_path):
    con = _store(tmp_path / "a.duckdb", "x")
    calls = []
    for _ in range(2):
        data.cached(con, ("k",), lambda: calls.append(1))
    assert len(calls) == 2


def test_concurrent_requests_for_one_key_compute_it_once(tmp_path):
    con = _store(tmp_path / "a.duckdb", "x")
    cache = data.ResultCache()
    cache.data_version(con)  # looked up once here: the threads share no connection
    release, calls, results = threading.Event(), [], []

    def compute():
        calls.append(threading.current_thread().name)
        release.wait(10)
        return "value"

    threads = [threading.Thread(target=lambda: results.append(cache.get(con, ("k",), compute)))
               for _ in range(5)]
    for t in threads:
        t.start()
    while not calls:  # the first thread is computing; the others arrive and wait on it
        threading.Event().wait(0.01)
    threading.Event().wait(0.2)
    release.set()
    for t in threads:
        t.join(10)
    assert results == ["value"] * 5 and len(calls) == 1


def test_when_the_computing_thread_fails_a_waiter_computes(tmp_path):
    con = _store(tmp_path / "a.duckdb", "x")
    cache = data.ResultCache()
    cache.data_version(con)
    started, release, results, errors = threading.Event(), threading.Event(), [], []

    def failing():
        started.set()
        release.wait(10)
        raise RuntimeError("boom")

    def first():
        try:
            cache.get(con, ("k",), failing)
        except RuntimeError as exc:
            errors.append(str(exc))

    a = threading.Thread(target=first)
    a.start()
    started.wait(10)
    b = threading.Thread(target=lambda: results.append(cache.get(con, ("k",), lambda: "ok")))
    b.start()
    threading.Event().wait(0.2)
    release.set()
    a.join(10)
    b.join(10)
    assert errors == ["boom"] and results == ["ok"]
    assert cache.contains(con, ("k",))


@pytest.fixture(autouse=True)
def _no_leftover_scope():
    yield
    assert data._current.get() is None
