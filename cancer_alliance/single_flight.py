"""Single flight for in-process caches: a value computed once however many threads ask.

While one thread computes a key, others asking for the same key wait for its result
instead of computing it again; if that computation fails, one waiter computes in its
place. The web's :class:`~cancer_alliance.web.data.ResultCache` and the fitted breach
risks' :class:`~cancer_alliance.outlook.risk_cache.RiskCache` keep their entries this way.

It imports nothing from the package, so any layer may use it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, MutableMapping
from typing import Generic, TypeVar

V = TypeVar("V")


class SingleFlight(Generic[V]):
    """``entries`` (any mapping: an LRU cache evicts as it is written) filled one
    computation per key, under ``lock``.

    The owner keeps using ``lock`` for its own state; :meth:`computing` is for readers
    that would rather not wait (call it with ``lock`` held).
    """

    def __init__(self, entries: MutableMapping[Hashable, V], lock: threading.Lock) -> None:
        self.entries = entries
        self.lock = lock
        self._pending: dict[Hashable, threading.Event] = {}

    def computing(self, key: Hashable) -> bool:
        """Whether a thread is computing ``key`` now (call with ``lock`` held)."""
        return key in self._pending

    def get(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The entry for ``key``, running ``compute()`` once however many threads ask."""
        while True:
            with self.lock:
                if key in self.entries:
                    return self.entries[key]
                pending = self._pending.get(key)
                owner = pending is None
                if owner:
                    pending = self._pending[key] = threading.Event()
            if not owner:
                pending.wait()
                continue  # kept now, or its computation failed: then compute it here
            try:
                value = compute()
                with self.lock:
                    self.entries[key] = value
                return value
            finally:
                with self.lock:
                    self._pending.pop(key, None)
                pending.set()
