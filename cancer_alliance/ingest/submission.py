"""Registering, archiving and applying submissions, each all or nothing.

Order of work, chosen so that nothing is ever half-applied:

1. read every file of a submission (a file that cannot be read rejects the whole
   submission; nothing has been written yet);
2. validate with set-based SQL (temporary tables only);
3. in ONE transaction: register the submission and its files, keep every rejected row with
   its reasons, append every accepted row to ``<table>_history`` and replace the current
   version of each key in ``<table>``; archive the raw files unchanged under
   ``<archive>/<submission_id>/`` (written to a temporary folder and renamed, so a
   half-written archive never carries an id); then commit.

A process killed before the commit leaves the store exactly as it was (DuckDB's write-ahead
log discards the open transaction).

**Rounds.** A month of a national footprint is a hundred or more submissions of a few
thousand rows each; validating them one at a time is dominated by per-query overhead.
:func:`ingest_submissions` therefore groups consecutive submissions into *rounds* in which
no provider appears twice, validates each table of a round in one query, and applies the
round in one transaction. Because the providers of a round differ, no two of its submissions
touch the same pathway, so the result is exactly that of loading them one after another (the
tests compare the two). Each submission still gets its own id, archive, counts and
rejections; a submission that cannot be read stops the batch after the submissions before it
have been committed, as a one-at-a-time loop would.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import os
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from cancer_alliance.dataset.datasets import PATHWAY_DATASET, Dataset
from cancer_alliance.errors import NotFound
from cancer_alliance.ingest.admission import check_period, check_provider, organisations
from cancer_alliance.ingest.apply import (
    apply_table,
    archive_files,
    keep_rejections,
    new_submission_ids,
    register_submissions,
)
from cancer_alliance.ingest.readers import RawFile, read_submission
from cancer_alliance.ingest.validate import (
    Part,
    TableResult,
    raw_name,
    result_temp_tables,
    validate_table,
    validation_temp_tables,
)
from cancer_alliance.store import connect, resolve_db_path

# Rows validated together at most: bounds memory (about 1 GB at this size) while keeping
# a national month (about 750,000 rows) in one round.
MAX_ROUND_ROWS = 1_000_000
# While a batch of several rounds loads, DuckDB compacts the store (a checkpoint) less often:
# with the default 16 MiB it checkpointed at nearly every round's commit, rewriting the
# tables that resent pathways had been deleted from. One checkpoint at the end of the batch
# instead saved 11% of the demo's 44-month load (57 s to 50 s) for 240 MB more memory.
BATCH_CHECKPOINT_THRESHOLD = "256MB"
READ_THREADS = 3  # files parsed at once; Arrow's parse of a small file is mostly one thread
READ_AHEAD = 32  # submissions read beyond the one being placed in its round
# ... and at most this many bytes of their files: with the per-file limits
# (cancer_alliance.ingest.limits) this keeps a batch's peak memory under the documented
# ceiling whatever the files hold (a national month's files total about 300 MB).
READ_AHEAD_BYTES = 256 * 1024 * 1024


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


@dataclass(frozen=True)
class SubmissionItem:
    """One submission to load: a provider's month, from a path or from in-memory files."""

    provider: str
    period: str
    path: str | os.PathLike | None = None
    files: dict[str, bytes] | None = None


@dataclass
class _Read:
    """A submission whose files have been read, waiting for its round."""

    item: SubmissionItem
    end: dt.date
    raws: list[RawFile]
    warnings: list[str]

    @property
    def rows(self) -> int:
        return sum(r.rows for r in self.raws)


def default_archive_dir(con: duckdb.DuckDBPyConnection) -> Path:
    rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = "
                       "current_database()").fetchall()
    db_path = rows[0][0] if rows and rows[0][0] else None
    if not db_path:
        return Path(tempfile.gettempdir()) / "cancer-alliance-archive"
    p = Path(db_path)
    return p.with_name(p.stem + "-archive")


def ingest_submission(
    db: str | os.PathLike | duckdb.DuckDBPyConnection | None,
    path: str | os.PathLike | None = None,
    *,
    provider: str,
    period: str,
    submitted_by: str | None = None,
    files: dict[str, bytes] | None = None,
    archive_dir: str | os.PathLike | None = None,
    dataset: Dataset = PATHWAY_DATASET,
) -> SubmissionResult:
    """Validate and load one provider's submission for one month; see the module docstring.

    ``dataset`` says which dataset the files belong to (the capacity dataset's submissions
    go through exactly the same steps, into their own tables)."""
    check_provider(provider)  # the reference check follows, once the store is open
    check_period(period)
    item = SubmissionItem(provider, period, path, files)
    return ingest_submissions(db, [item], submitted_by=submitted_by,
                              archive_dir=archive_dir, dataset=dataset)[0]


def ingest_submissions(
    db: str | os.PathLike | duckdb.DuckDBPyConnection | None,
    items: Iterable[SubmissionItem],
    *,
    submitted_by: str | None = None,
    archive_dir: str | os.PathLike | None = None,
    on_result: Callable[[SubmissionResult], None] | None = None,
    max_round_rows: int = MAX_ROUND_ROWS,
    dataset: Dataset = PATHWAY_DATASET,
) -> list[SubmissionResult]:
    """Load many submissions in order, in rounds (module docstring); return their results.

    ``on_result`` is called with each result as soon as its round has been committed. A
    submission that cannot be read raises (``SubmissionRejected`` or ``UsageError``) after
    every submission before it has been loaded; the ones after it are not read."""
    own = not isinstance(db, duckdb.DuckDBPyConnection)
    con = connect(resolve_db_path(db)) if own else db
    who = submitted_by or _who()
    root = Path(archive_dir) if archive_dir else default_archive_dir(con)
    results: list[SubmissionResult] = []
    current = _Round(con, dataset)
    threshold: list[str] = []  # the store's own setting, while the batch defers checkpoints

    def flush() -> None:
        nonlocal current
        if results and current.reads and not threshold:  # a second round: defer
            threshold.append(con.execute(
                "SELECT current_setting('checkpoint_threshold')").fetchall()[0][0])
            con.execute(f"SET checkpoint_threshold = '{BATCH_CHECKPOINT_THRESHOLD}'")
        done, current = current.commit(who, root), _Round(con, dataset)
        results.extend(done)
        if on_result:
            for r in done:
                on_result(r)

    try:
        known, today = organisations(con), dt.date.today()
        for reading in _read_ahead(items, known, today, dataset):
            try:
                read = reading.result()
            except BaseException:
                flush()
                raise
            if read.item.provider in current.providers or (
                    current.reads and current.rows + read.rows > max_round_rows):
                flush()
            current.add(read)
        flush()
    finally:
        current.discard()
        if threshold:
            con.execute(f"SET checkpoint_threshold = '{threshold[0]}'")
            with contextlib.suppress(duckdb.Error):  # busy: DuckDB checkpoints later itself
                con.execute("CHECKPOINT")
        if own:
            con.close()
    return results


class _Round:
    """Submissions gathered for one transaction: validated together, applied together.

    No provider appears twice in a round (the caller starts a new one), which is what lets
    one query validate, and one transaction apply, many submissions with exactly the result
    of loading them one after another. (Validating a round in several chunks was measured
    and is slower: each validation query has a fixed cost of tens of milliseconds.)"""

    def __init__(self, con: duckdb.DuckDBPyConnection, dataset: Dataset):
        self.con = con
        self.dataset = dataset
        self.reads: list[_Read] = []
        self.providers: set[str] = set()
        self.rows = 0

    def add(self, read: _Read) -> None:
        self.reads.append(read)
        self.providers.add(read.item.provider)
        self.rows += read.rows

    def commit(self, submitted_by: str, archive_root: Path) -> list[SubmissionResult]:
        """Validate, then apply the round in one transaction; always drop its temp tables."""
        if not self.reads:
            return []
        try:
            validated = self._validate()
            return _commit_round(self.con, self.reads, validated, submitted_by, archive_root,
                                 self.dataset)
        finally:
            self.discard()

    def _validate(self) -> dict[str, TableResult]:
        parts: dict[str, list[Part]] = {}
        for sub, read in enumerate(self.reads):
            for raw in read.raws:
                parts.setdefault(raw.table.name, []).append(
                    Part(sub, raw, read.item.provider, read.end, read.raws[0].file_name))
        validated: dict[str, TableResult] = {}
        today = dt.date.today()
        try:
            for table in self.dataset.tables:  # pathways first: children are checked against it
                if table.name in parts:
                    validated[table.name] = validate_table(
                        self.con, table, parts[table.name],
                        pathways=validated.get("pathways"), today=today)
        finally:
            for table in self.dataset.tables:
                with contextlib.suppress(duckdb.Error, KeyError):
                    self.con.unregister(raw_name(table))
                _drop(self.con, validation_temp_tables(table))
        return validated

    def discard(self) -> None:
        for table in self.dataset.tables:
            _drop(self.con, result_temp_tables(table))
        self.reads = []


def _drop(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    for name in tables:
        with contextlib.suppress(duckdb.Error):
            con.execute(f"DROP TABLE IF EXISTS temp.{name}")


def _read_ahead(items: Iterable[SubmissionItem], known: dict[str, str],
                today: dt.date, dataset: Dataset = PATHWAY_DATASET
                ) -> Iterator[Future[_Read]]:
    """Read the next few submissions in background threads while the current round is
    validated: Arrow's CSV reader and DuckDB both release the GIL, so the files of the next
    submissions are parsed on the core DuckDB leaves idle. At most ``READ_AHEAD``
    submissions, and ``READ_AHEAD_BYTES`` of their files, are held beyond the round."""
    pending: deque[tuple[Future[_Read], int]] = deque()
    held = 0
    source = iter(items)
    with ThreadPoolExecutor(READ_THREADS, thread_name_prefix="ingest-read") as pool:
        try:
            for item in source:
                size = _item_bytes(item)
                while pending and (len(pending) >= READ_AHEAD or held + size > READ_AHEAD_BYTES):
                    future, done = pending.popleft()
                    held -= done
                    yield future
                pending.append((pool.submit(_read, item, known, today, dataset), size))
                held += size
            while pending:
                yield pending.popleft()[0]
        finally:
            for future, _ in pending:
                future.cancel()


def _item_bytes(item: SubmissionItem) -> int:
    """The bytes of a submission's files, known before they are read."""
    if item.files is not None:
        return sum(len(c) for c in item.files.values())
    p = Path(item.path) if item.path is not None else None
    with contextlib.suppress(OSError):
        if p is not None and p.is_dir():
            return sum(f.stat().st_size for f in p.iterdir() if f.is_file())
        if p is not None and p.is_file():
            return p.stat().st_size
    return 0


def _read(item: SubmissionItem, known: dict[str, str], today: dt.date,
          dataset: Dataset = PATHWAY_DATASET) -> _Read:
    """Check what the submission is for (admission), then read its files."""
    check_provider(item.provider, known)
    end = check_period(item.period, today)
    raws, warnings = read_submission(item.path, item.files, dataset=dataset)
    for raw in raws:
        warnings.extend(raw.warnings)
    return _Read(item, end, raws, warnings)


def _who() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "unknown"


def _commit_round(con: duckdb.DuckDBPyConnection, reads: list[_Read],
                  validated: dict[str, TableResult], submitted_by: str,
                  archive_root: Path, dataset: Dataset = PATHWAY_DATASET
                  ) -> list[SubmissionResult]:
    archived: list[Path] = []
    con.execute("BEGIN TRANSACTION")
    try:
        ids = new_submission_ids(con, len(reads))
        results = []
        for sub, (read, submission_id) in enumerate(zip(reads, ids, strict=True)):
            summaries = [
                FileSummary(raw.file_name, raw.table.name, raw.sha256, raw.size, raw.rows,
                            raw.rows - validated[raw.table.name].rejected_rows.get(sub, 0),
                            validated[raw.table.name].rejected_rows.get(sub, 0))
                for raw in read.raws
            ]
            rows_read = sum(s.rows_read for s in summaries)
            rejected = sum(s.rejected for s in summaries)
            results.append(SubmissionResult(
                submission_id, read.item.provider, read.item.period, rows_read,
                rows_read - rejected, rejected, summaries, read.warnings,
                str(archive_root / str(submission_id))))
        register_submissions(
            con,
            [(r.submission_id, r.provider, r.period, submitted_by, r.rows_read, r.accepted,
              r.rejected, r.archive_path) for r in results],
            [(r.submission_id, s.file_name, s.table, s.sha256, s.bytes, s.rows_read,
              s.accepted, s.rejected) for r in results for s in r.files],
            dataset,
        )
        # the raw files are archived by background threads while DuckDB applies the rows
        with ThreadPoolExecutor(2, thread_name_prefix="ingest-archive") as pool:
            copies = [pool.submit(archive_files, read.raws, archive_root, submission_id)
                      for read, submission_id in zip(reads, ids, strict=True)]
            try:
                for result in validated.values():
                    keep_rejections(con, result, ids, dataset.rejections_table)
                    apply_table(con, result, ids, validated.get("pathways"))
            finally:
                for copy in copies:
                    with contextlib.suppress(Exception):
                        archived.append(copy.result())
            for copy in copies:
                copy.result()  # a failed copy fails the round
        _pause_for_crash_test()
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        for folder in archived:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return results


def _pause_for_crash_test() -> None:
    """Test hook: with ``CANCER_ALLIANCE_TEST_PAUSE_BEFORE_COMMIT=FILE`` set, create FILE and
    wait inside the open transaction, so a test can kill the process at exactly that point."""
    marker = os.environ.get("CANCER_ALLIANCE_TEST_PAUSE_BEFORE_COMMIT")
    if marker:
        import time

        Path(marker).touch()
        time.sleep(120)


def require_submission(con: duckdb.DuckDBPyConnection, submission_id: int,
                       dataset: Dataset = PATHWAY_DATASET) -> None:
    """Raise NotFound unless the submission (of ``dataset``) exists."""
    rows = con.execute(f"SELECT 1 FROM {dataset.submissions_table} WHERE submission_id = ?",
                       [submission_id]).fetchall()
    if not rows:
        raise NotFound(f"no submission with id {submission_id}")
