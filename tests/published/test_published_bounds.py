"""Published files and the alliance lookup are bounded before pandas or openpyxl reads them
(``ingest.table_bounds``, issue 14): a workbook declaring ``A1:XFD1048576`` once held the
``published load`` command for minutes, and a CSV's rows and columns were unbounded."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from cancer_alliance.errors import UsageError
from cancer_alliance.published import alliances, readers
from cancer_alliance.published.errors import PublishedFileRejected
from tests.ingest import hostile_files


def test_a_declared_million_row_workbook_is_refused_at_once(tmp_path):
    path = tmp_path / "CWT-CRS-Data-Extract-Provider.xlsx"
    path.write_bytes(hostile_files.dimension_bomb())
    started = time.perf_counter()
    with pytest.raises(UsageError) as refused:
        readers.read_published(path)
    assert time.perf_counter() - started < 5
    message = str(refused.value)
    assert path.name in message and "limit" in message and "nothing was loaded" in message


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path):
    path = tmp_path / "extract.xlsx"
    path.write_bytes(hostile_files.zip_bomb())
    with pytest.raises(UsageError, match="unpacked size the workbook declares"):
        readers.read_published(path)


def test_a_csv_header_of_a_million_columns_is_refused_from_its_line(tmp_path):
    path = tmp_path / "monthly.csv"
    path.write_bytes(hostile_files.wide_header_csv(100_000))
    with pytest.raises(UsageError, match="header"):
        readers.read_published(path)


@pytest.mark.parametrize(("limit", "rows", "message"), [
    ({"max_rows": 3}, 4, "the number of rows is 4, above the limit of 3"),
    ({"max_file_bytes": 10}, 1, "the size of the file"),  # before it is read
])
def test_csv_rows_and_size_beyond_the_limits_are_refused(tmp_path, monkeypatch, limit, rows,
                                                         message):
    monkeypatch.setattr(readers, "PUBLISHED_LIMITS", replace(readers.PUBLISHED_LIMITS,
                                                             **limit))
    path = tmp_path / "monthly.csv"
    path.write_text("Period,Basis,Standard,Org Code\n" + "2023-10,x,y,RAA\n" * rows)
    with pytest.raises(UsageError, match=message):
        readers.read_published(path)


def test_the_lookup_is_bounded_too(tmp_path):
    path = tmp_path / "lookup.xlsx"
    path.write_bytes(hostile_files.dimension_bomb())
    with pytest.raises(PublishedFileRejected, match="limit"):
        alliances.read_lookup(path)
