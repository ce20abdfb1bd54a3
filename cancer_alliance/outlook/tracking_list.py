"""The tracking list with breach risks: what ``ptl --census`` prints and the PTL page shows.

Reads, from the store, the pathways the risk model needs on a census date (those it learns
from and those it scores), fits :mod:`.breach_risk` as of the census, and adds
``breach_risk_62`` and ``breach_risk_28`` to :func:`cancer_alliance.metrics.ptl`'s rows.
The model learns from the whole alliance's pathways; who may *see* which rows is decided
above this layer (the web's scope through ``auth.policy``), never here.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import duckdb
import ibis
import pandas as pd

from cancer_alliance import metrics
from cancer_alliance.metrics import platform_rules as rules
from cancer_alliance.metrics.api import backend_for
from cancer_alliance.metrics.base import enriched_pathways
from cancer_alliance.outlook import breach_risk as br

KEYS = ["provider_code", "pathway_id"]


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
        return p.select(*br.COLUMNS).to_pandas()


def with_breach_risk(con: duckdb.DuckDBPyConnection, ptl: pd.DataFrame, census: date,
                     engine: str = "duckdb", spark: Any = None) -> pd.DataFrame:
    """``ptl`` (rows of :func:`metrics.ptl` on ``census``) with the two risk columns added."""
    out = ptl.copy()
    for col in br.RISK_COLUMNS:
        out[col] = pd.Series(float("nan"), index=out.index, dtype="float64")
    if out.empty:
        return out
    pathways = load_pathways(con, census, engine, spark)
    model = br.fit(pathways, census)
    open_rows = out[KEYS].merge(pathways, on=KEYS, how="left")
    open_rows.index = out.index
    risks = br.score(model, open_rows, census)
    for col in br.RISK_COLUMNS:
        out[col] = risks[col]
    return out


def ptl_with_risk(con: duckdb.DuckDBPyConnection, census: date, engine: str = "duckdb",
                  spark: Any = None) -> pd.DataFrame:
    """The tracking list on ``census`` with ``breach_risk_62`` and ``breach_risk_28``."""
    return with_breach_risk(con, metrics.ptl(con, census, engine=engine, spark=spark), census,
                            engine, spark)
