"""The bounds on the work any one submission can cause, and the error for breaking one.

Every reader checks these before (or while) doing the work they bound, so a hostile or
broken file is refused in time and memory proportional to the limit, never to what the
file claims or contains. Each bound is far above any real trust's month (a large trust
sends a few tens of thousands of pathways a month, in files of a few MB) and low enough
that a whole ingest stays under the memory ceiling documented in
``docs/explanation/security.md`` (2 GB for a national month).

A breach rejects the whole submission, exactly as an unreadable file does: nothing is
registered and nothing changes. The message names the file, the limit and the value.
"""

from __future__ import annotations

from dataclasses import dataclass

from cancer_alliance.errors import SubmissionRejected

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Upper bounds on one file (or one workbook sheet) of a submission.

    ``max_file_bytes``: the bytes of one file as received (a workbook counts once);
    ``max_submission_bytes``: all the files of one submission together;
    ``max_rows``: data lines of a CSV (blank lines count), rows of a sheet or a Parquet file;
    ``max_columns``: columns of a header (the widest dataset table has 31);
    ``max_header_bytes``: the bytes of a CSV's header line;
    ``max_cell_chars``: characters in one cell (Excel's own limit is 32,767);
    ``max_shared_strings``: entries of a workbook's shared-string table, declared or read;
    ``max_decompressed_bytes``: the bytes a workbook or Parquet file unpacks to, as its
    zip or footer declares them and as actually read;
    ``max_zip_members``: files inside a workbook;
    ``max_file_name_bytes``: a file's name, UTF-8 (file systems allow 255; the archive
    keeps each file under its own name);
    ``max_xml_elements``: XML elements of a workbook part held in memory at once while it
    is streamed (the open ones and a cell's or shared string's children; a real sheet
    holds a few dozen). ``max_columns`` also bounds the cells of one sheet row."""

    max_file_bytes: int = 256 * MIB
    max_submission_bytes: int = 256 * MIB
    max_rows: int = 1_000_000
    max_columns: int = 1_024
    max_header_bytes: int = 64 * 1024
    max_cell_chars: int = 32_767
    max_shared_strings: int = 2_000_000
    max_decompressed_bytes: int = 256 * MIB
    max_zip_members: int = 10_000
    max_file_name_bytes: int = 200
    max_xml_elements: int = 1_000_000


LIMITS = Limits()

# Memory ceiling of one ingest process, whatever its input (documented and measured by
# benchmarks/bench_hostile.py): 2 GB for a national month.
MEMORY_CEILING_BYTES = 2 * 1024 * MIB


class LimitExceeded(SubmissionRejected):
    """A file is beyond one of the :class:`Limits`; the submission is rejected whole."""

    def __init__(self, label: str, what: str, value: int | str, limit: int, advice: str = ""):
        shown = f"{value:,}" if isinstance(value, int) else value
        message = (f"{label}: {what} is {shown}, above the limit of {limit:,}; "
                   "the submission was rejected and nothing was changed")
        if advice:
            message += f" ({advice})"
        super().__init__(message)
        self.label, self.what, self.value, self.limit = label, what, value, limit


def check(label: str, what: str, value: int, limit: int, advice: str = "") -> None:
    """Raise :class:`LimitExceeded` when ``value`` is above ``limit``."""
    if value > limit:
        raise LimitExceeded(label, what, value, limit, advice)


def listed(names: list[str], most: int = 20) -> str:
    """At most ``most`` names, then how many more: warnings never list a hostile header."""
    shown = ", ".join(n[:64] + ("..." if len(n) > 64 else "") for n in names[:most])
    return shown if len(names) <= most else f"{shown} and {len(names) - most:,} more"
