"""Registering, archiving and applying a submission, all or nothing.

Order of work, chosen so that nothing is ever half-applied:

1. read every file (a file that cannot be read rejects the whole submission; nothing has
   been written yet);
2. validate each file with set-based SQL (temporary tables only);
3. in ONE transaction: register the submission and its files, keep every rejected row with
   its reasons, append every accepted row to ``<table>_history`` and replace the current
   version of each key in ``<table>``; archive the raw files unchanged under
   ``<archive>/<submission_id>/`` (written to a temporary folder and renamed, so a
   half-written archive never carries an id); then commit.

A process killed before the commit leaves the store exactly as it was (DuckDB's write-ahead
log discards the open transaction).
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import getpass
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from cancer_alliance.dataset import DATASET_VERSION
from cancer_alliance.errors import NotFound, UsageError
from cancer_alliance.ingest.readers import RawFile, read_submission
from cancer_alliance.ingest.validate import FileResult, validate_file
from cancer_alliance.store import connect, resolve_db_path

PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
PROVIDER_RE = re.compile(r"^[A-Z0-9]{3}([A-Z0-9]{2})?$")
CHILD_TABLES = ("subsequent_treatments", "recovery_events")


@dataclass
class FileSummary:
    file_name: str
    table: str
    sha256: str
    bytes: int
    rows_read: int
    accepted: int
    rejected: int


@dataclass
class SubmissionResult:
    """What one ingest did; ``as_dict()`` is the ``--json`` output."""

    submission_id: int
    provider: str
    period: str
    rows_read: int
    accepted: int
    rejected: int
    files: list[FileSummary] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    archive_path: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def period_end(period: str) -> dt.date:
    """Last day of a ``YYYY-MM`` period."""
    m = PERIOD_RE.match(period or "")
    if not m:
        raise UsageError(f'period "{period}" is not a month written YYYY-MM, e.g. 2024-05')
    year, month = int(m.group(1)), int(m.group(2))
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def default_archive_dir(con: duckdb.DuckDBPyConnection) -> Path:
    rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = "
                       "current_database()").fetchall()
    db_path = rows[0][0] if rows and rows[0][0] else None
    if not db_path:
        return Path(tempfile.gettempdir()) / "cancer-alliance-archive"
    p = Path(db_path)
    return p.with_name(p.stem + "-archive")


def _apply(con: duckdb.DuckDBPyConnection, submission_id: int, result: FileResult) -> None:
    """Append accepted rows to history and replace the current version of each key."""
    table = result.raw.table
    name = table.name
    cols = ", ".join(table.column_names)
    con.register("accepted_arrow", result.accepted)
    con.execute(f"INSERT INTO {name}_history ({cols}, submission_id) "
                f"SELECT {cols}, {submission_id} FROM accepted_arrow")
    key = ", ".join(table.key)
    if name in CHILD_TABLES:
        # a child file replaces the children of every pathway this submission sent
        con.execute(
            f"DELETE FROM {name} WHERE (provider_code, pathway_id) IN ("
            "SELECT (provider_code, pathway_id) FROM submitted_pathways "
            "UNION SELECT (provider_code, pathway_id) FROM accepted_arrow)"
        )
    else:
        con.execute(f"DELETE FROM {name} WHERE ({key}) IN (SELECT ({key}) FROM accepted_arrow)")
    con.execute(f"INSERT INTO {name} ({cols}, submission_id) "
                f"SELECT {cols}, {submission_id} FROM accepted_arrow")
    con.unregister("accepted_arrow")


def ingest_submission(
    db: str | os.PathLike | duckdb.DuckDBPyConnection | None,
    path: str | os.PathLike | None = None,
    *,
    provider: str,
    period: str,
    submitted_by: str | None = None,
    files: dict[str, bytes] | None = None,
    archive_dir: str | os.PathLike | None = None,
) -> SubmissionResult:
    """Validate and load one provider's submission for one month; see the module docstring."""
    if not PROVIDER_RE.match(provider or ""):
        raise UsageError(f'provider "{provider}" is not an ODS code of 3 or 5 letters or digits')
    end = period_end(period)
    own = not isinstance(db, duckdb.DuckDBPyConnection)
    con = connect(resolve_db_path(db)) if own else db
    try:
        raws, warnings = read_submission(path, files)
        return _ingest(con, raws, warnings, provider, period, end,
                       submitted_by or _who(), archive_dir)
    finally:
        for t in ("checked", "failing_rows", "failures", "known_pathways",
                  "rejected_pathways", "submitted_pathways"):
            with contextlib.suppress(duckdb.Error):
                con.execute(f"DROP TABLE IF EXISTS temp.{t}")
        if own:
            con.close()


def _who() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "unknown"


def _known_pathways(con: duckdb.DuckDBPyConnection, pathways: FileResult, provider: str) -> None:
    """Temp tables for the child files' ``unknown_pathway`` rule: the pathways this
    submission adds or the store already has for this provider, and those it sent but
    rejected (so the message can point at the rejected pathways row)."""
    key = ["provider_code", "pathway_id"]
    con.register("accepted_pathways_arrow", pathways.accepted.select(key))
    con.register("sent_pathways_arrow", pathways.raw.data.select(key))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE known_pathways AS "
        "SELECT provider_code, pathway_id FROM accepted_pathways_arrow UNION "
        "SELECT provider_code, pathway_id FROM pathways WHERE provider_code = ?", [provider]
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE rejected_pathways AS "
        "SELECT provider_code, pathway_id FROM sent_pathways_arrow "
        "EXCEPT SELECT provider_code, pathway_id FROM known_pathways"
    )
    con.unregister("accepted_pathways_arrow")
    con.unregister("sent_pathways_arrow")


def _ingest(con, raws: list[RawFile], warnings: list[str], provider: str, period: str,
            end: dt.date, submitted_by: str, archive_dir) -> SubmissionResult:
    results: list[FileResult] = []
    for raw in raws:
        warnings.extend(raw.warnings)
        if raw.table.name in CHILD_TABLES:
            _known_pathways(con, results[0], provider)
        results.append(validate_file(con, raw, provider=provider, period_end=end,
                                     check_known_pathways=raw.table.name in CHILD_TABLES,
                                     pathways_file=raws[0].file_name))
    pathways = next(r for r in results if r.raw.table.name == "pathways")
    con.register("submitted_arrow", pathways.accepted.select(["provider_code", "pathway_id"]))
    con.execute("CREATE OR REPLACE TEMP TABLE submitted_pathways AS "
                "SELECT * FROM submitted_arrow")
    con.unregister("submitted_arrow")

    rows_read = sum(r.rows_read for r in results)
    rejected = sum(r.rejected_rows for r in results)
    summaries = [FileSummary(r.raw.file_name, r.raw.table.name, r.raw.sha256, r.raw.size,
                             r.rows_read, r.rows_read - r.rejected_rows, r.rejected_rows)
                 for r in results]
    archive_root = Path(archive_dir) if archive_dir else default_archive_dir(con)

    archived: Path | None = None
    con.execute("BEGIN TRANSACTION")
    try:
        submission_id = con.execute("SELECT nextval('submission_id_seq')").fetchall()[0][0]
        archive_path = archive_root / str(submission_id)
        con.execute(
            "INSERT INTO submissions VALUES (?, ?, ?, ?, ?, 'loaded', NULL, ?, ?, ?, ?, ?)",
            [submission_id, provider, period, submitted_by,
             dt.datetime.now(dt.UTC).replace(tzinfo=None), DATASET_VERSION,
             rows_read, rows_read - rejected, rejected, str(archive_path)],
        )
        for s in summaries:
            con.execute("INSERT INTO submission_files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [submission_id, s.file_name, s.table, s.sha256, s.bytes,
                         s.rows_read, s.accepted, s.rejected])
        for r in results:
            if r.rejections.num_rows:
                con.register("rej_arrow", r.rejections)
                con.execute(f"INSERT INTO rejections SELECT {submission_id}, file, \"row\", "
                            "\"column\", value, rule, message, raw_row FROM rej_arrow")
                con.unregister("rej_arrow")
            # a child file that is present replaces the children of every pathway sent, even
            # when it has no accepted rows (an empty file says "none any more")
            if r.accepted.num_rows or r.raw.table.name in CHILD_TABLES:
                _apply(con, submission_id, r)
        archived = _archive(raws, archive_root, submission_id)
        _pause_for_crash_test()
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        if archived is not None:
            shutil.rmtree(archived, ignore_errors=True)
        raise
    return SubmissionResult(int(submission_id), provider, period, rows_read,
                            rows_read - rejected, rejected, summaries, warnings,
                            str(archive_path))


def _pause_for_crash_test() -> None:
    """Test hook: with ``CANCER_ALLIANCE_TEST_PAUSE_BEFORE_COMMIT=FILE`` set, create FILE and
    wait inside the open transaction, so a test can kill the process at exactly that point."""
    marker = os.environ.get("CANCER_ALLIANCE_TEST_PAUSE_BEFORE_COMMIT")
    if marker:
        import time

        Path(marker).touch()
        time.sleep(120)


def _archive(raws: list[RawFile], root: Path, submission_id: int) -> Path:
    """Keep the raw files exactly as received (one copy of a workbook).

    Called inside the open transaction, just before the commit: a crash before the commit
    leaves at worst an archive folder that no submission refers to (replaced if the id is
    ever given again); a committed submission always has its archive."""
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{submission_id}-", dir=root))
    written = set()
    for raw in raws:
        name = raw.file_name.split(":", 1)[0]
        if name not in written:
            (tmp / name).write_bytes(raw.content)
            written.add(name)
    final = root / str(submission_id)
    if final.exists():
        shutil.rmtree(final)
    tmp.rename(final)
    return final


def require_submission(con: duckdb.DuckDBPyConnection, submission_id: int) -> None:
    """Raise NotFound unless the submission exists."""
    rows = con.execute("SELECT 1 FROM submissions WHERE submission_id = ?",
                       [submission_id]).fetchall()
    if not rows:
        raise NotFound(f"no submission with id {submission_id}")
