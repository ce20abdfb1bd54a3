"""Materialised outcomes: compute once per submission, aggregate many times.

:func:`refresh` writes the wide outcome rows of every completed-waits standard into
``metric_outcomes`` (migration m0010). Given a submission it recomputes only the pathways of
the provider that submitted it, since outcome rows are keyed by the submitting provider
(an inter-provider transfer credits another provider, but the row still belongs to the
submitter's pathway). :func:`is_fresh` says whether the stored rows reflect every loaded
submission, the current engine version and the current reference data; the aggregates read
the stored rows only then.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import ibis

from cancer_alliance.metrics.compile import WIDE_COLUMNS, outcomes_table
from cancer_alliance.metrics.engines import duckdb_backend
from cancer_alliance.metrics.revisions import (
    final_figures,
    final_months,
    record_changes,
    revision_of,
)
from cancer_alliance.metrics.standards import COMPLETED

#: Bump when a definition changes, so stored rows computed by older rules go stale.
ENGINE_VERSION = "3"  # 2: A1 reset never starts an upgrade clock before the upgrade;
#                       3: an upgrade with no other referring provider is shared with its submitter

_REFERENCE_TABLES = ("icd10_tumour_groups", "tumour_groups", "lsoa_imd", "organisations")


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def reference_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """A cheap digest of the reference data the outcomes depend on."""
    parts = []
    for name in _REFERENCE_TABLES:
        (n, h), = _rows(con, f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM {name} t")
        parts.append(f"{name}:{n}:{h}")
    return "|".join(parts)


def latest_submissions(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The newest submission id per provider, over the stored data and loaded submissions."""
    rows = _rows(con, """
        SELECT provider_code, max(submission_id) FROM (
            SELECT provider_code, submission_id FROM pathways
            UNION ALL SELECT provider_code, submission_id FROM subsequent_treatments
            UNION ALL SELECT provider_code, submission_id FROM submissions
                WHERE status = 'loaded'
        ) GROUP BY provider_code""")
    return {p: int(s) for p, s in rows}


def is_fresh(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``metric_outcomes`` reflects every submission, this engine and the reference."""
    meta = dict(_rows(con, "SELECT key, value FROM metric_refresh_meta"))
    if meta.get("engine_version") != ENGINE_VERSION:
        return False
    if meta.get("reference") != reference_fingerprint(con):
        return False
    state = dict(_rows(con, "SELECT provider_code, submission_id FROM metric_refresh_state"))
    return all(state.get(p, -1) >= s for p, s in latest_submissions(con).items())


def _providers_of(con: duckdb.DuckDBPyConnection, submission_id: int) -> list[str]:
    rows = _rows(con, """
        SELECT provider_code FROM submissions WHERE submission_id = ?
        UNION SELECT provider_code FROM pathways WHERE submission_id = ?
        UNION SELECT provider_code FROM subsequent_treatments WHERE submission_id = ?""",
        [submission_id] * 3)
    return sorted(r[0] for r in rows)


def refresh(con: duckdb.DuckDBPyConnection, submission_id: int | None = None) -> dict:
    """Recompute stored outcomes: all of them, or the providers one submission touched.

    When the submission is a revision of a final month (the reporting calendar says so),
    every final month's figure it changes is recorded in ``figure_revisions``.

    A full refresh also runs when the engine version or reference data changed since the
    last one, because then every stored row may be out of date. Returns a summary
    (``scope``, ``providers``, ``rows``).
    """
    meta = dict(_rows(con, "SELECT key, value FROM metric_refresh_meta"))
    fingerprint = reference_fingerprint(con)
    whole = (submission_id is None or meta.get("engine_version") != ENGINE_VERSION
             or meta.get("reference") != fingerprint)
    providers = None if whole else _providers_of(con, submission_id)
    revision = None if whole else revision_of(con, submission_id)
    finals = final_months(con) if revision is not None else []
    before = final_figures(con, finals) if revision is not None else None
    latest = latest_submissions(con)
    expr = outcomes_table(duckdb_backend(con), COMPLETED, providers)
    sql = ibis.to_sql(expr.select(*WIDE_COLUMNS), dialect="duckdb")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute("BEGIN TRANSACTION")
    try:
        if whole:
            con.execute("DELETE FROM metric_outcomes")
            con.execute("DELETE FROM metric_refresh_state")
            targets = sorted(latest)
        else:
            con.execute("DELETE FROM metric_outcomes WHERE list_contains(?, provider_code)",
                        [providers])
            targets = providers
        con.execute(f"INSERT INTO metric_outcomes BY NAME {sql}")
        for p in targets:
            con.execute("INSERT OR REPLACE INTO metric_refresh_state VALUES (?, ?, ?)",
                        [p, latest.get(p, submission_id or 0), now])
        for key, value in (("engine_version", ENGINE_VERSION), ("reference", fingerprint)):
            con.execute("INSERT OR REPLACE INTO metric_refresh_meta VALUES (?, ?)", [key, value])
        if revision is not None:  # a final month's figures must never change silently
            record_changes(con, before, final_figures(con, finals), revision)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    (n,), = _rows(con, "SELECT count(*) FROM metric_outcomes")
    return {"scope": "all" if whole else "providers", "providers": targets, "rows": int(n)}
