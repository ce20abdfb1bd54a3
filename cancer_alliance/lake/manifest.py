"""The lake's manifest: which files make up each table, in one JSON document per version.

``<lake>/CURRENT`` names the current version (``v000007``); ``<lake>/versions/v000007/
manifest.json`` lists, for every table, its schema and its partitions, each with the one
Parquet file that holds it, its row count, byte size, SHA-256 and a content fingerprint.
Data files are named by their content and never overwritten, so a version stays readable
for as long as its files are kept: an export writes the new files, then the new manifest,
then switches ``CURRENT`` in one atomic step (see :mod:`.export`). Readers go through the
manifest, never a directory listing, because files of older versions sit beside the current
ones until they are cleaned away.

A partition may hold several files (a ``--lake-only`` ingest appends each submission's
superseded versions as a file of its own; ``lake compact`` merges them). Its fingerprint is
then the sum of its files' (rows, sum of row hashes), so merging files changes no data
version.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from cancer_alliance.errors import NotFound, UsageError
from cancer_alliance.lake.fs import Location, read_bytes, write_atomic
from cancer_alliance.lake.layout import SCHEMA_VERSION

POINTER = "CURRENT"


@dataclass(frozen=True)
class Partition:
    """One partition of a table: its values, its file and what is in it."""

    values: dict[str, str]
    path: str
    rows: int
    bytes: int
    sha256: str
    fingerprint: str

    def key(self) -> tuple[str, ...]:
        return tuple(sorted(self.values.items()))  # type: ignore[arg-type]

    def as_dict(self) -> dict[str, Any]:
        return {"values": self.values, "path": self.path, "rows": self.rows,
                "bytes": self.bytes, "sha256": self.sha256, "fingerprint": self.fingerprint}


@dataclass
class TableEntry:
    """A table of the lake: its Arrow schema and its partitions."""

    name: str
    partition_by: tuple[str, ...]
    schema: pa.Schema
    partitions: list[Partition] = field(default_factory=list)
    root: str = ""  # the folder its partitions sit under (default data/<name>)

    def __post_init__(self) -> None:
        if not self.root:
            self.root = f"data/{self.name}"

    @property
    def rows(self) -> int:
        return sum(p.rows for p in self.partitions)

    def by_key(self) -> dict[tuple[str, ...], list[Partition]]:
        """The files of each partition (most partitions have one), in manifest order."""
        out: dict[tuple[str, ...], list[Partition]] = {}
        for p in self.partitions:
            out.setdefault(p.key(), []).append(p)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "partition_by": list(self.partition_by),
            "columns": [[f.name, str(f.type)] for f in self.schema],
            "arrow_schema": base64.b64encode(self.schema.serialize().to_pybytes()).decode(),
            "rows": self.rows,
            "partitions": [p.as_dict() for p in sorted(self.partitions, key=Partition.key)],
        }

    @classmethod
    def from_dict(cls, name: str, data: dict[str, Any]) -> TableEntry:
        schema = pa.ipc.read_schema(pa.py_buffer(base64.b64decode(data["arrow_schema"])))
        parts = [Partition(**p) for p in data["partitions"]]
        return cls(name, tuple(data["partition_by"]), schema, parts, data.get("root", ""))


@dataclass
class Manifest:
    """One version of the lake."""

    version: int
    created_at: str
    home: str  # "store": the DuckDB file is the rows' home; "lake": ingest --lake-only
    tables: dict[str, TableEntry]
    schema_version: int = SCHEMA_VERSION
    #: The store's data start when exported (reporting-calendar rule C5), so a run over the
    #: lake alone leaves out the same months as the store's pages (None: no cut).
    data_start: str | None = None

    @property
    def name(self) -> str:
        return version_name(self.version)

    def data_version(self) -> str:
        """A digest of every partition's content: equal digests, equal data."""
        h = hashlib.sha256()
        for name in sorted(self.tables):
            parts = self.tables[name].by_key()
            for key in sorted(parts):
                fingerprint = combine_fingerprints(p.fingerprint for p in parts[key])
                h.update(f"{name}|{key}|{fingerprint}\n".encode())
        return h.hexdigest()[:16]

    def files(self) -> set[str]:
        return {p.path for t in self.tables.values() for p in t.partitions}

    def as_json(self) -> bytes:
        body = {"schema_version": self.schema_version, "version": self.version,
                "created_at": self.created_at, "home": self.home,
                "data_version": self.data_version(), "data_start": self.data_start,
                "tables": {n: self.tables[n].as_dict() for n in sorted(self.tables)}}
        return json.dumps(body, indent=1).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        data = json.loads(raw)
        if data.get("schema_version", 0) > SCHEMA_VERSION:
            raise UsageError(f"this lake was written with layout version "
                             f"{data['schema_version']}; this release reads up to "
                             f"{SCHEMA_VERSION}: upgrade the platform")
        tables = {n: TableEntry.from_dict(n, t) for n, t in data["tables"].items()}
        return cls(data["version"], data["created_at"], data.get("home", "store"), tables,
                   data["schema_version"], data.get("data_start"))


def combine_fingerprints(fingerprints: Iterable[str]) -> str:
    """The fingerprint of the union of files whose fingerprints are ``rows:hashsum`` each.

    Both parts are sums over rows, so the union's is their sum: one file or the same rows
    in several gives one answer. A lone fingerprint is returned as it is.
    """
    items = list(fingerprints)
    if len(items) == 1:
        return items[0]
    rows = total = 0
    for fp in items:
        n, _, h = fp.partition(":")
        rows, total = rows + int(n), total + int(h)
    return f"{rows}:{total}"


def version_name(version: int) -> str:
    return f"v{version:06d}"


def manifest_path(loc: Location, version: int) -> str:
    return loc.path("versions", version_name(version), "manifest.json")


def current_version(loc: Location) -> int | None:
    raw = read_bytes(loc, loc.path(POINTER))
    if raw is None:
        return None
    return int(raw.decode().strip().lstrip("v"))


def read_manifest(loc: Location, version: int | None = None) -> Manifest | None:
    """The manifest of ``version`` (default: the current one), or None for an empty lake."""
    if version is None:
        version = current_version(loc)
        if version is None:
            return None
    raw = read_bytes(loc, manifest_path(loc, version))
    if raw is None:
        raise NotFound(f"lake {loc.uri}: version {version_name(version)} has no manifest")
    return Manifest.from_json(raw)


def require_manifest(loc: Location) -> Manifest:
    manifest = read_manifest(loc)
    if manifest is None:
        raise NotFound(f"no lake at {loc.uri}: run `cancer-alliance lake export --lake "
                       f"{loc.uri}` (or ingest with --lake) first")
    return manifest


def publish(loc: Location, manifest: Manifest) -> None:
    """Write the manifest, then point ``CURRENT`` at it (the one atomic switch)."""
    write_atomic(loc, manifest_path(loc, manifest.version), manifest.as_json())
    write_atomic(loc, loc.path(POINTER), (manifest.name + "\n").encode())
