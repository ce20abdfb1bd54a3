"""Just after a submission, while the new public page is being prepared, a visitor gets the
previous one at once and is told which data it shows (``ResultCache.get_or_previous``);
once ready, everyone gets the new one. Nobody else's page is ever served this way."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

from cancer_alliance.auth.model import Actor
from cancer_alliance.web import data, warm
from cancer_alliance.web.views import public

from .conftest import own_app_on_a_copy

NOTE = "These figures are from the data as it stood at"


class Versions(data.ResultCache):
    """A cache whose data version the test sets (the store's own is tested elsewhere)."""

    version: tuple = (1, 1, "2024-07-01 10:00")

    def data_version(self, con):
        return self.version


def test_the_previous_value_while_the_new_one_is_computed():
    cache = Versions()
    assert cache.get_or_previous(None, ("k",), lambda: "A") == ("A", None)
    old = cache.version
    cache.version = (2, 2, "2024-08-01 10:00")
    cache.clear()
    started, release = threading.Event(), threading.Event()

    def slow():
        started.set()
        release.wait(10)
        return "B"

    got = []
    worker = threading.Thread(target=lambda: got.append(cache.get_or_previous(None, ("k",),
                                                                              slow)))
    worker.start()
    assert started.wait(10)
    assert cache.get_or_previous(None, ("k",), lambda: pytest.fail("computed twice")) == (
        "A", old)
    release.set()
    worker.join(10)
    assert got == [("B", None)]
    assert cache.get_or_previous(None, ("k",), lambda: "never") == ("B", None)
    # nobody computing it: the visitor computes it (no older value is shown)
    cache.version = (3, 3, "2024-09-01 10:00")
    assert cache.get_or_previous(None, ("k",), lambda: "C") == ("C", None)
    # a key never computed has nothing older to show: the visitor waits for it
    assert cache.get_or_previous(None, ("other",), lambda: "D") == ("D", None)


def _new_submission(app) -> None:
    """A submission row loaded "now": the store's data version changes."""
    cur = app.state.con.cursor()
    cur.execute("INSERT INTO submissions (submission_id, provider_code, period, submitted_by,"
                " submitted_at, status, dataset_version, rows_read, accepted, rejected)"
                " VALUES (9001, 'RAA', '2024-06', 'test', TIMESTAMP '2030-01-02 03:04',"
                " 'loaded', 1, 0, 0, 0)")
    cur.close()


@pytest.fixture
def own_app(store, tmp_path):
    yield from own_app_on_a_copy(store, tmp_path)


def test_public_page_says_which_data_it_shows_while_the_new_one_is_made(own_app, monkeypatch):
    first = TestClient(own_app, base_url="https://testserver").get("/public")
    assert first.status_code == 200 and NOTE not in first.text
    _new_submission(own_app)
    own_app.state.results.clear()  # as the job worker does after a submission
    entered, release = threading.Event(), threading.Event()
    context = public._context

    def slow(con):
        entered.set()
        release.wait(20)
        return context(con)

    monkeypatch.setattr(public, "_context", slow)
    pages = []
    maker = threading.Thread(target=lambda: pages.append(
        TestClient(own_app, base_url="https://testserver").get("/public")))
    maker.start()
    assert entered.wait(20)
    meanwhile = TestClient(own_app, base_url="https://testserver").get("/public")
    release.set()
    maker.join(60)
    assert meanwhile.status_code == 200 and NOTE in meanwhile.text
    assert "2030-01-02" not in meanwhile.text  # it names the data it shows, not the new
    assert pages and pages[0].status_code == 200 and NOTE not in pages[0].text
    after = TestClient(own_app, base_url="https://testserver").get("/public")
    assert NOTE not in after.text


def test_a_stale_value_nobody_computes_is_asked_of_the_refresher():
    """With the warm-up on, a visitor never computes a value older than the data: they get
    the previous one and the warm-up is asked; the warm-up itself (``preparing``) computes."""
    cache = Versions()
    assert cache.get_or_previous(None, ("k",), lambda: "A") == ("A", None)
    old = cache.version
    cache.version = (2, 2, "2024-08-01 10:00")
    cache.clear()
    asked = []
    cache.refresher = lambda: asked.append("warm")
    assert cache.get_or_previous(None, ("k",), lambda: pytest.fail("computed by a visitor")
                                 ) == ("A", old)
    assert asked == ["warm"]
    with data.preparing():
        assert cache.get_or_previous(None, ("k",), lambda: "B") == ("B", None)
    assert cache.get_or_previous(None, ("k",), lambda: pytest.fail("computed twice")) == (
        "B", None)
    assert asked == ["warm"]
    # nothing older to show: the visitor computes, refresher or not
    assert cache.get_or_previous(None, ("other",), lambda: "D") == ("D", None)
    assert asked == ["warm"]


@pytest.fixture
def warm_app(store, tmp_path):
    yield from own_app_on_a_copy(store, tmp_path, warm_pages=True)


def test_the_warm_up_makes_the_page_a_visitor_found_stale(warm_app, monkeypatch):
    # the warm-up prepares the public page only (the others are tested in test_warm.py)
    monkeypatch.setattr(warm, "navigation_pages", lambda con: [(Actor.anonymous(), "/public")])
    monkeypatch.setattr(warm.Warmer, "_prepare_risks", lambda self: None)
    monkeypatch.setattr(warm.Warmer, "_prepare_packs", lambda self: [])
    client = TestClient(warm_app, base_url="https://testserver")
    assert warm_app.state.warmer.wait_idle(120)
    first = client.get("/public")
    assert first.status_code == 200 and NOTE not in first.text
    _new_submission(warm_app)
    warm_app.state.results.clear()  # a change the warm-up was not told of
    asked = []
    ensure = warm_app.state.warmer.ensure
    monkeypatch.setattr(warm_app.state.warmer, "ensure", lambda: (asked.append(1), ensure()))
    stale = client.get("/public")
    assert stale.status_code == 200 and NOTE in stale.text and asked
    assert warm_app.state.warmer.wait_idle(120)
    fresh = client.get("/public")
    assert fresh.status_code == 200 and NOTE not in fresh.text
