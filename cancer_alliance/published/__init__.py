"""Published data mode: NHS England's monthly Cancer Waiting Times extracts.

An alliance can run the dashboard on public data alone, and check its own patient-level
figures against what NHS England published (metrics reference section 6).

Public API::

    load_published(con, path) -> dict          # Monthly Combined CSV or CWT-CRS XLSX
    published_rows(con, standard=None) -> DataFrame
    published_metrics(con, standard=None, by=("provider_code", "month"), period=None,
                      filters=None) -> DataFrame   # compute_metrics' shape
    reconcile(con, standard=None, period=None) -> DataFrame  # difference table

See ``docs/how-to/use-published-cwt-data.md``.
"""

from cancer_alliance.published.aggregate import published_metrics, select_rows
from cancer_alliance.published.errors import PublishedFileRejected
from cancer_alliance.published.load import load_published, published_rows
from cancer_alliance.published.readers import read_published
from cancer_alliance.published.reconcile import RECONCILE_COLUMNS, reconcile

__all__ = [
    "RECONCILE_COLUMNS", "PublishedFileRejected", "load_published", "published_metrics",
    "published_rows", "read_published", "reconcile", "select_rows",
]
