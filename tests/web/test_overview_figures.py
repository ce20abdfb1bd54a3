"""The overview's cheaper paths give the figures the direct ones do: a span's figure summed
from the monthly counts equals the metrics asked for the span, and the key measures
computed in one pass equal each computed alone (and are kept under each one's key)."""

from __future__ import annotations

import pandas as pd
import pytest

from cancer_alliance.auth.model import Actor
from cancer_alliance.metrics import measures
from cancer_alliance.web import data
from cancer_alliance.web.views import overview


@pytest.mark.parametrize("span", ["2024-06", "2024-04..2024-06", "2023-10..2024-03",
                                  "1990-01..1990-03"])
def test_a_span_summed_from_months_equals_the_span_asked_for(store, span):
    for code in data.HEADLINE:
        got = overview.window_figure(store, None, code, None, span)
        direct = data.metric(store, code, by=(), period=span)
        if direct.empty or float(direct["total"].sum()) == 0:
            assert got is None, (code, span)
            continue
        assert got is not None, (code, span)
        assert got["total"] == float(direct["total"].sum())
        assert got["within"] == float(direct["within"].sum())
        assert got["performance"] == pytest.approx(
            100.0 * float(direct["within"].sum()) / float(direct["total"].sum()))


def test_key_measures_in_one_pass_equal_each_alone(app, store):
    cache = app.state.results
    cache.clear()
    codes = overview.KEY_MEASURES
    together = data.within(cache, lambda: data.measures_each(store, codes))
    for code in codes:
        alone = measures.compute_measure(store, code, by=("month",))
        pd.testing.assert_frame_equal(together[code].reset_index(drop=True),
                                      alone.reset_index(drop=True))
        # kept under the key a page asking for the one measure uses
        assert cache.contains(store, ("measure", code, ("month",), None, ()))
    assert any(len(together[c]) for c in codes)
    again = data.within(cache, lambda: data.measures_each(store, codes))
    assert all(again[c] is together[c] for c in codes)


def test_headline_rows_are_kept_per_protection_and_equal_a_fresh_build(app, store):
    """The headline rows are kept per data version, role/organisation, filters and span; a
    kept row equals one built afresh, the board's stay protected apart from the analyst's,
    and a caller changing its rows does not change what the next caller gets."""
    cache = app.state.results
    cache.clear()
    board, analyst = Actor("b", "board"), Actor("a", "analyst")
    for actor in (board, analyst, board):
        kept = data.within(cache, lambda a=actor: overview.headline_rows(store, a))
        fresh = overview._headline_rows(store, actor, None, None)
        assert pd.DataFrame(kept).equals(pd.DataFrame(fresh)), actor.role
        kept[0]["performance"] = -1.0
    again = data.within(cache, lambda: overview.headline_rows(store, analyst))
    assert again[0]["performance"] != -1.0
