"""England and the alliance's peers in NHS England's published figures (issue 16).

The peer set is a list of published organisations (other providers, or commissioners: the
extracts NHS England publishes), chosen with ``published peers --set CODES`` and stored in
``published_peers`` (migration m0025). Their figures are pooled (total and within summed
over the set, as :func:`.aggregate.published_metrics` sums organisations), so the peers are
one comparator beside England's.

Each published figure carries its **edition** (:func:`edition_of_file`, a platform rule):
a file named ``...Provisional...`` is provisional and one named ``...Final...`` final;
otherwise the latest month a file holds is provisional and its earlier months final, since
NHS England publishes each month provisionally and revises earlier months in later files
(the national time series "with revisions" ends in the provisional month). A figure drawn
from several files is provisional if any of them is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import duckdb
import pandas as pd

from cancer_alliance.errors import NotFound, UsageError
from cancer_alliance.published.aggregate import published_metrics

BASES = {"provider": "Provider", "commissioner": "Commissioner"}
_FILTER = {"Provider": "provider_code", "Commissioner": "commissioner_code"}
ORG_CODE = re.compile(r"^[A-Z0-9]{3,9}$")
COLUMNS = ["period", "total", "within", "performance", "edition"]


def read_peers(con: duckdb.DuckDBPyConnection) -> tuple[str | None, list[str]]:
    """The peer set: (basis, codes); (None, []) when none is set."""
    rows = con.execute(
        "SELECT basis, org_code FROM published_peers ORDER BY org_code").fetchall()
    return (rows[0][0] if rows else None), [code for _, code in rows]


def set_peers(con: duckdb.DuckDBPyConnection, codes: Sequence[str],
              basis: str = "provider") -> list[str]:
    """Replace the peer set with ``codes`` (ODS codes, one basis); returns them, cleaned."""
    if basis not in BASES:
        raise UsageError(f"basis {basis!r}: use one of {', '.join(BASES)}")
    clean = sorted({c.strip().upper() for c in codes if c.strip()})
    bad = [c for c in clean if not ORG_CODE.match(c)]
    if not clean or bad:
        raise UsageError("peers must be organisation codes (3-9 letters or digits), "
                         "comma-separated")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM published_peers")
        con.executemany("INSERT INTO published_peers (org_code, basis) VALUES (?, ?)",
                        [[c, BASES[basis]] for c in clean])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return clean


def clear_peers(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM published_peers")


def edition_of_file(source_file: str, period: str, latest_in_file: str) -> str:
    """``provisional`` or ``final`` for one month of one published file (module rule)."""
    name = source_file.lower()
    if "provisional" in name:
        return "provisional"
    if "final" in name:
        return "final"
    return "provisional" if period >= latest_in_file else "final"


def editions(con: duckdb.DuckDBPyConnection, standard: str, basis: str = "Provider",
             orgs: Sequence[str] | None = None) -> dict[str, str]:
    """month -> edition of ``standard``'s published figures (of ``orgs``, else all)."""
    sql = """SELECT p.period, p.source_file, f.latest FROM (
                 SELECT DISTINCT period, source_file FROM published_cwt
                 WHERE standard = ? AND basis = ?{orgs}) p
             JOIN (SELECT source_file, max(period) AS latest FROM published_cwt
                   GROUP BY source_file) f USING (source_file)"""
    params: list = [standard, basis]
    if orgs:
        sql = sql.format(orgs=f" AND org_code IN ({', '.join('?' * len(orgs))})")
        params += list(orgs)
    else:
        sql = sql.format(orgs="")
    out: dict[str, str] = {}
    for period, source, latest in con.execute(sql, params).fetchall():
        e = edition_of_file(source, period, latest)
        out[period] = "provisional" if "provisional" in (e, out.get(period)) else e
    return out


def england(con: duckdb.DuckDBPyConnection, standard: str) -> pd.DataFrame:
    """England's monthly published figures with their edition (:data:`COLUMNS`)."""
    try:
        df = published_metrics(con, standard, by=("month",))
    except NotFound:
        return pd.DataFrame(columns=COLUMNS)
    ed = editions(con, standard)
    return df.assign(edition=df["period"].map(ed))[COLUMNS]


def peers(con: duckdb.DuckDBPyConnection, standard: str) -> pd.DataFrame:
    """The peer set's pooled monthly published figures with their edition, and ``peers``
    (how many of the set published that month); empty with no set or no data."""
    basis, codes = read_peers(con)
    if not codes:
        return pd.DataFrame(columns=[*COLUMNS, "peers"])
    key = _FILTER[basis]
    try:
        df = published_metrics(con, standard, by=("month",), filters={key: codes})
        each = published_metrics(con, standard, by=(key, "month"), filters={key: codes})
    except NotFound:
        return pd.DataFrame(columns=[*COLUMNS, "peers"])
    ed = editions(con, standard, basis, codes)
    counts = each.dropna(subset=["total"]).groupby("period")[key].nunique()
    return df.assign(edition=df["period"].map(ed),
                     peers=df["period"].map(counts).fillna(0).astype(int))[[*COLUMNS, "peers"]]
