"""Loading providers' capacity submissions (docs/reference/capacity-dataset.md).

A capacity submission is read, validated, archived and applied by the very code that loads
pathway submissions (:mod:`cancer_alliance.ingest.submission`), told which dataset it is:
the same limits, readers, set-based checks, rejection records, atomic transaction and
superseded versions. Only the files, rules and bookkeeping tables differ
(:data:`cancer_alliance.dataset.datasets.CAPACITY_DATASET`).
"""

from __future__ import annotations

import os

import duckdb

from cancer_alliance.dataset.datasets import CAPACITY_DATASET
from cancer_alliance.ingest.submission import SubmissionResult, ingest_submission


def ingest_capacity(
    db: str | os.PathLike | duckdb.DuckDBPyConnection | None,
    path: str | os.PathLike | None = None,
    *,
    provider: str,
    period: str,
    submitted_by: str | None = None,
    files: dict[str, bytes] | None = None,
    archive_dir: str | os.PathLike | None = None,
) -> SubmissionResult:
    """Validate and load one provider's capacity submission for one month."""
    return ingest_submission(db, path, provider=provider, period=period,
                             submitted_by=submitted_by, files=files, archive_dir=archive_dir,
                             dataset=CAPACITY_DATASET)
