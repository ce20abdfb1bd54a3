"""Loading providers' monthly submissions: read, validate (vectorised), archive, apply.

``ingest_submission`` (one submission) and ``ingest_submissions`` (many, validated in rounds)
share one code path, the one way data enters the store, used alike by the command line,
the web upload and the HTTP API, so every route applies the same checks.
"""

from cancer_alliance.ingest.folder import ingest_folder
from cancer_alliance.ingest.submission import (
    SubmissionItem,
    SubmissionResult,
    ingest_submission,
    ingest_submissions,
)

__all__ = ["SubmissionItem", "SubmissionResult", "ingest_folder", "ingest_submission",
           "ingest_submissions"]
