"""Which versions of a lake are kept, and removing the files no kept version refers to.

A version stays readable while its manifest and files exist. After an export or a
compaction the lake keeps the last ``keep`` versions; with ``min_age`` it also keeps any
version replaced less than that long ago (a query that started on it can finish), and
leaves alone unreferenced files younger than that (another writer's files, not yet
published). Versions are removed oldest first, so what remains is always a run of the
newest ones.
"""

from __future__ import annotations

import datetime as dt
import re

from pyarrow.fs import FileSelector, FileType

from cancer_alliance.errors import UsageError
from cancer_alliance.lake.fs import Location
from cancer_alliance.lake.manifest import manifest_path, read_manifest

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(text: str) -> dt.timedelta:
    """``90s``, ``15m``, ``6h`` or ``7d`` as a duration (``0s`` for none)."""
    match = _DURATION.match(text)
    if not match:
        raise UsageError(f"--min-age {text!r}: expected a number and a unit, e.g. 30m, 6h, 7d")
    return dt.timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})


def _created(loc: Location, version: int) -> dt.datetime | None:
    try:
        m = read_manifest(loc, version)
    except Exception:  # a version whose manifest was never written (or is unreadable)
        return None
    return None if m is None else dt.datetime.fromisoformat(m.created_at)


def removable_versions(loc: Location, current: int, keep: int,
                       min_age: dt.timedelta | None = None,
                       now: dt.datetime | None = None) -> list[int]:
    """The versions older than the last ``keep`` that were replaced at least ``min_age`` ago
    (a version is replaced when the next one is created), oldest first, stopping at the
    first that must stay."""
    if keep < 1:
        raise UsageError("--keep must be at least 1 (the current version)")
    now = now or dt.datetime.now(dt.UTC)
    out = []
    for v in range(1, current - keep + 1):
        if min_age:
            replaced = _created(loc, v + 1)
            if replaced is not None and now - replaced < min_age:
                break
        out.append(v)
    return out


def clean(loc: Location, current: int, keep: int, min_age: dt.timedelta | None = None,
          now: dt.datetime | None = None) -> list[int]:
    """Remove the removable versions and the data files no remaining version refers to;
    return the versions removed."""
    now = now or dt.datetime.now(dt.UTC)
    removed = removable_versions(loc, current, keep, min_age, now)
    first_kept = removed[-1] + 1 if removed else 1
    referenced: set[str] = set()
    for v in range(first_kept, current + 1):
        try:
            m = read_manifest(loc, v)
        except Exception:  # a version whose manifest was never written
            continue
        if m is not None:
            referenced |= m.files()
    data_root = loc.path("data")
    if loc.fs.get_file_info(data_root).type == FileType.Directory:
        for info in loc.fs.get_file_info(FileSelector(data_root, recursive=True)):
            if info.type != FileType.File or not info.path.endswith(".parquet"):
                continue
            rel = info.path[len(loc.root.rstrip("/")) + 1:]
            if rel in referenced:
                continue
            if min_age and info.mtime is not None and now - _utc(info.mtime) < min_age:
                continue
            loc.fs.delete_file(info.path)
    for v in range(1, first_kept):
        path = manifest_path(loc, v).rsplit("/", 1)[0]
        if loc.fs.get_file_info(path).type == FileType.Directory:
            loc.fs.delete_dir(path)
    return removed


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
