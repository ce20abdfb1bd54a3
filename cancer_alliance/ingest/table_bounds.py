"""Bounds on a table file that pandas or openpyxl will read, checked before they parse it.

Two kinds of file are read with pandas and openpyxl rather than the dataset's own readers:
the operations set-up files (``operations load`` and ``/operations/load``) and NHS
England's published figures (``published load``). Neither library bounds its work: pandas
reads every row and column of a CSV, and openpyxl trusts a workbook's declared
``<dimension>`` and pads every row to it (a 5 KB workbook declaring ``A1:XFD1048576`` took
minutes). So each such file is first checked here against a :class:`~.limits.Limits`: its
size on disk; for a CSV, its header line alone (length and columns); for a workbook, what
its zip directory declares it unpacks to and how tightly it is packed, then each sheet
streamed by the bounded reader (:mod:`.xlsx`: rows, cells per row, cell size, shared
strings, elements held). A breach is a :class:`~cancer_alliance.errors.UsageError`
naming the file, the limit and the value; nothing has been read into memory by then.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Collection
from pathlib import Path

from cancer_alliance.errors import SubmissionRejected, UsageError
from cancer_alliance.ingest.limits import MIB, Limits
from cancer_alliance.ingest.xlsx import UNREADABLE, Workbook

#: Unpacked bytes per packed byte a workbook may have once above 1 MiB unpacked (real
#: workbooks: 5 to 20; a zip bomb: thousands).
MAX_PACKING_RATIO = 100


def refuse_over(name: str, what: str, value: int, limit: int) -> None:
    """A :class:`UsageError` if ``value`` is above ``limit`` (``what`` says what it counts)."""
    if value > limit:
        raise UsageError(f"{name}: {what} is {value:,}, above the limit of {limit:,}; "
                         "nothing was loaded")


def check_size(path: Path, limits: Limits) -> None:
    """The file's size on disk, before it is opened."""
    refuse_over(path.name, "the size of the file (bytes)", path.stat().st_size,
                limits.max_file_bytes)


def check_workbook(path: Path, limits: Limits,
                   sheets: Collection[str] | None = None) -> list[str]:
    """Refuse a workbook beyond ``limits`` before pandas or openpyxl opens it: the zip
    directory's declared sizes and packing ratio, then each sheet named in ``sheets``
    (every sheet if None) streamed by the bounded reader. Returns those sheets' titles, in
    the workbook's order."""
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UsageError(f"{path.name}: not a readable .xlsx workbook") from None
    unpacked = sum(m.file_size for m in members)
    refuse_over(path.name, "the unpacked size the workbook declares (bytes)", unpacked,
                limits.max_decompressed_bytes)
    packed = max(1, sum(m.compress_size for m in members))
    if unpacked > MIB:
        refuse_over(path.name, "the ratio of its unpacked to its packed size",
                    unpacked // packed, MAX_PACKING_RATIO)
    try:
        book = Workbook(path.name, path.read_bytes(), limits)
        titles = [t for t, _ in book.sheets if sheets is None or t in sheets]
        for title, part in book.sheets:
            if title in titles:
                for _ in book.rows(title, part):
                    pass
    except SubmissionRejected as exc:
        raise UsageError(str(exc).replace("the submission was rejected and nothing was "
                                          "changed", "nothing was loaded")) from None
    except UNREADABLE as exc:
        raise UsageError(f"{path.name}: not a readable .xlsx workbook ({exc})") from None
    return titles


def check_csv_header(path: Path, limits: Limits) -> None:
    """The header line's length and columns, read alone, before pandas reads the file."""
    with path.open("rb") as f:
        header = f.readline(limits.max_header_bytes + 1)
    refuse_over(path.name, "the length of the header line (bytes)",
                len(header.rstrip(b"\r\n")), limits.max_header_bytes)
    line = header.decode("utf-8", "replace").strip("\r\n")
    refuse_over(path.name, "the number of columns in the header",
                len(next(csv.reader([line]), [])), limits.max_columns)
