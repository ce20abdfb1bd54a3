"""The dashboard's read side: one thin adapter over the metrics, measures and store.

Pages never call the metrics layer directly; they call these functions, which

* name the breakdowns a page can ask for (:data:`BREAKDOWNS`),
* cache results in memory until the store's data changes (a new submission or refresh),
  so dashboard pages answer quickly under load,
* raise :class:`DataUnavailable` (shown as a notice, not an error) while a layer is missing.

Protection for the actor is applied by :mod:`cancer_alliance.web.protect`, not here.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections import OrderedDict
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from cancer_alliance import published
from cancer_alliance.errors import NotFound

BREAKDOWNS: dict[str, tuple[str, str]] = {
    "provider": ("provider_code", "Provider"),
    "commissioner": ("commissioner_code", "Commissioner"),
    "tumour_group": ("tumour_group", "Tumour group"),
    "route": ("referral_route", "Referral route"),
    "modality": ("modality", "Treatment modality"),
    "ethnic_group": ("ethnic_group", "Ethnic group"),
    "imd_quintile": ("imd_quintile", "Deprivation (IMD quintile, 1 = most deprived)"),
    "age_band": ("age_band", "Age band"),
    "sex": ("sex", "Sex"),
}
HEADLINE = ("FDS", "31_DAY", "62_DAY")
BACKLOG = "62_DAY_BACKLOG"


class DataUnavailable(Exception):
    """A layer the page needs is not installed or has no data yet; the page says so."""


_cache: OrderedDict[tuple, Any] = OrderedDict()
_lock = threading.Lock()
CACHE_SIZE = 512


VERSION_TTL = 2.0  # seconds a looked-up data version is trusted before asking again
_version: list = [0.0, None]


def data_version(con: duckdb.DuckDBPyConnection) -> tuple:
    """Changes whenever a submission is applied, so cached results are never stale.

    Looked up at most every ``VERSION_TTL`` seconds (the query costs more than a cached
    page); an upload through the app clears the cache at once.
    """
    now = time.monotonic()
    if _version[1] is not None and now - _version[0] < VERSION_TTL:
        return _version[1]
    rows = con.execute(
        "SELECT count(*), coalesce(max(submission_id), 0), max(submitted_at) FROM submissions"
    ).fetchall()
    _version[:] = [now, tuple(rows[0])]
    return _version[1]


def cached(con: duckdb.DuckDBPyConnection, key: tuple, compute):
    """``compute()`` once per (data version, key); bounded LRU."""
    full = (data_version(con), *key)
    with _lock:
        if full in _cache:
            _cache.move_to_end(full)
            return _cache[full]
    value = compute()
    with _lock:
        _cache[full] = value
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def clear_cache() -> None:
    with _lock:
        _cache.clear()
        _version[:] = [0.0, None]


def _metrics():
    try:
        return importlib.import_module("cancer_alliance.metrics")
    except ImportError as exc:  # pragma: no cover - the package is part of the platform
        raise DataUnavailable("the metrics engine is not installed") from exc


def standard_defs() -> dict[str, Any]:
    """code -> StandardDefinition, in the order pages list them."""
    m = _metrics()
    std = getattr(m, "STANDARDS", None)
    if std is None:
        try:
            std = importlib.import_module("cancer_alliance.metrics.standards").STANDARDS
        except ImportError as exc:
            raise DataUnavailable("no standards are defined yet") from exc
    return dict(std)


def measure_defs() -> dict[str, Any]:
    """code -> measure definition (early stage, survival, Recovery Package...), if available."""
    try:
        return dict(importlib.import_module("cancer_alliance.metrics.measures").MEASURES)
    except (ImportError, AttributeError):
        return {}


def threshold_for(code: str, on: date) -> float | None:
    defn = standard_defs().get(code)
    return defn.threshold_on(on) if defn is not None else None


def _period_start(period: str) -> date:
    y, m = period.split("-")[:2]
    return date(int(y), int(m), 1)


def metric(
    con: duckdb.DuckDBPyConnection,
    code: str,
    by: tuple[str, ...] = ("month",),
    period: str | None = None,
    filters: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Counts for one standard: period, <by columns>, total, within, breaches (+ threshold)."""
    m = _metrics()
    fn = getattr(m, "compute_metrics", None)
    if fn is None:
        raise DataUnavailable("the metrics engine does not yet compute standards")
    if code not in standard_defs():
        raise KeyError(code)
    key = ("metric", code, tuple(by), period, tuple(sorted((filters or {}).items())))

    def compute() -> pd.DataFrame:
        df = fn(con, code, by=tuple(by), period=period, filters=filters or None)
        df = df.copy()
        if "period" in df.columns:
            df["period"] = df["period"].astype(str).str.slice(0, 7)
        return df

    return cached(con, key, compute)


def periods(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Reporting months with submitted data, oldest first."""
    rows = con.execute(
        "SELECT DISTINCT period FROM submissions WHERE status <> 'rejected' ORDER BY period"
    ).fetchall()
    return [r[0] for r in rows]


def latest_period(con: duckdb.DuckDBPyConnection) -> str | None:
    ps = periods(con)
    return ps[-1] if ps else None


def ptl(con: duckdb.DuckDBPyConnection, census: date, scope: dict[str, str]) -> pd.DataFrame:
    """Open pathways on ``census`` within ``scope`` ({} all, or provider/commissioner code)."""
    m = _metrics()
    fn = getattr(m, "ptl", None)
    if fn is None:
        raise DataUnavailable("the metrics engine does not yet build the tracking list")
    df = cached(con, ("ptl", census.isoformat()), lambda: fn(con, census))
    for col, code in scope.items():
        if col not in df.columns:
            df = _attach_commissioner(con, df)
        df = df[df[col] == code]
    return df


def _attach_commissioner(con: duckdb.DuckDBPyConnection, df: pd.DataFrame) -> pd.DataFrame:
    """Add commissioner_code to PTL rows (for commissioner scope) from the pathways table."""
    keys = con.execute("SELECT provider_code, pathway_id, commissioner_code FROM pathways").df()
    return df.merge(keys, on=["provider_code", "pathway_id"], how="left")


def transfer_phases(con: duckdb.DuckDBPyConnection, period: str | None = None) -> pd.DataFrame:
    m = _metrics()
    fn = getattr(m, "transfer_phases", None)
    if fn is None:
        raise DataUnavailable("inter-provider phases are not computed yet")
    return cached(con, ("ipt", period), lambda: fn(con))


def measure(
    con: duckdb.DuckDBPyConnection, code: str, by: tuple[str, ...] = ("month",),
    period: str | None = None, filters: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """A non-waiting-time measure: period, <by>, numerator, denominator, value."""
    try:
        mod = importlib.import_module("cancer_alliance.metrics.measures")
    except ImportError as exc:
        raise DataUnavailable("alliance measures are not computed yet") from exc
    key = ("measure", code, tuple(by), period, tuple(sorted((filters or {}).items())))
    return cached(
        con, key,
        lambda: mod.compute_measure(con, code, by=tuple(by), period=period, filters=filters),
    )


def survival(con: duckdb.DuckDBPyConnection, by: str | None = None) -> pd.DataFrame:
    try:
        mod = importlib.import_module("cancer_alliance.metrics.measures")
        fn = mod.survival
    except (ImportError, AttributeError) as exc:
        raise DataUnavailable("survival is not computed yet") from exc
    return cached(con, ("survival", by), lambda: fn(con, by=by))


def organisations(con: duckdb.DuckDBPyConnection, org_type: str) -> pd.DataFrame:
    """Organisations of a type (PROVIDER, COMMISSIONER) with names, from reference data."""
    return con.execute(
        "SELECT org_code, org_name FROM organisations WHERE org_type = ? ORDER BY org_name",
        [org_type],
    ).df()


def org_name(con: duckdb.DuckDBPyConnection, code: str) -> str | None:
    rows = con.execute("SELECT org_name FROM organisations WHERE org_code = ?", [code]).fetchall()
    return rows[0][0] if rows else None


def tumour_groups(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT tumour_group, label, rare_less_common FROM tumour_groups ORDER BY label"
    ).df()


def freshness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per provider: latest period loaded, when, rows accepted and rejected."""
    return con.execute(
        """SELECT provider_code, max(period) AS latest_period, max(submitted_at) AS last_submitted,
                  arg_max(accepted, submitted_at) AS accepted,
                  arg_max(rejected, submitted_at) AS rejected
           FROM submissions WHERE status <> 'rejected'
           GROUP BY provider_code ORDER BY provider_code"""
    ).df()


def submissions(con: duckdb.DuckDBPyConnection, provider: str | None = None) -> pd.DataFrame:
    sql = (
        "SELECT submission_id, provider_code, period, submitted_by, submitted_at, status,"
        " rows_read, accepted, rejected, message FROM submissions"
    )
    params: list[Any] = []
    if provider:
        sql += " WHERE provider_code = ?"
        params.append(provider)
    return con.execute(sql + " ORDER BY submitted_at DESC, submission_id DESC", params).df()


def submission(con: duckdb.DuckDBPyConnection, submission_id: int) -> dict | None:
    df = con.execute(
        "SELECT submission_id, provider_code, period, submitted_by, submitted_at, status,"
        " rows_read, accepted, rejected, message FROM submissions WHERE submission_id = ?",
        [submission_id],
    ).df()
    return df.iloc[0].to_dict() if len(df) else None


def rejections(con: duckdb.DuckDBPyConnection, submission_id: int) -> pd.DataFrame:
    """Row-level report: file, row, column, value, rule, message (no raw row)."""
    return con.execute(
        'SELECT file, "row", "column", value, rule, message FROM rejections'
        ' WHERE submission_id = ? ORDER BY file, "row", "column"',
        [submission_id],
    ).df()


def completeness(con: duckdb.DuckDBPyConnection, provider: str | None = None) -> pd.DataFrame:
    """Data completeness per provider: stage (diagnosed cancers), ethnicity stated, NHS number."""
    where = "WHERE provider_code = ?" if provider else ""
    params = [provider] if provider else []
    return con.execute(
        f"""SELECT provider_code,
              count(*) AS pathways,
              count(*) FILTER (WHERE primary_diagnosis_icd10 LIKE 'C%') AS diagnosed,
              count(*) FILTER (WHERE primary_diagnosis_icd10 LIKE 'C%'
                               AND stage_group IN ('0','1','2','3','4','NA')) AS staged,
              count(*) FILTER (WHERE ethnic_category IS NOT NULL
                               AND ethnic_category NOT IN ('Z','99')) AS ethnicity_stated,
              count(*) FILTER (WHERE nhs_number IS NOT NULL) AS nhs_number_present
            FROM pathways {where} GROUP BY provider_code ORDER BY provider_code""",
        params,
    ).df()


def published_version(con: duckdb.DuckDBPyConnection) -> tuple:
    """Changes whenever a published file is loaded (``published load`` runs outside the
    app, so the submissions' data version alone would keep a stale reconciliation)."""
    try:
        return tuple(con.execute(
            "SELECT count(*), max(loaded_at), coalesce(sum(rows_loaded), 0) FROM published_files"
        ).fetchall()[0])
    except duckdb.Error as exc:
        raise DataUnavailable("published data (no published tables in this store)") from exc


def reconciliation(con: duckdb.DuckDBPyConnection, standard: str | None = None,
                   period: str | None = None) -> pd.DataFrame:
    """Local against published figures by provider, standard and month (every provider:
    the page scopes it), from :func:`cancer_alliance.published.reconcile`."""
    key = ("reconcile", standard, period, published_version(con))
    return cached(con, key, lambda: published.reconcile(con, standard=standard,
                                                         period=period)).copy()


def published_comparators(con: duckdb.DuckDBPyConnection, standard: str) -> pd.DataFrame:
    """England's published monthly figures for ``standard`` (``period, total, within,
    performance``), empty when nothing is loaded for it: the comparator beside local figures."""
    key = ("published-england", standard, published_version(con))

    def compute() -> pd.DataFrame:
        try:
            df = published.published_metrics(con, standard, by=("month",))
        except NotFound:  # nothing published loaded for this standard
            return pd.DataFrame(columns=["period", "total", "within", "performance"])
        return df[["period", "total", "within", "performance"]]

    return cached(con, key, compute).copy()
