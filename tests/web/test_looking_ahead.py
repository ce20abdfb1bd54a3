"""The "Looking ahead" page: forecasts with intervals and backtests, scoped by role."""

from __future__ import annotations

from bs4 import BeautifulSoup


def _page(client):
    r = client.get("/looking-ahead")
    assert r.status_code == 200, r.text[:300]
    return BeautifulSoup(r.text, "html.parser")


def test_looking_ahead_shows_forecast_charts_with_their_backtest(clients):
    s = _page(clients["analyst"])
    figures = s.select("figure.forecast")
    assert figures, "a chart per group"
    captions = [f.find("figcaption", recursive=False).get_text(" ", strip=True)
                for f in figures]
    assert all(("Backtest" in c) or ("Too little history" in c) for c in captions)
    assert figures[0].select_one("svg"), "an SVG chart"
    assert "prediction intervals" in s.text


def test_a_provider_sees_the_alliance_and_its_own_trust_only(clients):
    s = _page(clients["provider"])
    figures = s.select("figure.forecast")
    groups = [f["data-group"] for f in figures]  # the group's code; its caption names it
    providers = groups[1:]
    assert providers == ["RAA"] or providers == []
    assert "RBB" not in " ".join(groups)
    if providers:
        caption = figures[1].find("figcaption", recursive=False).get_text(strip=True)
        assert caption.startswith("Alpha Hospitals NHS Trust (RAA):")


def test_public_cannot_open_it(clients):
    r = clients["public"].get("/looking-ahead", follow_redirects=False)
    assert r.status_code in (302, 303, 401, 403)
