"""The serving process's hold on the store: one connection shared by requests and jobs,
lent to a command-line process that asks for it (see :mod:`cancer_alliance.store.sharing`).

Requests and jobs enter and leave (:meth:`ServedStore.try_enter`, :meth:`leave`,
:meth:`using`). A lend stops new entries, waits for those in hand to leave, closes the
connection and answers the asking process; when that process's socket closes, the store is
reopened (waiting, if yet another process got in first) and entries resume. Keeping one
long-lived connection while nobody asks keeps pages fast (DuckDB's caches stay warm).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from cancer_alliance.store.migrations import apply_migrations
from cancer_alliance.store.sharing import LEND, LENT, is_lock_conflict, marker_path, socket_path

log = logging.getLogger("cancer_alliance.store")


def store_path_of(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file behind a connection (None for an in-memory store)."""
    rows = con.execute("SELECT path FROM duckdb_databases() WHERE NOT internal AND "
                       "database_name = current_database()").fetchall()
    return Path(rows[0][0]) if rows and rows[0][0] else None


class ServedStore:
    """One shared connection, entered by requests and jobs, lendable to a command."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path | None = None):
        self.con = con
        self.path = path if path is not None else store_path_of(con)
        self.on_reopen: list[Callable[[duckdb.DuckDBPyConnection], None]] = []
        self._cond = threading.Condition()
        self._users = 0
        self._state = "open"  # open | lending | lent
        self._since = 0.0
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False

    # -- entering and leaving ---------------------------------------------------------
    @property
    def state(self) -> str:
        return self._state

    def unavailable_for(self) -> float:
        """Seconds since the store stopped admitting (0 when open)."""
        return 0.0 if self._state == "open" else time.monotonic() - self._since

    def try_enter(self) -> bool:
        """Enter at once if the store is open (never blocks)."""
        with self._cond:
            if self._state != "open":
                return False
            self._users += 1
            return True

    def enter(self, timeout: float) -> bool:
        """Enter, waiting up to ``timeout`` seconds while the store is lent."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._state == "open", timeout=timeout):
                return False
            self._users += 1
            return True

    def leave(self) -> None:
        with self._cond:
            self._users -= 1
            self._cond.notify_all()

    @contextlib.contextmanager
    def using(self, timeout: float = 3600.0) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for work outside a request (jobs), holding the store meanwhile."""
        if not self.enter(timeout):
            raise TimeoutError("the store stayed lent to a command")
        cur = self.con.cursor()
        try:
            yield cur
        finally:
            cur.close()
            self.leave()

    # -- lending ----------------------------------------------------------------------
    def start_lending(self) -> None:
        """Listen for commands asking for the store, and publish the marker naming us."""
        if self.path is None or self._thread is not None:
            return
        sock_file = socket_path(self.path)
        with contextlib.suppress(FileNotFoundError):
            sock_file.unlink()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(sock_file))
        os.chmod(sock_file, 0o600)
        listener.listen(16)
        self._listener = listener
        marker = marker_path(self.path)
        tmp = marker.with_suffix(".tmp")
        tmp.write_text(json.dumps({"pid": os.getpid(), "socket": str(sock_file),
                                   "db": str(self.path.resolve())}))
        tmp.replace(marker)
        self._thread = threading.Thread(target=self._accept_loop, name="store-lender",
                                        daemon=True)
        self._thread.start()

    def _accept_loop(self) -> None:
        while not self._stopping:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with conn:
                try:
                    self._lend(conn)
                except Exception as exc:  # noqa: BLE001 - the service must keep serving
                    log.warning("lending the store failed: %s", type(exc).__name__)
                    self._reopen()

    @staticmethod
    def _gone(conn: socket.socket) -> bool:
        """Whether the asking process has closed its end (exited)."""
        ready, _, _ = select.select([conn], [], [], 0)
        if not ready:
            return False
        try:
            return conn.recv(64, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _lend(self, conn: socket.socket) -> None:
        if conn.recv(16) != LEND or self._gone(conn):
            return
        with self._cond:
            self._state, self._since = "lending", time.monotonic()
            while self._users:
                self._cond.wait(0.2)
                if self._gone(conn):  # it gave up waiting: carry on serving
                    self._state = "open"
                    self._cond.notify_all()
                    return
            self.con.close()
            self._state = "lent"
        log.warning("store lent to a command-line process")
        with contextlib.suppress(OSError):
            conn.sendall(LENT)
        while not self._stopping:  # until the borrower's process closes its socket
            ready, _, _ = select.select([conn], [], [], 0.5)
            if ready:
                try:
                    if conn.recv(64) == b"":
                        break
                except OSError:
                    break
        self._reopen()

    def _reopen(self) -> None:
        """Open the store again (waiting while another process holds it), then admit."""
        while not self._stopping:
            try:
                con = duckdb.connect(str(self.path))
                apply_migrations(con)
                break
            except duckdb.IOException as exc:
                if not is_lock_conflict(exc):
                    raise
                time.sleep(0.1)
        else:
            return
        self.con = con
        for callback in self.on_reopen:
            try:
                callback(con)
            except Exception as exc:  # noqa: BLE001 - a cache refresh must not stop serving
                log.warning("after reopening the store: %s", type(exc).__name__)
        with self._cond:
            self._state = "open"
            self._cond.notify_all()
        log.warning("store taken back from the command-line process")

    def close(self) -> None:
        """Stop lending and remove the socket and marker (the connection is the caller's)."""
        self._stopping = True
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.close()
            with contextlib.suppress(OSError):
                socket_path(self.path).unlink()
            with contextlib.suppress(OSError, ValueError):
                marker = marker_path(self.path)
                if json.loads(marker.read_text()).get("pid") == os.getpid():
                    marker.unlink()
