"""Vectorised validation of one file of a submission, in DuckDB SQL.

The checks are generated from :mod:`cancer_alliance.dataset.columns`: for each column its
kind (format), code list, ``required`` and ``required_when``; then the cross-field rules of
the spec (date order, period end, duplicates, provider, known pathway). Every check is one
set-based ``SELECT`` over the whole file, never a Python loop over rows, so validation keeps
up with national volumes. A row is rejected when any check fails on it; every failure is
reported with file, row, column, value, rule and a message in plain words.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from cancer_alliance.dataset import Column, Table
from cancer_alliance.dataset.rules import RULES
from cancer_alliance.ingest.readers import ROW, RawFile

ODS_RE = "[A-Z0-9]{3}([A-Z0-9]{2})?"
# GP practices have 6-character ODS codes (e.g. A81001); organisations 3, sites 5.
GP_ODS_RE = "[A-Z0-9]{3}([A-Z0-9]{2,3})?"
DATE_RE = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
INT_RE = "-?[0-9]{1,9}"
ICD10_RE = "[A-Z][0-9]{2}(\\.?[0-9A-Z]{1,2})?"
LSOA_RE = "E01[0-9]{6}"
NHS_RE = "[0-9]{10}"

# Dates that may not come before the clock start (spec "Checks": nothing but the date of
# birth may). On referral routes the referral starts the clock, so every pathway date is
# checked. For consultant upgrades the patient is often seen, and told, before the upgrade
# (the metrics reference's DNA rule allows exactly that), so only the treatment steps are.
# OTHER routes have no referral clock: their 31-day clock starts at the decision to treat,
# which ``treatment_before_decision`` guards.
AFTER_CLOCK_START_URGENT = (
    "first_seen_date", "first_seen_clock_reset_date", "diagnosis_communicated_date",
    "diagnosis_date", "decision_to_treat_date", "first_treatment_date",
    "transfer_received_date", "pathway_closed_date",
)
AFTER_CLOCK_START_UPGRADE = (
    "decision_to_treat_date", "first_treatment_date", "transfer_received_date",
)


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class Check:
    """One set-based check: rows where ``failing`` holds break ``rule`` on ``column``."""

    column: str
    rule: str
    failing: str  # SQL predicate over r (raw text) and t (typed) aliases
    detail: str | None = None  # SQL expression giving extra words, or None

    def element(self, file_label: str) -> str:
        """A list element: the failure as a struct when the check fails on the row, else NULL."""
        summary = RULES[self.rule].summary
        message = (lit(summary) if self.detail is None
                   else f"{lit(summary + ': ')} || {_typed_refs(self.detail)}")
        return (
            f"CASE WHEN {_typed_refs(self.failing)} THEN struct_pack("
            f"\"column\" := {lit(self.column)}, value := r.{self.column}, "
            f"rule := {lit(self.rule)}, "
            f"message := printf('%s row %d, column %s, value \"%s\": %s (rule %s)', "
            f"{lit(file_label)}, r.{ROW}, {lit(self.column)}, coalesce(r.{self.column}, ''), "
            f"{message}, {lit(self.rule)})) END"
        )


def _typed_refs(sql: str) -> str:
    """Checks write typed values as ``t.<col>``; in the one wide table they are ``r.t__<col>``.

    String literals are left alone, so words in a message (a file called ``t.csv``) are
    never rewritten."""
    parts = re.split(r"('(?:[^']|'')*')", sql)
    return "".join(part if part.startswith("'") else re.sub(r"\bt\.", "r.t__", part)
                   for part in parts)


def typed_expression(col: Column) -> str:
    """Text cell -> typed value; null when blank or malformed (malformed is reported)."""
    v = f"r.{col.name}"
    if col.kind == "date":
        return (f"CASE WHEN regexp_full_match({v}, '{DATE_RE}') "
                f"THEN try_cast({v} AS DATE) END")
    if col.kind == "integer":
        expr = f"CASE WHEN regexp_full_match({v}, '{INT_RE}') THEN {v}::INTEGER END"
        if col.default is not None:
            expr = f"CASE WHEN {v} IS NULL THEN {int(col.default)} ELSE {expr} END"
        return expr
    return v


def nhs_check_digit_ok(v: str) -> str:
    """SQL for the NHS number modulus 11 check (digits 1-9 weighted 10..2).

    Digits are read with ``ascii(substr(...)) - 48``, about twice as fast as casting text
    to integers; the caller has already checked that the value is 10 digits.
    """
    def digit(k: int) -> str:
        return f"(ascii(substr({v}, {k}, 1)) - 48)"

    total = " + ".join(f"{10 - i} * {digit(i + 1)}" for i in range(9))
    check = f"(11 - (({total}) % 11))"
    # as the nhs-number package does: a number in Scotland's CHI range must start with a
    # real date written DDMMYY (a CASE, so the date parse runs only on numbers in that range)
    n = f"TRY_CAST({v} AS BIGINT)"
    chi_ok = (f"(CASE WHEN {n} BETWEEN 100000000 AND 3112999999 "
              f"THEN try_strptime(substr({v}, 1, 6), '%d%m%y') IS NOT NULL ELSE true END)")
    return (f"(CASE WHEN {check} = 11 THEN 0 ELSE {check} END) = {digit(10)} "
            f"AND {check} <> 10 AND {chi_ok}")


def format_checks(col: Column) -> list[Check]:
    """Checks that look at one cell: required, kind/format, code list, length, minimum."""
    v = f"r.{col.name}"
    checks: list[Check] = []
    if col.required:
        checks.append(Check(col.name, "required", f"{v} IS NULL"))
    elif col.required_when:
        cond = qualify(col.required_when, "t")
        checks.append(Check(col.name, "required_when", f"{v} IS NULL AND ({cond})",
                            lit(f"required {col.required_words}")))
    present = f"{v} IS NOT NULL"
    if col.kind == "ods":
        pattern = GP_ODS_RE if col.name == "gp_practice_code" else ODS_RE
        checks.append(Check(col.name, "invalid_ods",
                            f"{present} AND NOT regexp_full_match({v}, '{pattern}')"))
    elif col.kind == "date":
        checks.append(Check(col.name, "invalid_date", f"{present} AND t.{col.name} IS NULL"))
    elif col.kind == "code":
        allowed = ", ".join(lit(c) for c in col.codes or ())
        checks.append(Check(col.name, "invalid_code", f"{present} AND {v} NOT IN ({allowed})",
                            lit("allowed codes are " + ", ".join(col.codes or ()))))
    elif col.kind == "nhs_number":
        checks.append(Check(col.name, "invalid_nhs_number",
                            f"{present} AND NOT regexp_full_match({v}, '{NHS_RE}')"))
        checks.append(Check(col.name, "nhs_number_check_digit",
                            f"{present} AND regexp_full_match({v}, '{NHS_RE}') AND NOT "
                            f"({nhs_check_digit_ok(v)})"))
    elif col.kind == "icd10":
        checks.append(Check(col.name, "invalid_icd10",
                            f"{present} AND NOT regexp_full_match({v}, '{ICD10_RE}')"))
    elif col.kind == "lsoa":
        checks.append(Check(col.name, "invalid_lsoa",
                            f"{present} AND NOT regexp_full_match({v}, '{LSOA_RE}')"))
    elif col.kind == "integer":
        checks.append(Check(col.name, "invalid_integer",
                            f"{present} AND NOT regexp_full_match({v}, '{INT_RE}')"))
        if col.min_value is not None:
            checks.append(Check(col.name, "below_minimum",
                                f"t.{col.name} IS NOT NULL AND t.{col.name} < {col.min_value}",
                                lit(f"the minimum is {col.min_value}")))
    if col.max_length is not None:
        checks.append(Check(col.name, "too_long", f"{present} AND length({v}) > {col.max_length}",
                            lit(f"at most {col.max_length} characters")))
    return checks


def qualify(predicate: str, alias: str) -> str:
    """Prefix the column names of a spec predicate with a table alias (literals untouched)."""
    parts = re.split(r"('[^']*')", predicate)
    return "".join(
        part if part.startswith("'") else re.sub(r"\b([a-z_][a-z0-9_]*)\b", alias + r".\1", part)
        for part in parts
    )


def cross_checks(table: Table, provider: str, period_end: dt.date) -> list[Check]:
    """The spec's rules across fields and rows."""
    end = f"DATE '{period_end.isoformat()}'"
    checks: list[Check] = []
    names = table.column_names
    if "provider_code" in names:
        checks.append(Check("provider_code", "wrong_provider",
                            f"r.provider_code IS NOT NULL AND r.provider_code <> {lit(provider)}",
                            lit(f"this submission is for provider {provider}")))
    dates = [c.name for c in table.columns if c.kind == "date"]
    for d in dates:
        if d == "date_of_birth":
            # "not in the future": after the period end, or after today for a period
            # that has not ended yet
            limit = min(period_end, dt.date.today())
            words = (f"after the period end {period_end.isoformat()}" if limit == period_end
                     else f"after today, {limit.isoformat()}")
            checks.append(Check(d, "date_of_birth_in_future",
                                f"t.{d} > DATE '{limit.isoformat()}'", lit(words)))
            checks.append(Check(d, "date_of_birth_too_old",
                                f"t.{d} < {end} - INTERVAL 120 YEAR"))
        else:
            checks.append(Check(d, "date_after_period_end", f"t.{d} > {end}",
                                lit(f"the period ends {period_end.isoformat()}")))
    if table.name == "pathways":
        start = ("CASE WHEN t.referral_route IN ('USC', 'BS', 'SCREEN') "
                 "THEN t.referral_received_date WHEN t.referral_route = 'UPGRADE' "
                 "THEN t.upgrade_date END")
        for d in AFTER_CLOCK_START_URGENT:
            routes = "('USC', 'BS', 'SCREEN', 'UPGRADE')" if d in AFTER_CLOCK_START_UPGRADE \
                else "('USC', 'BS', 'SCREEN')"
            checks.append(Check(
                d, "date_before_clock_start",
                f"t.referral_route IN {routes} AND t.{d} < {start} AND t.{d} <= {end}",
                f"'the clock started ' || strftime({start}, '%Y-%m-%d')",
            ))
        checks.append(Check(
            "first_treatment_date", "treatment_before_decision",
            "t.first_treatment_date < t.decision_to_treat_date "
            f"AND t.first_treatment_date <= {end}",
            "'decision to treat was ' || strftime(t.decision_to_treat_date, '%Y-%m-%d')",
        ))
    if table.name == "subsequent_treatments":
        checks.append(Check(
            "treatment_date", "treatment_before_decision",
            f"t.treatment_date < t.decision_to_treat_date AND t.treatment_date <= {end}",
            "'decision to treat was ' || strftime(t.decision_to_treat_date, '%Y-%m-%d')",
        ))
    key_cols = ", ".join(f"r.{k}" for k in table.key)
    last = table.key[-1]
    checks.append(Check(
        last, "duplicate_key",
        f"({key_cols}) IN (SELECT ({', '.join(table.key)}) FROM checked "
        f"GROUP BY {', '.join(table.key)} HAVING count(*) > 1)",
        lit("key (" + ", ".join(table.key) + ") repeated in the file"),
    ))
    return checks


def unknown_pathway_check(pathways_file: str, provider: str) -> Check:
    """A child row whose pathway is in neither this submission nor the store.

    Needs the temp tables ``known_pathways`` (accepted now or stored before) and
    ``rejected_pathways`` (sent in this submission's pathways file but rejected there), so
    the message can say which of the two the analyst has to fix."""
    key = "(r.provider_code, r.pathway_id)"
    return Check(
        "pathway_id", "unknown_pathway",
        "r.pathway_id IS NOT NULL AND r.provider_code IS NOT NULL AND "
        f"{key} NOT IN (SELECT (provider_code, pathway_id) FROM known_pathways)",
        f"CASE WHEN {key} IN (SELECT (provider_code, pathway_id) FROM rejected_pathways) "
        f"THEN {lit(f'its row in {pathways_file} was rejected; correct that row')} "
        f"ELSE {lit(f'it is in neither {pathways_file} nor an earlier submission of {provider}')}"
        " END",
    )


@dataclass
class FileResult:
    """Validation result of one file: accepted typed rows and the rejections."""

    raw: RawFile
    accepted: pa.Table  # typed rows, dataset columns only
    rejections: pa.Table  # file, row, column, value, rule, message, raw_row
    rejected_rows: int

    @property
    def rows_read(self) -> int:
        return self.raw.rows


def _no_rejections() -> pa.Table:
    return pa.table({"file": pa.array([], pa.string()), "row": pa.array([], pa.int64()),
                     "column": pa.array([], pa.string()), "value": pa.array([], pa.string()),
                     "rule": pa.array([], pa.string()), "message": pa.array([], pa.string()),
                     "raw_row": pa.array([], pa.string())})


def validate_file(
    con: duckdb.DuckDBPyConnection,
    raw: RawFile,
    *,
    provider: str,
    period_end: dt.date,
    check_known_pathways: bool,
    pathways_file: str = "pathways.csv",
) -> FileResult:
    """Validate one file with set-based SQL.

    With ``check_known_pathways`` the temp tables of :func:`unknown_pathway_check` must
    exist; ``pathways_file`` names this submission's pathways file in its message."""
    table = raw.table
    label = raw.file_name
    # one wide table: the text as sent (for messages) beside the typed values (for rules)
    con.register("raw", raw.data)
    typed_cols = ", ".join(f"{typed_expression(c)} AS t__{c.name}" for c in table.columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE checked AS SELECT r.*, {typed_cols} FROM raw r")
    con.unregister("raw")
    checks = [ch for c in table.columns for ch in format_checks(c)]
    checks += cross_checks(table, provider, period_end)
    if check_known_pathways and "pathway_id" in table.column_names:
        checks.append(unknown_pathway_check(pathways_file, provider))
    # Phase 1, one cheap scan: which rows fail any check. Phase 2 runs only on those rows:
    # each failed check as a struct in a list, unnested to one line per failure.
    any_failure = " OR ".join(f"coalesce({_typed_refs(ch.failing)}, false)" for ch in checks)
    con.execute(f"CREATE OR REPLACE TEMP TABLE failing_rows AS SELECT r.{ROW} FROM checked r "
                f"WHERE {any_failure}")
    rejected_rows = con.execute("SELECT count(*) FROM failing_rows").fetchall()[0][0]
    typed_as_cols = ", ".join(f"t__{c} AS {c}" for c in table.column_names)
    if rejected_rows == 0:  # the usual case: skip phase 2 altogether
        accepted = con.sql(f"SELECT {typed_as_cols} FROM checked ORDER BY {ROW}").to_arrow_table()
        return FileResult(raw, accepted, _no_rejections(), 0)
    elements = ",\n".join(ch.element(label) for ch in checks)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE failures AS "
        f"SELECT \"row\", f.\"column\", f.value, f.rule, f.message FROM ("
        f"SELECT r.{ROW} AS \"row\", "
        f"unnest(list_filter([{elements}], lambda x: x IS NOT NULL)) AS f "
        f"FROM checked r WHERE r.{ROW} IN (SELECT {ROW} FROM failing_rows))"
    )
    rejections = con.sql(
        f"""SELECT {lit(label)} AS file, f."row", f."column", f.value, f.rule, f.message,
                   to_json(struct_pack({', '.join(f'{c} := r.{c}' for c in table.column_names)}))
                     AS raw_row
            FROM failures f JOIN checked r ON r.{ROW} = f."row"
            ORDER BY f."row", f."column", f.rule"""
    ).to_arrow_table()
    accepted = con.sql(
        f"SELECT {typed_as_cols} FROM checked WHERE {ROW} NOT IN (SELECT {ROW} FROM failing_rows)"
        f" ORDER BY {ROW}"
    ).to_arrow_table()
    return FileResult(raw, accepted, rejections, int(rejected_rows))
