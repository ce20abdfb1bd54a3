"""What a lake holds, and how it is cut into partitions.

* Each dataset table twice: ``<table>`` (the current version of every row) and
  ``<table>_superseded`` (the versions a later submission replaced), so the store's
  ``<table>_history`` is their union here too. Both are Hive-partitioned by ``period`` (the
  reporting month of the submission that sent the row) and ``provider_code`` (the submitting
  provider): one provider's month is one folder, which is what an ingest replaces.
* The reference tables and the submissions register, one file each (small, read whole).

Partition values are strings (``period=2024-05/provider_code=RAA``); readers are told so,
since a provider code such as ``123`` must not turn into a number.
"""

from __future__ import annotations

from cancer_alliance.dataset import TABLES
from cancer_alliance.dataset import table as dataset_table

#: Bump when the layout changes in a way an older reader would misread.
SCHEMA_VERSION = 1
PARTITION_COLUMNS = ("period", "provider_code")
#: Written in the place of a missing partition value (a row whose submission is unknown).
UNREGISTERED = "unregistered"

CURRENT_TABLES = tuple(t.name for t in TABLES)
SUPERSEDED_TABLES = tuple(f"{t.name}_superseded" for t in TABLES)
DATASET_TABLES = CURRENT_TABLES + SUPERSEDED_TABLES
REFERENCE_TABLES = (
    "alliances", "organisations", "cancer_types", "tumour_groups", "icd10_tumour_groups",
    "lsoa_imd", "populations", "submissions",
)
ALL_TABLES = DATASET_TABLES + REFERENCE_TABLES


def is_partitioned(table: str) -> bool:
    return table in DATASET_TABLES


def base_table(table: str) -> str:
    """The dataset table a lake table holds rows of (``pathways_superseded`` -> pathways)."""
    return table.removesuffix("_superseded")


def has_provider_column(table: str) -> bool:
    """Whether the table's own rows carry ``provider_code`` (deaths are keyed by patient)."""
    return "provider_code" in dataset_table(base_table(table)).column_names


def partition_dir(table: str, values: dict[str, str]) -> str:
    """``data/<table>/period=.../provider_code=...`` (``data/<table>`` when unpartitioned)."""
    parts = [f"{k}={values[k]}" for k in PARTITION_COLUMNS if k in values]
    return "/".join(["data", table, *parts])
