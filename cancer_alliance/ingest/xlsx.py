"""A bounded, streaming reader of .xlsx workbooks: each sheet's cells as text, row by row.

Why not openpyxl's reader: it trusts the sheet's declared ``<dimension>`` (a 5 KB workbook
declaring ``A1:XFD1048576`` made it pad a billion empty cells), loads every shared string
before the first row, and with ``data_only`` turns a formula cell with no saved value into
a blank without saying so. This reader parses the sheet XML as it is unzipped
(``defusedxml``'s ``iterparse``: no DTDs, no entities), keeps one row at a time, checks
every :class:`~cancer_alliance.ingest.limits.Limits` bound as it goes (zip members and
their declared and actual unpacked bytes, the declared dimension, shared strings, row and
column numbers, cells in a row, cell length, XML elements held at once), and reports
each formula cell: read from the value Excel saved with it, or marked as having none.
Values become the text openpyxl would have given (numbers ``3`` not ``3.0``,
date-formatted numbers as ``YYYY-MM-DD``) so a workbook and its CSV export load the same
rows.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from cancer_alliance.errors import SubmissionRejected
from cancer_alliance.ingest.limits import LIMITS, Limits, check

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")

# What a damaged or malicious workbook raises while it is read: reported as unreadable.
UNREADABLE = (zipfile.BadZipFile, zlib.error, ParseError, DefusedXmlException, ValueError,
              KeyError, IndexError, EOFError, OSError, NotImplementedError, RuntimeError,
              UnicodeError)

# What a formula cell's value is: no formula, a formula with the value Excel saved, or a
# formula with none (the workbook was written by a program that does not calculate).
PLAIN, CACHED, MISSING = 0, 1, 2


def _local(tag: str) -> str:
    """Element name without its namespace (transitional and strict OOXML both occur)."""
    return tag.rsplit("}", 1)[-1]


def column_number(letters: str) -> int:
    """``A`` -> 1, ``XFD`` -> 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(number: int) -> str:
    """1 -> ``A``: for naming cells in messages."""
    out = ""
    while number:
        number, rest = divmod(number - 1, 26)
        out = chr(65 + rest) + out
    return out


def cell_text(value: object) -> str | None:
    """A cell's value as the text a CSV export would have (dates ISO, whole floats plain)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Counted(io.RawIOBase):
    """A zip member read through a meter: the workbook's unpacked bytes, as actually read,
    may not pass the limit, whatever the zip's directory declares."""

    def __init__(self, source: IO[bytes], book: Workbook):
        self.source, self.book = source, book

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.source.read(len(buffer))
        self.book.unpacked += len(data)
        check(self.book.label, "the unpacked size of the workbook (bytes read)",
              self.book.unpacked, self.book.limits.max_decompressed_bytes)
        buffer[:len(data)] = data
        return len(data)


@dataclass
class Cell:
    column: int  # 1-based
    text: str | None
    formula: int  # PLAIN, CACHED or MISSING


class Workbook:
    """An opened workbook: its sheets' names, styles and (on first use) shared strings."""

    def __init__(self, label: str, content: bytes, limits: Limits = LIMITS):
        self.label, self.limits, self.unpacked = label, limits, 0
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(content))
            members = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise SubmissionRejected(f"{label}: not a readable .xlsx workbook ({exc})") from None
        check(label, "the number of files inside the workbook", len(members),
              limits.max_zip_members)
        check(label, "the unpacked size the workbook declares (bytes)",
              sum(m.file_size for m in members), limits.max_decompressed_bytes)
        self.names = {m.filename for m in members}
        try:
            self._read_structure()
        except UNREADABLE as exc:  # a damaged part: the workbook cannot be read
            raise SubmissionRejected(f"{label}: not a readable .xlsx workbook ({exc})") from None
        self._strings: list[str] | None = None

    # -- parts ---------------------------------------------------------------------------
    def _open(self, name: str) -> IO[bytes]:
        return io.BufferedReader(_Counted(self.zip.open(name), self), 1 << 16)

    def _parse(self, name: str, keep: frozenset[str] = frozenset(),
               label: str | None = None) -> Iterator[tuple[str, Any]]:
        """``start`` and ``end`` events of a part, each element released once it has ended.

        An element is dropped from its parent right after its ``end`` event has been
        handled, unless it lies inside an element named in ``keep`` (a cell, a shared
        string: their children are read at their end), which is dropped whole when it ends.
        So what stays in memory is the open elements and the kept ones' children, and that
        count is checked against ``max_xml_elements``: a row of twenty million unknown
        elements, elements after ``sheetData`` or a huge styles part once held all of them
        (0.6 MB packed took 4 GB), and deep nesting cannot be released at all."""
        label = label or self.label
        limit = self.limits.max_xml_elements
        what = f"the number of XML elements held at once in {name}"
        stack: list[Any] = []  # the open elements
        kept = held = 0  # open elements named in ``keep``; elements seen and not released
        for event, el in iterparse(self._open(name), events=("start", "end"),
                                   forbid_dtd=True):
            if event == "start":
                held += 1
                if held > limit:
                    check(label, what, held, limit)
                stack.append(el)
                if keep and _local(el.tag) in keep:
                    kept += 1
                yield event, el
                continue
            stack.pop()
            if kept and _local(el.tag) in keep:
                kept -= 1
            yield event, el
            if not kept and stack:
                # the parser reads ahead, so siblings it has already started may follow
                # ``el`` here: they keep their own children and are dropped again at their end
                del stack[-1][:]
                held = len(stack)

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, target path) of a part."""
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if rels not in self.names:
            return {}
        out = {}
        for event, el in self._parse(rels):
            if event == "end" and _local(el.tag) == "Relationship":
                target = el.get("Target", "")
                path = (target.lstrip("/") if target.startswith("/")
                        else posixpath.normpath(posixpath.join(folder, target)))
                out[el.get("Id", "")] = (el.get("Type", ""), path)
        return out

    def _read_structure(self) -> None:
        main = next((p for t, p in self._rels("").values() if t.endswith("/officeDocument")),
                    "xl/workbook.xml")
        if main not in self.names:
            raise SubmissionRejected(f"{self.label}: not a readable .xlsx workbook "
                                     "(it has no workbook part)")
        rels = self._rels(main)
        self.sheets: list[tuple[str, str]] = []  # (title, part)
        self.epoch = CALENDAR_WINDOWS_1900
        for event, el in self._parse(main):
            name = _local(el.tag)
            if event == "start":
                continue
            if name == "sheet":
                rel = rels.get(el.get(f"{{{_REL_NS}}}id", ""))
                if rel and rel[1] in self.names:
                    self.sheets.append((el.get("name", ""), rel[1]))
            elif name == "workbookPr" and el.get("date1904") in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904
        by_type = {t.rsplit("/", 1)[-1]: p for t, p in rels.values()}
        self.strings_part = by_type.get("sharedStrings")
        self.date_styles = self._date_styles(by_type.get("styles"))

    def _date_styles(self, part: str | None) -> frozenset[int]:
        """Style indexes whose number format shows a date (their numbers are dates)."""
        if not part or part not in self.names:
            return frozenset()
        custom: dict[int, str] = {}
        formats: list[int] = []
        in_xfs = False
        for event, el in self._parse(part):
            name = _local(el.tag)
            if name == "cellXfs":
                in_xfs = event == "start"
            elif event == "end" and name == "numFmt":
                custom[int(el.get("numFmtId", "0"))] = el.get("formatCode", "")
            elif event == "end" and name == "xf" and in_xfs:
                formats.append(int(el.get("numFmtId", "0")))
        return frozenset(i for i, f in enumerate(formats)
                         if is_date_format(custom.get(f, BUILTIN_FORMATS.get(f))))

    @property
    def strings(self) -> list[str]:
        """The shared-string table, read once, bounded by its declared and actual size."""
        if self._strings is None:
            self._strings = self._read_strings()
        return self._strings

    def _read_strings(self) -> list[str]:
        if not self.strings_part or self.strings_part not in self.names:
            return []
        limit = self.limits.max_shared_strings
        what = "the number of shared strings in the workbook"
        with self.zip.open(self.strings_part) as f:  # the declared count, if any, first
            for declared in re.findall(rb'(?:uniqueCount|count)="([0-9]{1,12})"', f.read(4096)):
                check(self.label, what + " (declared)", int(declared), limit)
        check(self.label, what, self._count_strings(), limit)
        strings: list[str] = []
        for event, el in self._parse(self.strings_part, keep=frozenset({"si"})):
            name = _local(el.tag)
            if event == "start":
                if name == "sst":
                    for attr in ("uniqueCount", "count"):
                        declared = el.get(attr, "")
                        if declared.isdigit():
                            check(self.label, what + " (declared)", int(declared), limit)
                continue
            if name == "si":
                strings.append(_unescape(_rich_text(el)))
                check(self.label, what, len(strings), limit)
        return strings

    def _count_strings(self) -> int:
        """Entries of the shared-string table, counted in the unpacked bytes at C speed
        before any is parsed (parsing costs about 10 us each: 8 million took 80 s). Markup
        cannot occur inside text or attribute values, so ``<si>``/``<si `` is exact."""
        n, tail = 0, b""
        with self.zip.open(self.strings_part) as f:  # stops at the declared size
            while chunk := f.read(1 << 20):
                block = tail + chunk
                n += sum(block.count(t) for t in (b"<si>", b"<si ", b":si>", b":si "))
                tail = block[-4:]
                n -= sum(tail.count(t) for t in (b"<si>", b"<si ", b":si>", b":si "))
        return n + sum(tail.count(t) for t in (b"<si>", b"<si ", b":si>", b":si "))

    # -- cells -----------------------------------------------------------------------------
    def rows(self, title: str, part: str) -> Iterator[tuple[int, list[Cell]]]:
        """(row number, cells) of every ``<row>`` of a sheet, one at a time.

        Row and column numbers are checked against the limits as they are read; the
        declared ``<dimension>`` is checked too but never used to size anything."""
        label = f"{self.label} sheet {title}"
        lim = self.limits
        last_row = lim.max_rows + 1  # the header is row 1
        strings: list[str] | None = None
        columns: dict[str, int] = {}
        row_number = 0
        rows_seen = 0
        cells: list[Cell] = []
        col = 0
        for event, el in self._parse(part, keep=frozenset({"c"}), label=label):
            name = _local(el.tag)
            if event == "start":
                if name == "c":
                    # counted before the cell is read: repeated or decreasing references
                    # pass the column check (five million cells at A2 once took 1.2 GB)
                    check(label, f"the number of cells in row {row_number}", len(cells) + 1,
                          lim.max_columns, "a row may have at most that many cells")
                elif name == "row":
                    r = el.get("r")
                    row_number = int(r) if r and r.isdigit() else row_number + 1
                    check(label, "a row number", row_number, last_row,
                          "a sheet may have at most that many rows, the header included")
                    rows_seen += 1
                    check(label, "the number of rows", rows_seen, last_row)
                    cells, col = [], 0
                continue
            if name == "c":
                ref = el.get("r")
                m = _REF.match(ref) if ref else None
                if m:
                    letters = m.group(1)
                    col = columns.get(letters) or columns.setdefault(
                        letters, column_number(letters))
                else:
                    col += 1
                check(label, "a column number", col, lim.max_columns,
                      f"cell {ref or column_letters(min(col, 16384))}{'' if ref else row_number}")
                kind = el.get("t", "n")
                if kind == "s" and strings is None:
                    strings = self.strings
                cell = self._cell(el, kind, strings, label)
                if cell.text is not None:
                    check(label, f"the length of cell {column_letters(col)}{row_number} "
                          "(characters)", len(cell.text), lim.max_cell_chars)
                cell.column = col
                cells.append(cell)
            elif name == "row":
                yield row_number, cells
                cells = []
            elif name == "dimension":
                self._check_dimension(label, el.get("ref", ""))

    def _check_dimension(self, label: str, ref: str) -> None:
        last = ref.rsplit(":", 1)[-1].replace("$", "")
        m = _REF.match(last)
        if not m:
            return  # a malformed dimension is ignored: nothing trusts it
        check(label, f"the declared sheet size ({ref}) in rows", int(m.group(2)),
              self.limits.max_rows + 1)
        check(label, f"the declared sheet size ({ref}) in columns", column_number(m.group(1)),
              self.limits.max_columns)

    def _cell(self, el, kind: str, strings: list[str] | None, label: str) -> Cell:
        formula = value = inline = None
        for child in el:
            name = _local(child.tag)
            if name == "v":
                value = child
            elif name == "f":
                formula = child
            elif name == "is":
                inline = child
        state = PLAIN if formula is None else (CACHED if value is not None else MISSING)
        if state == MISSING:
            return Cell(0, "=" + (formula.text or ""), MISSING)
        if kind == "inlineStr":
            return Cell(0, _rich_text(inline) if inline is not None else None, state)
        raw = value.text if value is not None else None
        if not raw:
            return Cell(0, None, state)
        if kind == "s":
            try:
                return Cell(0, strings[int(raw)], state)  # type: ignore[index]
            except (ValueError, IndexError, TypeError):
                raise SubmissionRejected(f"{label}: not a readable .xlsx workbook (a cell "
                                         "refers to a shared string that does not exist)"
                                         ) from None
        if kind == "n":
            return Cell(0, self._number(raw, el.get("s")), state)
        if kind == "b":
            return Cell(0, str(raw.strip() not in ("0", "false")), state)
        if kind == "d":
            try:
                return Cell(0, cell_text(dt.datetime.fromisoformat(raw)), state)
            except ValueError:
                return Cell(0, raw, state)
        return Cell(0, raw, state)  # str (a formula's text), e (an error such as #N/A)

    def _number(self, raw: str, style: str | None) -> str:
        try:
            number: float | int = (float(raw) if ("." in raw or "e" in raw or "E" in raw)
                                   else int(raw))
        except ValueError:
            return raw
        if style and style.isdigit() and int(style) in self.date_styles:
            try:
                return cell_text(from_excel(number, self.epoch)) or raw
            except (OverflowError, ValueError, TypeError):
                return "#VALUE!"  # as openpyxl: a date serial outside the calendar
        return cell_text(number) or raw


def _rich_text(el) -> str:
    """The text of a shared or inline string: its ``t`` and runs' ``t``, not phonetics."""
    parts = []
    for child in el:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            for t in child:
                if _local(t.tag) == "t":
                    parts.append(t.text or "")
    return "".join(parts)


def _unescape(text: str) -> str:
    """As openpyxl reads shared strings: Excel's escaped underscore ``_x005F_`` loses its
    marker; other ``_xHHHH_`` escapes stay as written (no control characters appear)."""
    return text.replace("x005F_", "") if "x005F_" in text else text
