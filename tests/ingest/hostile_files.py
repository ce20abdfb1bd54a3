"""Builders of hostile and unusual submission files, for the regression tests and for
``benchmarks/bench_hostile.py`` (which measures time and peak memory on each).

Workbooks are written part by part (not with openpyxl) so that a test can declare what
no well-behaved writer would: a huge ``<dimension>``, millions of shared strings, formula
cells with no saved value, a zip member larger than its directory says.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from .ingest_helpers import VALID_PATHWAY, csv_bytes

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER = list(VALID_PATHWAY)
VALUES = list(VALID_PATHWAY.values())


def col(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def inline_row(number: int, values: list[str], start: int = 1) -> str:
    cells = "".join(
        f'<c r="{col(i)}{number}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
        for i, v in enumerate(values, start) if v != "")
    return f'<row r="{number}">{cells}</row>'


def sheet_xml(rows: str | list[str], dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    body = rows if isinstance(rows, str) else "".join(rows)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">{dim}<sheetData>{body}</sheetData>'
            "</worksheet>")


def workbook(sheets: dict[str, str], *, shared_strings: str | bytes | None = None,
             styles: str | None = None, level: int = 6) -> bytes:
    """An .xlsx with the given sheet XML parts (and optional shared strings and styles)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        parts = [("/xl/workbook.xml", f"{ct}.sheet.main+xml")]
        parts += [(f"/xl/worksheets/sheet{i}.xml", f"{ct}.worksheet+xml")
                  for i in range(1, len(sheets) + 1)]
        if shared_strings is not None:
            parts.append(("/xl/sharedStrings.xml", f"{ct}.sharedStrings+xml"))
        if styles is not None:
            parts.append(("/xl/styles.xml", f"{ct}.styles+xml"))
        overrides = "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in parts)
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="rels" ContentType="'
                   'application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   f"{overrides}</Types>")
        z.writestr("_rels/.rels",
                   f'<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" '
                   f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        rels = [f'<Relationship Id="rId{i}" Type="{REL}/worksheet" '
                f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1)]
        if shared_strings is not None:
            rels.append(f'<Relationship Id="rS" Type="{REL}/sharedStrings" '
                        'Target="sharedStrings.xml"/>')
            z.writestr("xl/sharedStrings.xml", shared_strings)
        if styles is not None:
            rels.append(f'<Relationship Id="rT" Type="{REL}/styles" Target="styles.xml"/>')
            z.writestr("xl/styles.xml", styles)
        z.writestr("xl/_rels/workbook.xml.rels",
                   f'<?xml version="1.0"?><Relationships xmlns="{PKG}">{"".join(rels)}'
                   "</Relationships>")
        listed = "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, n in enumerate(sheets, 1))
        z.writestr("xl/workbook.xml",
                   f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
                   f"<sheets>{listed}</sheets></workbook>")
        for i, xml in enumerate(sheets.values(), 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return buf.getvalue()


def dimension_bomb(last_row: int = 1_048_576, declare: bool = True) -> bytes:
    """The issue's 5 KB workbook: a header, ``A1:XFD1048576`` declared (or no dimension),
    and one cell in row ``last_row``."""
    rows = [inline_row(1, HEADER), f'<row r="{last_row}"><c r="A{last_row}" t="inlineStr">'
            "<is><t>RAA</t></is></c></row>"]
    return workbook({"pathways": sheet_xml(rows, "A1:XFD1048576" if declare else None)})


def shared_string_bomb(count: int = 8_000_000, declare: bool = True) -> bytes:
    """A workbook whose shared-string table holds ``count`` one-letter strings (the issue's
    0.38 MB file held 8 million) and whose sheet uses the first."""
    attrs = f' count="{count}" uniqueCount="{count}"' if declare else ""
    body = io.BytesIO()
    body.write(f'<?xml version="1.0"?><sst xmlns="{MAIN}"{attrs}>'.encode())
    body.write(b"<si><t>x</t></si>" * count)
    body.write(b"</sst>")
    rows = [inline_row(1, HEADER), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>']
    return workbook({"pathways": sheet_xml(rows)}, shared_strings=body.getvalue(), level=9)


def zip_bomb(unpacked: int = 600 * 1024 * 1024) -> bytes:
    """A sheet padded with ``unpacked`` bytes of spaces: a few hundred KB packed."""
    pad = " " * unpacked
    rows = inline_row(1, HEADER) + pad
    return workbook({"pathways": sheet_xml(rows)}, level=9)


def lying_zip(declared: int = 1000) -> bytes:
    """A workbook whose sheet's directory entry claims ``declared`` bytes unpacked while the
    member really unpacks to about 2 MB: only the meter on actual bytes can see it."""
    rows = [inline_row(1, HEADER)] + [inline_row(n, VALUES) for n in range(2, 2000)]
    book = bytearray(workbook({"pathways": sheet_xml(rows)}))
    name = b"xl/worksheets/sheet1.xml"
    # patch the uncompressed size in the local header and in the central directory
    for sig, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = 0
        while (at := book.find(sig, at)) >= 0:
            if book[at + name_at:at + name_at + len(name)] == name:
                book[at + size_at:at + size_at + 4] = declared.to_bytes(4, "little")
            at += 4
    return bytes(book)


def formula_workbook(rows: int = 197, cached: bool = False) -> bytes:
    """``rows`` pathways whose ``first_treatment_date`` is ``=DATE(2024,4,20)``, written
    with the value Excel saves (a date-styled serial) or, as a program that does not
    calculate writes it, with none."""
    at = HEADER.index("first_treatment_date") + 1
    out = [inline_row(1, HEADER)]
    for n in range(2, rows + 2):
        values = dict(VALID_PATHWAY, pathway_id=f"P{n}")
        cells = inline_row(n, [v for k, v in values.items()
                               if k != "first_treatment_date"][:at - 1])[len(f'<row r="{n}">'):-6]
        value = '<v>45402</v>' if cached else ""
        cells += f'<c r="{col(at)}{n}" s="1"><f>DATE(2024,4,20)</f>{value}</c>'
        rest = list(values.values())[at:]
        cells += inline_row(n, rest, start=at + 1)[len(f'<row r="{n}">'):-6]
        out.append(f'<row r="{n}">{cells}</row>')
    styles = (f'<?xml version="1.0"?><styleSheet xmlns="{MAIN}"><cellXfs count="2">'
              '<xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>')
    return workbook({"pathways": sheet_xml(out)}, styles=styles)


def wide_header_csv(columns: int = 1_000_031) -> bytes:
    """The issue's 10.9 MB CSV: the pathways header then a million more column names."""
    extra = ",".join(f"col{i:07d}" for i in range(columns - len(HEADER)))
    return (",".join(HEADER) + "," + extra + "\n").encode()


def nul_after_64k() -> bytes:
    """A valid pathways file with a NUL byte placed after its first 64 KiB."""
    rows = [dict(VALID_PATHWAY, pathway_id=f"P{i}") for i in range(500)]
    data = bytearray(csv_bytes(rows))
    at = data.index(b"P450,")
    assert at > 65_536
    data[at + 1:at + 1] = b"\x00"
    return bytes(data)


def huge_cell_csv(chars: int = 10 * 1024 * 1024) -> bytes:
    """One pathway whose ``pathway_id`` is ``chars`` characters long."""
    return csv_bytes([dict(VALID_PATHWAY, pathway_id="A" * chars)])


def _padded_sheet(row_two: bytes, after: bytes = b"") -> bytes:
    """The pathways header, then ``row_two`` as row 2's content, then ``after`` (bytes, so a
    hundred million repeats are joined without a Python string of each)."""
    head = sheet_xml(inline_row(1, HEADER) + '<row r="2">\x00</row>')
    before, rest = head.encode().split(b"\x00")
    return before + row_two + rest.replace(b"</worksheet>", after + b"</worksheet>")


def repeated_cell_bomb(cells: int = 5_000_000) -> bytes:
    """Row 2 holds ``cells`` empty cells all at ``A2``: each is in range, so only a count
    of cells per row sees them (the reader once kept them all: 5 million took 1.5 GB)."""
    return workbook({"pathways": _padded_sheet(b'<c r="A2"/>' * cells)}, level=9)


def child_element_bomb(children: int = 20_000_000) -> bytes:
    """Row 2 holds ``children`` unknown empty elements: a row's children were held until
    the row ended."""
    return workbook({"pathways": _padded_sheet(b"<x/>" * children)}, level=9)


def trailing_element_bomb(children: int = 10_000_000) -> bytes:
    """``children`` elements after ``sheetData`` (where ``mergeCells`` would be): the
    elements outside the rows were never released."""
    after = b"<mergeCells>" + b'<mergeCell ref="A1:B1"/>' * children + b"</mergeCells>"
    return workbook({"pathways": _padded_sheet(b"", after)}, level=9)


def nested_element_bomb(depth: int = 2_000_000) -> bytes:
    """``depth`` unknown elements nested inside row 2: open elements cannot be released,
    so only a bound on the elements held refuses them."""
    return workbook({"pathways": _padded_sheet(b"<x>" * depth + b"</x>" * depth)}, level=9)


def styles_element_bomb(children: int = 20_000_000) -> bytes:
    """A styles part of ``children`` elements (read whole before any row)."""
    styles = (f'<?xml version="1.0"?><styleSheet xmlns="{MAIN}">'.encode()
              + b"<x/>" * children + b"</styleSheet>")
    sheet = sheet_xml([inline_row(1, HEADER), inline_row(2, VALUES)])
    return workbook({"pathways": sheet}, styles=styles.decode(), level=9)
