"""The dashboard's read side: one thin adapter over the metrics, measures and store.

Pages never call the metrics layer directly; they call these functions, which

* name the breakdowns a page can ask for (:data:`BREAKDOWNS`),
* cache results in memory until the store's data changes (a new submission or refresh),
  so dashboard pages answer quickly under load. The cache (:class:`ResultCache`) belongs to
  one app and so to one store: ``create_app`` makes it and :class:`ResultCacheScope` makes
  it the current one for each request, so one store's result is never served for another.

Protection for the actor is applied by :mod:`cancer_alliance.web.protect`, not here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any

import cachetools
import duckdb
import pandas as pd

from cancer_alliance import metrics, published
from cancer_alliance.calendar import ReportingCalendar, read_calendar
from cancer_alliance.errors import NotFound
from cancer_alliance.metrics import measures
from cancer_alliance.operations import trajectories
from cancer_alliance.outlook.tracking_list import with_breach_risk
from cancer_alliance.published import alliances as published_alliances_mod
from cancer_alliance.published import peers as published_peers_mod
from cancer_alliance.reports import packs
from cancer_alliance.single_flight import SingleFlight

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
    """A figure the page needs cannot be shown yet (e.g. no published tables in this
    store); the page says so as a notice, not an error."""


CACHE_SIZE = 4096  # every navigation page of an alliance (the warm-up fills ~600)
VERSION_TTL = 2.0  # seconds a looked-up data version is trusted before asking again


class ResultCache:
    """Results computed from one store, kept until its data changes (bounded LRU).

    Each entry is keyed by the store's data version, which changes whenever a submission
    is applied; the version is looked up at most every ``VERSION_TTL`` seconds (the query
    costs more than a cached page), and an upload through the app clears the cache at once.
    A finalised month or a changed calendar setting changes it too: both change which month
    is the headline.

    Single flight (:mod:`cancer_alliance.single_flight`): while one thread computes a key,
    others asking for the same key wait for that result instead of computing it again
    (twenty users opening the backlog page after a submission cost one computation, and the
    warm-up's computation is shared with the first visitor's). If the computing thread
    fails, one waiter computes in its place.

    ``refresher``, when set (the app sets it when the warm-up is on), is called by
    :meth:`get_or_previous` for a value older than the data that nobody is computing yet:
    it asks the warm-up to make the new one, and the visitor gets the previous one at once
    rather than computing it in a request thread (which slowed every other request while
    it ran). The warm-up computes inside :func:`preparing`, so it never gets the previous
    value itself.
    """

    def __init__(self, maxsize: int = CACHE_SIZE, version_ttl: float = VERSION_TTL) -> None:
        self._results: cachetools.LRUCache = cachetools.LRUCache(maxsize)
        self._version: cachetools.TTLCache = cachetools.TTLCache(maxsize=1, ttl=version_ttl)
        self._lock = threading.Lock()
        self._flight: SingleFlight[Any] = SingleFlight(self._results, self._lock)
        #: key -> (data version, value): the last value of each :meth:`get_or_previous` key,
        #: kept through :meth:`clear` (it is what a visitor sees while the new one is made)
        self._last_good: dict[Hashable, tuple[tuple, Any]] = {}
        self.refresher: Callable[[], None] | None = None

    def data_version(self, con: duckdb.DuckDBPyConnection) -> tuple:
        with self._lock:
            version = self._version.get("version")
        if version is None:
            rows = con.execute(
                "SELECT count(*), coalesce(max(submission_id), 0), max(submitted_at),"
                " (SELECT count(*) FROM month_finalisations),"
                " (SELECT max(set_at) FROM calendar_settings),"
                " (SELECT max(set_at) FROM calendar_providers),"
                " (SELECT max(submission_id) FROM capacity_submissions) FROM submissions"
            ).fetchall()
            version = tuple(rows[0])
            with self._lock:
                self._version["version"] = version
        return version

    def get(self, con: duckdb.DuckDBPyConnection, key: tuple, compute: Callable[[], Any]):
        """``compute()`` once per (data version, key), however many threads ask at once."""
        return self._flight.get((self.data_version(con), *key), compute)

    def get_or_previous(self, con: duckdb.DuckDBPyConnection, key: tuple,
                        compute: Callable[[], Any]) -> tuple[Any, tuple | None]:
        """``(value, None)`` for the store's current data, as :meth:`get`; but while another
        thread is computing it (the warm-up, just after a submission), or a ``refresher``
        has been asked to, ``(the last value, its data version)`` at once instead of
        waiting, so the page can say which data it shows. Only for values that are the same
        for every reader (the public page), as the last value is shown to whoever asks
        next."""
        version = self.data_version(con)
        with self._lock:
            full = (version, *key)
            if full in self._results:
                return self._results[full], None
            last = self._last_good.get(key)
            stale = last is not None and last[0] != version
            if stale and self._flight.computing(full):
                return last[1], last[0]
            refresh = stale and self.refresher is not None and not _preparing.get()
        if refresh:
            self.refresher()
            return last[1], last[0]
        value = self.get(con, key, compute)
        with self._lock:
            self._last_good[key] = (version, value)
        return value, None

    def contains(self, con: duckdb.DuckDBPyConnection, key: tuple) -> bool:
        """Whether ``key`` is cached for the store's current data (tests, the warm-up)."""
        full = (self.data_version(con), *key)
        with self._lock:
            return full in self._results

    def __len__(self) -> int:
        with self._lock:
            return len(self._results)

    def clear(self) -> None:
        with self._lock:
            self._results.clear()
            self._version.clear()


_current: ContextVar[ResultCache | None] = ContextVar("result_cache", default=None)
#: True while the warm-up prepares pages: it computes values, never takes the previous one
_preparing: ContextVar[bool] = ContextVar("preparing_pages", default=False)


@contextmanager
def preparing() -> Iterator[None]:
    """Within: :meth:`ResultCache.get_or_previous` computes the current value (the
    warm-up making the page visitors were given the previous one of)."""
    token = _preparing.set(True)
    try:
        yield
    finally:
        _preparing.reset(token)


class ResultCacheScope:
    """ASGI middleware: makes the app's :class:`ResultCache` the current one per request."""

    def __init__(self, app: Any, cache: ResultCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        token = _current.set(self.cache)
        try:
            await self.app(scope, receive, send)
        finally:
            _current.reset(token)


def cached(con: duckdb.DuckDBPyConnection, key: tuple, compute: Callable[[], Any]):
    """``compute()`` through the current app's cache; computed afresh outside a request."""
    cache = _current.get()
    return compute() if cache is None else cache.get(con, key, compute)


def cached_or_previous(con: duckdb.DuckDBPyConnection, key: tuple,
                       compute: Callable[[], Any]) -> tuple[Any, tuple | None]:
    """:meth:`ResultCache.get_or_previous` through the current app's cache (computed afresh
    outside a request)."""
    cache = _current.get()
    return (compute(), None) if cache is None else cache.get_or_previous(con, key, compute)


def loaded_at(version: tuple) -> str:
    """When the newest submission of a data version was loaded (``YYYY-MM-DD HH:MM``)."""
    when = version[2] if len(version) > 2 else None
    return when.strftime("%Y-%m-%d %H:%M") if hasattr(when, "strftime") else str(when)


def within(cache: ResultCache, compute: Callable[[], Any]) -> Any:
    """``compute()`` with ``cache`` as the current one, outside a request (the warm-up)."""
    token = _current.set(cache)
    try:
        return compute()
    finally:
        _current.reset(token)


def clear_cache() -> None:
    """Forget the current app's results (after an upload through the app)."""
    cache = _current.get()
    if cache is not None:
        cache.clear()


def standard_defs() -> dict[str, Any]:
    """code -> StandardDefinition, in the order pages list them."""
    return dict(metrics.STANDARDS)


def measure_defs() -> dict[str, Any]:
    """code -> measure definition (early stage, survival, Recovery Package...)."""
    return dict(measures.MEASURES)


def metric(
    con: duckdb.DuckDBPyConnection,
    code: str,
    by: tuple[str, ...] = ("month",),
    period: str | None = None,
    filters: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Counts for one standard: period, <by columns>, total, within, breaches (+ threshold)."""
    if code not in metrics.STANDARDS:
        raise KeyError(code)
    key = ("metric", code, tuple(by), period, tuple(sorted((filters or {}).items())))

    def compute() -> pd.DataFrame:
        df = metrics.compute_metrics(con, code, by=tuple(by), period=period,
                                     filters=filters or None)
        df = df.copy()
        if "period" in df.columns:  # a month's date as YYYY-MM; a span (a..b) kept whole
            df["period"] = df["period"].astype(str).str.replace(
                r"^(\d{4}-\d{2})-\d{2}.*$", r"\1", regex=True)
        return df

    return cached(con, key, compute)


#: The breakdowns of the backlog page's tables and its trust filter: one census query by
#: all four serves every one of them (counts add up), for the alliance and each trust.
BACKLOG_CUBE = ("provider_code", "commissioner_code", "tumour_group", "referral_route")
_COUNTS = ["open", "backlog_62", "over_104"]


def backlog(con: duckdb.DuckDBPyConnection, by: tuple[str, ...] = ("month",),
            period: str | None = None, filters: dict[str, Any] | None = None) -> pd.DataFrame:
    """The 62-day backlog and 104-day waits as counts by month-end census (period, <by>,
    open, backlog_62, over_104), from the data start.

    Monthly counts by (and filtered on) the :data:`BACKLOG_CUBE` columns are summed from one
    cached query over all of them, so the page's four tables and every trust's page cost
    one computation; anything else asks the metrics directly.
    """
    filters = filters or {}
    key = ("backlog", tuple(by), period, tuple(sorted(filters.items())))
    groups = [b for b in by if b != "month"]
    if (tuple(by)[-1:] == ("month",) and set(groups) <= set(BACKLOG_CUBE)
            and set(filters) <= set(BACKLOG_CUBE)
            and all(isinstance(v, str) for v in filters.values())):
        return cached(con, key, lambda: _backlog_from_cube(con, groups, period, filters))
    return cached(con, key, lambda: metrics.backlog_counts(con, by=tuple(by), period=period,
                                                           filters=filters or None))


def _backlog_from_cube(con: duckdb.DuckDBPyConnection, groups: list[str], period: str | None,
                       filters: dict[str, str]) -> pd.DataFrame:
    cube = cached(con, ("backlog-cube",),
                  lambda: metrics.backlog_counts(con, by=(*BACKLOG_CUBE, "month")))
    # every census month, a census with nobody open as zero
    months = cached(con, ("backlog-months", period),
                    lambda: metrics.census_months(con, period=period))
    df = cube[cube["period"].isin(months)]
    for col, value in filters.items():
        df = df[df[col] == value]
    if groups:
        df = df.groupby(["period", *groups], dropna=False, as_index=False)[_COUNTS].sum()
        df = df.sort_values(["period", *groups], na_position="last")
        for g in groups:  # a missing code stays None, as the metrics give it
            df[g] = df[g].astype(object).where(df[g].notna(), None)
    else:
        df = df.groupby("period")[_COUNTS].sum().reindex(months, fill_value=0.0)
        df = df.rename_axis("period").reset_index()
    return df.reset_index(drop=True)[["period", *groups, *_COUNTS]]


def periods(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Reporting months with submitted data, oldest first."""
    rows = con.execute(
        "SELECT DISTINCT period FROM submissions WHERE status <> 'rejected' ORDER BY period"
    ).fetchall()
    return [r[0] for r in rows]


def reporting_calendar(con: duckdb.DuckDBPyConnection) -> ReportingCalendar:
    """The store's reporting calendar today (cached until the data or the day changes)."""
    return cached(con, ("calendar", date.today().isoformat()), lambda: read_calendar(con))


def latest_period(con: duckdb.DuckDBPyConnection) -> str | None:
    """The alliance's latest month: the latest *complete* month (None: none yet).

    A month some providers have sent and others not (an early upload, a late trust) is
    never the headline: see :func:`provisional_months`.
    """
    return reporting_calendar(con).latest_complete


def data_start(con: duckdb.DuckDBPyConnection) -> str | None:
    """The first month the alliance reports; earlier months are in no series."""
    return reporting_calendar(con).data_start


def provisional_months(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Months after the latest complete one that some providers have sent, with who is in
    and who is missing: shown as provisional, never as the headline."""
    return [{"period": m.period, "received": len(m.received), "expected": len(m.expected),
             "missing": ", ".join(m.missing), "edition": m.edition}
            for m in reporting_calendar(con).provisional_after()]


def edition(con: duckdb.DuckDBPyConnection, period: str | None) -> str | None:
    """``final`` or ``provisional`` for a month's figures (None: not a calendar month)."""
    month = reporting_calendar(con).month(period) if period else None
    return month.edition if month is not None else None


def upto_latest(con: duckdb.DuckDBPyConnection, df: pd.DataFrame) -> pd.DataFrame:
    """Rows of a monthly table up to the latest complete month (none when there is none;
    all when the store has no submissions, as a hand-built store has no calendar)."""
    cal = reporting_calendar(con)
    if not cal.months or df.empty or "period" not in df.columns:
        return df
    latest = cal.latest_complete
    if latest is None:
        return df.iloc[0:0]
    return df[df["period"].astype(str).str.slice(0, 7) <= latest]


def ptl(con: duckdb.DuckDBPyConnection, census: date, scope: dict[str, str]) -> pd.DataFrame:
    """Open pathways on ``census`` within ``scope`` ({} all, or provider/commissioner code)."""
    df = cached(con, ("ptl", census.isoformat()), lambda: metrics.ptl(con, census))
    return _scoped(con, df, scope)


def ptl_with_risk(con: duckdb.DuckDBPyConnection, census: date,
                  scope: dict[str, str]) -> pd.DataFrame:
    """:func:`ptl` with ``breach_risk_62`` and ``breach_risk_28``, the model fitted once per
    census and data version on the whole alliance, the rows then cut to ``scope``."""
    full = ptl(con, census, {})
    df = cached(con, ("ptl_risk", census.isoformat()),
                lambda: with_breach_risk(con, full, census))
    return _scoped(con, df, scope)


def provider_pack_figures(con: duckdb.DuckDBPyConnection, provider: str, period: str,
                          protect: bool) -> dict:
    """A provider pack's figures (``reports.packs.provider_figures``: aggregates only),
    kept per data version and plan edit (:func:`plans_version`). Shared: never changed."""
    return cached(con, ("provider-pack", provider, period, protect, plans_version(con)),
                  lambda: packs.provider_figures(con, provider, period, protect))


def cancer_type_labels(con: duckdb.DuckDBPyConnection) -> tuple[dict, dict]:
    """Names of tumour groups and of suspected cancer types, from the reference data."""
    def load() -> tuple[dict, dict]:
        groups = dict(con.execute("SELECT tumour_group, label FROM tumour_groups").fetchall())
        types = dict(con.execute("SELECT code, label FROM cancer_types").fetchall())
        return groups, types
    return cached(con, ("cancer_type_labels",), load)


def patient_identifiers(con: duckdb.DuckDBPyConnection, provider: str) -> pd.DataFrame:
    """``provider_code``, ``pathway_id``, ``nhs_number`` of one provider's pathways.

    Patient identifiers: callers show them only when ``auth.policy`` allows
    ``view_patient_identifier`` for ``provider``. Never cached (nothing identifying is kept
    in the shared result cache)."""
    return con.execute(
        "SELECT provider_code, pathway_id, nhs_number FROM pathways WHERE provider_code = ?",
        [provider]).df()


def _scoped(con: duckdb.DuckDBPyConnection, df: pd.DataFrame,
            scope: dict[str, str]) -> pd.DataFrame:
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
    """The §4 transfer phases of the 62-day standard, every month (pages pick theirs)."""
    return cached(con, ("ipt", period), lambda: metrics.transfer_phases(con))


def measure(
    con: duckdb.DuckDBPyConnection, code: str, by: tuple[str, ...] = ("month",),
    period: str | None = None, filters: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """A non-waiting-time measure: period, <by>, numerator, denominator, value."""
    return cached(
        con, _measure_key(code, by, period, filters),
        lambda: measures.compute_measure(con, code, by=tuple(by), period=period,
                                         filters=filters),
    )


def _measure_key(code: str, by: tuple[str, ...], period: str | None,
                 filters: dict[str, Any] | None) -> tuple:
    return ("measure", code, tuple(by), period, tuple(sorted((filters or {}).items())))


def measures_each(con: duckdb.DuckDBPyConnection, codes: tuple[str, ...],
                  by: tuple[str, ...] = ("month",),
                  period: str | None = None) -> dict[str, pd.DataFrame]:
    """Several measures (none of them survival) as :func:`measure` gives each, computed in
    one engine pass (``measures.compute_measures``, the engine planning the union) and then
    kept under each one's own key, so a page asking for one later finds it. Those already
    kept are not computed again."""
    keys = {c: _measure_key(c, by, period, None) for c in codes}
    cache = _current.get()
    todo = [c for c in codes if cache is None or not cache.contains(con, keys[c])]
    together: dict[str, pd.DataFrame] = {}
    if todo:
        together = measures.compute_measures(con, todo, by=tuple(by), period=period,
                                             share=False)
    return {c: cached(con, keys[c], lambda c=c: together[c] if c in together else
                      measures.compute_measure(con, c, by=tuple(by), period=period))
            for c in codes}


def measures_together(
    con: duckdb.DuckDBPyConnection, codes: tuple[str, ...], by: tuple[str, ...],
    period: str | None = None,
) -> dict[str, pd.DataFrame]:
    """Several non-survival measures from one run (one query over the enriched pathways,
    :func:`cancer_alliance.metrics.measures.compute_measures`): ``{code: table}``."""
    key = ("measures", tuple(codes), tuple(by), period)
    return cached(con, key, lambda: measures.compute_measures(con, list(codes), by=tuple(by),
                                                              period=period))


def survival(con: duckdb.DuckDBPyConnection, by: str | None = None) -> pd.DataFrame:
    return cached(con, ("survival", by), lambda: measures.survival(con, by=by))


def organisations(con: duckdb.DuckDBPyConnection, org_type: str) -> pd.DataFrame:
    """Organisations of a type (PROVIDER, COMMISSIONER) with names, from reference data."""
    return con.execute(
        "SELECT org_code, org_name FROM organisations WHERE org_type = ? ORDER BY org_name",
        [org_type],
    ).df()


def org_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Organisation code -> name from the reference data (what pages show for a code)."""
    return cached(con, ("org-names",), lambda: dict(
        con.execute("SELECT org_code, org_name FROM organisations").fetchall()))


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


def capacity_submissions(con: duckdb.DuckDBPyConnection,
                         provider: str | None = None) -> pd.DataFrame:
    """The capacity returns (``ingest-capacity`` or the web upload), newest first."""
    sql = ("SELECT submission_id, provider_code, period, submitted_by, submitted_at, status,"
           " rows_read, accepted, rejected, message FROM capacity_submissions")
    params: list[Any] = []
    if provider:
        sql += " WHERE provider_code = ?"
        params.append(provider)
    return con.execute(sql + " ORDER BY submitted_at DESC, submission_id DESC", params).df()


def capacity_submission(con: duckdb.DuckDBPyConnection, submission_id: int) -> dict | None:
    df = con.execute(
        "SELECT submission_id, provider_code, period, submitted_by, submitted_at, status,"
        " rows_read, accepted, rejected, message FROM capacity_submissions"
        " WHERE submission_id = ?", [submission_id]).df()
    return df.iloc[0].to_dict() if len(df) else None


def capacity_rejections(con: duckdb.DuckDBPyConnection, submission_id: int) -> pd.DataFrame:
    """A capacity return's rejected rows: file, row, column, value, rule, message."""
    return con.execute(
        'SELECT file, "row", "column", value, rule, message FROM capacity_rejections'
        ' WHERE submission_id = ? ORDER BY file, "row", "column", rule',
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


def plans_version(con: duckdb.DuckDBPyConnection) -> tuple:
    """Changes whenever a trajectory is edited (web form, ``operations`` command or seed):
    part of the key of every cached page that draws a plan, since a plan changes without a
    submission. Kept out of the data version itself so that a plan edit does not throw away
    every cached figure (and the breach-risk model) that no plan touches."""
    return trajectories.version(con)


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


def other_alliances(con: duckdb.DuckDBPyConnection, standard: str) -> pd.DataFrame:
    """Each Cancer Alliance's published figures for ``standard`` by month (the commissioner
    extract summed through the loaded ONS lookup, :func:`published.alliances.alliance_figures`);
    empty when no lookup or no commissioner extract is loaded."""
    try:
        version = (published_version(con), published_alliances_mod.lookup_version(con))
    except duckdb.Error:  # a store from before the lookup existed
        return pd.DataFrame(columns=published_alliances_mod.FIGURE_COLUMNS)
    key = ("published-alliances", standard, version)
    return cached(con, key, lambda: published_alliances_mod.alliance_figures(
        con, standard)).copy()


def published_comparators(con: duckdb.DuckDBPyConnection, standard: str) -> pd.DataFrame:
    """England's published monthly figures for ``standard`` (``period, total, within,
    performance, edition``), empty when nothing is loaded for it: the comparator beside
    local figures."""
    key = ("published-england", standard, published_version(con))
    return cached(con, key, lambda: published_peers_mod.england(con, standard)).copy()


def published_peer_set(con: duckdb.DuckDBPyConnection) -> tuple[str | None, list[str]]:
    """The configured peer set (basis, codes), set with ``published peers --set``."""
    try:
        return published_peers_mod.read_peers(con)
    except duckdb.Error:  # a store from before the peer set existed
        return None, []


def published_peer_figures(con: duckdb.DuckDBPyConnection, standard: str) -> pd.DataFrame:
    """The peer set's pooled published monthly figures (``period, total, within,
    performance, edition, peers``); empty when no set is configured or nothing loaded."""
    basis, codes = published_peer_set(con)
    key = ("published-peer-set", standard, basis, tuple(codes), published_version(con))
    return cached(con, key, lambda: published_peers_mod.peers(con, standard)).copy()


def published_peers(con: duckdb.DuckDBPyConnection, standard: str,
                    period: str) -> dict[str, float] | None:
    """England's providers in one month as peers: how many, and the lower quartile, median
    and upper quartile of their published performance (None when none are loaded)."""
    key = ("published-peers", standard, period, published_version(con))

    def compute() -> dict[str, float] | None:
        try:
            df = published.published_metrics(con, standard, by=("provider_code", "month"),
                                             period=period)
        except NotFound:
            return None
        perf = df["performance"].dropna()
        if perf.empty:
            return None
        q1, median, q3 = perf.quantile([0.25, 0.5, 0.75]).tolist()
        return {"providers": float(len(perf)), "q1": q1, "median": median, "q3": q3}

    return cached(con, key, compute)
