"""Loading providers' monthly submissions: read, validate (vectorised), archive, apply.

``ingest_submission`` is the one way data enters the store, used alike by the command line,
the web upload and the HTTP API, so every route applies the same checks.
"""

from cancer_alliance.ingest.folder import ingest_folder
from cancer_alliance.ingest.submission import SubmissionResult, ingest_submission, period_end

__all__ = ["SubmissionResult", "ingest_folder", "ingest_submission", "period_end"]
