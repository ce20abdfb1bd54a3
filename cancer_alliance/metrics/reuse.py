"""Reusing aggregates within one piece of work: the same question asked twice is answered once.

A provider pack asks the metrics for the same figures from several sections: a standard's
monthly history for its SPC chart, the same months for its funnel, and again for the
provider's trajectories (``operations.actuals``). Inside :func:`reusing`, each aggregate
(:func:`~cancer_alliance.metrics.api.compute_metrics`, :func:`~.api.ptl`) is computed once
per connection and arguments, and every caller gets its own copy. Nothing is kept after
the block ends, so a figure never outlives the work that asked for it; outside a block
(every other caller) nothing changes. Only the DuckDB engine's results are reused.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import pandas as pd

_memo: ContextVar[dict | None] = ContextVar("metrics_reuse", default=None)


@contextmanager
def reusing() -> Iterator[None]:
    """Within the block, an aggregate asked again of the same connection is not recomputed
    (nested blocks share the outer one's results)."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def remembered(key: Hashable, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """``compute()``, or a copy of its result if ``key`` was computed earlier in the block."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key].copy()


def key_of(con, *args) -> Hashable | None:
    """A key for arguments of one connection (``repr`` makes lists and dicts hashable)."""
    return (id(con), repr(args))
