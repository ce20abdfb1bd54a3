"""Pathways drawn as text tables (ehrQL style), and running them on each engine.

A drawn table is pipe-separated with a header row; blank cells (or ``-``) are missing
values. Pathway tables need only the columns a case is about: :func:`pathways` fills the
rest with harmless defaults (provider RAA, a valid NHS number, a diagnosis when treated,
first-seen and treating provider = the submitting provider).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pandas as pd

from cancer_alliance import metrics
from cancer_alliance.dataset.columns import PATHWAYS, SUBSEQUENT_TREATMENTS
from cancer_alliance.metrics import reference_impl
from cancer_alliance.store import connect

Row = dict[str, Any]

_EXPECTED_TYPES = {"treatment_number": int, "days": int, "limit_days": int,
                   "adjustment_days": int, "days_waited": int, "share": float,
                   "days_to_next_step": int}
_BOOLS = ("included", "in_62_day_backlog", "in_104_day_subset", "diagnosed")


def parse(text: str) -> list[dict[str, str | None]]:
    """Rows of a drawn table as text cells (None for blank or ``-``)."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    header = [h.strip() for h in lines[0].split("|")]
    out = []
    for line in lines[1:]:
        if set(line) <= set("-|+ "):
            continue
        cells = [c.strip() for c in line.split("|")]
        assert len(cells) == len(header), f"row {line!r} has {len(cells)} cells"
        out.append({h: (None if c in ("", "-") else c) for h, c in zip(header, cells,
                                                                         strict=True)})
    return out


def _typed(table, row: dict[str, str | None]) -> Row:
    out: Row = {}
    for name, value in row.items():
        kind = table.column(name).kind
        if value is None:
            out[name] = None
        elif kind == "date":
            out[name] = date.fromisoformat(value)
        elif kind == "integer":
            out[name] = int(value)
        else:
            out[name] = value
    return out


def pathways(text: str, prefix: str = "") -> list[Row]:
    """Typed pathway rows with defaults filled in; ``prefix`` makes ids unique per case."""
    rows = []
    for raw in parse(text):
        r = _typed(PATHWAYS, raw)
        r["pathway_id"] = prefix + r["pathway_id"]
        r.setdefault("provider_code", "RAA")
        r.setdefault("nhs_number", "9434765919")
        r.setdefault("date_of_birth", date(1960, 1, 1))
        r.setdefault("sex", "1")
        r.setdefault("commissioner_code", "QAA")
        r.setdefault("referral_route", "USC")
        if r.get("first_seen_date") and not r.get("first_seen_provider_code"):
            r["first_seen_provider_code"] = r["provider_code"]
        if r.get("first_treatment_date"):
            r.setdefault("first_treatment_provider_code", r["provider_code"])
            r.setdefault("first_treatment_modality", "SURGERY")
            r.setdefault("primary_diagnosis_icd10", "C34.1")
            r.setdefault("diagnosis_date", r.get("decision_to_treat_date"))
        r.setdefault("treatment_adjustment_days", 0)
        rows.append({c: r.get(c) for c in PATHWAYS.column_names})
    return rows


def subsequent(text: str | None, prefix: str = "") -> list[Row]:
    """Typed subsequent-treatment rows (provider defaults to RAA)."""
    if not text:
        return []
    rows = []
    for raw in parse(text):
        r = _typed(SUBSEQUENT_TREATMENTS, raw)
        r["pathway_id"] = prefix + r["pathway_id"]
        r.setdefault("provider_code", "RAA")
        r.setdefault("treatment_provider_code", r["provider_code"])
        r.setdefault("adjustment_days", 0)
        rows.append({c: r.get(c) for c in SUBSEQUENT_TREATMENTS.column_names})
    return rows


def expected(text: str, prefix: str = "") -> list[Row]:
    """Expected result rows, typed by column name."""
    out = []
    for raw in parse(text):
        r: Row = {}
        for k, v in raw.items():
            if v is None:
                r[k] = None
            elif k in _BOOLS:
                r[k] = v == "true"
            elif k in _EXPECTED_TYPES:
                r[k] = _EXPECTED_TYPES[k](v)
            elif k == "pathway_id":
                r[k] = prefix + v
            elif k in ("clock_start", "clock_stop", "next_step_due"):
                r[k] = date.fromisoformat(v)
            else:
                r[k] = v
        out.append(r)
    return out


def store(pathway_rows: list[Row], subsequent_rows: list[Row],
          path: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A store holding exactly these rows (submission 1)."""
    con = connect(path)
    frames = (("pathways", pathway_rows, PATHWAYS), ("subsequent_treatments", subsequent_rows,
                                                      SUBSEQUENT_TREATMENTS))
    for name, rows, table in frames:
        if not rows:
            continue
        df = pd.DataFrame(rows, columns=table.column_names).assign(submission_id=1)
        for col in table.columns:
            if col.kind == "date":
                df[col.name] = pd.to_datetime(df[col.name])
            elif col.kind == "integer":
                df[col.name] = pd.array(df[col.name], dtype="Int32")
            else:
                df[col.name] = df[col.name].astype("object")
        con.register("_drawn", df)
        con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _drawn")
        con.unregister("_drawn")
    return con


def plain(value: Any) -> Any:
    """Engine results as plain Python values, so rows from any engine compare equal."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    return value


def frame_rows(df: pd.DataFrame) -> list[Row]:
    return [{k: plain(v) for k, v in r.items()} for r in df.to_dict("records")]


def run_outcomes(engine: str, pathway_rows, subsequent_rows, codes, spark=None) -> list[Row]:
    """Outcome rows of ``codes`` for these pathways on one engine."""
    if engine == "reference":
        rows = reference_impl.outcomes(pathway_rows, subsequent_rows, tuple(codes))
        return [{c: r[c] for c in metrics.OUTCOME_COLUMNS} for r in rows]
    con = store(pathway_rows, subsequent_rows)
    df = metrics.outcomes(con, engine=engine, spark=spark)
    return [r for r in frame_rows(df) if r["standard"] in codes]


def run_ptl(engine: str, pathway_rows, census: date, spark=None) -> list[Row]:
    if engine == "reference":
        return reference_impl.ptl(pathway_rows, census)
    con = store(pathway_rows, [])
    return frame_rows(metrics.ptl(con, census, engine=engine, spark=spark))


def key(row: Row) -> tuple:
    return tuple(str(row.get(c)) for c in ("standard", "pathway_id", "treatment_number",
                                           "accountable_provider_code"))


def project(rows: list[Row], columns: list[str]) -> list[tuple]:
    """Rows reduced to ``columns`` and sorted, for order-free comparison."""
    return sorted((tuple(r.get(c) for c in columns) for r in rows), key=str)
