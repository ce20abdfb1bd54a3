"""The datasets a provider submits, each described once for the ingest machinery.

The pathway dataset and the capacity dataset are read, validated, stored, superseded and
reported on by the same code (:mod:`cancer_alliance.ingest`). What differs is named here:
the files, which of them a submission must include, the rules that may be reported, and the
store tables that register submissions and keep rejections. Keeping the two datasets' bookkeeping
in separate tables means a capacity submission never counts as a month's pathway data in
the reporting calendar, and the reverse.
"""

from __future__ import annotations

from dataclasses import dataclass

from cancer_alliance.dataset.capacity import CAPACITY_DATASET_VERSION, CAPACITY_TABLES
from cancer_alliance.dataset.columns import DATASET_VERSION, TABLES, Table


@dataclass(frozen=True)
class Dataset:
    """One submittable dataset: its files and where its submissions are recorded."""

    name: str
    version: int
    tables: tuple[Table, ...]
    required_file: str | None  # the table every submission must include, if any
    submissions_table: str
    files_table: str
    rejections_table: str

    def table_for(self, stem: str) -> Table | None:
        """The table a file or sheet called ``stem`` (no extension) holds, if any."""
        for t in self.tables:
            if stem == t.name:
                return t
        return None


PATHWAY_DATASET = Dataset(
    name="pathway", version=DATASET_VERSION, tables=TABLES, required_file="pathways",
    submissions_table="submissions", files_table="submission_files",
    rejections_table="rejections",
)

CAPACITY_DATASET = Dataset(
    name="capacity", version=CAPACITY_DATASET_VERSION, tables=CAPACITY_TABLES,
    required_file=None, submissions_table="capacity_submissions",
    files_table="capacity_submission_files", rejections_table="capacity_rejections",
)
