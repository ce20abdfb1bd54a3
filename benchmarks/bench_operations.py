"""Operations benchmarks: pack build/render time and the value framework at scale.

Usage: python benchmarks/bench_operations.py STORE.duckdb PROVIDER PERIOD
(a copy of the store is used; outcomes are materialised first). Prints figures, asserts
nothing.
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from cancer_alliance import metrics
from cancer_alliance.operations import funding
from cancer_alliance.reports import packs, render
from cancer_alliance.store import connect


def timed(label: str, fn):
    t = time.perf_counter()
    out = fn()
    print(f"{label:<42} {time.perf_counter() - t:8.2f} s")
    return out


def main(store: str, provider: str, period: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        shutil.copy(store, db)
        con = connect(db)
        if not metrics.is_fresh(con):
            timed("materialise outcomes", lambda: metrics.refresh(con))
        pack = timed("provider pack: figures", lambda: packs.provider_pack(con, provider, period))
        html = timed("provider pack: HTML", lambda: render.render_html(pack))
        pdf = timed("provider pack: PDF (WeasyPrint)", lambda: render.render_pdf(html))
        print(f"{'provider pack PDF size':<42} {len(pdf) / 1024:8.0f} KiB")
        board = timed("board pack: figures", lambda: packs.board_pack(con, period))
        timed("board pack: HTML + PDF", lambda: render.render_pdf(render.render_html(board)))
    rng = random.Random(1)
    weights = {k: w for k, (_, w) in funding.DEFAULT_CRITERIA.items()}
    bids = [funding.Bid(f"B{i}", "", rng.randint(10, 500) * 1000, rng.randint(1, 500))
            for i in range(5000)]
    scores = [funding.Score(b.bid_id, f"a{j}", c, rng.randint(0, 5))
              for b in bids for j in range(3) for c in weights]
    ranked = timed("value framework: 5,000 bids x 3 assessors",
                   lambda: funding.decide(funding.assess(bids, scores, weights), 5e7))
    print(f"{'funded bids':<42} {len(ranked.funded):8d}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
