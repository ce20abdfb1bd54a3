"""Loading reference tables from CSV files, checked, each load replacing the table whole.

A reference file is small, so it is read with the standard library and checked row by row;
a bad file raises :class:`~cancer_alliance.errors.SubmissionRejected` naming the file, row,
column and value, and nothing is changed.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb

from cancer_alliance.errors import SubmissionRejected, UsageError

ODS = re.compile(r"^[A-Z0-9]{3}([A-Z0-9]{2})?$")
LSOA = re.compile(r"^E01\d{6}$")
BOOL = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


@dataclass(frozen=True)
class Kind:
    """One kind of reference file: its table, columns and per-column check."""

    table: str
    columns: tuple[str, ...]
    checks: dict  # column -> (callable(value) -> converted value or raise ValueError, words)
    shipped: bool = False


def _text(v: str) -> str:
    if not v.strip():
        raise ValueError
    return v.strip()


def _ods(v: str) -> str:
    if not ODS.match(v.strip()):
        raise ValueError
    return v.strip()


def _opt_ods(v: str) -> str | None:
    return _ods(v) if v.strip() else None


def _opt_text(v: str) -> str | None:
    return v.strip() or None


def _bool(v: str) -> bool:
    return BOOL[v.strip().lower()]


def _int_range(lo: int, hi: int):
    def check(v: str) -> int:
        n = int(v)
        if not lo <= n <= hi:
            raise ValueError
        return n

    return check


def _lsoa(v: str) -> str:
    if not LSOA.match(v.strip()):
        raise ValueError
    return v.strip()


def _nonneg(v: str) -> int:
    n = int(v)
    if n < 0:
        raise ValueError
    return n


KINDS: dict[str, Kind] = {
    "cancer_types": Kind("cancer_types", ("code", "label", "rare"),
                         {"code": (_text, "a code"), "label": (_text, "a label"),
                          "rare": (_bool, "true or false")}, shipped=True),
    "tumour_groups": Kind("tumour_groups", ("tumour_group", "label", "rare_less_common",
                                            "stageable"),
                          {"tumour_group": (_text, "a code"), "label": (_text, "a label"),
                           "rare_less_common": (_bool, "true or false"),
                           "stageable": (_bool, "true or false")}, shipped=True),
    "icd10_tumour_groups": Kind("icd10_tumour_groups", ("icd10_prefix", "tumour_group",
                                                        "description"),
                                {"icd10_prefix": (_text, "an ICD-10 prefix such as C50"),
                                 "tumour_group": (_text, "a tumour group code"),
                                 "description": (_opt_text, "text")}, shipped=True),
    "alliances": Kind("alliances", ("alliance_code", "alliance_name"),
                      {"alliance_code": (_text, "a code"), "alliance_name": (_text, "a name")}),
    "organisations": Kind("organisations", ("org_code", "org_name", "org_type", "alliance_code",
                                            "parent_code", "region"),
                          {"org_code": (_ods, "an ODS code of 3 or 5 letters or digits"),
                           "org_name": (_text, "a name"), "org_type": (_text, "a type"),
                           "alliance_code": (_opt_text, "a code"),
                           "parent_code": (_opt_ods, "an ODS code"),
                           "region": (_opt_text, "text")}),
    "lsoa_imd": Kind("lsoa_imd", ("lsoa_code", "imd_decile", "imd_quintile"),
                     {"lsoa_code": (_lsoa, "E01 followed by 6 digits"),
                      "imd_decile": (_int_range(1, 10), "a whole number 1-10"),
                      "imd_quintile": (_int_range(1, 5), "a whole number 1-5")}),
    "populations": Kind("populations", ("area_code", "area_type", "year", "sex", "age_band",
                                        "population"),
                        {"area_code": (_text, "a code"), "area_type": (_text, "a type"),
                         "year": (_int_range(1900, 2200), "a year"),
                         "sex": (_text, "a sex code"), "age_band": (_text, "an age band"),
                         "population": (_nonneg, "a whole number >= 0")}),
}


def _read_rows(kind: Kind, path: Path, text: str) -> list[tuple]:
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    missing = [c for c in kind.columns if c not in header]
    if missing:
        raise SubmissionRejected(
            f"{path.name}: missing column(s) {', '.join(missing)}; a {kind.table} reference "
            "file needs "
            f"the columns {', '.join(kind.columns)}"
        )
    out = []
    for n, raw in enumerate(reader, start=2):
        row = []
        for col in kind.columns:
            check, words = kind.checks[col]
            value = raw.get(col) or ""
            try:
                row.append(check(value))
            except (ValueError, KeyError):
                raise SubmissionRejected(
                    f'{path.name} row {n}, column {col}, value "{value}": expected {words}'
                ) from None
        out.append(tuple(row))
    return out


def load_reference_file(con: duckdb.DuckDBPyConnection, kind: str, path: str | Path) -> int:
    """Replace reference table ``kind`` with the rows of the CSV file at ``path``."""
    if kind not in KINDS:
        raise UsageError(f"unknown reference kind {kind!r}; choose one of {', '.join(KINDS)}")
    spec = KINDS[kind]
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SubmissionRejected(f"{path.name}: not UTF-8 text (byte {exc.start})") from None
    rows = _read_rows(spec, path, text)
    placeholders = ", ".join("?" for _ in spec.columns)
    cur = con.cursor()
    cur.execute("BEGIN TRANSACTION")
    try:
        cur.execute(f"DELETE FROM {spec.table}")
        if rows:
            cur.executemany(
                f"INSERT INTO {spec.table} ({', '.join(spec.columns)}) VALUES ({placeholders})",
                rows,
            )
        cur.execute("COMMIT")
    except Exception:
        cur.execute("ROLLBACK")
        raise
    _lookup.cache_clear()
    return len(rows)


def load_reference_data(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Load the reference tables shipped with the package (idempotent)."""
    counts = {}
    folder = resources.files("cancer_alliance.reference") / "data"
    for name, spec in KINDS.items():
        if spec.shipped:
            with resources.as_file(folder / f"{name}.csv") as path:
                counts[name] = load_reference_file(con, name, path)
    return counts


@cache
def _lookup() -> dict[str, str]:
    folder = resources.files("cancer_alliance.reference") / "data"
    text = (folder / "icd10_tumour_groups.csv").read_text(encoding="utf-8")
    return {r["icd10_prefix"].replace(".", ""): r["tumour_group"] for r in csv.DictReader(
        text.splitlines())}


def tumour_group_for(icd10: str | None) -> str | None:
    """The tumour group of an ICD-10 code by the shipped map (longest prefix wins)."""
    if not icd10:
        return None
    code = icd10.strip().upper().replace(".", "")
    table = _lookup()
    for n in range(len(code), 0, -1):
        if code[:n] in table:
            return table[code[:n]]
    return None
