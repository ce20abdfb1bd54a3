"""Fitted breach risks kept per store content and census, so the model is fitted once.

Fitting the breach-risk model (:mod:`.breach_risk`) is the slowest step behind the tracking
list's order and a provider pack's high-risk list; its result depends only on the census
and on what the store holds. So one fit per (census, store content) serves every reader in
the process: the PTL page, every trust's pack view, ``ptl --census``, the warm-up.

*Store content* is :func:`content_key`: the count and a hash of every stored pathway row
(each row carries the id of the submission that sent it, so any applied submission changes
it, as does any other change to a row) and the reference data's fingerprint (tumour groups
come from the ICD-10 lookup). A submission invalidates the entry; a rejected or empty one,
a finalised month or a calendar setting does not, since the model reads none of them.

What is kept is alliance-wide, as the model is: the risk of every pathway that may be open
on the census, keyed by provider and pathway id, with no other patient column. Who may see
which rows is decided above this layer (``auth.policy`` through the web's scope), exactly as
for a fresh fit. Only DuckDB stores are cached: a Spark engine reads the lake, whose content
this key does not describe.

Single flight (:mod:`cancer_alliance.single_flight`): while one thread fits an entry, others
asking for it wait for that fit; if the fit fails, one of them fits it instead.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date

import cachetools
import duckdb
import pandas as pd

from cancer_alliance.metrics.materialise import reference_fingerprint
from cancer_alliance.outlook import breach_risk as br
from cancer_alliance.single_flight import SingleFlight

KEYS = ["provider_code", "pathway_id"]
#: Entries kept (each a census of one store's content; a few months' packs, a test run's
#: stores): small, as an entry is only the open pathways' risks and the two classifiers.
MAX_ENTRIES = 8


@dataclass
class FittedRisks:
    """The model fitted as of ``census`` and the risks of every pathway it scored."""

    census: date
    model: br.BreachRiskModel
    #: ``provider_code``, ``pathway_id`` and :data:`breach_risk.RISK_COLUMNS`, one row per
    #: pathway that may be open on the census (risks blank where they do not apply)
    risks: pd.DataFrame
    fit_seconds: float = 0.0
    key: tuple = field(default=(), repr=False)


def content_key(con: duckdb.DuckDBPyConnection, census: date) -> tuple:
    """What the fitted risks depend on: the census, the pathways and the reference data."""
    (rows, digest), = con.execute(
        "SELECT count(*), coalesce(sum(hash(p)), 0) FROM pathways p").fetchall()
    return (census.isoformat(), int(rows), int(digest), reference_fingerprint(con))


def fit_and_score(pathways: pd.DataFrame, census: date) -> FittedRisks:
    """Fit the model on ``pathways`` (:data:`breach_risk.COLUMNS`, as ``load_pathways``
    reads them) and score each of them that may be open on ``census``.

    A pathway's risk is a function of its own row and the model alone, so scoring every
    candidate once gives each tracking-list row the risk a fit for that list would give.
    """
    t0 = time.perf_counter()
    model = br.fit(pathways, census)
    risks = br.score(model, pathways, census)
    keep = risks.notna().any(axis=1)
    out = pd.concat([pathways.loc[keep, KEYS], risks.loc[keep]], axis=1)
    return FittedRisks(census=census, model=model, risks=out.reset_index(drop=True),
                       fit_seconds=time.perf_counter() - t0)


class RiskCache:
    """Fitted risks by :func:`content_key`, least recently used dropped past ``maxsize``
    (at least 1)."""

    def __init__(self, maxsize: int = MAX_ENTRIES) -> None:
        self.maxsize = maxsize
        #: how many fits this cache has run (tests and benchmarks read it)
        self.fits = 0
        self._flight: SingleFlight[FittedRisks] = SingleFlight(
            cachetools.LRUCache(maxsize), threading.Lock())

    def contains(self, key: Hashable) -> bool:
        with self._flight.lock:
            return key in self._flight.entries

    def get(self, key: Hashable, compute: Callable[[], FittedRisks]) -> FittedRisks:
        """The entry for ``key``, running ``compute()`` once however many threads ask."""

        def fit() -> FittedRisks:
            value = compute()
            value.key = key if isinstance(key, tuple) else (key,)
            with self._flight.lock:
                self.fits += 1
            return value

        return self._flight.get(key, fit)

    def clear(self) -> None:
        with self._flight.lock:
            self._flight.entries.clear()


#: The process's cache: every store and census this process fits risks for.
CACHE = RiskCache()
