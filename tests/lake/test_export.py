"""lake export: the lake equals the store, re-exporting changes nothing, an ingest rewrites
only the partitions it touched, and a kill mid-export leaves the previous version readable."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from cancer_alliance.ingest import ingest_submissions
from cancer_alliance.ingest.folder import load_folder_reference
from cancer_alliance.lake import export_store, locate, read_manifest, register_duckdb
from cancer_alliance.lake.ingest import LakeTarget, with_lake
from cancer_alliance.lake.layout import ALL_TABLES, DATASET_TABLES, base_table
from cancer_alliance.store import connect

from .conftest import LAST, items, load


def store_rows(db: Path, table: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        return con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY ALL").fetchall()
    finally:
        con.close()


def lake_rows(lake: Path, table: str, columns: list[str]) -> list[tuple]:
    con = duckdb.connect()
    try:
        register_duckdb(con, str(lake))
        return con.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY ALL").fetchall()
    finally:
        con.close()


def columns(db: Path, table: str) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    finally:
        con.close()


def assert_lake_equals_store(lake: Path, db: Path) -> None:
    for table in ALL_TABLES:
        cols = columns(db, table)
        assert lake_rows(lake, table, cols) == store_rows(db, table), table


def copy_store(src: Path, dst_dir: Path) -> Path:
    dst = dst_dir / src.name
    shutil.copy(src, dst)
    return dst


def test_export_equals_store_and_is_idempotent(store3, tmp_path):
    lake = tmp_path / "lake"
    with connect(store3) as con:
        first = export_store(con, lake)
        files = sorted(p.relative_to(lake) for p in lake.rglob("*") if p.is_file())
        again = export_store(con, lake)
    assert first.new_version and first.version == 1 and first.written
    assert not again.new_version and again.version == 1 and again.written == []
    assert again.unchanged == len(read_manifest(locate(lake)).files())
    assert sorted(p.relative_to(lake) for p in lake.rglob("*") if p.is_file()) == files
    assert_lake_equals_store(lake, store3)
    manifest = read_manifest(locate(lake))
    # partitioned by the submission's month and provider; checksums and counts recorded
    pathways = manifest.tables["pathways"]
    assert {p.values["period"] for p in pathways.partitions} == {"2024-01", "2024-02",
                                                                "2024-03"}
    assert all(p.rows > 0 and len(p.sha256) == 64 for p in pathways.partitions)
    assert all(p.path.startswith(f"data/pathways/period={p.values['period']}/provider_code="
                                 f"{p.values['provider_code']}/") for p in pathways.partitions)


def test_ingest_with_lake_rewrites_only_the_touched_partitions(store3, generated, tmp_path):
    db = copy_store(store3, tmp_path)
    lake = tmp_path / "lake"
    with connect(db) as con:
        export_store(con, lake)
    before = read_manifest(locate(lake))
    (provider, month, _), = [(i.provider, i.period, i.path)
                             for i in items(generated, LAST)][:1]
    with connect(db) as con:
        summary = with_lake(con, LakeTarget(str(lake)), [provider], lambda: ingest_submissions(
            con, items(generated, LAST)[:1], submitted_by="test"))
    after = read_manifest(locate(lake))
    assert summary.new_version and after.version == before.version + 1
    for label in summary.written:
        table, *parts = label.split("/")
        if table in DATASET_TABLES:
            values = dict(p.split("=") for p in parts)
            # deaths are keyed by patient: any provider's may change, so all are compared
            assert values["provider_code"] == provider or base_table(table) == "deaths", label
        else:
            assert table == "submissions", label  # the register gained one submission
    # every partition of the other provider is carried over untouched (same file)
    for table in DATASET_TABLES:
        old = {p.key(): p.path for p in before.tables[table].partitions
               if p.values["provider_code"] != provider}
        new = {p.key(): p.path for p in after.tables[table].partitions
               if p.values["provider_code"] != provider}
        assert old == new, table
    assert any(label.startswith(f"pathways/period={month}/provider_code={provider}")
               for label in summary.written)
    assert_lake_equals_store(lake, db)


def test_lake_only_ingest_builds_the_same_lake_as_a_full_store(store3, generated, tmp_path):
    full_db = copy_store(store3, tmp_path)
    load(full_db, generated, LAST)
    mirror = tmp_path / "mirror"
    with connect(full_db) as con:
        export_store(con, mirror)
    only_db, lake = tmp_path / "only.duckdb", tmp_path / "lake"
    for months in ({"2024-01", "2024-02"}, {"2024-03"}, LAST):  # three separate ingests
        subs = items(generated, months)
        with connect(only_db) as con:
            load_folder_reference(con, generated)
            with_lake(con, LakeTarget(str(lake), lake_only=True),
                      [s.provider for s in subs],
                      lambda con=con, subs=subs: ingest_submissions(con, subs,
                                                                    submitted_by="test"))
            for table in DATASET_TABLES:  # the store keeps no dataset rows
                assert con.execute(f"SELECT count(*) FROM {table}").fetchall() == [(0,)]
    for table in DATASET_TABLES:
        cols = [c for c in columns(full_db, table) if c != "submission_id"]
        assert lake_rows(lake, table, cols) == lake_rows(mirror, table, cols), table
    assert read_manifest(locate(lake)).home == "lake"
    with connect(full_db) as con, pytest.raises(Exception, match="--lake-only"):
        export_store(con, lake)  # a store must not overwrite a lake that is the rows' home


def test_a_killed_export_leaves_the_previous_version_readable(store3, generated, tmp_path):
    db = copy_store(store3, tmp_path)
    lake = tmp_path / "lake"
    with connect(db) as con:
        export_store(con, lake)
    before = {t: lake_rows(lake, t, columns(db, t)) for t in ("pathways", "submissions")}
    load(db, generated, LAST)  # the next export has work to do
    marker = tmp_path / "paused"
    env = dict(os.environ, CANCER_ALLIANCE_TEST_PAUSE_IN_LAKE_EXPORT=str(marker))
    proc = subprocess.Popen(
        [sys.executable, "-m", "cancer_alliance", "lake", "export", "--db", str(db),
         "--lake", str(lake)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the export never reached its pause"
            time.sleep(0.1)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    # a new data file was written, but CURRENT still names version 1, whose files all exist
    assert read_manifest(locate(lake)).version == 1
    assert (lake / "CURRENT").read_text().strip() == "v000001"
    for table, rows in before.items():
        assert lake_rows(lake, table, columns(db, table)) == rows
    # finishing the export later gives the complete lake
    done = subprocess.run(
        [sys.executable, "-m", "cancer_alliance", "lake", "export", "--db", str(db),
         "--lake", str(lake)], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["version"] == 2
    assert_lake_equals_store(lake, db)
