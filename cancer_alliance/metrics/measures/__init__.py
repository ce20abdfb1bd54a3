"""Outcome measures beside the waiting-time standards (metrics reference section 7).

Urgent referral volumes, conversion and detection rates, early stage at diagnosis with
stage completeness, Recovery Package coverage, the stratified follow-up mix, and observed
one-year survival. Each is declared once in :data:`MEASURES` (what it counts, in words),
computed from one ibis cohort in :mod:`.cohorts` (so it runs on DuckDB and Spark), with the
reference's open choices in :mod:`.rules`. See ``docs/reference/measures.md``.

Public API::

    MEASURES                                   # code -> MeasureDefinition
    compute_measure(con, code, by=("provider_code", "month"), period=None, filters=None,
                    engine="duckdb", spark=None) -> DataFrame
    compute_measures(con, codes=None, by=..., ...) -> {code: DataFrame}   # one shared run
    survival(con, by=None, filters=None) -> DataFrame          # observed KM curves to 1 year
    one_year_survival(con, by=None, filters=None) -> DataFrame
    survival_by_stage(con) -> DataFrame
"""

from cancer_alliance.metrics.measures.compute import (
    compute_measure,
    compute_measures,
    definition,
)
from cancer_alliance.metrics.measures.definitions import MEASURES, MeasureDefinition
from cancer_alliance.metrics.measures.grouping import GROUP_COLUMNS
from cancer_alliance.metrics.measures.rules import SURVIVAL_LABEL
from cancer_alliance.metrics.measures.survival import (
    censor_date,
    one_year_survival,
    survival,
    survival_by_stage,
)

__all__ = [
    "GROUP_COLUMNS", "MEASURES", "SURVIVAL_LABEL", "MeasureDefinition", "censor_date",
    "compute_measure", "compute_measures", "definition", "one_year_survival", "survival",
    "survival_by_stage",
]
