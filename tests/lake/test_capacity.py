"""The capacity dataset in the lake: `lake export` writes the capacity and workforce tables
(current and superseded) partitioned by their rows' month and provider, the lake copy equals
the store, exporting again changes nothing, and `ingest-capacity --lake` rewrites only the
submitting provider's capacity partitions, in a mirror lake and in a --lake-only lake alike."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cancer_alliance.dataset.datasets import CAPACITY_DATASET
from cancer_alliance.ingest import SubmissionItem, ingest_submissions
from cancer_alliance.ingest.folder import folder_capacity_submissions, load_folder_reference
from cancer_alliance.lake import export_store, locate, read_manifest
from cancer_alliance.lake.ingest import LakeTarget, with_lake
from cancer_alliance.lake.layout import CAPACITY_DATASET_TABLES, CAPACITY_REGISTER
from cancer_alliance.store import connect

from .conftest import FIRST, items
from .test_export import columns, copy_store, lake_rows, store_rows

CAPACITY_LAKE_TABLES = (*CAPACITY_DATASET_TABLES, CAPACITY_REGISTER)


def capacity_items(folder: Path, months: set[str]) -> list[SubmissionItem]:
    return [SubmissionItem(p, m, path) for p, m, path in folder_capacity_submissions(folder)
            if m in months]


def load_capacity(db: Path, folder: Path, months: set[str]) -> None:
    with connect(db) as con:
        ingest_submissions(con, capacity_items(folder, months), submitted_by="test",
                           dataset=CAPACITY_DATASET)


def assert_capacity_equals_store(lake: Path, db: Path) -> None:
    for table in CAPACITY_LAKE_TABLES:
        rows = store_rows(db, table)
        assert lake_rows(lake, table, columns(db, table)) == rows, table


def resubmission(generated: Path, tmp_path: Path) -> SubmissionItem:
    """The first capacity submission of March again, capacity.csv only, every capacity figure
    one higher (so each of its capacity rows is replaced and its old version superseded)."""
    first = capacity_items(generated, {"2024-03"})[0]
    folder = tmp_path / "resent"
    folder.mkdir()
    path = folder / "capacity.csv"
    with (first.path / "capacity.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["capacity"] = str(int(row["capacity"]) + 1)
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return SubmissionItem(first.provider, first.period, folder)


@pytest.fixture(scope="module")
def capacity_store(store3, generated, tmp_path_factory) -> Path:
    """store3 with the capacity submissions of its three months."""
    db = copy_store(store3, tmp_path_factory.mktemp("capacity"))
    load_capacity(db, generated, FIRST)
    return db


def test_export_writes_capacity_partitioned_and_equal_to_the_store(capacity_store, tmp_path):
    lake = tmp_path / "lake"
    with connect(capacity_store) as con:
        first = export_store(con, lake)
        files = sorted(p.relative_to(lake) for p in lake.rglob("*") if p.is_file())
        again = export_store(con, lake)
        (stored,), = con.execute("SELECT count(*) FROM capacity").fetchall()
        keys = set(con.execute("SELECT period, provider_code FROM capacity").fetchall())
    assert stored > 0
    assert any(label.startswith("capacity/period=") for label in first.written)
    assert any(label.startswith("workforce/period=") for label in first.written)
    # idempotent: no new version, nothing written, the same files
    assert not again.new_version and again.written == [] and again.version == first.version
    assert sorted(p.relative_to(lake) for p in lake.rglob("*") if p.is_file()) == files
    assert_capacity_equals_store(lake, capacity_store)
    # one partition per (month, provider) the rows name, each in its own folder
    entry = read_manifest(locate(lake)).tables["capacity"]
    assert entry.partition_by == ("period", "provider_code")
    assert {(p.values["period"], p.values["provider_code"]) for p in entry.partitions} == keys
    assert {p.values["period"] for p in entry.partitions} == FIRST
    assert all(p.path.startswith(f"data/capacity/period={p.values['period']}/provider_code="
                                 f"{p.values['provider_code']}/") for p in entry.partitions)
    assert sum(p.rows for p in entry.partitions) == stored


def test_ingest_capacity_with_lake_rewrites_only_its_partitions(capacity_store, generated,
                                                                tmp_path):
    db = copy_store(capacity_store, tmp_path)
    lake = tmp_path / "lake"
    with connect(db) as con:
        export_store(con, lake)
    before = read_manifest(locate(lake))
    item = resubmission(generated, tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "cancer_alliance", "ingest-capacity", str(item.path),
         "--provider", item.provider, "--period", item.period, "--db", str(db),
         "--lake", str(lake), "--json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["accepted"] > 0
    after = read_manifest(locate(lake))
    assert after.version == before.version + 1
    def files(manifest) -> set[tuple]:
        return {(name, p.key(), p.path) for name, entry in manifest.tables.items()
                for p in entry.partitions}

    changed = {(name, key) for name, key, _ in files(after) - files(before)}
    assert not {(name, key) for name, key, _ in files(before) - files(after)} - changed
    # only the resent month's capacity partitions of that provider and the register changed
    assert {name for name, _ in changed} == {"capacity", "capacity_superseded",
                                             CAPACITY_REGISTER}
    for name, key in changed:
        if name != CAPACITY_REGISTER:
            assert dict(key) == {"period": item.period, "provider_code": item.provider}
    # every other table is carried over file for file
    for name in set(before.tables) - {"capacity", "capacity_superseded", CAPACITY_REGISTER}:
        assert ([p.path for p in after.tables[name].partitions]
                == [p.path for p in before.tables[name].partitions]), name
    assert_capacity_equals_store(lake, db)
    with connect(db) as con:  # the superseded versions are the month's old figures
        (superseded,), = con.execute("SELECT count(*) FROM capacity_superseded").fetchall()
    assert superseded == after.tables["capacity_superseded"].rows > 0


def test_ingest_capacity_into_a_lake_only_lake_leaves_its_pathways(generated, tmp_path):
    db, lake = tmp_path / "only.duckdb", tmp_path / "lake"
    subs = items(generated, FIRST)
    with connect(db) as con:
        load_folder_reference(con, generated)
        with_lake(con, LakeTarget(str(lake), lake_only=True), [s.provider for s in subs],
                  lambda: ingest_submissions(con, subs, submitted_by="test"))
    before = read_manifest(locate(lake))
    item = capacity_items(generated, {"2024-01"})[0]
    done = subprocess.run(
        [sys.executable, "-m", "cancer_alliance", "ingest-capacity", str(item.path),
         "--provider", item.provider, "--period", item.period, "--db", str(db),
         "--lake", str(lake), "--json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    after = read_manifest(locate(lake))
    assert after.home == "lake" and after.version == before.version + 1
    for name in before.tables:
        if name not in CAPACITY_LAKE_TABLES:
            assert after.tables[name].partitions == before.tables[name].partitions, name
    assert [p.values for p in after.tables["capacity"].partitions] == [
        {"period": item.period, "provider_code": item.provider}]
    assert_capacity_equals_store(lake, db)
