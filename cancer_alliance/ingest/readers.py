"""Reading a submission's files into all-text Arrow tables, losing nothing.

Every cell is kept as text exactly as written (trimmed of surrounding spaces; a blank cell
becomes null) so validation can report the value the provider sent. Each row carries
``_row``, its spreadsheet row number (the header is row 1). A file that cannot be read at
all raises :class:`~cancer_alliance.errors.SubmissionRejected` with one clear message.
"""

from __future__ import annotations

import codecs
import csv
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

from cancer_alliance.dataset import Table
from cancer_alliance.dataset.datasets import PATHWAY_DATASET, Dataset
from cancer_alliance.errors import SubmissionRejected
from cancer_alliance.ingest.limits import LIMITS, Limits, check, listed
from cancer_alliance.ingest.xlsx import MISSING, PLAIN, UNREADABLE, Workbook, column_letters

EXTENSIONS = (".csv", ".parquet", ".xlsx")
ROW = "_row"
# Per row, the columns (comma-separated) whose cell is a formula with no saved value: the
# validator rejects the row under ``formula_without_value`` (xlsx only).
FORMULAS = "_formula_missing"
CHUNK_ROWS = 65_536  # rows of a sheet held as Python values before they become Arrow


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


def _table_for(file_name: str, dataset: Dataset = PATHWAY_DATASET) -> Table | None:
    return dataset.table_for(Path(file_name).stem)


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
    return [f"{file_name}: column(s) not in the dataset were ignored: {listed(extra)}"]


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
    if FORMULAS in data.column_names:
        columns[FORMULAS] = data[FORMULAS]
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
            f"{label}: the header names a column more than once: {listed(repeated)}"
        )
    blank = [i for i, n in enumerate(names) if not n]
    for i in blank:
        names[i] = _unnamed(i)
    return names, blank


def _unnamed(position: int) -> str:
    """The placeholder name of a column with a blank header (0-based position)."""
    return f"_unnamed_{position + 1}"


def _drop_unnamed(label: str, data: pa.Table, blank: list[int]) -> tuple[pa.Table, list[str]]:
    """Drop the columns with a blank header; warn when any of them held a value.

    Found by name, not position: the CSV reader does not materialise the columns outside
    the dataset, so positions in ``data`` differ from the header's."""
    if not blank:
        return data, []
    names = [_unnamed(i) for i in blank]
    filled = [n for n in names
              if pc.any(pc.not_equal(pc.utf8_trim_whitespace(data[n]), "")).as_py()]
    data = data.drop_columns(names)
    if not filled:
        return data, []
    return data, [f"{label}: {len(filled)} column(s) with a blank header but with values were "
                  "ignored; give each column its dataset name"]


def _csv_problem(content: bytes, columns: int) -> str:
    """Where a CSV stops being a table, in words and without any cell's content.

    Runs only when the fast reader has already failed, so a row-by-row scan is fine here
    (streamed: the file is never decoded whole); the reader's own message quotes the
    offending line, which may hold an NHS number."""
    text = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")
    reader = csv.reader(text, strict=True)
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


def _utf8_error(content: bytes) -> int | None:
    """Position of the first byte that is not UTF-8, found in 1 MiB steps (never a copy of
    the whole file as text), or None when the file is UTF-8."""
    if content.isascii():
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1 << 20
    for start in range(0, len(content), step):
        chunk = content[start:start + step]
        try:
            decoder.decode(chunk, final=start + step >= len(content))
        except UnicodeDecodeError as exc:
            return start + exc.start - len(decoder.getstate()[0]) if start else exc.start
    return None


def _line_count(content: bytes) -> int:
    """Lines of a CSV as Arrow counts them (LF, CRLF or a lone CR ends a line)."""
    lf, cr = content.count(b"\n"), content.count(b"\r")
    lines = lf + cr - (content.count(b"\r\n") if cr else 0)
    return lines + (0 if content.endswith((b"\n", b"\r")) else 1)


def read_csv_bytes(file_name: str, content: bytes, table: Table,
                   limits: Limits = LIMITS) -> tuple[pa.Table, list[str]]:
    """A CSV's rows as text, and warnings about its columns.

    The bytes go to the Arrow reader as they are (only a byte order mark is cut off): blank
    cells, quoted or not, are read as null, and no other text is ("NA" stays "NA"). Before
    that, the cheap checks that bound its work: no NUL byte anywhere, a header line and a
    line count within the limits; after it, every cell within the cell limit."""
    bom = 3 if content.startswith(codecs.BOM_UTF8) else 0
    body = content[bom:]
    bad = _utf8_error(body)
    if bad is not None:
        raise SubmissionRejected(
            f"{file_name}: the file is not UTF-8 text (undecodable byte at position "
            f"{bad + bom}); save it as CSV UTF-8")
    nul = body.find(b"\x00")
    if nul >= 0:
        raise SubmissionRejected(f"{file_name}: the file is not a CSV text file (binary "
                                 f"content: a NUL byte at byte {nul + bom + 1:,})")
    # the header ends where Arrow ends a line: at LF, CRLF or a lone CR (a lone CR inside
    # the header once reached the csv module as a "new-line in unquoted field" traceback)
    end = min((i for i in (body.find(b"\n"), body.find(b"\r")) if i >= 0), default=len(body))
    check(file_name, "the length of the header line (bytes)", end, limits.max_header_bytes)
    first_line = body[:end].decode("utf-8")
    if not first_line.strip():
        raise SubmissionRejected(f"{file_name}: the file is empty or has no header row")
    check(file_name, "the number of columns in the header", first_line.count(",") + 1,
          limits.max_columns)
    check(file_name, "the number of data lines", _line_count(body) - 1, limits.max_rows)
    try:
        header = next(csv.reader([first_line], strict=True))
    except csv.Error:
        raise SubmissionRejected(f"{file_name}: the header row is not a readable CSV line; "
                                 "check the quotes around the column names") from None
    warnings = _check_columns(file_name, table, header)
    names, blank = _header_names(file_name, header)
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
                # columns outside the dataset are never materialised
                include_columns=[n for n in names if n in set(table.column_names)
                                 or n.startswith("_unnamed_")],
            ),
        )
    except pa.ArrowInvalid:
        raise SubmissionRejected(
            f"{file_name}: not a readable CSV table: {_csv_problem(content, len(names))}"
        ) from None
    _check_cells(file_name, data, limits)
    data, more = _drop_unnamed(file_name, data, blank)
    return data, warnings + more


def _check_cells(label: str, data: pa.Table, limits: Limits) -> None:
    """Reject a cell longer than the cell limit, naming its row and column (not its value)."""
    for name in data.column_names:
        if name == ROW:
            continue
        lengths = pc.utf8_length(data[name])
        longest = pc.max(lengths).as_py()
        if longest is not None and longest > limits.max_cell_chars:
            index = pc.index(lengths, longest).as_py()
            row = (data[ROW][index].as_py() if ROW in data.column_names else index + 2)
            check(label, f"the length of the cell in row {row}, column {name[:64]} "
                  "(characters)", longest, limits.max_cell_chars)


def read_parquet_bytes(file_name: str, content: bytes, table: Table,
                       limits: Limits = LIMITS) -> tuple[pa.Table, list[str]]:
    """A Parquet file's dataset columns, after its footer's sizes are checked."""
    try:
        parquet = pq.ParquetFile(io.BytesIO(content))
        meta = parquet.metadata
        unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise SubmissionRejected(f"{file_name}: not a readable Parquet file ({exc})") from None
    check(file_name, "the number of columns", meta.num_columns, limits.max_columns)
    check(file_name, "the number of rows", meta.num_rows, limits.max_rows)
    check(file_name, "the unpacked size the file declares (bytes)", unpacked,
          limits.max_decompressed_bytes)
    names = parquet.schema_arrow.names
    warnings = _check_columns(file_name, table, names)
    try:
        data = parquet.read(columns=[n for n in names if n in set(table.column_names)])
    except Exception as exc:
        raise SubmissionRejected(f"{file_name}: not a readable Parquet file ({exc})") from None
    check(file_name, "the number of rows read", data.num_rows, limits.max_rows)
    return data, warnings


class _Columns:
    """A sheet's cells gathered column by column, turned into Arrow every ``CHUNK_ROWS``
    rows so that Python objects for at most that many rows are alive at once."""

    def __init__(self, names: list[str]):
        self.names = names
        self.values: list[list[str | None]] = [[] for _ in names]
        self.chunks: list[list[pa.Array]] = [[] for _ in names]
        self.numbers: list[int] = []
        self.number_chunks: list[pa.Array] = []
        self.formulas: list[str | None] = []
        self.formula_chunks: list[pa.Array] = []
        self.any_formula = False

    def add(self, number: int, row: list[str | None], missing: str | None) -> None:
        for values, v in zip(self.values, row, strict=True):
            values.append(v)
        self.numbers.append(number)
        self.formulas.append(missing)
        self.any_formula = self.any_formula or missing is not None
        if len(self.numbers) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        for values, chunks in zip(self.values, self.chunks, strict=True):
            chunks.append(pa.array(values, pa.string()))
            values.clear()
        self.number_chunks.append(pa.array(self.numbers, pa.int64()))
        self.formula_chunks.append(pa.array(self.formulas, pa.string()))
        self.numbers, self.formulas = [], []

    def table(self) -> pa.Table:
        self.flush()
        data = {n: pa.chunked_array(c, pa.string()) for n, c in zip(self.names, self.chunks,
                                                                    strict=True)}
        data[ROW] = pa.chunked_array(self.number_chunks, pa.int64())
        if self.any_formula:
            data[FORMULAS] = pa.chunked_array(self.formula_chunks, pa.string())
        return pa.table(data)


def _read_sheet(book: Workbook, label: str, title: str, part: str, table: Table
                ) -> tuple[pa.Table, list[str]]:
    rows = book.rows(title, part)
    first = next(rows, None)
    if first is None:
        raise SubmissionRejected(f"{label}: the sheet has no header row")
    number, cells = first
    if number != 1:  # the first row of the sheet is blank: there is no header
        cells = []
    header = [""] * max((c.column for c in cells), default=0)
    for c in cells:
        header[c.column - 1] = (c.text or "").strip()
    warnings = _check_columns(label, table, header)
    names, blank = _header_names(label, header)
    columns = _Columns(names)
    width = len(names)
    beyond = False  # values to the right of the header's last column
    cached: list[str] = []  # formula cells read from the value saved with them
    for number, cells in rows:
        row: list[str | None] = [None] * width
        missing: list[str] = []
        filled = False
        for c in cells:
            if c.text is None and c.formula == PLAIN:
                continue
            if c.column > width:
                beyond = beyond or c.text is not None
                continue
            filled = True
            row[c.column - 1] = c.text
            if c.formula == MISSING:
                missing.append(names[c.column - 1])
            elif c.formula != PLAIN:
                cached.append(f"{column_letters(c.column)}{number}")
        if filled:
            columns.add(number, row, ",".join(missing) if missing else None)
    arrow, more = _drop_unnamed(label, columns.table(), blank)
    if beyond:
        more.append(f"{label}: values to the right of the last named column were ignored")
    if cached:
        more.append(f"{label}: {len(cached):,} formula cell(s) were read from the value "
                    f"saved with the formula: {listed(cached)}; check that they are the "
                    "values you meant to send")
    return arrow, warnings + more


def read_xlsx_bytes(file_name: str, content: bytes, limits: Limits = LIMITS,
                    dataset: Dataset = PATHWAY_DATASET
                    ) -> dict[str, tuple[pa.Table, list[str]]]:
    """Each sheet named after a dataset file (``pathways`` or ``pathways.csv``) is a table.

    Row numbers are the sheet's own (blank rows are skipped but still counted), so a
    rejection points at the row the analyst sees in Excel. Other sheets are ignored with a
    warning (and never parsed); two sheets for the same table, or a header naming a column
    twice, reject the workbook rather than silently losing rows. The sheets are streamed
    by :class:`~cancer_alliance.ingest.xlsx.Workbook` within ``limits``."""
    try:
        return _read_xlsx(file_name, content, limits, dataset)
    except UNREADABLE as exc:  # damaged or malicious parts, met while streaming a sheet
        raise SubmissionRejected(f"{file_name}: not a readable .xlsx workbook ({exc})") from None


def _read_xlsx(file_name: str, content: bytes, limits: Limits, dataset: Dataset
               ) -> dict[str, tuple[pa.Table, list[str]]]:
    book = Workbook(file_name, content, limits)
    out: dict[str, tuple[pa.Table, list[str]]] = {}
    sheet_of: dict[str, str] = {}
    ignored: list[str] = []
    for title, part in book.sheets:
        table = _table_for(title, dataset)
        if table is None:
            ignored.append(title)
            continue
        label = f"{file_name} sheet {title}"
        if table.name in out:
            raise SubmissionRejected(
                f"{label}: the workbook has two sheets for {table.file_name} "
                f"({sheet_of[table.name]} and {title}); keep one"
            )
        out[table.name] = _read_sheet(book, label, title, part, table)
        sheet_of[table.name] = title
    if dataset.required_file and dataset.required_file not in out:
        raise SubmissionRejected(
            f"{file_name}: the workbook has no sheet named {dataset.required_file}")
    if not out:
        raise SubmissionRejected(f"{file_name}: the workbook has no sheet named "
                                 + " or ".join(t.name for t in dataset.tables))
    if ignored:
        first = next(iter(out.values()))[1]
        first.append(f"{file_name}: sheet(s) not in the dataset were ignored: "
                     + listed(ignored))
    return out


def _files_of(path: str | Path, limits: Limits) -> dict[str, bytes]:
    """The files of a folder or a single file, each size checked before it is read."""
    p = Path(path)
    if p.is_dir():
        # Excel's "~$book.xlsx" lock files and hidden files are not part of the upload
        paths = [f for f in sorted(p.iterdir())
                 if f.is_file() and f.suffix.lower() in EXTENSIONS
                 and not f.name.startswith(("~$", "."))]
        if not paths:
            raise SubmissionRejected(f"{p}: the folder has no .csv, .parquet or .xlsx files")
    elif p.is_file():
        paths = [p]
    else:
        raise SubmissionRejected(f"{p}: no such file or folder")
    total = 0
    for f in paths:
        size = f.stat().st_size
        check(f.name, "the size of the file (bytes)", size, limits.max_file_bytes)
        total += size
    check(str(p.name), "the size of the submission's files together (bytes)", total,
          limits.max_submission_bytes)
    return {f.name: f.read_bytes() for f in paths}


def read_submission(
    path: str | Path | None = None, files: dict[str, bytes] | None = None,
    limits: Limits = LIMITS, dataset: Dataset = PATHWAY_DATASET,
) -> tuple[list[RawFile], list[str]]:
    """Read a folder, a single file, a workbook, or in-memory files into RawFile objects
    (the files of ``dataset``: the pathway dataset unless told)."""
    if files is None:
        if path is None:
            raise SubmissionRejected("nothing to ingest: give a folder, a file or a workbook")
        files = _files_of(path, limits)
    for name, content in files.items():
        check(name[:40] + ("..." if len(name) > 40 else ""), "the length of the file's name "
              "(bytes)", len(name.encode("utf-8", "surrogatepass")), limits.max_file_name_bytes)
        check(name, "the size of the file (bytes)", len(content), limits.max_file_bytes)
    check("the submission", "the size of its files together (bytes)",
          sum(len(c) for c in files.values()), limits.max_submission_bytes)
    warnings: list[str] = []
    out: list[RawFile] = []
    seen: set[str] = set()
    for name, content in files.items():
        suffix = Path(name).suffix.lower()
        digest = hashlib.sha256(content).hexdigest()
        if suffix == ".xlsx":
            for tname, (data, w) in read_xlsx_bytes(name, content, limits, dataset).items():
                table = _table_for(tname, dataset)
                out.append(RawFile(f"{name}:{tname}", table, digest, len(content), content,
                                   _normalise(data, table), w))
            continue
        table = _table_for(name, dataset)
        if suffix not in EXTENSIONS:
            warnings.append(f"{name}: not a .csv, .parquet or .xlsx file; ignored")
            continue
        if table is None:
            # a misnamed table (pathway.csv) must not be silently dropped
            raise SubmissionRejected(
                f"{name}: not a file of the dataset; name each file after its table: "
                + ", ".join(t.file_name for t in dataset.tables)
            )
        if suffix == ".csv":
            data, w = read_csv_bytes(name, content, table, limits)
            clean = not _needs_trimming(content)
        else:
            data, w = read_parquet_bytes(name, content, table, limits)
            _check_cells(name, data.select([c for c in data.column_names
                                            if pa.types.is_string(data[c].type)]), limits)
            clean = False
        out.append(RawFile(name, table, digest, len(content), content,
                           _normalise(data, table, clean=clean), w))
    for f in out:
        if f.table.name in seen:
            raise SubmissionRejected(f"{f.file_name}: the submission has two {f.table.name} files")
        seen.add(f.table.name)
    required = dataset.required_file
    if required and required not in seen:
        raise SubmissionRejected(
            f"the submission has no {required} file ({required}.csv, {required}.parquet or "
            f"a {required} sheet); it is required"
        )
    if not seen:
        raise SubmissionRejected(
            "the submission has none of the dataset's files: "
            + ", ".join(t.file_name for t in dataset.tables))
    order = {t.name: i for i, t in enumerate(dataset.tables)}
    out.sort(key=lambda f: order[f.table.name])
    return out, warnings
