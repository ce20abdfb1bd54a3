"""Other Cancer Alliances in NHS England's published figures, through a commissioner lookup.

NHS England's extracts have no Cancer Alliance column: the provider extract names trusts and
the ICB sub-location (commissioner) extract names sub-ICB locations. A Cancer Alliance is a
group of sub-ICB locations, and the ONS Open Geography Portal publishes which: the lookup
"Sub ICB Location to ... Cancer Alliance ... Lookup in England" (download it as CSV from
https://geoportal.statistics.gov.uk, searching "Cancer Alliance lookup"; see
``docs/how-to/use-published-cwt-data.md``). Its columns carry the year of the boundaries
(``SICBL23CD, SICBL23CDH, SICBL23NM, ..., CAL23CD, CAL23NM``; the 2022 editions call the
sub-ICB location ``LOC22CD, LOC22CDH, LOC22NM``); any year is accepted, in any letter case,
and extra columns (ICB, NHS England region, ``ObjectId``) are ignored.

The extracts publish the sub-ICB location by its ODS code (``00L``), which is the lookup's
``...CDH`` column; that is the join key. An alliance's published figure is the sum of its
sub-ICB locations' published figures (:func:`alliance_figures`, the same no-double-counting
selection as :func:`.aggregate.published_metrics`); published locations the lookup does not
map (``UNKNOWN``, or a code from another year's boundaries) are summed under
:data:`UNMAPPED`, never dropped, so the alliances and the unmapped row add up to England's
commissioner-basis total.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from cancer_alliance.errors import NotFound
from cancer_alliance.ingest import table_bounds
from cancer_alliance.ingest.limits import MIB, Limits
from cancer_alliance.published.aggregate import _finish, published_metrics
from cancer_alliance.published.errors import PublishedFileRejected

#: A sub-ICB location column: SICBL23CD / SICBL23CDH / SICBL23NM (LOC22... in 2022).
_SUB_ICB = re.compile(r"^(?:sicbl|loc)(\d{2})(cd|cdh|nm)$")
#: A Cancer Alliance column: CAL23CD / CAL23NM.
_ALLIANCE = re.compile(r"^cal(\d{2})(cd|nm)$")
#: The ODS code of a sub-ICB location as the extracts publish it (00L, 15N, 99E, D2P2L).
_ODS = re.compile(r"^[A-Z0-9]{3,5}$")
MAX_ROWS = 10_000  # England has about 100 sub-ICB locations: far more is not this lookup
UNMAPPED = "UNMAPPED"
COLUMNS = ["sub_icb_code", "sub_icb_gss", "sub_icb_name", "alliance_code", "alliance_name"]
FIGURE_COLUMNS = ["standard", "period", "alliance_code", "alliance_name", "sub_icb_locations",
                  "total", "within", "breaches", "performance", "threshold", "met"]


#: Bounds on the lookup file, checked before pandas reads it (:mod:`~cancer_alliance.ingest.
#: table_bounds`): the ONS lookup is about 100 rows of 7 columns, some kilobytes.
LOOKUP_LIMITS = Limits(max_file_bytes=16 * MIB, max_rows=MAX_ROWS, max_columns=64,
                       max_decompressed_bytes=64 * MIB)


def _read_table(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    try:
        table_bounds.check_size(path, LOOKUP_LIMITS)
        if suffix == ".csv":
            table_bounds.check_csv_header(path, LOOKUP_LIMITS)
            return pd.read_csv(path, dtype=str, keep_default_na=False, nrows=MAX_ROWS + 1,
                               encoding="utf-8-sig")
        if suffix == ".xlsx":
            table_bounds.check_workbook(path, LOOKUP_LIMITS)
            return pd.read_excel(path, dtype=str, keep_default_na=False, nrows=MAX_ROWS + 1)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise PublishedFileRejected(path.name, "lookup", f"cannot be read: {exc}") from None
    raise PublishedFileRejected(path.name, "lookup", "a lookup is a .csv or .xlsx file")


def _columns(file: str, headers: list[str]) -> dict[str, str]:
    """field -> the file's column for it, from the year-suffixed ONS names."""
    found: dict[str, str] = {}
    for h in headers:
        key = str(h).strip().lower()
        if m := _SUB_ICB.match(key):
            found[{"cd": "sub_icb_gss", "cdh": "sub_icb_code", "nm": "sub_icb_name"}[
                m.group(2)]] = h
        elif m := _ALLIANCE.match(key):
            found[{"cd": "alliance_code", "nm": "alliance_name"}[m.group(2)]] = h
    need = {"sub_icb_code": "SICBLyyCDH (the sub-ICB location's ODS code)",
            "alliance_code": "CALyyCD (the Cancer Alliance's code)"}
    missing = [c for c in need if c not in found]
    if missing:
        raise PublishedFileRejected(
            file, "layout", "not the ONS sub-ICB location to Cancer Alliance lookup: missing "
            + ", ".join(need[c] for c in missing) + f"; found {headers}")
    return found


def read_lookup(path: str | Path) -> pd.DataFrame:
    """The lookup file as :data:`COLUMNS`, one row per sub-ICB location (checked: ODS codes,
    each location in one alliance)."""
    path = Path(path)
    raw = _read_table(path)
    if len(raw) > MAX_ROWS:
        raise PublishedFileRejected(path.name, "size", f"more than {MAX_ROWS} rows")
    where = _columns(path.name, list(raw.columns))
    df = pd.DataFrame({c: (raw[where[c]].astype(str).str.strip() if c in where else None)
                       for c in COLUMNS})
    df["sub_icb_code"] = df["sub_icb_code"].str.upper()
    for i, (code, alliance) in enumerate(zip(df["sub_icb_code"], df["alliance_code"],
                                             strict=True), start=2):
        if not _ODS.match(code):
            raise PublishedFileRejected(path.name, "sub_icb_code", "an ODS code of 3-5 "
                                        "letters or digits", row=i, column=where["sub_icb_code"],
                                        value=code)
        if not alliance:
            raise PublishedFileRejected(path.name, "alliance_code", "every location needs "
                                        "its Cancer Alliance", row=i,
                                        column=where["alliance_code"], value=alliance)
    df = df.drop_duplicates()
    twice = df[df["sub_icb_code"].duplicated()]["sub_icb_code"].tolist()
    if twice:
        raise PublishedFileRejected(path.name, "one_alliance", "a sub-ICB location belongs "
                                    "to one Cancer Alliance; listed in two", value=twice[0])
    if df.empty:
        raise PublishedFileRejected(path.name, "lookup", "the file has no rows")
    return df.reset_index(drop=True)


def load_alliances(con: duckdb.DuckDBPyConnection, path: str | Path) -> dict[str, Any]:
    """Replace the stored lookup with ``path``'s (one transaction: a refused file changes
    nothing); returns a summary."""
    path = Path(path)
    df = read_lookup(path).assign(source_file=path.name)
    con.execute("BEGIN TRANSACTION")
    try:
        replaced = con.execute("SELECT count(*) FROM published_alliance_lookup").fetchone()[0]
        con.execute("DELETE FROM published_alliance_lookup")
        con.register("_alliance_rows", df)
        cols = ", ".join([*COLUMNS, "source_file"])
        con.execute(f"INSERT INTO published_alliance_lookup ({cols}) "
                    f"SELECT {cols} FROM _alliance_rows")
        con.unregister("_alliance_rows")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return {"source_file": path.name, "sub_icb_locations": int(len(df)),
            "alliances": int(df["alliance_code"].nunique()), "rows_replaced": int(replaced)}


def read_alliances(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The stored lookup (:data:`COLUMNS`), by alliance then location."""
    return con.execute(f"SELECT {', '.join(COLUMNS)} FROM published_alliance_lookup "
                       "ORDER BY alliance_code, sub_icb_code").df()


def lookup_version(con: duckdb.DuckDBPyConnection) -> tuple:
    """Changes whenever a lookup is loaded (for caches of :func:`alliance_figures`)."""
    return tuple(con.execute("SELECT count(*), max(loaded_at) FROM published_alliance_lookup"
                             ).fetchall()[0])


def alliance_figures(con: duckdb.DuckDBPyConnection, standard: str,
                     period: str | tuple[str, str] | None = None) -> pd.DataFrame:
    """Each Cancer Alliance's published figure by month (:data:`FIGURE_COLUMNS`): the sum
    of its sub-ICB locations' published commissioner-basis figures. Locations the lookup
    does not map are one :data:`UNMAPPED` row per month. Empty when no lookup or no
    commissioner extract is loaded."""
    lookup = read_alliances(con)
    try:
        by_location = published_metrics(con, standard, by=("commissioner_code", "month"),
                                        period=period)
    except NotFound:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    if lookup.empty or by_location.empty:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    df = by_location.merge(lookup, how="left", left_on="commissioner_code",
                           right_on="sub_icb_code")
    df["alliance_code"] = df["alliance_code"].fillna(UNMAPPED)
    df["alliance_name"] = df["alliance_name"].where(df["alliance_code"] != UNMAPPED,
                                                    "Not in the lookup")
    df["alliance_name"] = df["alliance_name"].fillna(df["alliance_code"])

    def sum_or_null(values: pd.Series) -> float:  # a blank cell makes the sum unknown
        return float("nan") if values.isna().any() else float(values.sum())

    agg = df.groupby(["standard", "period", "alliance_code", "alliance_name"],
                     dropna=False).agg(
        sub_icb_locations=("commissioner_code", "nunique"),
        total=("total", sum_or_null), within=("within", sum_or_null),
        breaches=("breaches", sum_or_null), _first=("period", "min")).reset_index()
    out = _finish(agg, ["standard", "period", "alliance_code", "alliance_name",
                        "sub_icb_locations", "total", "within", "breaches", "performance",
                        "threshold", "met"])
    return out[FIGURE_COLUMNS]

