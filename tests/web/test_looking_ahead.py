"""The "Looking ahead" page: forecasts with intervals and backtests, scoped by role."""

from __future__ import annotations

from bs4 import BeautifulSoup

from cancer_alliance.web.views.outlook_forecast import HORIZON


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


def _plan_by_month(figure) -> dict[str, str]:
    table = figure.select_one("table.data")
    heads = [th.get_text(strip=True) for th in table.select("thead th")]
    if "Plan" not in heads:
        return {}
    i = heads.index("Plan")
    return {tr.th.get_text(strip=True): tr.select("td")[i - 1].get_text(strip=True)
            for tr in table.select("tbody tr")}


def test_urgent_referrals_draw_the_plan_beside_actuals_and_forecast(clients, store):
    """The plan (a trajectory of URGENT_REFERRALS) is in the chart's data for the months it
    covers, actual and forecast months alike; a trust's chart shows the trust's plan; an
    edit shows on the next view (the page is cached)."""
    from cancer_alliance.operations import trajectories

    c = clients["analyst"]
    url = "/looking-ahead?measure=urgent-referrals"
    figures = _page_at(c, url).select("figure.forecast")
    assert figures and all(_plan_by_month(f) == {} for f in figures)
    months = [tr.th.get_text(strip=True)
              for tr in figures[0].select_one("table.data").select("tbody tr")]
    actual_month, forecast_month = months[-HORIZON - 1], months[-1]
    try:
        trajectories.set_planned(store, "ALLIANCE", "URGENT_REFERRALS",
                                 {actual_month: 120, forecast_month: 150}, updated_by="test")
        trajectories.set_planned(store, "RAA", "URGENT_REFERRALS", {forecast_month: 70},
                                 updated_by="test")
        s = _page_at(c, url)
        by_group = {f["data-group"]: f for f in s.select("figure.forecast")}
        alliance = _plan_by_month(s.select("figure.forecast")[0])
        assert alliance[actual_month] == "120" and alliance[forecast_month] == "150"
        assert sum(1 for v in alliance.values() if v) == 2
        assert _plan_by_month(by_group["RAA"]) == {**dict.fromkeys(months, ""),
                                                   forecast_month: "70"}
        assert _plan_by_month(by_group["RBB"]) == {}
        legend = s.select_one("figure.forecast g.legend").get_text(" ")
        assert "Plan" in legend
        # the default count (suspected cancer only) is not what the plan counts: no line
        assert all(_plan_by_month(f) == {}
                   for f in _page_at(c, "/looking-ahead").select("figure.forecast"))
        trajectories.set_planned(store, "ALLIANCE", "URGENT_REFERRALS", {forecast_month: 99},
                                 updated_by="test")
        edited = _plan_by_month(_page_at(c, url).select("figure.forecast")[0])
        assert edited[forecast_month] == "99"
    finally:
        store.execute("DELETE FROM trajectories WHERE measure_code = 'URGENT_REFERRALS'")


def test_an_unknown_measure_is_refused(clients):
    assert clients["analyst"].get("/looking-ahead?measure=deaths").status_code == 400


def _page_at(client, url: str):
    r = client.get(url)
    assert r.status_code == 200, r.text[:300]
    return BeautifulSoup(r.text, "html.parser")
