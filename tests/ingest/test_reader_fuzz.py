"""Property-based fuzzing of the readers: any bytes, as a CSV or a workbook, either read or
are rejected with a :class:`SubmissionRejected`, within a time and memory budget per input.

Hypothesis draws three kinds of input: raw bytes; a CSV with the dataset's header and cells
of awkward text (quotes, separators, NUL, line breaks, non-ASCII, formula-like values);
and workbooks written part by part with awkward row numbers, cell references, types,
formulas, shared strings and declared dimensions, or a valid workbook with bytes flipped.
The time budget is Hypothesis' ``deadline``; the memory budget is the peak of Python
allocations (``tracemalloc``) while one input is read. The coverage-guided run with atheris
is ``benchmarks/bench_fuzz_readers.py``.
"""

from __future__ import annotations

import tracemalloc
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cancer_alliance.errors import SubmissionRejected
from cancer_alliance.ingest.readers import read_submission

from . import hostile_files as hf

MEMORY_BUDGET = 64 * 1024 * 1024  # bytes of Python allocations for one small input
FUZZ = settings(max_examples=150, deadline=3000, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

AWKWARD = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", '"', '""', ",", "\n", "\r\n", "\x00", "=1+2", "-3+4", "@SUM(1)",
                     "9434765919", "2024-05-01", "2024-02-30", "NA", "\ufeff", "é", "\u2028",
                     "1e309", "-0", "<t>x</t>", "&amp;", "]]>"]),
)


def _read(files: dict[str, bytes]) -> None:
    """Read within the memory budget; anything but success or SubmissionRejected fails."""
    tracemalloc.start()
    try:
        read_submission(files=files)
    except SubmissionRejected:
        pass
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < MEMORY_BUDGET, f"reading used {peak:,} bytes of Python memory"


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from(["pathways.csv", "pathways.xlsx",
                                                    "pathways.parquet"]))
def test_any_bytes_are_read_or_rejected(content, name):
    _read({name: content})


@FUZZ
@given(st.lists(st.lists(AWKWARD, max_size=35), max_size=20), st.sampled_from(["\n", "\r\n"]),
       st.booleans())
def test_any_csv_is_read_or_rejected(rows, newline, bom):
    header = ",".join(hf.HEADER)
    body = newline.join(",".join(r) for r in rows)
    content = (("\ufeff" if bom else "") + header + newline + body).encode("utf-8",
                                                                           "surrogatepass")
    _read({"pathways.csv": content})


REFS = st.one_of(st.none(), st.builds(lambda c, r: f"{hf.col(c)}{r}",
                                      st.integers(1, 20_000), st.integers(0, 2_000_000)),
                 st.sampled_from(["", "A", "1", "AAAA1", "a1", "A01"]))
def _attr(name: str, value: object) -> str:
    return "" if value is None else f' {name}="{value}"'


def _cell(ref, kind, value, formula, style) -> str:
    inner = "" if formula is None else f"<f>{formula}</f>"
    if kind == "inlineStr":
        inner += f"<is><t>{value or ''}</t></is>"
    elif value is not None:
        inner += f"<v>{value}</v>"
    return f"<c{_attr('r', ref)}{_attr('t', kind)}{_attr('s', style)}>{inner}</c>"


CELL = st.builds(
    _cell, REFS, st.sampled_from([None, "n", "s", "str", "b", "e", "d", "inlineStr", "zz"]),
    st.one_of(st.none(), st.sampled_from(["0", "1", "-1", "45402", "1e308", "1.5", "abc",
                                          "2024-05-01T00:00:00", "99999999999", ""])),
    st.one_of(st.none(), st.sampled_from(["DATE(2024,4,20)", "A1+1", ""])),
    st.one_of(st.none(), st.sampled_from(["0", "1", "2", "99", "x"])),
)
ROW = st.builds(lambda r, cells: f"<row{_attr('r', r)}>{''.join(cells)}</row>",
                st.one_of(st.none(), st.integers(0, 2_000_000)), st.lists(CELL, max_size=8))
DIMENSION = st.one_of(st.none(), st.sampled_from(["A1", "A1:XFD1048576", "A1:AE2000", "garbage",
                                                  "A1:ZZZZ9", "$A$1:$B$2"]))


@FUZZ
@given(st.lists(ROW, max_size=12), DIMENSION, st.booleans(),
       st.lists(st.text(max_size=8), max_size=5), st.booleans())
def test_any_workbook_is_read_or_rejected(rows, dimension, with_header, strings, styles):
    body = ([hf.inline_row(1, hf.HEADER)] if with_header else []) + rows
    sst = (f'<?xml version="1.0"?><sst xmlns="{hf.MAIN}" count="{len(strings)}">'
           + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>")
    style = (f'<?xml version="1.0"?><styleSheet xmlns="{hf.MAIN}"><cellXfs>'
             '<xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="22"/></cellXfs></styleSheet>')
    book = hf.workbook({"pathways": hf.sheet_xml(body, dimension)}, shared_strings=sst,
                       styles=style if styles else None)
    _read({"pathways.xlsx": book})


VALID_BOOK = hf.formula_workbook(3, cached=True)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(VALID_BOOK) - 1), st.integers(0, 255)),
                min_size=1, max_size=8))
def test_a_workbook_with_flipped_bytes_is_read_or_rejected(flips):
    book = bytearray(VALID_BOOK)
    for at, value in flips:
        book[at] = value
    _read({"pathways.xlsx": bytes(book)})
