"""The warm-up (``web/warm.py``): the public page first, the store held one page at a time
and never while the breach-risk model fits, the model fitted once per data version, then
each provider's pack figures."""

from __future__ import annotations

import pytest

from cancer_alliance.outlook import risk_cache
from cancer_alliance.web import warm

from .conftest import own_app_on_a_copy


@pytest.fixture
def warm_app(store, tmp_path, monkeypatch):
    monkeypatch.setattr(risk_cache, "CACHE", risk_cache.RiskCache())
    yield from own_app_on_a_copy(store, tmp_path, warm_pages=True)


def test_the_store_is_held_page_by_page_and_not_while_the_model_fits(warm_app, monkeypatch):
    store = warm_app.state.store
    events: list[tuple[str, str]] = []
    try_enter, enter, leave = store.try_enter, store.enter, store.leave

    def spy_try_enter():
        ok = try_enter()
        if ok:
            events.append(("in", ""))
        return ok

    def spy_enter(timeout):
        ok = enter(timeout)
        if ok:
            events.append(("in", ""))
        return ok

    def spy_leave():
        events.append(("out", ""))
        leave()

    monkeypatch.setattr(store, "try_enter", spy_try_enter)
    monkeypatch.setattr(store, "enter", spy_enter)
    monkeypatch.setattr(store, "leave", spy_leave)
    get = warm._get

    async def spy_get(app, path, actor):
        events.append(("page", path))
        return await get(app, path, actor)

    monkeypatch.setattr(warm, "_get", spy_get)
    fit = risk_cache.fit_and_score

    def spy_fit(pathways, census):
        events.append(("fit", census.isoformat()))
        return fit(pathways, census)

    monkeypatch.setattr(risk_cache, "fit_and_score", spy_fit)

    warm_app.state.warmer.request()
    assert warm_app.state.warmer.wait_idle(600)
    run = warm_app.state.warmer.last_run
    assert run and all(status == 200 for _, _, _, status in run), run
    assert run[0][:2] == ("/public", "public")  # the public page first
    names = [r[0] for r in run]
    risk = names.index("breach risk (pack view)")
    assert all(n.startswith("pack figures ") for n in names[risk + 1:]) and names[risk + 1:]

    held = 0
    pages = fits = 0
    for kind, _ in events:
        if kind == "in":
            held += 1
        elif kind == "out":
            held -= 1
        else:  # each page, and the fit, starts with the store released
            assert held == 0, (kind, events)
            pages += kind == "page"
            fits += kind == "fit"
    assert held == 0
    assert pages == risk and fits == 1
    assert risk_cache.CACHE.fits == 1

    # the same data again (a command gave the store back without changing it): no new fit
    warm_app.state.warmer.request()
    assert warm_app.state.warmer.wait_idle(600)
    assert risk_cache.CACHE.fits == 1
    assert "breach risk (pack view)" in [r[0] for r in warm_app.state.warmer.last_run]
