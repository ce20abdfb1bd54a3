"""A plain, independent reading of the dataset spec's checks, used only by the tests.

It finds every (file, row, column, rule) a submission folder breaks, with simple pandas
expressions written from ``shared/spec/pathway-dataset.md`` (and the code lists and
``required_when`` predicates of ``cancer_alliance.dataset.columns``, which are the spec as data).
The generator's tests ask: clean output breaks nothing; dirty output breaks exactly what its
manifest says it injected.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import nhs_number
import pandas as pd

from cancer_alliance.dataset.columns import TABLES

ODS = re.compile(r"^[A-Z0-9]{3}([A-Z0-9]{2})?$")
ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.[A-Z0-9]{1,2})?$")
LSOA = re.compile(r"^E01[0-9]{6}$")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
INTEGER = re.compile(r"^-?[0-9]+$")
CLOCK_DATES = ("first_seen_date", "first_seen_clock_reset_date", "diagnosis_communicated_date",
               "diagnosis_date", "decision_to_treat_date", "first_treatment_date",
               "transfer_received_date", "pathway_closed_date")
# A consultant upgrade's patient may be seen (and DNA) before the upgrade: only its
# treatment steps must follow the upgrade date (spec "Checks", as the validator applies it).
UPGRADE_CLOCK_DATES = ("decision_to_treat_date", "first_treatment_date", "transfer_received_date")


def _date(text: str | None) -> dt.date | None:
    if text is None or not DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _cell_rule(kind: str, value: str, column) -> str | None:
    if kind == "date" and _date(value) is None:
        return "invalid_date"
    if kind == "code" and value not in column.codes:
        return "invalid_code"
    if kind == "ods" and not ODS.match(value):
        return "invalid_ods"
    if kind == "nhs_number":
        if not re.fullmatch(r"[0-9]{10}", value):
            return "invalid_nhs_number"
        if not nhs_number.is_valid(value):
            return "nhs_number_check_digit"
    if kind == "integer":
        if not INTEGER.match(value):
            return "invalid_integer"
        if column.min_value is not None and int(value) < column.min_value:
            return "below_minimum"
    if kind == "icd10" and not ICD10.match(value):
        return "invalid_icd10"
    if kind == "lsoa" and not LSOA.match(value):
        return "invalid_lsoa"
    if column.max_length and len(value) > column.max_length:
        return "too_long"
    return None


def _typed(table, frame: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for column in table.columns:
        raw = frame[column.name]
        if column.kind == "date":
            out[column.name] = raw.map(_date)
        elif column.kind == "integer":
            out[column.name] = raw.map(lambda v: int(v) if v and INTEGER.match(v) else None)
        else:
            out[column.name] = raw
    return pd.DataFrame(out)


def check_file(table, frame: pd.DataFrame, provider: str, period_end: dt.date,
               today: dt.date) -> set[tuple[int, str, str]]:
    """(row, column, rule) for every broken check of one file, rows numbered as a spreadsheet."""
    found: set[tuple[int, str, str]] = set()
    frame = frame.astype(object).where(frame.notna() & (frame != ""), None)
    for i, row in enumerate(frame.itertuples(index=False)):
        values = row._asdict()
        for column in table.columns:
            value = values[column.name]
            if value is None:
                if column.required:
                    found.add((i + 2, column.name, "required"))
                continue
            rule = _cell_rule(column.kind, value, column)
            if rule:
                found.add((i + 2, column.name, rule))
    typed = _typed(table, frame)
    con = duckdb.connect()
    con.register("t", typed.assign(_row=range(2, len(typed) + 2)))
    for column in table.columns:
        if column.required_when:
            rows = con.execute(f"SELECT _row FROM t WHERE ({column.required_when}) "
                               f"AND {column.name} IS NULL").fetchall()
            found |= {(r, column.name, "required_when") for (r,) in rows}
    con.close()
    dates = [c.name for c in table.columns if c.kind == "date"]
    for i, row in enumerate(typed.itertuples(index=False)):
        values = row._asdict()
        r = i + 2
        for name in dates:
            d = values[name]
            if d is None:
                continue
            if name == "date_of_birth":
                if d > today:
                    found.add((r, name, "date_of_birth_in_future"))
                elif d < today.replace(year=today.year - 120):
                    found.add((r, name, "date_of_birth_too_old"))
            elif d > period_end:
                found.add((r, name, "date_after_period_end"))
        if table.name == "pathways":
            route = values["referral_route"]
            clock = values["upgrade_date"] if route == "UPGRADE" else (
                values["referral_received_date"] if route in ("USC", "BS", "SCREEN") else None)
            if clock is not None:
                for name in UPGRADE_CLOCK_DATES if route == "UPGRADE" else CLOCK_DATES:
                    if values[name] is not None and values[name] < clock:
                        found.add((r, name, "date_before_clock_start"))
            if values["first_treatment_date"] and values["decision_to_treat_date"] and (
                    values["first_treatment_date"] < values["decision_to_treat_date"]):
                found.add((r, "first_treatment_date", "treatment_before_decision"))
        if table.name == "subsequent_treatments" and values["treatment_date"] and (
                values["decision_to_treat_date"]
                and values["treatment_date"] < values["decision_to_treat_date"]):
            found.add((r, "treatment_date", "treatment_before_decision"))
        if "provider_code" in values and values["provider_code"] not in (None, provider) \
                and ODS.match(values["provider_code"]):
            found.add((r, "provider_code", "wrong_provider"))
    key = list(table.key)
    dupes = frame.duplicated(key, keep=False) & frame[key].notna().all(axis=1)
    key_column = "pathway_id" if "pathway_id" in key else key[0]
    found |= {(int(i) + 2, key_column, "duplicate_key") for i in frame.index[dupes]}
    return found


def check_folder(folder: Path, today: dt.date | None = None) -> set[tuple]:
    """Every (provider, period, file, row, column, rule) broken in a generator output folder."""
    today = today or dt.date.today()
    found: set[tuple] = set()
    known: dict[str, set[str]] = {}
    submissions = sorted((p.parent.name, p.name) for p in
                         (folder / "submissions").glob("*/*") if p.is_dir())
    for provider, period in sorted(submissions, key=lambda s: (s[1], s[0])):
        sub = folder / "submissions" / provider / period
        year, month = (int(x) for x in period.split("-"))
        period_end = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))
        accepted = known.setdefault(provider, set())
        for table in TABLES:
            path = sub / table.file_name
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            broken = check_file(table, frame, provider, period_end, today)
            if table.name == "pathways":
                bad_rows = {r for r, _, _ in broken}
                good = frame.loc[[i for i in frame.index if i + 2 not in bad_rows], "pathway_id"]
                accepted |= set(good)
            elif "pathway_id" in frame.columns:
                for i, pid in enumerate(frame["pathway_id"]):
                    if pid and pid not in accepted:
                        broken.add((i + 2, "pathway_id", "unknown_pathway"))
            found |= {(provider, period, table.file_name, *b) for b in broken}
    return found
