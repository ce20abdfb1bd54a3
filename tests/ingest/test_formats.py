"""CSV, Parquet and .xlsx submissions give the same result; the reader's small mercies."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.parquet as pq

from .ingest_helpers import VALID_PATHWAY, VALID_RECOVERY, csv_bytes

ROWS = [VALID_PATHWAY, dict(VALID_PATHWAY, pathway_id="P2", nhs_number="9434765870", sex="M")]


def _stored(store) -> list[tuple]:
    return store.rows("SELECT * EXCLUDE (submission_id) FROM pathways ORDER BY pathway_id")


def _parquet(rows: list[dict]) -> bytes:
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), buf)
    return buf.getvalue()


def _xlsx(sheets: dict[str, list[dict]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(list(rows[0]))
        for r in rows:
            sheet.append([v if v != "" else None for v in r.values()])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_csv_parquet_and_xlsx_load_the_same_rows(tmp_path, empty_store_file):
    from .ingest_helpers import Store

    results = {}
    for kind, files in {
        "csv": {"pathways.csv": csv_bytes(ROWS)},
        "parquet": {"pathways.parquet": _parquet(ROWS)},
        "xlsx": {"submission.xlsx": _xlsx({"pathways": ROWS})},
    }.items():
        folder = tmp_path / kind
        folder.mkdir()
        s = Store(folder, empty_store_file)
        r = s.ingest(files)
        results[kind] = (r.rows_read, r.accepted, r.rejected, _stored(s),
                         [x[1:5] for x in s.rejections()])
        s.con.close()
    assert results["csv"][:3] == (2, 1, 1)
    assert results["parquet"] == results["csv"]
    assert results["xlsx"] == results["csv"]


def test_typed_parquet_columns_are_read_as_their_text(store):
    """A Parquet export with real date and integer types validates like the CSV text."""
    import datetime as dt

    row = dict(VALID_PATHWAY)
    typed = {k: v for k, v in row.items()}
    for k in ("date_of_birth", "referral_received_date", "first_treatment_date"):
        typed[k] = dt.date.fromisoformat(row[k])
    typed["treatment_adjustment_days"] = 3
    result = store.ingest({"pathways.parquet": _parquet([typed])})
    assert store.rejections() == []
    assert result.accepted == 1
    assert store.rows("SELECT date_of_birth, treatment_adjustment_days FROM pathways") == [
        (dt.date(1950, 1, 1), 3)]


def test_a_folder_of_files(store, tmp_path):
    folder = tmp_path / "RAA-2024-05"
    folder.mkdir()
    (folder / "pathways.csv").write_bytes(csv_bytes([VALID_PATHWAY]))
    (folder / "recovery_events.csv").write_bytes(csv_bytes([VALID_RECOVERY]))
    result = store.ingest({}, path=folder)
    assert (result.rows_read, result.accepted, result.rejected) == (2, 2, 0)
    assert {f.table for f in result.files} == {"pathways", "recovery_events"}


def test_column_order_free_bom_and_crlf(store):
    columns = list(reversed(list(VALID_PATHWAY)))
    data = csv_bytes([VALID_PATHWAY], columns).replace(b"\n", b"\r\n")
    result = store.ingest({"pathways.csv": b"\xef\xbb\xbf" + data})
    assert (result.accepted, result.rejected) == (1, 0)


def test_optional_columns_may_be_absent_and_extra_columns_warn(store):
    required = [c for c in VALID_PATHWAY if c in (
        "provider_code", "pathway_id", "nhs_number", "date_of_birth", "sex",
        "commissioner_code", "referral_route", "suspected_cancer_type",
        "referral_received_date")]
    row = {c: VALID_PATHWAY[c] for c in required} | {"local_note": "x"}
    result = store.ingest({"pathways.csv": csv_bytes([row])})
    assert (result.accepted, result.rejected) == (1, 0)
    assert result.warnings == [
        "pathways.csv: column(s) not in the dataset were ignored: local_note"]


def test_spaces_around_values_are_trimmed(store):
    row = dict(VALID_PATHWAY, nhs_number=" 9434765919 ", sex=" 1")
    assert store.ingest({"pathways.csv": [row]}).rejected == 0
    assert store.rows("SELECT nhs_number, sex FROM pathways") == [("9434765919", "1")]


def test_quoted_commas_keep_spreadsheet_row_numbers(store):
    """A quoted comma stays inside its cell; row numbers count records from the header."""
    rows = [dict(VALID_PATHWAY, pathway_id="A,1"),
            dict(VALID_PATHWAY, pathway_id="B", nhs_number="9434765870", sex="X")]
    store.ingest({"pathways.csv": csv_bytes(rows)})
    assert [r[1:5] for r in store.rejections()] == [(3, "sex", "X", "invalid_code")]


def test_blank_and_quoted_blank_cells_are_null_but_na_is_text(store):
    """Files with no spaces skip the trim: blanks, quoted or not, must still be null, and a
    word that other tools read as missing ("NA", "NULL") is kept and checked as text."""
    header = ",".join(VALID_PATHWAY)
    quoted_blank = dict(VALID_PATHWAY, upgrade_date='""')
    na = dict(VALID_PATHWAY, pathway_id="P2", nhs_number="9434765870", fds_exclusion="NA")
    content = "\n".join([header, ",".join(quoted_blank.values()), ",".join(na.values()), ""])
    assert " " not in content
    result = store.ingest({"pathways.csv": content.encode()})
    assert store.rows("SELECT pathway_id, upgrade_date, first_seen_clock_reset_date "
                      "FROM pathways") == [("P1", None, None)]
    assert [r[2:5] for r in store.rejections()] == [("fds_exclusion", "NA", "invalid_code")]
    assert result.rejected == 1


def test_a_file_with_spaces_and_one_without_load_the_same(store):
    """The trim runs only when a file has whitespace; both routes give the same rows."""
    spaced = dict(VALID_PATHWAY, sex=" 1 ", pathway_id="P 2")
    store.ingest({"pathways.csv": [VALID_PATHWAY, spaced | {"nhs_number": "9434765870"}]})
    assert store.rows("SELECT pathway_id, sex FROM pathways ORDER BY 1") == [
        ("P 2", "1"), ("P1", "1")]
