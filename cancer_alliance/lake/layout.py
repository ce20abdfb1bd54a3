"""What a lake holds, and how it is cut into partitions.

* Each dataset table twice: ``<table>`` (the current version of every row) and
  ``<table>_superseded`` (the versions a later submission replaced), so the store's
  ``<table>_history`` is their union here too. Both are Hive-partitioned by ``period`` (the
  reporting month of the submission that sent the row) and ``provider_code`` (the submitting
  provider): one provider's month is one folder, which is what an ingest replaces.
* The capacity dataset's tables (``capacity``, ``workforce``, migration 60) the same way,
  current and superseded, partitioned by the same two columns, which here are the rows' own
  ``period`` and ``provider_code`` (a capacity row names its month, and ingest rejects a
  row whose month or provider is not its submission's, so the two agree). Unlike the
  pathway tables they always mirror the store, even in a ``--lake-only`` lake: they are a
  few rows per provider and month, and nothing hydrates them.
* The reference tables and the two submissions registers, one file each (small, read whole).

Partition values are strings (``period=2024-05/provider_code=RAA``); readers are told so,
since a provider code such as ``123`` must not turn into a number.
"""

from __future__ import annotations

from cancer_alliance.dataset import TABLES, Table
from cancer_alliance.dataset import table as dataset_table
from cancer_alliance.dataset.capacity import CAPACITY_TABLES

#: Bump when the layout changes in a way an older reader would misread.
SCHEMA_VERSION = 1
PARTITION_COLUMNS = ("period", "provider_code")
#: Written in the place of a missing partition value (a row whose submission is unknown).
UNREGISTERED = "unregistered"

CURRENT_TABLES = tuple(t.name for t in TABLES)
SUPERSEDED_TABLES = tuple(f"{t.name}_superseded" for t in TABLES)
DATASET_TABLES = CURRENT_TABLES + SUPERSEDED_TABLES
CAPACITY_CURRENT_TABLES = tuple(t.name for t in CAPACITY_TABLES)
CAPACITY_DATASET_TABLES = CAPACITY_CURRENT_TABLES + tuple(
    f"{name}_superseded" for name in CAPACITY_CURRENT_TABLES)
REFERENCE_TABLES = (
    "alliances", "organisations", "cancer_types", "tumour_groups", "icd10_tumour_groups",
    "lsoa_imd", "populations", "submissions",
)
#: What ``ingest-capacity --lake`` changes: the capacity tables and their register.
CAPACITY_REGISTER = "capacity_submissions"
PARTITIONED_TABLES = DATASET_TABLES + CAPACITY_DATASET_TABLES
ALL_TABLES = PARTITIONED_TABLES + REFERENCE_TABLES + (CAPACITY_REGISTER,)


def is_partitioned(table: str) -> bool:
    return table in PARTITIONED_TABLES


def is_capacity(table: str) -> bool:
    """Whether a lake table holds capacity-dataset rows (partitioned by their own columns)."""
    return table in CAPACITY_DATASET_TABLES


def base_table(table: str) -> str:
    """The dataset table a lake table holds rows of (``pathways_superseded`` -> pathways)."""
    return table.removesuffix("_superseded")


def source_table(table: str) -> Table:
    """The dataset contract of a partitioned lake table, pathway or capacity dataset."""
    name = base_table(table)
    for t in CAPACITY_TABLES:
        if t.name == name:
            return t
    return dataset_table(name)


def has_provider_column(table: str) -> bool:
    """Whether the table's own rows carry ``provider_code`` (deaths are keyed by patient)."""
    return "provider_code" in source_table(table).column_names


def partition_dir(table: str, values: dict[str, str]) -> str:
    """``data/<table>/period=.../provider_code=...`` (``data/<table>`` when unpartitioned)."""
    parts = [f"{k}={values[k]}" for k in PARTITION_COLUMNS if k in values]
    return "/".join(["data", table, *parts])
