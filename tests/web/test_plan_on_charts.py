"""Plan against actual on the dashboard's own chart of a measure (issue: trajectories)."""

from __future__ import annotations

from bs4 import BeautifulSoup

from cancer_alliance.operations import trajectories


def _spc_legend(html: str) -> str:
    chart = BeautifulSoup(html, "html.parser").select_one("svg.chart-spc")
    assert chart is not None
    legend = chart.select_one("g.legend")
    return legend.get_text(" ") if legend is not None else ""


def test_standard_chart_draws_the_alliance_trajectory_once_one_is_set(clients, store):
    before = clients["analyst"].get("/standards/62_DAY")
    assert before.status_code == 200 and "Plan" not in _spc_legend(before.text)
    months = [r[0] for r in store.execute(
        "SELECT DISTINCT reporting_period FROM metric_outcomes WHERE standard = '62_DAY' "
        "ORDER BY 1").fetchall()]
    assert months
    trajectories.set_planned(store, "ALLIANCE", "62_DAY", {m: 80.0 for m in months[-3:]},
                             updated_by="test")
    try:
        after = clients["analyst"].get("/standards/62_DAY")
        assert "Plan" in _spc_legend(after.text)
        # a provider's chart shows that provider's plan, not the alliance's
        provider = clients["analyst"].get("/standards/62_DAY?provider=RAA")
        assert "Plan" not in _spc_legend(provider.text)
    finally:
        store.execute("DELETE FROM trajectories WHERE org_code = 'ALLIANCE' "
                      "AND measure_code = '62_DAY'")
