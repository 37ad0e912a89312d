"""A bounded LRU of answers already serialised, emptied whenever the store changes.

Why: reading a worker's timeline from LadybugDB and turning it into JSON costs about half
a millisecond of CPU; sending bytes made earlier costs microseconds. Field staff open the
same workers again and again (the page shows a worker's timeline and journey, a caseworker
comes back to a case), so the API keeps the JSON of recent timelines (``api.state``).

Never stale: every value belongs to one *version* of the store. ``version`` goes up on every
change (``invalidate``), and while the store is being written (``suspend`` .. ``resume``,
around an ingest) nothing is kept or served. A value is put with the version read *before*
the store was read for it, and is dropped if the version moved meanwhile, so an answer read
before or during a batch is never served after the batch.

Bounded by the bytes held (keys and bookkeeping counted as ``OVERHEAD`` bytes each), least
recently used out first; thread-safe (the API reads from a thread pool and its event loop).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")
OVERHEAD = 200
"""Bytes counted per entry besides its value: the key, the tuple, the dict slot."""


@dataclass
class CacheStats:
    entries: int
    bytes: int
    max_bytes: int
    hits: int
    misses: int
    version: int


class VersionedLRU(Generic[V]):
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._version = 0
        self._suspended = 0
        self.hits = 0
        self.misses = 0

    @property
    def version(self) -> int:
        """Read this before reading the store for a value; ``put`` it back with it."""
        return self._version

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key: Hashable, value: V, size: int, version: int) -> bool:
        """Keep ``value`` (``size`` bytes) if the store is still at ``version`` and not
        being written; False if it was not kept."""
        cost = size + OVERHEAD
        with self._lock:
            if version != self._version or self._suspended or cost > self.max_bytes:
                return False
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (value, cost)
            self._bytes += cost
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped
            return True

    def invalidate(self) -> None:
        """The store changed: drop everything, refuse values read before now."""
        with self._lock:
            self._version += 1
            self._items.clear()
            self._bytes = 0

    def suspend(self) -> None:
        """The store is about to be written: hold nothing until ``resume``."""
        with self._lock:
            self._suspended += 1
        self.invalidate()

    def resume(self) -> None:
        """The write is over: start afresh."""
        with self._lock:
            self._suspended = max(0, self._suspended - 1)
        self.invalidate()

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(
                len(self._items), self._bytes, self.max_bytes, self.hits, self.misses, self._version
            )
