"""Issue 14, input half: hostile files are refused quickly, in bounded memory, changing nothing.

Each case reproduces one the attack test found (a 5 KB workbook that stopped the service,
8 million shared strings, a million-column header, a NUL after 64 KiB, a 10 MB cell,
formula cells loaded as NULL). A hang guard (``budget``) turns "ran for minutes" into a
failure instead of a stuck test run; speed itself is measured in
``benchmarks/bench_hostile.py``, not here.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import signal
from contextlib import contextmanager

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cancer_alliance.errors import SubmissionRejected
from cancer_alliance.ingest.limits import LIMITS, LimitExceeded, Limits
from cancer_alliance.ingest.readers import read_submission

from . import hostile_files as hf
from .ingest_helpers import VALID_PATHWAY, csv_bytes


@contextmanager
def budget(seconds: float):
    """Fail (rather than hang) when the block runs longer than ``seconds``."""
    def expired(*_):
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


GOOD = csv_bytes([VALID_PATHWAY])
REJECTED = "; the submission was rejected and nothing was changed"

CASES = [
    ("dimension_1048576", "pathways.xlsx", lambda: hf.dimension_bomb(),
     "pathways.xlsx sheet pathways: the declared sheet size (A1:XFD1048576) in rows is "
     "1,048,576, above the limit of 1,000,001" + REJECTED),
    ("dimension_declared_last_row_2000", "pathways.xlsx", lambda: hf.dimension_bomb(2000),
     "pathways.xlsx sheet pathways: the declared sheet size (A1:XFD1048576) in rows is "
     "1,048,576, above the limit of 1,000,001" + REJECTED),
    ("row_1048576_undeclared", "pathways.xlsx", lambda: hf.dimension_bomb(declare=False),
     "pathways.xlsx sheet pathways: a row number is 1,048,576, above the limit of 1,000,001"
     + REJECTED + " (a sheet may have at most that many rows, the header included)"),
    ("shared_strings_8m_declared", "pathways.xlsx", lambda: hf.shared_string_bomb(),
     "pathways.xlsx: the number of shared strings in the workbook (declared) is 8,000,000, "
     "above the limit of 2,000,000" + REJECTED),
    ("shared_strings_8m_undeclared", "pathways.xlsx",
     lambda: hf.shared_string_bomb(declare=False),
     "pathways.xlsx: the number of shared strings in the workbook is 8,000,000, above the "
     "limit of 2,000,000" + REJECTED),
    ("zip_bomb_declared", "pathways.xlsx", lambda: hf.zip_bomb(),
     "pathways.xlsx: the unpacked size the workbook declares (bytes) is 629,149,077, above "
     "the limit of 268,435,456" + REJECTED),
    ("zip_member_larger_than_declared", "pathways.xlsx", lambda: hf.lying_zip(),
     "pathways.xlsx: not a readable .xlsx workbook (Bad CRC-32 for file "
     "'xl/worksheets/sheet1.xml')"),
    ("header_of_1000031_columns", "pathways.csv", lambda: hf.wide_header_csv(),
     "pathways.csv: the length of the header line (bytes) is 11,000,579, above the limit of "
     "65,536" + REJECTED),
    ("nul_after_64k", "pathways.csv", lambda: hf.nul_after_64k(),
     "pathways.csv: the file is not a CSV text file (binary content: a NUL byte at byte "
     "87,326)"),
    ("cell_of_10_mb", "pathways.csv", lambda: hf.huge_cell_csv(),
     "pathways.csv: the length of the cell in row 2, column pathway_id (characters) is "
     "10,485,760, above the limit of 32,767" + REJECTED),
]


@pytest.mark.parametrize(("name", "make", "message"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_hostile_file_is_refused_quickly_and_changes_nothing(store, name, make, message):
    store.ingest({"pathways.csv": GOOD})
    before = store.snapshot()
    archived = sorted(p.name for p in store.archive.iterdir())
    content = make()
    with budget(20), pytest.raises(SubmissionRejected) as info:
        store.ingest({name: content})
    assert str(info.value) == message
    assert len(str(info.value)) < 400  # never a listing of a hostile header
    assert store.snapshot() == before
    assert sorted(p.name for p in store.archive.iterdir()) == archived


def test_a_sheet_whose_last_row_is_2000_loads_fast(store):
    """No dimension declared, one value in row 2,000: nothing pads the 1,998 blank rows."""
    with budget(20):
        result = store.ingest({"pathways.xlsx": hf.dimension_bomb(2000, declare=False)})
    assert (result.rows_read, result.rejected) == (1, 1)
    rows = store.rows('SELECT DISTINCT "row" FROM rejections')
    assert rows == [(2000,)]


def test_formula_cells_without_saved_values_reject_their_rows(store):
    """The issue's 197 rows with ``=DATE(...)`` and no cached value: loaded with NULL
    treatment dates before; now each row is rejected, naming the cell's formula."""
    result = store.ingest({"pathways.xlsx": hf.formula_workbook(197)})
    assert (result.rows_read, result.accepted, result.rejected) == (197, 0, 197)
    assert store.rows("SELECT count(*) FROM pathways") == [(0,)]
    found = store.rows("SELECT DISTINCT \"column\", value, rule FROM rejections "
                       "WHERE rule = 'formula_without_value'")
    assert found == [("first_treatment_date", "=DATE(2024,4,20)", "formula_without_value")]
    first = store.rejections()[0]
    assert first[5].startswith('pathways.xlsx:pathways row 2, column first_treatment_date, '
                               'value "=DATE(2024,4,20)": an .xlsx formula cell has no saved '
                               "value (rule formula_without_value)")


def test_formula_cells_with_saved_values_load_them_with_a_warning(store):
    result = store.ingest({"pathways.xlsx": hf.formula_workbook(197, cached=True)})
    assert (result.accepted, result.rejected) == (197, 0)
    assert store.rows("SELECT DISTINCT first_treatment_date FROM pathways") == [
        (dt.date(2024, 4, 20),)]
    assert result.warnings == [
        "pathways.xlsx sheet pathways: 197 formula cell(s) were read from the value saved "
        "with the formula: X2, X3, X4, X5, X6, X7, X8, X9, X10, X11, X12, X13, X14, X15, X16, "
        "X17, X18, X19, X20, X21 and 177 more; check that they are the values you meant to "
        "send"]


def test_a_long_rejected_cell_is_stored_once_and_shown_truncated(store):
    """A 30,000-character pathway_id (under the cell limit, over the column's 40): the
    rejection shows 200 characters and says so; only raw_row keeps the whole value."""
    long_id = "A" * 30_000
    result = store.ingest({"pathways.csv": [dict(VALID_PATHWAY, pathway_id=long_id)]})
    assert result.rejected == 1
    (value, message, raw_row), = store.rows(
        "SELECT value, message, raw_row FROM rejections WHERE rule = 'too_long'")
    assert value == "A" * 200 + "... (truncated: 30000 characters)"
    assert message == ('pathways.csv row 2, column pathway_id, value "' + value + '": longer '
                       "than allowed: at most 40 characters (rule too_long)")
    assert json.loads(raw_row)["pathway_id"] == long_id
    stored = store.rows("SELECT sum(length(value) + length(message) + length(raw_row)) "
                        "FROM rejections")[0][0]
    assert stored < 2 * len(long_id)


def test_extra_columns_warning_lists_twenty_then_counts(store):
    extra = {f"note_{i:03d}": "x" for i in range(100)}
    result = store.ingest({"pathways.csv": [dict(VALID_PATHWAY, **extra)]})
    assert result.accepted == 1
    names = ", ".join(f"note_{i:03d}" for i in range(20))
    assert result.warnings == [f"pathways.csv: column(s) not in the dataset were ignored: "
                               f"{names} and 80 more"]


def _parquet(rows: list[dict]) -> bytes:
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), buf)
    return buf.getvalue()


ROWS = [dict(VALID_PATHWAY, pathway_id=f"P{i}") for i in range(5)]
SMALL = Limits(max_rows=3, max_columns=40, max_cell_chars=10, max_file_bytes=50_000,
               max_submission_bytes=60_000, max_header_bytes=1_000)
SHEET = hf.workbook({"pathways": hf.sheet_xml(
    [hf.inline_row(1, hf.HEADER)] + [hf.inline_row(n, list(r.values()))
                                     for n, r in enumerate(ROWS, 2)])})


@pytest.mark.parametrize(("files", "limits", "message"), [
    ({"pathways.csv": csv_bytes(ROWS)}, SMALL,
     "pathways.csv: the number of data lines is 5, above the limit of 3"),
    ({"pathways.parquet": _parquet(ROWS)}, SMALL,
     "pathways.parquet: the number of rows is 5, above the limit of 3"),
    ({"pathways.xlsx": SHEET}, Limits(max_rows=3),
     "pathways.xlsx sheet pathways: a row number is 5, above the limit of 4"),
    ({"pathways.csv": csv_bytes(ROWS[:1], list(VALID_PATHWAY) + [f"x{i}" for i in range(20)])},
     SMALL, "pathways.csv: the number of columns in the header is 51, above the limit of 40"),
    ({"pathways.parquet": _parquet([dict(VALID_PATHWAY, **{f"x{i}": "" for i in range(20)})])},
     SMALL, "pathways.parquet: the number of columns is 51, above the limit of 40"),
    ({"pathways.csv": csv_bytes([dict(VALID_PATHWAY, sex="1" * 21)])}, Limits(max_cell_chars=20),
     "pathways.csv: the length of the cell in row 2, column sex (characters) is 21, above the "
     "limit of 20" + REJECTED),
    ({"pathways.xlsx": SHEET}, Limits(max_cell_chars=12),
     "pathways.xlsx sheet pathways: the length of cell A1 (characters) is 13, above the "
     "limit of 12" + REJECTED),
    ({"pathways.csv": b"x" * 60_000}, SMALL,
     "pathways.csv: the size of the file (bytes) is 60,000, above the limit of 50,000"),
    ({"pathways.csv": b"x" * 40_000, "deaths.csv": b"x" * 40_000}, SMALL,
     "the submission: the size of its files together (bytes) is"),
    ({"pathways.csv": b"a" * 2_000 + b"\n"}, SMALL,
     "pathways.csv: the length of the header line (bytes) is 2,000, above the limit of 1,000"),
    ({"pathways.xlsx": SHEET}, Limits(max_decompressed_bytes=1_000),
     "pathways.xlsx: the unpacked size the workbook declares (bytes) is"),
    ({"pathways.parquet": _parquet(ROWS)}, Limits(max_decompressed_bytes=100),
     "pathways.parquet: the unpacked size the file declares (bytes) is"),
], ids=["csv_rows", "parquet_rows", "xlsx_rows", "csv_columns", "parquet_columns", "csv_cell",
        "xlsx_cell", "file_bytes", "submission_bytes", "header_bytes", "xlsx_unpacked",
        "parquet_unpacked"])
def test_every_limit_names_the_file_the_limit_and_the_value(files, limits, message):
    with pytest.raises(LimitExceeded) as info:
        read_submission(files=files, limits=limits)
    assert str(info.value).startswith(message)


def test_a_large_file_on_disk_is_refused_before_it_is_read(tmp_path, monkeypatch):
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "pathways.csv").write_bytes(GOOD + b"," * 2_000)
    read = []
    monkeypatch.setattr(type(folder), "read_bytes", lambda self: read.append(self) or b"")
    with pytest.raises(LimitExceeded, match="pathways.csv: the size of the file"):
        read_submission(folder, limits=Limits(max_file_bytes=1_000))
    assert read == []


def test_the_default_limits_are_the_documented_ones():
    """docs/explanation/security.md states these numbers; change both together."""
    assert (LIMITS.max_rows, LIMITS.max_columns, LIMITS.max_cell_chars,
            LIMITS.max_shared_strings) == (1_000_000, 1_024, 32_767, 2_000_000)
    assert (LIMITS.max_file_bytes, LIMITS.max_decompressed_bytes,
            LIMITS.max_header_bytes) == (256 << 20, 256 << 20, 64 << 10)
    assert LIMITS.max_xml_elements == 1_000_000


@pytest.mark.parametrize(("content", "message"), [
    (b"provider_code\rpathway_id,x\n", "pathways.csv: required column(s) missing: pathway_id"),
    (b'"provider_code,pathway_id\n', "pathways.csv: the header row is not a readable CSV line"),
], ids=["lone_cr_in_header", "unclosed_quote_in_header"])
def test_fuzzer_findings_in_the_header_are_clear_rejections(content, message):
    """Found by benchmarks/bench_fuzz_readers.py: a lone CR in the header line reached the
    csv module as a raw ``_csv.Error`` (a traceback on the command line, a 500 on the web)."""
    with pytest.raises(SubmissionRejected) as info:
        read_submission(files={"pathways.csv": content})
    assert str(info.value).startswith(message)


def test_blank_header_columns_after_extra_columns_are_dropped_by_name(store):
    """Found by the fuzzer in this branch's own reader (which skips columns outside the
    dataset): a blank-header column after an extra one was looked up by position."""
    lines = GOOD.split(b"\n")
    data = lines[0] + b",extra,\n" + lines[1] + b",x,kept aside\n"
    result = store.ingest({"pathways.csv": data})
    assert result.accepted == 1
    assert result.warnings == [
        "pathways.csv: column(s) not in the dataset were ignored: extra",
        "pathways.csv: 1 column(s) with a blank header but with values were ignored; give "
        "each column its dataset name"]


def test_a_row_of_repeated_cells_is_refused_at_the_columns_limit():
    """Five million empty cells all at A2 passed the column check and were all kept (1.2 GB
    for a 0.11 MB file): a row may hold at most ``max_columns`` cells."""
    with budget(20), pytest.raises(LimitExceeded) as info:
        read_submission(files={"pathways.xlsx": hf.repeated_cell_bomb(200_000)})
    assert str(info.value) == (
        "pathways.xlsx sheet pathways: the number of cells in row 2 is 1,025, above the limit "
        "of 1,024" + REJECTED + " (a row may have at most that many cells)")


def test_deep_nesting_is_refused_at_the_elements_held_limit():
    with pytest.raises(LimitExceeded) as info:
        read_submission(files={"pathways.xlsx": hf.nested_element_bomb(5_000)},
                        limits=Limits(max_xml_elements=1_000))
    assert str(info.value) == (
        "pathways.xlsx sheet pathways: the number of XML elements held at once in "
        "xl/worksheets/sheet1.xml is 1,001, above the limit of 1,000" + REJECTED)


@pytest.mark.parametrize("make", [hf.child_element_bomb, hf.trailing_element_bomb,
                                  hf.styles_element_bomb],
                         ids=["children_of_a_row", "after_sheet_data", "styles_part"])
def test_elements_are_released_as_they_end(make):
    """A row's unknown children, the elements after ``sheetData`` and a styles part were
    held until the part ended (0.58 MB packed reached 4.1 GB): now at most the open
    elements and one cell's children are held, so 100 is enough for 200,000 of them."""
    files, _ = read_submission(files={"pathways.xlsx": make(200_000)},
                               limits=Limits(max_xml_elements=100))
    assert [f.file_name for f in files] == ["pathways.xlsx:pathways"]


def test_a_shared_string_with_too_many_runs_is_refused():
    runs = "<r><t>x</t></r>" * 600
    sst = f'<?xml version="1.0"?><sst xmlns="{hf.MAIN}"><si>{runs}</si></sst>'
    rows = [hf.inline_row(1, hf.HEADER), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>']
    book = hf.workbook({"pathways": hf.sheet_xml(rows)}, shared_strings=sst)
    with pytest.raises(LimitExceeded, match="pathways.xlsx: the number of XML elements held at "
                       "once in xl/sharedStrings.xml is 1,001, above the limit of 1,000"):
        read_submission(files={"pathways.xlsx": book}, limits=Limits(max_xml_elements=1_000))
