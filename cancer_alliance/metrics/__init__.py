"""The metrics engine: every national cancer waiting-time standard, defined once in ibis.

Each standard is a declarative :class:`~.definition.StandardDefinition` in its own module
under ``metrics/standards/`` (registry: :data:`STANDARDS`). :mod:`.compile` turns a definition
into an ibis expression over :func:`~.base.enriched_pathways`; the same expression runs on
DuckDB or Spark (:mod:`.engines`). :mod:`.reference_impl` is the pure-Python oracle the tests
hold the engines to. See ``docs/explanation/metrics-engine.md``.

Public API::

    metrics.STANDARDS, metrics.threshold_for(code, on)
    metrics.outcomes(con, standard=None, period=None, engine="duckdb", spark=None)
    metrics.compute_metrics(con, standard, by=("provider_code", "month"), period=None,
                            filters=None, engine="duckdb", spark=None)
    metrics.ptl(con, census, engine="duckdb", spark=None)
    metrics.transfer_phases(con, period=None, by=("provider_code", "month"))
    metrics.refresh(con, submission_id=None)
    with metrics.reusing(): ...   # the same aggregate asked twice is computed once
"""

from cancer_alliance.metrics.api import (
    GROUP_COLUMNS,
    backlog_counts,
    census_months,
    compute_many,
    compute_metrics,
    definition,
    outcomes,
    ptl,
    threshold_for,
    transfer_phases,
)
from cancer_alliance.metrics.base import enriched_pathways
from cancer_alliance.metrics.compile import BREAKDOWN_COLUMNS, OUTCOME_COLUMNS
from cancer_alliance.metrics.definition import StandardDefinition, Threshold
from cancer_alliance.metrics.materialise import is_fresh, refresh
from cancer_alliance.metrics.ptl import PTL_COLUMNS
from cancer_alliance.metrics.reuse import reusing
from cancer_alliance.metrics.standards import COMPLETED, STANDARDS

__all__ = [
    "BREAKDOWN_COLUMNS", "COMPLETED", "GROUP_COLUMNS", "OUTCOME_COLUMNS", "PTL_COLUMNS",
    "backlog_counts",
    "census_months",
    "STANDARDS", "StandardDefinition", "Threshold", "compute_many", "compute_metrics", "definition",
    "enriched_pathways", "is_fresh", "outcomes", "ptl", "refresh", "reusing", "threshold_for",
    "transfer_phases",
]
