"""Bulk set-up from files: CSV (one table) or an .xlsx workbook (one sheet per table).

Each load family (governance, plan, trajectories, bids, voice) lists the tables it accepts and
their required columns. A CSV is matched to a table by its file name (``actions.csv``) or,
when the family has one table, taken as that table. Every row goes through the same domain
functions the browser uses, so the same checks apply; an error names the file, row (header is
row 1), column, value and rule, and nothing of that load is kept (one transaction).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from cancer_alliance.auth import audit
from cancer_alliance.auth.model import Actor
from cancer_alliance.dataset import periods
from cancer_alliance.errors import UsageError
from cancer_alliance.ingest import table_bounds
from cancer_alliance.ingest.limits import MIB, Limits
from cancer_alliance.operations import (
    bids,
    governance,
    initiatives,
    plan,
    trajectories,
    voice,
)
from cancer_alliance.store.commit import commit

_DATE_CELL = re.compile(r"^\d{4}-\d{2}-\d{2} 00:00:00$")


def _txt(v):
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    s = str(v).strip()
    return s or None


def _month(v) -> str:
    """A ``YYYY-MM`` month cell. A spreadsheet date cell (read as ``YYYY-MM-DD 00:00:00``)
    is the month holding that date; typed text must be a month (``2024-05-31`` is refused)."""
    s = _txt(v) or ""
    if _DATE_CELL.match(s):
        return periods.from_date(s[:10])
    return periods.check_month(s, "month")


def _num(v, col):
    s = _txt(v)
    if s is None:
        return None
    try:
        return float(s)
    except ValueError:
        raise UsageError(f"column {col}: value '{s}' is not a number (rule: number)") from None


def _members(con, r, who):
    governance.add_member(con, _txt(r["org_code"]), _txt(r["org_name"]), _txt(r["member_type"]),
                          _txt(r.get("system_code")), _txt(r.get("footprint")))


def _board(con, r, who):
    governance.add_board_member(con, _txt(r["name"]), _txt(r["role"]),
                                _txt(r.get("organisation")), _txt(r.get("since")))


def _meetings(con, r, who):
    governance.add_meeting(con, _txt(r["meeting_date"]), _txt(r["kind"]), _txt(r["title"]),
                           _txt(r.get("provider_code")), _txt(r.get("notes")))


def _meeting_on(con, meeting_date, title):
    """The meeting a decision or action belongs to, found by its date (and title if given)."""
    sql, params = "SELECT meeting_id FROM meetings WHERE meeting_date = ?", [meeting_date]
    if title:
        sql, params = sql + " AND title = ?", [*params, title]
    got = con.execute(sql, params).fetchall()
    if len(got) != 1:
        raise UsageError(f"column meeting_date: value '{meeting_date}' matches {len(got)} "
                         "meetings (rule: one meeting; give meeting_title too, or load the "
                         "meetings first)")
    return got[0][0]


def _decisions(con, r, who):
    mid = _meeting_on(con, _txt(r["meeting_date"]), _txt(r.get("meeting_title")))
    governance.add_decision(con, mid, _txt(r["decision"]))


def _actions(con, r, who):
    mdate = _txt(r.get("meeting_date"))
    mid = _meeting_on(con, mdate, _txt(r.get("meeting_title"))) if mdate else None
    governance.add_action(con, _txt(r["action"]) or "", _txt(r["owner"]) or "",
                          _txt(r.get("due_date")), meeting_id=mid,
                          provider_code=_txt(r.get("provider_code")),
                          measure_code=_txt(r.get("measure_code")),
                          status=_txt(r.get("status")) or "OPEN", updated_by=who)


def _vision(con, r, who):
    plan.set_vision(con, _txt(r["plan_id"]), _txt(r["title"]), _txt(r["vision"]))


def _deliverables(con, r, who):
    plan.upsert_deliverable(con, _txt(r["deliverable_id"]), _txt(r["title"]),
                            int(_num(r["year"], "year")), _txt(r["owner"]),
                            _txt(r["priority"]), _txt(r["rag"]), _txt(r.get("rag_reason")),
                            _txt(r.get("depends_on")), _txt(r.get("measures")), who)


def _trajectories(con, r, who):
    trajectories.set_planned(con, _txt(r["org_code"]), _txt(r["measure_code"]),
                             {_month(r["month"]): _txt(r["planned"])}, who)


def _bids(con, r, who):
    costs = {}
    for k, v in r.items():
        if str(k).startswith("cost_") and _txt(v) is not None:
            costs[int(str(k)[5:])] = _num(v, k)
    benefits = {}
    if _txt(r.get("benefit_measure")):
        benefits[_txt(r["benefit_measure"])] = (_num(r.get("benefit_baseline"), "benefit_baseline"),
                                                _num(r.get("benefit_expected"), "benefit_expected"))
    bids.add_bid(con, _txt(r["bid_id"]), _txt(r["title"]), _txt(r["partner_code"]),
                 _txt(r["priority_area"]), costs, _num(r["expected_benefit"], "expected_benefit"),
                 _txt(r.get("benefit_unit")) or "", _txt(r.get("summary")) or "",
                 _txt(r.get("risks")) or "", _txt(r.get("deliverability")) or "", benefits, who)


def _scores(con, r, who):
    bids.score_bid(con, _txt(r["bid_id"]), _txt(r["assessor"]),
                   {_txt(r["criterion"]): _num(r["score"], "score")}, _txt(r.get("comment")))


def _rules(con, r, who):
    try:
        rule = json.loads(_txt(r["rule"]) or "")
    except json.JSONDecodeError as exc:
        raise UsageError(f"column rule: not valid JSON ({exc.msg})") from None
    bids.save_rule(con, _txt(r["rule_id"]), _txt(r["name"]), rule)


def _survey(con, r, who):
    rec = {c: _txt(r.get(c)) for c in voice.SURVEY_COLUMNS}
    rec["survey_year"] = int(_num(rec["survey_year"], "survey_year"))
    rec["respondents"] = None if rec["respondents"] is None else int(float(rec["respondents"]))
    rec["score"] = _num(rec["score"], "score")
    rec["national_score"] = _num(rec["national_score"], "national_score")
    voice.add_result(con, rec)


def _feedback(con, r, who):
    aid = _txt(r.get("action_id"))
    voice.add_feedback(con, _txt(r["received_date"]), _txt(r["source"]), _txt(r["theme"]),
                       _txt(r["you_said"]), _txt(r.get("we_did")), int(float(aid)) if aid else None)


def _initiatives(con, r, who):
    initiatives.register(con, _txt(r["initiative_id"]), _txt(r["name"]), _txt(r["kind"]),
                         _txt(r.get("provider_code")), _txt(r["go_live"]),
                         _txt(r["target_measures"]), _txt(r.get("improvement")) or "increase",
                         _txt(r.get("owner")), _txt(r.get("description")))


def _criteria_rows(con, rows_, label):
    """The value framework replaces the old one as a whole, so weights are checked together."""
    crit = {}
    for i, r in enumerate(rows_, start=2):
        code, w = _txt(r["criterion"]), _num(r["weight"], "weight")
        if code is None or w is None:
            raise UsageError(f"{label} row {i}: criterion and weight are needed")
        crit[code] = (_txt(r.get("label")) or code, w)
    bids.set_criteria(con, crit)


def _spend(con, r, who):
    bids.record_spend(con, _txt(r["bid_id"]), _month(r["month"]),
                      _num(r["amount"], "amount"))


def _milestones(con, r, who):
    bids.set_milestone(con, _txt(r["bid_id"]), _txt(r["milestone"]), _txt(r.get("due_date")),
                       _txt(r.get("status")) or "PLANNED")


Loader = tuple[tuple[str, ...], Callable]
FAMILIES: dict[str, dict[str, Loader]] = {
    "governance": {
        "members": (("org_code", "org_name", "member_type"), _members),
        "board": (("name", "role"), _board),
        "meetings": (("meeting_date", "kind", "title"), _meetings),
        "decisions": (("meeting_date", "decision"), _decisions),
        "actions": (("action", "owner"), _actions),
    },
    "plan": {
        "vision": (("plan_id", "title", "vision"), _vision),
        "deliverables": (("deliverable_id", "title", "year", "owner", "priority", "rag"),
                         _deliverables),
    },
    "trajectories": {
        "trajectories": (("org_code", "measure_code", "month", "planned"), _trajectories),
    },
    "bids": {
        "bids": (("bid_id", "title", "partner_code", "priority_area", "expected_benefit"), _bids),
        "scores": (("bid_id", "assessor", "criterion", "score"), _scores),
        "rules": (("rule_id", "name", "rule"), _rules),
        "criteria": (("criterion", "weight"), _criteria_rows),
        "spend": (("bid_id", "month", "amount"), _spend),
        "milestones": (("bid_id", "milestone", "due_date"), _milestones),
    },
    "voice": {
        "survey": (("survey_year", "org_code", "question_code", "score"), _survey),
        "feedback": (("received_date", "source", "theme", "you_said"), _feedback),
    },
    "initiatives": {
        "initiatives": (("initiative_id", "name", "kind", "go_live", "target_measures"),
                        _initiatives),
    },
}


WHOLE_TABLE = {_criteria_rows}  # loaders that take every row at once


# The bounds on one operations file, checked before pandas or openpyxl parses it: far above
# any alliance's set-up (a few hundred actions, bids or trajectory months), low enough that
# a load in the web's request thread stays small. A web upload once ran pandas, unbounded,
# on the event loop.
MAX_FILE_BYTES = 20 * MIB
"""Bytes of the file as received."""
MAX_ROWS = 20_000
"""Data rows of a CSV or of each workbook sheet (the header not counted)."""
MAX_COLUMNS = 128
"""Columns of a CSV's header or cells of any workbook row (the widest table has 11)."""
MAX_UNPACKED_BYTES = 64 * MIB
"""What a workbook's zip directory declares its members unpack to, together."""
MAX_PACKING_RATIO = table_bounds.MAX_PACKING_RATIO
"""Unpacked bytes per packed byte of a workbook above 1 MiB unpacked (real ones: 5 to 20)."""
MAX_HEADER_BYTES = 64 * 1024
"""Bytes of a CSV's header line (read alone, to count its columns)."""
LOAD_LIMITS = Limits(max_file_bytes=MAX_FILE_BYTES, max_rows=MAX_ROWS,
                     max_columns=MAX_COLUMNS, max_decompressed_bytes=MAX_UNPACKED_BYTES,
                     max_header_bytes=MAX_HEADER_BYTES)


def read_file(path: Path, family: str) -> list[tuple[str, str, pd.DataFrame]]:
    """(label, table, rows) of each table of ``family`` in the file, within the bounds.

    Every bound is checked before pandas parses anything (and pandas is asked for at most
    one row more than :data:`MAX_ROWS`), so a hostile file costs at most what the bounds
    allow, on the command line and in the web alike."""
    tables = FAMILIES[family]
    if not path.exists():
        raise UsageError(f"{path}: file not found")
    table_bounds.check_size(path, LOAD_LIMITS)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        titles = table_bounds.check_workbook(path, LOAD_LIMITS, tables)
        if not titles:
            raise UsageError(f"{path.name}: no sheet named {', '.join(tables)}")
        sheets = pd.read_excel(path, sheet_name=titles, dtype=str, nrows=MAX_ROWS)
        # in the family's order (meetings before the decisions that refer to them)
        return [(f"{path.name}[{t}]", t, sheets[t]) for t in tables if t in sheets]
    if path.suffix.lower() != ".csv":
        raise UsageError(f"{path.name}: only .csv and .xlsx files can be loaded")
    table_bounds.check_csv_header(path, LOAD_LIMITS)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, nrows=MAX_ROWS + 1)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise UsageError(f"{path.name}: cannot be read as CSV ({exc})") from None
    table_bounds.refuse_over(path.name, "the number of rows", len(df), MAX_ROWS)
    table_bounds.refuse_over(path.name, "the number of columns", len(df.columns), MAX_COLUMNS)
    if path.stem in tables:
        return [(path.name, path.stem, df)]
    if len(tables) == 1:
        return [(path.name, next(iter(tables)), df)]
    raise UsageError(f"{path.name}: name the file after its table: {', '.join(tables)}")


def counts(parts: list[tuple[str, str, pd.DataFrame]]) -> dict[str, int]:
    """Rows per table of what :func:`read_file` read (what a load of it reports)."""
    return {table: len(df) for _, table, df in parts}


def load_parts(con, parts: list[tuple[str, str, pd.DataFrame]], family: str,
               loaded_by: str = "cli") -> dict[str, int]:
    """Load what :func:`read_file` read, inside the caller's transaction (DuckDB has no
    nested ones): the web loads a file and writes its audit row in one
    (:func:`cancer_alliance.auth.audit.atomic`). Returns rows loaded per table."""
    for label, table, df in parts:
        required, fn = FAMILIES[family][table]
        missing = [c for c in required if c not in df.columns]
        if missing:
            raise UsageError(f"{label}: required column(s) missing: {', '.join(missing)}")
        recs = df.to_dict("records")
        if fn in WHOLE_TABLE:
            try:
                fn(con, recs, label)
            except (ValueError, KeyError, duckdb.Error) as exc:
                raise UsageError(f"{label}: {exc}") from None
            continue
        for i, rec in enumerate(recs, start=2):
            try:
                fn(con, rec, loaded_by)
            except (UsageError, ValueError, KeyError, duckdb.Error) as exc:
                raise UsageError(f"{label} row {i}: {exc}") from None
    return counts(parts)


def load_and_audit(con, path: Path, family: str, actor: Actor) -> dict[str, int]:
    """Load one file as ``actor`` and write its audit row, in one transaction (both or
    neither: :func:`cancer_alliance.auth.audit.atomic`): what the web's load form and the
    command line's ``load`` commands do. Returns rows loaded per table."""
    if family not in FAMILIES:
        raise UsageError(f"unknown load family '{family}'")
    parts = read_file(path, family)
    loaded = counts(parts)
    detail = f"{path.name}: " + ", ".join(f"{t}={n}" for t, n in loaded.items())
    with audit.atomic(con, actor, "edit_operations", f"load_{family}", detail):
        load_parts(con, parts, family, loaded_by=actor.username)
    return loaded


def load_file(con, path: str | Path, family: str, loaded_by: str = "cli") -> dict[str, int]:
    """Load one file into ``family``'s tables in one transaction; returns rows per table."""
    if family not in FAMILIES:
        raise UsageError(f"unknown load family '{family}'")
    parts = read_file(Path(path), family)
    con.execute("BEGIN TRANSACTION")
    try:
        loaded = load_parts(con, parts, family, loaded_by)
    except Exception:
        con.execute("ROLLBACK")
        raise
    commit(con)
    return loaded
