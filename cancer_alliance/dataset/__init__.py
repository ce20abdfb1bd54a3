"""The submission contract: ``shared/spec/pathway-dataset.md`` (version 1) as data.

Everything that needs to know a column of an upload (the readers, the validator, the
store's DDL, the generator and the generated reference page) reads it from
:mod:`cancer_alliance.dataset.columns`, so they can never disagree.
"""

from cancer_alliance.dataset.columns import DATASET_VERSION, TABLES, Column, Table, table

__all__ = ["DATASET_VERSION", "TABLES", "Column", "Table", "table"]
