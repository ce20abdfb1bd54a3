"""Files that cannot be read at all reject the whole submission and change nothing."""

from __future__ import annotations

import io

import pytest

from cancer_alliance.errors import SubmissionRejected

from .ingest_helpers import VALID_PATHWAY, csv_bytes

GOOD = csv_bytes([VALID_PATHWAY])
NO_NHS = csv_bytes([{k: v for k, v in VALID_PATHWAY.items() if k != "nhs_number"}])
HEADER = list(VALID_PATHWAY)
VALUES = list(VALID_PATHWAY.values())


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    """A workbook with the given sheets, each a list of rows (the first is the header)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r in rows:
            sheet.append(r)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


CASES = [
    ("not_utf8", {"pathways.csv": "provider_code,pathway_id\nRAA,Zoë\n".encode("latin-1")},
     "pathways.csv: the file is not UTF-8 text (undecodable byte at position 31); save it as "
     "CSV UTF-8"),
    ("empty", {"pathways.csv": b""},
     "pathways.csv: the file is empty or has no header row"),
    ("blank_first_line", {"pathways.csv": b"\n" + GOOD},
     "pathways.csv: the file is empty or has no header row"),
    ("binary_junk", {"pathways.csv": bytes(range(256)) * 4},
     "pathways.csv: the file is not UTF-8 text (undecodable byte at position 128); save it "
     "as CSV UTF-8"),
    ("missing_required_column", {"pathways.csv": NO_NHS},
     "pathways.csv: required column(s) missing: nhs_number. The header row must name every "
     "required column of pathways.csv (see the dataset reference)"),
    ("no_pathways_file", {"deaths.csv": b"nhs_number,date_of_death\n9434765919,2024-05-01\n"},
     "the submission has no pathways file (pathways.csv, pathways.parquet or a pathways "
     "sheet); it is required"),
    # a ragged row: the message gives the row, never the row's content (an NHS number)
    ("ragged_row", {"pathways.csv": GOOD + b"RAA,P2,9434765870\n"},
     "pathways.csv: not a readable CSV table: row 3 has 3 values but the header has 31 "
     "columns"),
    ("unclosed_quote", {"pathways.csv": GOOD.replace(b"QAA", b'"QAA')},
     "pathways.csv: not a readable CSV table: a quoted value is not closed or is malformed "
     "near line 2; check the quotes around that row's values"),
    ("repeated_column", {"pathways.csv": GOOD.replace(b",stage_group,", b",sex,", 1)},
     "pathways.csv: the header names a column more than once: sex"),
    ("xlsx_two_pathways_sheets", {"s.xlsx": xlsx({"pathways": [HEADER, VALUES],
                                                  "pathways.csv": [HEADER, VALUES]})},
     "s.xlsx sheet pathways.csv: the workbook has two sheets for pathways.csv (pathways and "
     "pathways.csv); keep one"),
    ("xlsx_repeated_column", {"s.xlsx": xlsx({"pathways": [HEADER + ["sex"], VALUES + ["2"]]})},
     "s.xlsx sheet pathways: the header names a column more than once: sex"),
    ("xlsx_missing_column", {"s.xlsx": xlsx({"pathways": [HEADER[1:], VALUES[1:]]})},
     "s.xlsx sheet pathways: required column(s) missing: provider_code. The header row must "
     "name every required column of pathways.csv (see the dataset reference)"),
    ("xlsx_empty_sheet", {"s.xlsx": xlsx({"pathways": [HEADER, VALUES], "deaths": []})},
     "s.xlsx sheet deaths: the sheet has no header row"),
    ("xlsx_no_pathways_sheet", {"s.xlsx": xlsx({"Sheet1": [HEADER, VALUES]})},
     "s.xlsx: the workbook has no sheet named pathways"),
    ("not_parquet", {"pathways.parquet": GOOD}, None),
    ("not_xlsx", {"pathways.xlsx": GOOD}, None),
]


@pytest.mark.parametrize(("files", "message"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_unreadable_submission_is_rejected_and_changes_nothing(store, files, message):
    store.ingest({"pathways.csv": GOOD})
    before = store.snapshot()
    archived = sorted(p.name for p in store.archive.iterdir())
    with pytest.raises(SubmissionRejected) as info:
        store.ingest(files)
    if message is not None:
        assert str(info.value) == message
    else:
        assert str(info.value).startswith("pathways.")
    assert store.snapshot() == before
    assert sorted(p.name for p in store.archive.iterdir()) == archived


def test_unknown_file_in_folder_is_named(store, tmp_path):
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "pathways.csv").write_bytes(GOOD)
    (folder / "patients.csv").write_bytes(b"a,b\n1,2\n")
    before = store.snapshot()
    with pytest.raises(SubmissionRejected, match="patients.csv"):
        store.ingest({}, path=folder)
    assert store.snapshot() == before


def test_cli_exit_code_and_one_message(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "pathways.csv"
    bad.write_bytes(NO_NHS)
    db = tmp_path / "a.duckdb"
    p = subprocess.run([sys.executable, "-m", "cancer_alliance", "ingest", str(bad),
                        "--provider", "RAA", "--period", "2024-05", "--db", str(db), "--json"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == SubmissionRejected.exit_code
    assert p.stdout == ""
    assert "required column(s) missing: nhs_number" in p.stderr
    assert "Traceback" not in p.stderr


def test_header_names_are_trimmed_and_blank_header_columns_dropped(store):
    """` nhs_number ` is nhs_number; a trailing comma on every line is no extra column."""
    data = GOOD.replace(b"nhs_number", b" nhs_number ", 1).replace(b"\n", b",,\n")
    result = store.ingest({"pathways.csv": data})
    assert (result.accepted, result.rejected, result.warnings) == (1, 0, [])
    assert store.rows("SELECT nhs_number FROM pathways") == [("9434765919",)]


def test_values_under_a_blank_header_warn(store):
    lines = GOOD.split(b"\n")
    data = lines[0] + b",\n" + lines[1] + b",kept aside\n"
    result = store.ingest({"pathways.csv": data})
    assert result.accepted == 1
    assert result.warnings == ["pathways.csv: 1 column(s) with a blank header but with values "
                               "were ignored; give each column its dataset name"]


def test_xlsx_other_sheets_warn_and_rows_keep_their_sheet_numbers(store):
    """Blank rows in a sheet still count, so row numbers match what Excel shows."""
    bad = dict(VALID_PATHWAY, pathway_id="P2", nhs_number="9434765870", sex="M")
    book = xlsx({"Notes": [["read me"]],
                 "pathways": [HEADER, VALUES, [], [], list(bad.values())]})
    result = store.ingest({"s.xlsx": book})
    assert (result.accepted, result.rejected) == (1, 1)
    assert result.warnings == ["s.xlsx: sheet(s) not in the dataset were ignored: Notes"]
    assert [r[:5] for r in store.rejections()] == [
        ("s.xlsx:pathways", 5, "sex", "M", "invalid_code")]


def test_excel_lock_files_in_a_folder_are_not_read(store, tmp_path):
    """Excel leaves "~$name.xlsx" beside an open workbook; it is not part of the upload."""
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "pathways.csv").write_bytes(GOOD)
    (folder / "~$pathways.xlsx").write_bytes(b"\x00lock")
    result = store.ingest({}, path=folder)
    assert (result.accepted, result.rejected) == (1, 0)
    assert [f.file_name for f in result.files] == ["pathways.csv"]
