"""The timeline cache (``tracker.cache``) and the buffered audit log: bounds, versions,
durability within the flush interval, nothing served while the log cannot be written."""

from __future__ import annotations

import sqlite3
import time

import pytest

from tracker.access import AccessDB, AuditLog, AuditUnavailable
from tracker.cache import OVERHEAD, VersionedLRU


def test_lru_is_bounded_by_bytes_and_drops_the_least_recently_used():
    cache: VersionedLRU[bytes] = VersionedLRU(max_bytes=3 * (100 + OVERHEAD))
    for name in "abc":
        assert cache.put(name, name.encode() * 100, 100, cache.version)
    assert cache.get("a") == b"a" * 100  # a is now the most recent
    cache.put("d", b"d" * 100, 100, cache.version)
    assert cache.get("b") is None and cache.get("a") and cache.get("c") and cache.get("d")
    stats = cache.stats()
    assert stats.entries == 3 and stats.bytes <= stats.max_bytes
    assert not cache.put("huge", b"x", 10**6, cache.version)
    assert not VersionedLRU(0).put("a", b"a", 1, 0)  # size 0: nothing is kept


def test_a_value_read_before_a_change_is_never_kept():
    cache: VersionedLRU[str] = VersionedLRU(10**6)
    before = cache.version
    cache.put("w", "old", 3, before)
    cache.invalidate()
    assert cache.get("w") is None
    assert not cache.put("w", "read before the change", 3, before)
    assert cache.put("w", "new", 3, cache.version) and cache.get("w") == "new"


def test_nothing_is_kept_while_the_store_is_written():
    cache: VersionedLRU[str] = VersionedLRU(10**6)
    cache.put("w", "before", 6, cache.version)
    cache.suspend()
    assert cache.get("w") is None
    assert not cache.put("w", "during", 6, cache.version)
    cache.resume()
    assert cache.get("w") is None
    assert cache.put("w", "after", 5, cache.version)


def other_reader(path) -> int:
    """Entries another process would see in the file."""
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM audit").fetchone()[0]


def test_buffered_entries_reach_the_file_within_the_interval(tmp_path):
    db = AccessDB(tmp_path / "access.sqlite3")
    audit = AuditLog(db, flush_every=0.1)
    audit.record("k1", "field", "timeline", "W1")
    deadline = time.monotonic() + 5
    while other_reader(db.path) < 1:
        assert time.monotonic() < deadline, "the entry never reached the file"
        time.sleep(0.02)
    audit.close()


def test_close_and_reading_write_what_is_held(tmp_path):
    db = AccessDB(tmp_path / "access.sqlite3")
    audit = AuditLog(db, flush_every=3600)  # the background writer never gets to it
    audit.record("k1", "field", "timeline", "W1")
    assert other_reader(db.path) == 0
    total, entries = audit.entries()  # an admin's read sees every read so far
    assert total == 1 and entries[0].worker_id == "W1" and entries[0].role == "field"
    audit.record("k2", "researcher", "journey", "W2")
    audit.close()
    assert other_reader(db.path) == 2


def test_reads_stop_while_the_log_cannot_be_written(tmp_path):
    db = AccessDB(tmp_path / "access.sqlite3")
    audit = AuditLog(db, flush_every=3600)
    blocker = sqlite3.connect(db.path, isolation_level=None)
    blocker.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk'); END"
    )
    audit.record("k1", "field", "timeline", "W1")
    with pytest.raises(AuditUnavailable):
        audit.flush()
    with pytest.raises(AuditUnavailable):  # the next read is refused, not served unlogged
        audit.record("k1", "field", "timeline", "W2")
    blocker.execute("DROP TRIGGER refuse")
    audit.record("k1", "field", "timeline", "W3")  # writes the held entry, then takes this
    audit.close()
    assert [e.worker_id for e in audit.entries()[1]] == ["W3", "W1"]
