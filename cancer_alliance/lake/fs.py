"""Where a lake lives: a local folder or any filesystem URI, through pyarrow's filesystem layer.

A lake URI is a local path, ``file:///...``, or a Hadoop-compatible URI (``s3a://bucket/x``,
``hdfs://namenode:8020/x``, ``gs://bucket/x``). pyarrow opens it for the platform's own
reads and writes; Spark is given the URI in Hadoop's spelling (:func:`spark_path`), so the
same lake is read by both without copying. Hadoop's ``s3a``/``s3n`` are the S3 that pyarrow
calls ``s3``.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import pyarrow.fs as pafs

from cancer_alliance.errors import UsageError

#: Hadoop's names for S3 that pyarrow spells ``s3``.
_S3_ALIASES = ("s3a://", "s3n://")


@dataclass(frozen=True)
class Location:
    """A lake's filesystem and root path, with the URI the user gave."""

    uri: str
    fs: pafs.FileSystem
    root: str

    @property
    def is_local(self) -> bool:
        return isinstance(self.fs, pafs.LocalFileSystem)

    def path(self, *parts: str) -> str:
        """The filesystem path of ``parts`` under the root."""
        return "/".join([self.root.rstrip("/"), *parts])

    def spark_path(self, relative: str) -> str:
        """``relative`` as Spark (Hadoop) names it: ``file:///...`` or the URI's own scheme."""
        if self.is_local:
            return "file://" + self.path(relative)
        return self.uri.rstrip("/") + "/" + relative


def locate(uri: str | os.PathLike) -> Location:
    """Open the filesystem of a lake URI or local path (no I/O beyond what pyarrow does)."""
    text = os.fspath(uri)
    if not text:
        raise UsageError("--lake needs a folder or a filesystem URI")
    if "://" not in text:
        return Location(text, pafs.LocalFileSystem(), os.path.abspath(text))
    arrow_uri = text
    for alias in _S3_ALIASES:
        if text.startswith(alias):
            arrow_uri = "s3://" + text[len(alias):]
    try:
        fs, root = pafs.FileSystem.from_uri(arrow_uri)
    except (pafs.ArrowInvalid, OSError, ValueError) as exc:  # type: ignore[attr-defined]
        raise UsageError(f"cannot open lake {text}: {exc}") from None
    return Location(text, fs, root)


def write_atomic(loc: Location, path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` so a reader sees the old content or the new, never half.

    On a local or HDFS filesystem: a temporary file renamed over the target (rename is
    atomic there). On object storage a single PUT is already atomic, and rename is a copy.
    """
    parent = path.rsplit("/", 1)[0]
    loc.fs.create_dir(parent, recursive=True)
    if isinstance(loc.fs, pafs.S3FileSystem if hasattr(pafs, "S3FileSystem") else ()):
        with loc.fs.open_output_stream(path) as out:
            out.write(data)
        return
    tmp = f"{parent}/.tmp-{uuid.uuid4().hex}"
    with loc.fs.open_output_stream(tmp) as out:
        out.write(data)
    loc.fs.move(tmp, path)


def read_bytes(loc: Location, path: str) -> bytes | None:
    """The content of ``path``, or None when there is no such file."""
    info = loc.fs.get_file_info(path)
    if info.type != pafs.FileType.File:
        return None
    with loc.fs.open_input_stream(path) as f:
        return f.read()


def write_once(loc: Location, path: str, data: bytes) -> None:
    """Write a content-addressed file: if it exists it already holds these bytes."""
    if loc.fs.get_file_info(path).type == pafs.FileType.File:
        return
    write_atomic(loc, path, data)
