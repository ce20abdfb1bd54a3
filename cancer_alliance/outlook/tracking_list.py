"""The tracking list with breach risks: what ``ptl --census`` prints and the PTL page shows.

Reads, from the store, the pathways the risk model needs on a census date (those it learns
from and those it scores), fits :mod:`.breach_risk` as of the census, and adds
``breach_risk_62`` and ``breach_risk_28`` to :func:`cancer_alliance.metrics.ptl`'s rows.
The model learns from the whole alliance's pathways; who may *see* which rows is decided
above this layer (the web's scope through ``auth.policy``), never here. The fit is kept per
census and store content (:mod:`.risk_cache`), so it runs once for every reader.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import duckdb
import ibis
import pandas as pd

from cancer_alliance import metrics
from cancer_alliance.metrics import platform_rules as rules
from cancer_alliance.metrics.api import backend_for
from cancer_alliance.metrics.base import enriched_pathways
from cancer_alliance.metrics.engines import to_frame
from cancer_alliance.outlook import breach_risk as br
from cancer_alliance.outlook import risk_cache

KEYS = risk_cache.KEYS


def load_pathways(con: duckdb.DuckDBPyConnection, census: date, engine: str = "duckdb",
                  spark: Any = None) -> pd.DataFrame:
    """:data:`breach_risk.COLUMNS` of every tracking-list-route pathway that is either in
    the training window before ``census`` or may still be open on it."""
    c = ibis.date(census.isoformat())
    oldest = census - timedelta(days=br.LIMIT_62 + 1 + br.TRAINING_DAYS)
    with backend_for(con, engine, spark) as backend:
        p = enriched_pathways(backend)
        p = p.filter(p.referral_route.isin(rules.PTL_ROUTES))
        # as metrics.ptl: an A1 reset dated after the census is not yet known on it
        original = ibis.cases((p.referral_route == "UPGRADE", p.upgrade_date),
                              else_=p.referral_received_date)
        start = ibis.cases((p.clock_start.notnull() & (p.clock_start <= c), p.clock_start),
                           else_=original)
        p = p.mutate(clock_start=start)
        done = (p.first_treatment_date <= c) | (p.pathway_closed_date <= c)
        p = p.filter((p.clock_start <= c)
                     & ((p.clock_start >= ibis.date(oldest.isoformat())) | ~done.fill_null(False)))
        return to_frame(p.select(*br.COLUMNS))


def fitted_risks(con: duckdb.DuckDBPyConnection, census: date, engine: str = "duckdb",
                 spark: Any = None,
                 cache: risk_cache.RiskCache | None = None) -> risk_cache.FittedRisks:
    """The model fitted as of ``census`` and every candidate pathway's risks: from the
    cache when this store's content was fitted for ``census`` before (DuckDB only)."""
    if engine != "duckdb":
        return risk_cache.fit_and_score(load_pathways(con, census, engine, spark), census)
    cache = risk_cache.CACHE if cache is None else cache
    return cache.get(risk_cache.content_key(con, census),
                     lambda: risk_cache.fit_and_score(load_pathways(con, census), census))


def read_then_fit(con: duckdb.DuckDBPyConnection, census: date,
                  cache: risk_cache.RiskCache | None = None,
                  ) -> Callable[[], risk_cache.FittedRisks]:
    """Read now what fitting ``census`` needs (nothing when it is cached) and return the fit,
    to run later without the store: a caller holding a shared store (the web's warm-up)
    releases it in between, so the minutes of fitting block no command or ingest."""
    cache = risk_cache.CACHE if cache is None else cache
    key = risk_cache.content_key(con, census)
    if cache.contains(key):
        kept = cache.get(key, lambda: risk_cache.fit_and_score(load_pathways(con, census),
                                                                census))
        return lambda: kept
    pathways = load_pathways(con, census)
    return lambda: cache.get(key, lambda: risk_cache.fit_and_score(pathways, census))


def with_breach_risk(con: duckdb.DuckDBPyConnection, ptl: pd.DataFrame, census: date,
                     engine: str = "duckdb", spark: Any = None,
                     cache: risk_cache.RiskCache | None = None) -> pd.DataFrame:
    """``ptl`` (rows of :func:`metrics.ptl` on ``census``) with the two risk columns added."""
    out = ptl.copy()
    for col in br.RISK_COLUMNS:
        out[col] = pd.Series(float("nan"), index=out.index, dtype="float64")
    if out.empty:
        return out
    risks = fitted_risks(con, census, engine, spark, cache).risks
    found = out[KEYS].merge(risks, on=KEYS, how="left")
    for col in br.RISK_COLUMNS:
        out[col] = found[col].to_numpy(dtype="float64")
    return out


def ptl_with_risk(con: duckdb.DuckDBPyConnection, census: date, engine: str = "duckdb",
                  spark: Any = None) -> pd.DataFrame:
    """The tracking list on ``census`` with ``breach_risk_62`` and ``breach_risk_28``."""
    return with_breach_risk(con, metrics.ptl(con, census, engine=engine, spark=spark), census,
                            engine, spark)
