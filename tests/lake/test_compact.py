"""lake compact: a --lake-only lake's appended history files are merged per partition into
one, as a new version with the same rows and data version; the previous version stays
readable; compacting again changes nothing; --keep and --min-age decide what is removed."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from cancer_alliance.errors import UsageError
from cancer_alliance.ingest import ingest_submissions
from cancer_alliance.ingest.folder import load_folder_reference
from cancer_alliance.lake import compact as compact_module
from cancer_alliance.lake import export_store, locate, read_manifest
from cancer_alliance.lake.compact import compact_lake
from cancer_alliance.lake.ingest import LakeTarget, with_lake
from cancer_alliance.lake.layout import ALL_TABLES, DATASET_TABLES
from cancer_alliance.lake.manifest import combine_fingerprints
from cancer_alliance.lake.read import dataset
from cancer_alliance.lake.retention import parse_duration
from cancer_alliance.store import connect

from .conftest import FIRST, items
from .test_export import lake_rows

RESENT = "2024-02"


def lake_only_ingest(db: Path, lake: Path, folder: Path, subs) -> None:
    with connect(db) as con:
        load_folder_reference(con, folder)
        with_lake(con, LakeTarget(str(lake), lake_only=True), [s.provider for s in subs],
                  lambda: ingest_submissions(con, subs, submitted_by="test"))


@pytest.fixture(scope="module")
def history_lake(generated, tmp_path_factory) -> Path:
    """A --lake-only lake of the first three months, then one provider's February sent
    twice more: each resubmission appends the versions it superseded as a file of its own."""
    root = tmp_path_factory.mktemp("compact")
    db, lake = root / "only.duckdb", root / "lake"
    lake_only_ingest(db, lake, generated, items(generated, FIRST))
    resent = [s for s in items(generated, {RESENT})][:1]
    for _ in range(2):
        lake_only_ingest(db, lake, generated, resent)
    return lake


def table_rows(lake: Path, version: int | None = None) -> dict[str, list[tuple]]:
    """Every table's rows (partition columns included) as that version lists them."""
    loc = locate(lake)
    manifest = read_manifest(loc, version)
    con = duckdb.connect()
    try:
        out = {}
        for name in ALL_TABLES:
            con.register("t", dataset(loc, manifest.tables[name]))
            out[name] = con.execute("SELECT * FROM t ORDER BY ALL").fetchall()
            con.unregister("t")
        return out
    finally:
        con.close()


def lake_columns(lake: Path, table: str) -> list[str]:
    return read_manifest(locate(lake)).tables[table].schema.names


def files_per_partition(lake: Path) -> dict[tuple, int]:
    manifest = read_manifest(locate(lake))
    return {(name, key): len(files) for name, entry in manifest.tables.items()
            for key, files in entry.by_key().items()}


def test_fingerprints_of_several_files_add_up():
    assert combine_fingerprints(["3:10", "2:5"]) == "5:15"
    assert combine_fingerprints(["7:-4"]) == "7:-4"  # one file: as recorded
    assert combine_fingerprints(["1:18446744073709551615", "1:1"]) == (
        "2:18446744073709551616")  # hash sums exceed 64 bits: no wrapping


def test_durations():
    assert parse_duration("90s") == dt.timedelta(seconds=90)
    assert parse_duration("6h") == dt.timedelta(hours=6)
    assert parse_duration("0s") == dt.timedelta(0)
    with pytest.raises(UsageError, match="--min-age"):
        parse_duration("6 hours")


def test_resubmissions_append_small_files(history_lake, generated, tmp_path):
    counts = files_per_partition(history_lake)
    many = {k: n for k, n in counts.items() if n > 1}
    resent = items(generated, {RESENT})[0].provider
    # only the resent provider's February history gained files, one per resubmission
    assert many and all(name.endswith("_superseded") for name, _ in many)
    assert {dict(key)["period"] for _, key in many} == {RESENT}
    assert {dict(key)["provider_code"] for _, key in many} == {resent}
    assert any(name == "pathways_superseded" and n == 3 for (name, _), n in many.items())
    # and the lake holds what a full store given the same submissions holds
    db = tmp_path / "full.duckdb"
    with connect(db) as con:
        load_folder_reference(con, generated)
        ingest_submissions(con, items(generated, FIRST), submitted_by="test")
        for _ in range(2):
            ingest_submissions(con, items(generated, {RESENT})[:1], submitted_by="test")
        export_store(con, tmp_path / "mirror")
    for table in DATASET_TABLES:
        cols = [c for c in lake_columns(history_lake, table) if c != "submission_id"]
        assert (lake_rows(history_lake, table, cols)
                == lake_rows(tmp_path / "mirror", table, cols)), table


def test_compact_merges_keeps_rows_and_the_previous_version(history_lake, tmp_path):
    lake = tmp_path / "lake"
    shutil.copytree(history_lake, lake)
    before = read_manifest(locate(lake))
    rows = table_rows(lake)
    summary = compact_lake(lake, keep=3)
    after = read_manifest(locate(lake))
    assert summary.new_version and after.version == before.version + 1
    merged = {k: n for k, n in files_per_partition(history_lake).items() if n > 1}
    assert summary.partitions_compacted == len(merged)
    assert summary.files_before == sum(merged.values()) and summary.files_after == len(merged)
    assert set(files_per_partition(lake).values()) == {1}
    assert table_rows(lake) == rows  # the same rows, partition values included
    assert after.data_version() == before.data_version()  # results stay fresh
    # the previous version is still readable, file for file
    assert table_rows(lake, before.version) == rows
    assert all((lake / p).is_file() for p in before.files())
    # compacting again changes nothing
    again = compact_lake(lake, keep=3)
    assert not again.new_version and again.version == after.version
    assert read_manifest(locate(lake)).files() == after.files()


def test_a_failed_compaction_leaves_the_lake_as_it_was(history_lake, tmp_path, monkeypatch):
    lake = tmp_path / "lake"
    shutil.copytree(history_lake, lake)
    before = read_manifest(locate(lake))

    def crash(*_args):
        raise RuntimeError("killed before the switch")

    monkeypatch.setattr(compact_module, "publish", crash)
    with pytest.raises(RuntimeError):
        compact_lake(lake)
    assert read_manifest(locate(lake)).version == before.version
    assert table_rows(lake) == table_rows(history_lake)
    monkeypatch.undo()
    done = compact_lake(lake)  # the merged files already written are reused
    assert done.new_version and done.version == before.version + 1


def test_keep_and_min_age_decide_which_versions_remain(history_lake, tmp_path):
    lake = tmp_path / "lake"
    shutil.copytree(history_lake, lake)
    current = read_manifest(locate(lake)).version
    guarded = compact_lake(lake, keep=1, min_age=dt.timedelta(hours=1))
    # every earlier version was replaced moments ago: kept, with its files
    assert guarded.versions_removed == []
    assert table_rows(lake, current) == table_rows(history_lake)
    swept = compact_lake(lake, keep=1)
    assert not swept.new_version and swept.versions_removed == list(range(1, current + 1))
    assert not (lake / "versions" / f"v{current:06d}").exists()
    kept = read_manifest(locate(lake)).files()
    on_disk = {str(p.relative_to(lake)) for p in (lake / "data").rglob("*.parquet")}
    assert on_disk == kept
    with pytest.raises(UsageError, match="--keep"):
        compact_lake(lake, keep=0)


def test_command_line(history_lake, tmp_path):
    lake = tmp_path / "lake"
    shutil.copytree(history_lake, lake)
    run = subprocess.run([sys.executable, "-m", "cancer_alliance", "lake", "compact", "--lake",
                          str(lake), "--keep", "2"], capture_output=True, text=True, check=True)
    out = json.loads(run.stdout)
    assert out["new_version"] and out["files_after"] < out["files_before"]
    bad = subprocess.run([sys.executable, "-m", "cancer_alliance", "lake", "compact",
                          "--lake", str(lake), "--min-age", "soon"], capture_output=True,
                         text=True)
    assert bad.returncode == 2 and "--min-age" in bad.stderr and "Traceback" not in bad.stderr
