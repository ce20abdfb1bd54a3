"""Sharing one store between the running dashboard and the command line.

DuckDB lets one process at a time open a file for writing, and refuses every other process
at once (``IOException: Could not set lock``). The platform's rule (see
docs/explanation/architecture.md, "One store, many processes") is:

* A process that finds the store held **waits its turn** (bounded, ``$CANCER_ALLIANCE_STORE_WAIT``
  seconds, default 300) instead of failing: two ingests at once run one after the other, and
  ``serve`` started during an ingest starts when the ingest has finished.
* When the holder is a running ``serve``, the waiting process **asks it to lend the store**
  over a private local socket: the service stops admitting new requests and jobs, lets the
  ones in flight finish, closes its connection, and answers ``lent``. The command then opens
  the store as usual; when the command's process ends (its socket closes, even on a kill),
  the service reopens the store and carries on. Pages asked for meanwhile wait (bounded) and
  otherwise get a clear "try again" page.
* If the wait runs out, the command stops with one line saying who holds the store and what
  to do; never a traceback.

The socket and a small marker file live in a folder only the current user can open
(``$XDG_RUNTIME_DIR/cancer-alliance``, else ``/tmp/cancer-alliance-<uid>``), named by a hash
of the store's absolute path; only someone who could open the store file itself can ask.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cancer_alliance.errors import StoreBusy

WAIT_ENV = "CANCER_ALLIANCE_STORE_WAIT"
DEFAULT_WAIT_S = 300.0
POLL_S = 0.1
LEND = b"lend\n"
LENT = b"lent\n"

_LOCK_PID = re.compile(r"\(PID (\d+)\)")
# sockets this process has asked a service to lend through: kept open until exit, because
# the service takes the store back when the socket closes
_LENDERS: dict[str, socket.socket] = {}


def store_wait_seconds() -> float:
    """How long a process waits for a held store (``$CANCER_ALLIANCE_STORE_WAIT``, seconds)."""
    raw = os.environ.get(WAIT_ENV, "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_WAIT_S
    except ValueError:
        return DEFAULT_WAIT_S


def runtime_dir() -> Path:
    """A folder only this user can open, for the service's socket and marker."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    path = Path(base) / "cancer-alliance" if base else Path(f"/tmp/cancer-alliance-{os.getuid()}")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_uid != os.getuid():
        raise StoreBusy(f"{path} belongs to another user; set XDG_RUNTIME_DIR to a private "
                        "folder")
    os.chmod(path, 0o700)
    return path


def _key(db_path: Path) -> str:
    return hashlib.sha256(str(db_path.resolve()).encode()).hexdigest()[:24]


def socket_path(db_path: Path) -> Path:
    """Where a service serving ``db_path`` listens (short, so it fits a socket address)."""
    return runtime_dir() / f"{_key(db_path)}.sock"


def marker_path(db_path: Path) -> Path:
    """The service's marker: which process serves the store, and its socket."""
    return runtime_dir() / f"{_key(db_path)}.json"


@dataclass(frozen=True)
class Holder:
    """The process holding a store, as far as this process can tell."""

    pid: int | None
    command: str
    served: bool
    socket: Path | None


def is_lock_conflict(exc: BaseException) -> bool:
    """Whether a DuckDB error means another process holds the file."""
    return isinstance(exc, duckdb.IOException) and "Could not set lock" in str(exc)


def _command_of(pid: int | None) -> str:
    if pid is None:
        return "another process"
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return f"process {pid}"
    # the program and the command's own words (e.g. "cancer-alliance ingest"), never its
    # arguments, which may be file names
    words = [Path(w.decode(errors="replace")).name for w in raw[:4] if w]
    words = [w for w in words if not w.startswith("python")]
    words = [w for w in words[:2] if re.fullmatch(r"[A-Za-z][\w.-]{0,30}", w)]
    return f"{' '.join(words) or 'a process'} (pid {pid})"


def holder_of(db_path: Path, exc: BaseException) -> Holder:
    """Who holds the store: the PID DuckDB names, and whether it is a running service."""
    m = _LOCK_PID.search(str(exc))
    pid = int(m.group(1)) if m else None
    marker = marker_path(db_path)
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        info = json.loads(marker.read_text())
        if pid is None or int(info["pid"]) == pid:
            return Holder(int(info["pid"]), "cancer-alliance serve", True, Path(info["socket"]))
    return Holder(pid, _command_of(pid), False, None)


def _ask_to_lend(holder: Holder) -> socket.socket | None:
    """Connect to the service and ask it to lend the store; None if it is not listening."""
    if holder.socket is None:
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(holder.socket))
        sock.sendall(LEND)
    except OSError:
        sock.close()
        return None
    sock.setblocking(False)
    return sock


def open_when_free(
    db_path: Path,
    opener: Callable[[], duckdb.DuckDBPyConnection],
    *,
    wait: float | None = None,
    say: Callable[[str], None] | None = None,
    borrow: bool = True,
) -> duckdb.DuckDBPyConnection:
    """``opener()``, retried while another process holds the store (module docstring).

    ``say`` is told once, in plain words, what the process is waiting for (the command
    line prints it to standard error). Raises :class:`StoreBusy` when ``wait`` runs out,
    or at once if the holder is a running dashboard and ``borrow`` is false (a second
    ``serve`` of the same store).
    """
    wait = store_wait_seconds() if wait is None else wait
    say = say or (lambda text: print(text, file=sys.stderr, flush=True))
    deadline = time.monotonic() + wait
    told = False
    key = str(db_path.resolve())
    while True:
        try:
            return opener()
        except duckdb.IOException as exc:
            if not is_lock_conflict(exc):
                raise
            holder = holder_of(db_path, exc)
        if holder.served and not borrow:
            raise StoreBusy(f"the store {db_path} is already served by cancer-alliance serve "
                            f"(pid {holder.pid}): use that dashboard, or stop it first")
        if holder.served and key not in _LENDERS:
            sock = _ask_to_lend(holder)
            if sock is not None:
                _LENDERS[key] = sock
        if time.monotonic() >= deadline:
            raise StoreBusy(_busy_message(db_path, holder, wait))
        if not told:
            what = ("the running dashboard to lend it (it finishes the requests and jobs in "
                    "hand first)" if holder.served else f"{holder.command} to finish with it")
            say(f"The store {db_path} is in use; waiting up to {wait:.0f} s for {what}.")
            told = True
        time.sleep(POLL_S)


def _busy_message(db_path: Path, holder: Holder, wait: float) -> str:
    if holder.served:
        return (f"the store {db_path} is served by cancer-alliance serve (pid {holder.pid}), "
                f"which did not lend it within {wait:.0f} s (it is finishing a long job): try "
                f"again later, or set {WAIT_ENV} to wait longer")
    return (f"the store {db_path} is in use by {holder.command} and was not free within "
            f"{wait:.0f} s: try again when it has finished, or set {WAIT_ENV} to wait longer")


def release_lenders() -> None:
    """Give back every store this process borrowed (closing the sockets; also done at exit)."""
    for sock in _LENDERS.values():
        with contextlib.suppress(OSError):
            sock.close()
    _LENDERS.clear()
