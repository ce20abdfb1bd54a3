"""Where an upload waits for its job: a folder beside the store, one random name per upload.

The files are written completely (and flushed to disk) before the job row is queued, so a
queued job always has its files; folders no job needs any more are removed at start-up.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO


class TooLarge(Exception):
    """The upload's files together exceed the limit."""


def spool_root(store_path: Path | None) -> Path:
    """``<store>-jobs/`` beside the store (a temporary folder for an in-memory store)."""
    if store_path is None:
        return Path(tempfile.gettempdir()) / "cancer-alliance-jobs"
    return store_path.with_name(store_path.stem + "-jobs")


def save(root: Path, files: Iterable[tuple[str, BinaryIO]], limit: int) -> str:
    """Copy uploaded files into a new spool folder; return its name. Raises TooLarge."""
    name = secrets.token_hex(12)
    folder = root / name
    folder.mkdir(parents=True, mode=0o700)
    total = 0
    try:
        for file_name, stream in files:
            with open(folder / file_name, "wb") as out:
                while chunk := stream.read(1 << 20):
                    total += len(chunk)
                    if total > limit:
                        raise TooLarge()
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return name


def remove(root: Path, name: str | None) -> None:
    if name:
        shutil.rmtree(root / name, ignore_errors=True)


def prune(root: Path, keep: set[str]) -> None:
    """Remove spool folders that no queued or running job needs."""
    if not root.exists():
        return
    for folder in root.iterdir():
        if folder.is_dir() and folder.name not in keep:
            with contextlib.suppress(OSError):
                shutil.rmtree(folder)
