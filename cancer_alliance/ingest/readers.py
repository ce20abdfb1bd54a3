"""Reading a submission's files into all-text Arrow tables, losing nothing.

Every cell is kept as text exactly as written (trimmed of surrounding spaces; a blank cell
becomes null) so validation can report the value the provider sent. Each row carries
``_row``, its spreadsheet row number (the header is row 1). A file that cannot be read at
all raises :class:`~cancer_alliance.errors.SubmissionRejected` with one clear message.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from cancer_alliance.dataset import TABLES, Table
from cancer_alliance.errors import SubmissionRejected

EXTENSIONS = (".csv", ".parquet", ".xlsx")
ROW = "_row"


@dataclass
class RawFile:
    """One uploaded file: its bytes' fingerprint and its rows as text."""

    file_name: str
    table: Table
    sha256: str
    size: int
    content: bytes
    data: pa.Table  # all string columns + _row (int64)
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.data.num_rows


def _table_for(file_name: str) -> Table | None:
    stem = Path(file_name).stem
    for t in TABLES:
        if stem == t.name:
            return t
    return None


def _check_columns(file_name: str, table: Table, header: list[str]) -> list[str]:
    """Reject when required columns are missing; warn about extra ones."""
    if not header or all(not h.strip() for h in header):
        raise SubmissionRejected(f"{file_name}: the file has no header row")
    present = {h.strip() for h in header} - {""}
    missing = [c.name for c in table.columns if c.required and c.name not in present]
    if missing:
        raise SubmissionRejected(
            f"{file_name}: required column(s) missing: {', '.join(missing)}. The header row "
            f"must name every required column of {table.file_name} (see the dataset reference)"
        )
    extra = sorted(present - set(table.column_names))
    if not extra:
        return []
    return [f"{file_name}: column(s) not in the dataset were ignored: {', '.join(extra)}"]


def _normalise(data: pa.Table, table: Table, *, clean: bool = False) -> pa.Table:
    """All dataset columns as trimmed text (blank -> null), in spec order, plus _row.

    ``clean`` says the reader has already made blank cells null and no cell can have
    spaces around it (see :func:`_needs_trimming`), so the trim, the most expensive step
    of reading, is skipped."""
    columns = {}
    for col in table.column_names:
        if col in data.column_names:
            arr = data[col]
            if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
                arr = _to_text(arr)
            if not clean:
                arr = pc.utf8_trim_whitespace(arr)
                arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
            columns[col] = arr.cast(pa.string())
        else:
            columns[col] = pa.nulls(data.num_rows, pa.string())
    if ROW in data.column_names:  # a reader that knows the real row numbers (xlsx)
        columns[ROW] = data[ROW].cast(pa.int64())
    else:
        columns[ROW] = pa.array(np.arange(2, data.num_rows + 2, dtype=np.int64))
    return pa.table(columns)


# What Arrow's utf8_trim_whitespace trims, in ASCII (tab, vertical tab, form feed, the
# four separators and space; line breaks end a row and never reach a cell).
_SPACES = b" \t\x0b\x0c\x1c\x1d\x1e\x1f"


def _needs_trimming(content: bytes) -> bool:
    """Whether any cell of a CSV may have spaces around it (false positives only cost time).

    Exact tests of where a space sits cost more than the trim they would save, so any
    whitespace byte at all, or any non-ASCII byte (Unicode has more spaces), sends the file
    through the full trim; exported datasets of codes, dates and numbers rarely have any."""
    return not content.isascii() or len(content.translate(None, _SPACES)) != len(content)


def _to_text(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """Typed Parquet columns as the text a CSV would have had (dates ISO, ints plain)."""
    if pa.types.is_timestamp(arr.type):
        arr = arr.cast(pa.date32())
    if pa.types.is_floating(arr.type):
        # whole numbers written as floats by some exporters: 3.0 -> "3"
        as_int = pc.cast(arr, pa.int64(), safe=False)
        whole = pc.equal(pc.cast(as_int, arr.type), arr)
        return pc.if_else(whole, pc.cast(as_int, pa.string()), pc.cast(arr, pa.string()))
    return pc.cast(arr, pa.string())


def _header_names(label: str, header: list[str]) -> tuple[list[str], list[int]]:
    """Trimmed column names, blank ones given a placeholder; rejects a repeated name.

    Returns the names and the positions of the blank ones (exports often end each line
    with a stray comma; those columns are dropped, with a warning if they hold values)."""
    names = [h.strip() for h in header]
    counts = Counter(n for n in names if n)
    repeated = sorted(n for n, k in counts.items() if k > 1)
    if repeated:
        raise SubmissionRejected(
            f"{label}: the header names a column more than once: {', '.join(repeated)}"
        )
    blank = [i for i, n in enumerate(names) if not n]
    for i in blank:
        names[i] = f"_unnamed_{i + 1}"
    return names, blank


def _drop_unnamed(label: str, data: pa.Table, blank: list[int]) -> tuple[pa.Table, list[str]]:
    """Drop the columns with a blank header; warn when any of them held a value."""
    if not blank:
        return data, []
    names = [data.column_names[i] for i in blank]
    filled = [n for n in names
              if pc.any(pc.not_equal(pc.utf8_trim_whitespace(data[n]), "")).as_py()]
    data = data.drop_columns(names)
    if not filled:
        return data, []
    return data, [f"{label}: {len(filled)} column(s) with a blank header but with values were "
                  "ignored; give each column its dataset name"]


def _csv_problem(text: str, columns: int) -> str:
    """Where a CSV stops being a table, in words and without any cell's content.

    Runs only when the fast reader has already failed, so a row-by-row scan is fine here;
    the reader's own message quotes the offending line, which may hold an NHS number."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    row = 0
    try:
        for record in reader:
            if not record:  # blank lines are skipped, as the fast reader does
                continue
            row += 1
            if row > 1 and len(record) != columns:
                return f"row {row} has {len(record)} values but the header has {columns} columns"
    except csv.Error:
        return (f"a quoted value is not closed or is malformed near line {reader.line_num}; "
                "check the quotes around that row's values")
    return "the rows could not be read as a comma-separated table"


def read_csv_bytes(file_name: str, content: bytes, table: Table) -> tuple[pa.Table, list[str]]:
    """A CSV's rows as text, and warnings about its columns.

    The bytes go to the Arrow reader as they are (only a byte order mark is cut off): blank
    cells, quoted or not, are read as null, and no other text is ("NA" stays "NA")."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SubmissionRejected(
            f"{file_name}: the file is not UTF-8 text (undecodable byte at position {exc.start}); "
            "save it as CSV UTF-8"
        ) from None
    if "\x00" in text[:65536]:
        raise SubmissionRejected(f"{file_name}: the file is not a CSV text file (binary content)")
    first_line = text.split("\n", 1)[0].rstrip("\r")
    if not first_line.strip():
        raise SubmissionRejected(f"{file_name}: the file is empty or has no header row")
    header = next(csv.reader([first_line]))
    warnings = _check_columns(file_name, table, header)
    names, blank = _header_names(file_name, header)
    body = content[3:] if content.startswith(codecs.BOM_UTF8) else content
    try:
        data = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(use_threads=True, block_size=1 << 24,
                                           column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in names},
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid:
        raise SubmissionRejected(
            f"{file_name}: not a readable CSV table: {_csv_problem(text, len(names))}"
        ) from None
    data, more = _drop_unnamed(file_name, data, blank)
    return data, warnings + more


def read_parquet_bytes(file_name: str, content: bytes, table: Table) -> tuple[pa.Table, list[str]]:
    try:
        data = pq.read_table(io.BytesIO(content))
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise SubmissionRejected(f"{file_name}: not a readable Parquet file ({exc})") from None
    return data, _check_columns(file_name, table, data.column_names)


def _cell_text(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def read_xlsx_bytes(file_name: str, content: bytes) -> dict[str, tuple[pa.Table, list[str]]]:
    """Each sheet named after a dataset file (``pathways`` or ``pathways.csv``) is a table.

    Row numbers are the sheet's own (blank rows are skipped but still counted), so a
    rejection points at the row the analyst sees in Excel. Other sheets are ignored with a
    warning; two sheets for the same table, or a header naming a column twice, reject the
    workbook rather than silently losing rows."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise SubmissionRejected(f"{file_name}: not a readable .xlsx workbook ({exc})") from None
    out: dict[str, tuple[pa.Table, list[str]]] = {}
    sheet_of: dict[str, str] = {}
    ignored: list[str] = []
    for sheet in book.worksheets:
        table = _table_for(sheet.title)
        if table is None:
            ignored.append(sheet.title)
            continue
        label = f"{file_name} sheet {sheet.title}"
        if table.name in out:
            raise SubmissionRejected(
                f"{label}: the workbook has two sheets for {table.file_name} "
                f"({sheet_of[table.name]} and {sheet.title}); keep one"
            )
        rows = sheet.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise SubmissionRejected(f"{label}: the sheet has no header row")
        header = [str(h).strip() if h is not None else "" for h in header_row]
        warnings = _check_columns(label, table, header)
        names, blank = _header_names(label, header)
        cols: dict[str, list] = {n: [] for n in names}
        numbers: list[int] = []
        beyond = False  # values to the right of the header's last column
        for number, r in enumerate(rows, start=2):
            if r is None or all(v is None for v in r):
                continue
            numbers.append(number)
            cells = list(r[:len(names)]) + [None] * (len(names) - len(r))
            for n, v in zip(names, cells, strict=True):
                cols[n].append(_cell_text(v))
            beyond = beyond or any(v is not None for v in r[len(names):])
        data = {n: pa.array(v, pa.string()) for n, v in cols.items()}
        data[ROW] = pa.array(numbers, pa.int64())
        arrow, more = _drop_unnamed(label, pa.table(data), blank)
        if beyond:
            more.append(f"{label}: values to the right of the last named column were ignored")
        out[table.name] = (arrow, warnings + more)
        sheet_of[table.name] = sheet.title
    if "pathways" not in out:
        raise SubmissionRejected(f"{file_name}: the workbook has no sheet named pathways")
    if ignored:
        first = next(iter(out.values()))[1]
        first.append(f"{file_name}: sheet(s) not in the dataset were ignored: "
                     + ", ".join(ignored))
    return out


def read_submission(
    path: str | Path | None = None, files: dict[str, bytes] | None = None
) -> tuple[list[RawFile], list[str]]:
    """Read a folder, a single file, a workbook, or in-memory files into RawFile objects."""
    if files is None:
        if path is None:
            raise SubmissionRejected("nothing to ingest: give a folder, a file or a workbook")
        p = Path(path)
        if p.is_dir():
            # Excel's "~$book.xlsx" lock files and hidden files are not part of the upload
            files = {f.name: f.read_bytes() for f in sorted(p.iterdir())
                     if f.is_file() and f.suffix.lower() in EXTENSIONS
                     and not f.name.startswith(("~$", "."))}
            if not files:
                raise SubmissionRejected(
                    f"{p}: the folder has no .csv, .parquet or .xlsx files"
                )
        elif p.is_file():
            files = {p.name: p.read_bytes()}
        else:
            raise SubmissionRejected(f"{p}: no such file or folder")
    warnings: list[str] = []
    out: list[RawFile] = []
    seen: set[str] = set()
    for name, content in files.items():
        suffix = Path(name).suffix.lower()
        digest = hashlib.sha256(content).hexdigest()
        if suffix == ".xlsx":
            for tname, (data, w) in read_xlsx_bytes(name, content).items():
                table = _table_for(tname)
                out.append(RawFile(f"{name}:{tname}", table, digest, len(content), content,
                                   _normalise(data, table), w))
            continue
        table = _table_for(name)
        if suffix not in EXTENSIONS:
            warnings.append(f"{name}: not a .csv, .parquet or .xlsx file; ignored")
            continue
        if table is None:
            # a misnamed table (pathway.csv) must not be silently dropped
            raise SubmissionRejected(
                f"{name}: not a file of the dataset; name each file after its table: "
                + ", ".join(t.file_name for t in TABLES)
            )
        if suffix == ".csv":
            data, w = read_csv_bytes(name, content, table)
            clean = not _needs_trimming(content)
        else:
            data, w = read_parquet_bytes(name, content, table)
            clean = False
        out.append(RawFile(name, table, digest, len(content), content,
                           _normalise(data, table, clean=clean), w))
    for f in out:
        if f.table.name in seen:
            raise SubmissionRejected(f"{f.file_name}: the submission has two {f.table.name} files")
        seen.add(f.table.name)
    if "pathways" not in seen:
        raise SubmissionRejected(
            "the submission has no pathways file (pathways.csv, pathways.parquet or a "
            "pathways sheet); it is required"
        )
    order = {t.name: i for i, t in enumerate(TABLES)}
    out.sort(key=lambda f: order[f.table.name])
    return out, warnings
