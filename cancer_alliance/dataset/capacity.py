"""The capacity dataset, version 1: what a provider can do each month, and who does it.

Beside the pathway dataset (:mod:`cancer_alliance.dataset.columns`), a provider submits for
each month two files: ``capacity.csv``, activity and capacity by diagnostic modality and
treatment resource, and ``workforce.csv``, whole-time equivalents in post and vacant by
staff group. The same :class:`~cancer_alliance.dataset.columns.Table` objects drive the
readers, the validator, the store's DDL and ``docs/reference/capacity-dataset.md``
(``python -m cancer_alliance.dataset.capacity_docs``), exactly as for pathways.

Each row names its month (``period``), unlike a pathway row: figures are per month, so the
month is part of the key and a resubmission replaces that month's rows only. A row whose
month is not the submission's is rejected (``wrong_period``), as a row of another provider
is (``wrong_provider``).
"""

from __future__ import annotations

from cancer_alliance.dataset.capacity_codes import RESOURCE, STAFF_GROUP
from cancer_alliance.dataset.columns import PROVIDER_CODE, Column, Table

CAPACITY_DATASET_VERSION = 1

PERIOD = Column("period", "month", "the month the figures are for: the submission's month",
                required=True)

# ``cancer_activity`` may not exceed ``activity`` (rule part_exceeds_total): one place says
# which column is part of which, for the validator and the page.
PART_OF = {"capacity": {"cancer_activity": "activity"}, "workforce": {}}

CAPACITY = Table(
    name="capacity",
    file_name="capacity.csv",
    one_row_per="provider, month and diagnostic modality or treatment resource the provider "
    "runs (a resource it does not run has no row)",
    required=False,
    key=("provider_code", "period", "resource"),
    columns=(
        PROVIDER_CODE,
        PERIOD,
        Column("resource", "code", "the diagnostic modality (CT, MRI, NOUS non-obstetric "
               "ultrasound, COLONOSCOPY, FLEXI_SIGMOIDOSCOPY, GASTROSCOPY, PATHOLOGY biopsy and "
               "pathology reporting) or treatment resource (SURGERY, SACT, RADIOTHERAPY)",
               required=True, codes=RESOURCE),
        Column("capacity", "integer", "what the provider could deliver in the month with the "
               "lists, sessions and machines it ran, extra lists included, counted in the "
               "resource's unit (tests, procedures, specimens, sessions or fractions: see the "
               "table below)",
               required=True, min_value=0),
        Column("activity", "integer", "what it delivered in the month, in the same unit",
               required=True, min_value=0),
        Column("cancer_activity", "integer", "of the activity, how much was for patients on a "
               "cancer pathway (suspected or confirmed); at most activity", min_value=0),
    ),
)

WORKFORCE = Table(
    name="workforce",
    file_name="workforce.csv",
    one_row_per="provider, month and staff group working in cancer services",
    required=False,
    key=("provider_code", "period", "staff_group"),
    columns=(
        PROVIDER_CODE,
        PERIOD,
        Column("staff_group", "code", "RADIOLOGIST, HISTOPATHOLOGIST, ENDOSCOPIST, ONCOLOGIST "
               "(clinical and medical) or CLINICAL_NURSE_SPECIALIST", required=True,
               codes=STAFF_GROUP),
        Column("in_post_wte", "decimal", "whole-time equivalents in post on the last day of "
               "the month (substantive and fixed-term staff)", required=True, min_value=0),
        Column("vacancy_wte", "decimal", "funded whole-time equivalents not filled by staff in "
               "post on the last day of the month, whether or not bank or agency staff cover "
               "them", required=True, min_value=0),
        Column("agency_wte", "decimal", "whole-time equivalents of bank and agency staff "
               "working in the month", min_value=0),
    ),
)

CAPACITY_TABLES: tuple[Table, ...] = (CAPACITY, WORKFORCE)

# The rules a capacity submission's rows can break (codes of ``dataset.rules.ALL_RULES``):
# the format rules its column kinds have, and its cross-field rules.
CAPACITY_RULE_CODES = (
    "required", "invalid_ods", "invalid_code", "invalid_month", "invalid_integer",
    "invalid_number", "below_minimum", "wrong_provider", "wrong_period", "part_exceeds_total",
    "duplicate_key", "formula_without_value",
)
