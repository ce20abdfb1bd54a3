"""A pack computes each aggregate once (``metrics.reusing``) and says exactly what it said
when every section computed its own."""

from __future__ import annotations

from cancer_alliance.metrics import api
from cancer_alliance.reports import packs


def _pack_and_queries(con, monkeypatch, reuse: bool) -> tuple[dict, int]:
    asked = []
    compute = api._compute_metrics

    def counted(*args, **kwargs):
        asked.append(args[1:4])
        return compute(*args, **kwargs)

    monkeypatch.setattr(api, "_compute_metrics", counted)
    if not reuse:  # every section computes its own, as before reuse existed
        monkeypatch.setattr(api, "remembered", lambda key, fn: fn())
    period = con.execute("SELECT max(period) FROM submissions").fetchall()[0][0]
    provider = con.execute("SELECT min(provider_code) FROM submissions").fetchall()[0][0]
    pack = packs.provider_pack(con, provider, period)
    monkeypatch.undo()
    pack.pop("generated_at")
    return pack, len(asked)


def test_reused_aggregates_change_nothing_in_the_pack(ops_con, monkeypatch):
    with_reuse, fewer = _pack_and_queries(ops_con, monkeypatch, reuse=True)
    without, more = _pack_and_queries(ops_con, monkeypatch, reuse=False)
    assert with_reuse == without
    assert with_reuse["standards"] and all("error" not in s for s in with_reuse["standards"])
    assert fewer < more


def test_nothing_is_kept_after_the_pack(ops_con, monkeypatch):
    _pack_and_queries(ops_con, monkeypatch, reuse=True)
    _, again = _pack_and_queries(ops_con, monkeypatch, reuse=True)
    _, first = _pack_and_queries(ops_con, monkeypatch, reuse=True)
    assert again == first > 0  # a second pack computes as much as the first
