"""``lake compact``: merge each partition's small files into one, as a new version.

Small files come from appends: a ``--lake-only`` ingest adds each submission's superseded
versions to their partition as a file of its own, so a busy partition's history becomes
many files of a few kilobytes, and every reader (above all a cluster, which pays a task or
a request per file) slows with their count. Compaction, per partition of every table:

1. takes the files smaller than ``target_bytes`` (when there are at least two);
2. writes their rows, in a fixed order, as one file named by its content (so a re-run
   after a kill writes the same name, and one already there is not written again);
3. publishes a new version listing the merged file in their place, switching ``CURRENT``
   last, only if no other writer published meanwhile;
4. removes versions and files as :mod:`.retention` allows (``keep``, ``min_age``).

The rows, and so the data version, are unchanged: results computed before stay fresh. The
previous version stays readable (its files are kept while it is). Nothing to merge means
no new version: compacting twice is compacting once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field, replace

import duckdb
import pyarrow as pa

from cancer_alliance.errors import UsageError
from cancer_alliance.lake.export import KEEP_VERSIONS, encode, fingerprint_arrow
from cancer_alliance.lake.fs import locate, write_once
from cancer_alliance.lake.manifest import (
    Manifest,
    Partition,
    TableEntry,
    combine_fingerprints,
    current_version,
    publish,
    require_manifest,
)
from cancer_alliance.lake.read import read_partition
from cancer_alliance.lake.retention import clean

#: A file at least this big is left as it is (Parquet readers split big files themselves).
TARGET_BYTES = 128 * 1024 * 1024


@dataclass
class CompactSummary:
    """What a compaction did; ``as_dict()`` is the command's JSON output."""

    lake: str
    version: int
    new_version: bool = False
    partitions_compacted: int = 0
    files_before: int = 0
    files_after: int = 0
    bytes_before: int = 0
    bytes_after: int = 0
    versions_removed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"lake": self.lake, "version": self.version, "new_version": self.new_version,
                "partitions_compacted": self.partitions_compacted,
                "files_before": self.files_before, "files_after": self.files_after,
                "bytes_before": self.bytes_before, "bytes_after": self.bytes_after,
                "versions_removed": self.versions_removed}


def merge_files(loc, entry: TableEntry, files: list[Partition],
                root: str | None = None) -> Partition:
    """One file holding the rows of ``files`` (one partition's), in a fixed order, written
    under ``root`` (default the table's own folder) and checked against them: the row count
    always, and the fingerprint when the manifest recorded one (files an engine wrote as
    results carry none)."""
    names = [f.name for f in entry.schema if f.name not in entry.partition_by]
    schema = pa.schema([entry.schema.field(n) for n in names])
    data = pa.concat_tables([read_partition(loc, p.path).select(names).cast(schema)
                             for p in files])
    con = duckdb.connect()
    try:
        con.register("x", data)
        data = con.sql("SELECT * FROM x ORDER BY ALL").to_arrow_table()
    finally:
        con.close()
    recorded = all(p.fingerprint for p in files)
    fingerprint = (combine_fingerprints(p.fingerprint for p in files) if recorded
                   else fingerprint_arrow(data))
    if data.num_rows != sum(p.rows for p in files) or (
            recorded and fingerprint_arrow(data) != fingerprint):
        raise UsageError(f"lake {loc.uri}: the files of {files[0].path.rsplit('/', 1)[0]} do "
                         "not add up to what the manifest records; nothing was changed")
    raw = encode(data)
    digest = hashlib.sha256(raw).hexdigest()
    folder = "/".join([root or entry.root,
                       *(f"{k}={files[0].values[k]}" for k in entry.partition_by)])
    rel = f"{folder}/part-{digest[:20]}.parquet"
    write_once(loc, loc.path(rel), raw)
    return Partition(dict(files[0].values), rel, data.num_rows, len(raw), digest, fingerprint)


def _compact_table(loc, entry: TableEntry, target_bytes: int,
                   summary: CompactSummary) -> TableEntry:
    if not entry.partition_by:
        return entry
    parts: list[Partition] = []
    for files in entry.by_key().values():
        small = [p for p in files if p.bytes < target_bytes]
        if len(small) < 2:
            parts.extend(files)
            continue
        merged = merge_files(loc, entry, small)
        parts.extend(p for p in files if p.bytes >= target_bytes)
        parts.append(merged)
        summary.partitions_compacted += 1
        summary.files_before += len(small)
        summary.files_after += 1
        summary.bytes_before += sum(p.bytes for p in small)
        summary.bytes_after += merged.bytes
    return replace(entry, partitions=parts)


def compact_lake(lake: str | os.PathLike, *, keep: int = KEEP_VERSIONS,
                 min_age: dt.timedelta | None = None,
                 target_bytes: int = TARGET_BYTES) -> CompactSummary:
    """Merge every partition's small files; see the module docstring."""
    loc = locate(lake)
    manifest = require_manifest(loc)
    summary = CompactSummary(loc.uri, manifest.version)
    tables = {name: _compact_table(loc, entry, target_bytes, summary)
              for name, entry in manifest.tables.items()}
    if summary.partitions_compacted:
        if current_version(loc) != manifest.version:
            raise UsageError(f"lake {loc.uri} changed while it was being compacted (another "
                             "export or ingest published); run lake compact again")
        new = Manifest(manifest.version + 1,
                       dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), manifest.home,
                       tables, data_start=manifest.data_start)
        publish(loc, new)
        summary.version, summary.new_version = new.version, True
    summary.versions_removed = clean(loc, summary.version, keep, min_age)
    return summary
