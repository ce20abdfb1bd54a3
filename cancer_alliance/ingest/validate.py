"""Vectorised validation of the files of one or more submissions, in DuckDB SQL.

The checks are generated from :mod:`cancer_alliance.dataset.columns`: for each column its
kind (format), code list, ``required`` and ``required_when``; then the cross-field rules of
the spec (date order, period end, duplicates, provider, known pathway). Every check is one
set-based ``SELECT`` over the whole table, never a Python loop over rows, so validation keeps
up with national volumes. A row is rejected when any check fails on it; every failure is
reported with file, row, column, value, rule and a message in plain words.

Several submissions are validated together (a *round*, see
:mod:`cancer_alliance.ingest.submission`): the rows of one table from every submission of the
round are stacked into one Arrow table, each row carrying its submission's context in
columns (``_sub``, ``_provider``, ``_period_end``, ``_file`` ...). The checks read the
context from those columns instead of from literals, so one query validates 100 small files
as fast as one big one, and every message is exactly what a one-submission ingest says.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa
import sqlglot
from sqlglot import expressions as exp

from cancer_alliance.dataset import Column, Table
from cancer_alliance.dataset.capacity import PART_OF
from cancer_alliance.dataset.rules import ALL_RULES
from cancer_alliance.ingest.iso_dates import iso_dates
from cancer_alliance.ingest.nhs_numbers import nhs_numbers_valid
from cancer_alliance.ingest.readers import FORMULAS, ROW, RawFile

ODS_RE = "[A-Z0-9]{3}([A-Z0-9]{2})?"
# GP practices have 6-character ODS codes (e.g. A81001); organisations 3, sites 5.
GP_ODS_RE = "[A-Z0-9]{3}([A-Z0-9]{2,3})?"
INT_RE = "-?[0-9]{1,9}"
ICD10_RE = "[A-Z][0-9]{2}(\\.?[0-9A-Z]{1,2})?"
LSOA_RE = "E01[0-9]{6}"
NHS_RE = "[0-9]{10}"
MONTH_RE = "[0-9]{4}-(0[1-9]|1[0-2])"
DECIMAL_RE = "-?[0-9]{1,9}(\\.[0-9]{1,6})?"

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
CHILD_TABLES = ("subsequent_treatments", "recovery_events")


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


# A rejected cell's value is shown (in ``value`` and in the message) up to this many
# characters, then cut with a note of its full length; the whole row, every cell whole, is
# kept once in ``raw_row``. A 30,000-character cell is stored once, not three times.
SHOWN_CHARS = 200


def shown(value_sql: str) -> str:
    """SQL: the value as a rejection shows it, truncated beyond ``SHOWN_CHARS``, saying so."""
    return (f"CASE WHEN length({value_sql}) > {SHOWN_CHARS} THEN left({value_sql}, "
            f"{SHOWN_CHARS}) || '... (truncated: ' || length({value_sql}) || ' characters)' "
            f"ELSE {value_sql} END")


@dataclass(frozen=True)
class Check:
    """One set-based check: rows where ``failing`` holds break ``rule`` on ``column``.

    ``failing`` and ``detail`` are SQL over ``r`` (the text as sent, plus the context
    columns) and ``t`` (the typed values)."""

    column: str
    rule: str
    failing: str
    detail: str | None = None  # SQL expression giving extra words, or None

    def element(self) -> str:
        """A list element: the failure as a struct when the check fails on the row, else NULL."""
        summary = ALL_RULES[self.rule].summary
        message = (lit(summary) if self.detail is None
                   else f"{lit(summary + ': ')} || {_typed_refs(self.detail)}")
        return (
            f"CASE WHEN {_typed_refs(self.failing)} THEN struct_pack("
            f"\"column\" := {lit(self.column)}, value := {shown(f'r.{self.column}')}, "
            f"rule := {lit(self.rule)}, "
            f"message := printf('%s row %d, column %s, value \"%s\": %s (rule %s)', "
            f"r._file, r.{ROW}, {lit(self.column)}, coalesce({shown(f'r.{self.column}')}, ''), "
            f"{message}, {lit(self.rule)})) END"
        )


@functools.lru_cache(maxsize=4096)
def _typed_refs(sql: str) -> str:
    """Checks write typed values as ``t.<col>``; in the one wide table they are ``r.t__<col>``.

    Rewritten on the parsed SQL (sqlglot), so only column references change: string
    literals (a file called ``t.csv``, words in a message) and function names never do."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    for column in tree.find_all(exp.Column):
        if column.table == "t":
            column.set("table", exp.to_identifier("r"))
            column.set("this", exp.to_identifier(f"t__{column.name}"))
    return tree.sql(dialect="duckdb")


def typed_expression(col: Column) -> str:
    """Text cell -> typed value; null when blank or malformed (malformed is reported)."""
    v = f"r.{col.name}"
    if col.kind == "date":
        # parsed before the SQL runs (see stack_parts): strict YYYY-MM-DD, else null
        return f"r.{parsed_date_column(col.name)}"
    if col.kind == "integer":
        expr = f"CASE WHEN regexp_full_match({v}, '{INT_RE}') THEN {v}::INTEGER END"
        if col.default is not None:
            expr = f"CASE WHEN {v} IS NULL THEN {int(col.default)} ELSE {expr} END"
        return expr
    if col.kind == "decimal":
        return f"CASE WHEN regexp_full_match({v}, '{DECIMAL_RE}') THEN {v}::DOUBLE END"
    return v


def derived_typed_values(table: Table) -> dict[str, str]:
    """Typed values derived from several columns, computed once per row (``t.<name>``)
    rather than once in each check that needs them.

    ``clock_start``: the date the referral clock started, the referral on referral routes
    and the upgrade for consultant upgrades (null on OTHER routes, which have no referral
    clock). This is the date as sent, before any clock reset: the metrics' reset-aware clock
    start (``metrics/definition.py``) is a different question. Eight
    ``date_before_clock_start`` checks compare with it; written out in each it was a tenth
    of the pathways check query."""
    if table.name != "pathways":
        return {}
    typed = {c.name: typed_expression(c) for c in table.columns}
    return {"clock_start": (
        f"CASE WHEN {typed['referral_route']} IN ('USC', 'BS', 'SCREEN') "
        f"THEN {typed['referral_received_date']} WHEN {typed['referral_route']} = 'UPGRADE' "
        f"THEN {typed['upgrade_date']} END")}


def check_digit_column(col: str) -> str:
    """The context column holding the NHS number check-digit result of column ``col``.

    Computed in NumPy by :func:`~cancer_alliance.ingest.nhs_numbers.nhs_numbers_valid`
    before the SQL runs: the modulus 11 sum in SQL cost more than every other check put
    together."""
    return f"_ok__{col}"


def parsed_date_column(col: str) -> str:
    """The context column holding date column ``col`` parsed by
    :func:`~cancer_alliance.ingest.iso_dates.iso_dates` (the SQL pattern match and cast it
    replaces were the largest cost of validation)."""
    return f"_date__{col}"


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
                            f"r.{check_digit_column(col.name)}"))
    elif col.kind == "icd10":
        checks.append(Check(col.name, "invalid_icd10",
                            f"{present} AND NOT regexp_full_match({v}, '{ICD10_RE}')"))
    elif col.kind == "lsoa":
        checks.append(Check(col.name, "invalid_lsoa",
                            f"{present} AND NOT regexp_full_match({v}, '{LSOA_RE}')"))
    elif col.kind == "month":
        checks.append(Check(col.name, "invalid_month",
                            f"{present} AND NOT regexp_full_match({v}, '{MONTH_RE}')"))
    elif col.kind in ("integer", "decimal"):
        rule, pattern = (("invalid_integer", INT_RE) if col.kind == "integer"
                         else ("invalid_number", DECIMAL_RE))
        checks.append(Check(col.name, rule,
                            f"{present} AND NOT regexp_full_match({v}, '{pattern}')"))
        if col.min_value is not None:
            checks.append(Check(col.name, "below_minimum",
                                f"t.{col.name} IS NOT NULL AND t.{col.name} < {col.min_value}",
                                lit(f"the minimum is {col.min_value}")))
    if col.max_length is not None:
        checks.append(Check(col.name, "too_long", f"{present} AND length({v}) > {col.max_length}",
                            lit(f"at most {col.max_length} characters")))
    return checks


def qualify(predicate: str, alias: str) -> str:
    """Prefix the column names of a spec predicate with a table alias.

    Parsed with sqlglot, so keywords (``is not null``, in any case), function names
    (``coalesce``) and string literals are left as they are."""
    tree = sqlglot.parse_one(predicate, read="duckdb")
    for column in tree.find_all(exp.Column):
        column.set("table", exp.to_identifier(alias))
    return tree.sql(dialect="duckdb")


def _iso(date_sql: str) -> str:
    return f"strftime({date_sql}, '%Y-%m-%d')"


def cross_checks(table: Table) -> list[Check]:
    """The spec's rules across fields (the provider and period come from context columns)."""
    end = "r._period_end"
    checks: list[Check] = []
    names = table.column_names
    if "provider_code" in names:
        checks.append(Check("provider_code", "wrong_provider",
                            "r.provider_code IS NOT NULL AND r.provider_code <> r._provider",
                            "'this submission is for provider ' || r._provider"))
    if "period" in names and table.column("period").kind == "month":
        # a capacity row names its month; it must be the submission's (spec: one month each)
        month = f"strftime({end}, '%Y-%m')"
        checks.append(Check("period", "wrong_period",
                            f"regexp_full_match(r.period, '{MONTH_RE}') AND r.period <> {month}",
                            f"'this submission is for ' || {month}"))
    for part, total in PART_OF.get(table.name, {}).items():
        checks.append(Check(part, "part_exceeds_total", f"t.{part} > t.{total}",
                            f"'{total} is ' || t.{total}"))
    dates = [c.name for c in table.columns if c.kind == "date"]
    for d in dates:
        if d == "date_of_birth":
            # "not in the future": after the period end, or after today for a period
            # that has not ended yet (_dob_limit is the earlier of the two)
            words = (f"CASE WHEN r._dob_limit = {end} "
                     f"THEN 'after the period end ' || {_iso(end)} "
                     f"ELSE 'after today, ' || {_iso('r._dob_limit')} END")
            checks.append(Check(d, "date_of_birth_in_future", f"t.{d} > r._dob_limit", words))
            checks.append(Check(d, "date_of_birth_too_old",
                                f"t.{d} < {end} - INTERVAL 120 YEAR"))
        else:
            checks.append(Check(d, "date_after_period_end", f"t.{d} > {end}",
                                f"'the period ends ' || {_iso(end)}"))
    if table.name == "pathways":
        start = "t.clock_start"  # see derived_typed_values
        for d in AFTER_CLOCK_START_URGENT:
            routes = "('USC', 'BS', 'SCREEN', 'UPGRADE')" if d in AFTER_CLOCK_START_UPGRADE \
                else "('USC', 'BS', 'SCREEN')"
            checks.append(Check(
                d, "date_before_clock_start",
                f"t.referral_route IN {routes} AND t.{d} < {start} AND t.{d} <= {end}",
                f"'the clock started ' || {_iso(start)}",
            ))
        checks.append(Check(
            "first_treatment_date", "treatment_before_decision",
            "t.first_treatment_date < t.decision_to_treat_date "
            f"AND t.first_treatment_date <= {end}",
            f"'decision to treat was ' || {_iso('t.decision_to_treat_date')}",
        ))
    if table.name == "subsequent_treatments":
        checks.append(Check(
            "treatment_date", "treatment_before_decision",
            f"t.treatment_date < t.decision_to_treat_date AND t.treatment_date <= {end}",
            f"'decision to treat was ' || {_iso('t.decision_to_treat_date')}",
        ))
    return checks


def duplicate_key_check(table: Table, dup_table: str) -> Check:
    """Rows whose key is repeated within their own file (``dup_table`` lists those keys).

    A key of several columns is compared as a struct, in which blank parts match each
    other (two rows with the same pathway and no treatment number are duplicates); a key of
    one column that is blank is not a duplicate (the ``required`` rule reports it)."""
    key_cols = ", ".join(f"r.{k}" for k in table.key)
    failing = (f"(r._sub, {key_cols}) IN (SELECT (_sub, {', '.join(table.key)}) "
               f"FROM {dup_table})")
    if len(table.key) == 1:
        failing = f"r.{table.key[0]} IS NOT NULL AND {failing}"
    return Check(table.key[-1], "duplicate_key", failing,
                 lit("key (" + ", ".join(table.key) + ") repeated in the file"))


def formula_columns(parts: list[Part]) -> list[str]:
    """The columns in which some row has a formula cell with no saved value (xlsx)."""
    found: set[str] = set()
    for p in parts:
        if FORMULAS in p.raw.data.column_names:
            for cols in p.raw.data[FORMULAS].drop_null().unique().to_pylist():
                found.update(cols.split(","))
    return sorted(found)


def formula_check(column: str) -> Check:
    """A cell that is a formula whose value the workbook did not save: rejected rather than
    loaded blank (the reader puts the formula's text in the cell, shown as the value)."""
    return Check(column, "formula_without_value",
                 f"list_contains(string_split(r.{FORMULAS}, ','), {lit(column)})")


def unknown_pathway_check() -> Check:
    """A child row whose pathway is in neither its submission nor the store.

    Needs the temp tables ``known_pathways`` (accepted in this round or stored before) and
    ``rejected_pathways`` (sent in the submission's pathways file but rejected there), so
    the message can say which of the two the analyst has to fix."""
    key = "(r.provider_code, r.pathway_id)"
    return Check(
        "pathway_id", "unknown_pathway",
        "r.pathway_id IS NOT NULL AND r.provider_code IS NOT NULL AND NOT coalesce("
        f"r.provider_code = r._provider AND {key} IN "
        "(SELECT (provider_code, pathway_id) FROM known_pathways), false)",
        "CASE WHEN (r._sub, r.provider_code, r.pathway_id) IN "
        "(SELECT (_sub, provider_code, pathway_id) FROM rejected_pathways) "
        "THEN 'its row in ' || r._pathways_file || ' was rejected; correct that row' "
        "ELSE 'it is in neither ' || r._pathways_file || ' nor an earlier submission of ' "
        "|| r._provider END",
    )


@dataclass(frozen=True)
class Part:
    """One submission's file of a table, with the context its checks need."""

    sub: int  # the submission's position in the round
    raw: RawFile
    provider: str
    period_end: dt.date
    pathways_file: str  # the submission's pathways file, named in unknown_pathway messages


@dataclass
class TableResult:
    """Validation of one table across a round, left in temp tables for the apply step.

    ``checked`` (temp table) holds ``_seq, _sub``, the typed values as ``t__<col>`` and
    ``_bad``; ``failures`` (temp table, or None when nothing was rejected) holds one line
    per broken rule with ``_seq, _sub, file, row, column, value, rule, message, raw_row``."""

    table: Table
    parts: list[Part]
    rejected_rows: dict[int, int] = field(default_factory=dict)  # _sub -> rows rejected
    failures: str | None = None

    @property
    def checked(self) -> str:
        return f"checked_{self.table.name}"

    @property
    def rows(self) -> int:
        return sum(p.raw.rows for p in self.parts)


def raw_name(table: Table) -> str:
    return f"raw_{table.name}"


def stack_parts(table: Table, parts: list[Part], today: dt.date) -> pa.Table:
    """The parts' rows in one Arrow table, each row with its submission's context columns.

    ``_seq`` numbers the rows of the round, so rejections sort into file and row order.
    (Dictionary-encoding the repeated text columns was tried: DuckDB's checks then ran
    slower than the cost of repeating the values.)"""
    # promote: only a workbook with formula cells has the FORMULAS column
    data = pa.concat_tables([p.raw.data for p in parts], promote_options="default")
    counts = [p.raw.rows for p in parts]
    index = np.repeat(np.arange(len(parts), dtype=np.int32), counts)

    def per_row(values: list, type_: pa.DataType) -> pa.Array:
        return pa.array(values, type_).take(index)

    context = {
        "_seq": pa.array(np.arange(data.num_rows, dtype=np.int64)),
        "_sub": pa.array(np.array([p.sub for p in parts], dtype=np.int32)[index]),
        "_provider": per_row([p.provider for p in parts], pa.string()),
        "_period_end": per_row([p.period_end for p in parts], pa.date32()),
        "_dob_limit": per_row([min(p.period_end, today) for p in parts], pa.date32()),
        "_file": per_row([p.raw.file_name for p in parts], pa.string()),
        "_pathways_file": per_row([p.pathways_file for p in parts], pa.string()),
    }
    for col in table.columns:
        if col.kind == "nhs_number":
            context[check_digit_column(col.name)] = nhs_numbers_valid(data[col.name])
        elif col.kind == "date":
            context[parsed_date_column(col.name)] = iso_dates(data[col.name])
    for name, values in context.items():
        data = data.append_column(name, values)
    return data


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(con.execute(sql).fetchall()[0][0])


def validate_table(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    parts: list[Part],
    *,
    pathways: TableResult | None = None,
    today: dt.date | None = None,
) -> TableResult:
    """Validate one table of every submission in a round with set-based SQL.

    The stacked rows stay registered as ``raw_<table>`` until the caller drops them (the
    child tables' checks read ``raw_pathways``). A child table is checked against
    ``pathways``, the round's validated pathways."""
    name = table.name
    raw = raw_name(table)
    result = TableResult(table, parts)
    con.register(raw, stack_parts(table, parts, today or dt.date.today()))
    if name in CHILD_TABLES:
        prepare_known_pathways(con, table, pathways)
    checks = [ch for c in table.columns for ch in format_checks(c)]
    checks += cross_checks(table)
    key = ", ".join(table.key)
    dup = f"dup_{name}"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {dup} AS SELECT _sub, {key} FROM {raw} "
                f"GROUP BY _sub, {key} HAVING count(*) > 1")
    if _count(con, f"SELECT count(*) FROM {dup}"):
        checks.append(duplicate_key_check(table, dup))
    if name in CHILD_TABLES and "pathway_id" in table.column_names:
        checks.append(unknown_pathway_check())
    checks += [formula_check(c) for c in formula_columns(parts)]

    # Phase 1, one scan: the typed values and whether any check fails on the row.
    typed = ", ".join([f"{typed_expression(c)} AS t__{c.name}" for c in table.columns]
                      + [f"{sql} AS t__{name}"
                         for name, sql in derived_typed_values(table).items()])
    typed_cols = ", ".join(f"t__{c}" for c in table.column_names)
    any_failure = " OR ".join(f"coalesce({_typed_refs(ch.failing)}, false)" for ch in checks)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {result.checked} AS "
                f"SELECT r._seq, r._sub, {typed_cols}, ({any_failure}) AS _bad "
                f"FROM (SELECT r.*, {typed} FROM {raw} r) r")
    rejected = con.execute(f"SELECT _sub, count(*) FROM {result.checked} WHERE _bad "
                           "GROUP BY _sub").fetchall()
    if not rejected:  # the usual case: skip phase 2 altogether
        return result
    result.rejected_rows = {int(k): int(v) for k, v in rejected}

    # Phase 2, on the failing rows only: each failed check as a struct in a list, unnested
    # to one line per failure.
    elements = ",\n".join(ch.element() for ch in checks)
    raw_row = ", ".join(f"{c} := r.{c}" for c in table.column_names)
    result.failures = f"failures_{name}"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {result.failures} AS "
        "SELECT _seq, _sub, file, \"row\", f.\"column\", f.value, f.rule, f.message, raw_row "
        f"FROM (SELECT r._seq, r._sub, r._file AS file, r.{ROW} AS \"row\", "
        f"to_json(struct_pack({raw_row})) AS raw_row, "
        "unnest(list_filter([" + elements + "], lambda x: x IS NOT NULL)) AS f "
        f"FROM (SELECT r.*, {typed} FROM {raw} r "
        f"WHERE r._seq IN (SELECT _seq FROM {result.checked} WHERE _bad)) r)"
    )
    return result


def prepare_known_pathways(con: duckdb.DuckDBPyConnection, child: Table,
                           pathways: TableResult | None) -> None:
    """The temp tables a child table's ``unknown_pathway`` rule reads.

    ``known_pathways``: the pathways accepted in this round, and the stored pathways that the
    child rows refer to (a semi-join, so a large store is not copied). ``rejected_pathways``:
    keys sent in the round's pathways files, rejected there and not known otherwise."""
    raw = raw_name(child)
    accepted = ("SELECT t__provider_code AS provider_code, t__pathway_id AS pathway_id "
                f"FROM {pathways.checked} WHERE NOT _bad UNION ALL " if pathways else "")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE known_pathways AS " + accepted +
        "SELECT provider_code, pathway_id FROM pathways WHERE (provider_code, pathway_id) IN "
        f"(SELECT (provider_code, pathway_id) FROM {raw})"
    )
    bad = (f"SELECT r._sub, r.provider_code, r.pathway_id FROM raw_pathways r "
           f"WHERE r._seq IN (SELECT _seq FROM {pathways.checked} WHERE _bad) AND NOT coalesce("
           "r.provider_code = r._provider AND (r.provider_code, r.pathway_id) IN "
           "(SELECT (provider_code, pathway_id) FROM known_pathways), false)"
           if pathways and pathways.failures else
           "SELECT NULL::INTEGER AS _sub, NULL::VARCHAR AS provider_code, "
           "NULL::VARCHAR AS pathway_id WHERE false")
    con.execute(f"CREATE OR REPLACE TEMP TABLE rejected_pathways AS {bad}")


def validation_temp_tables(table: Table) -> list[str]:
    """The temp tables that live only while a round is validated."""
    return [f"dup_{table.name}"] + (["known_pathways", "rejected_pathways"]
                                    if table.name in CHILD_TABLES else [])


def result_temp_tables(table: Table) -> list[str]:
    """The temp tables that hold a round's validation until it is applied."""
    return [f"checked_{table.name}", f"failures_{table.name}"]
