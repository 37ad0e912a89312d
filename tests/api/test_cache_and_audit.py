"""The timeline cache (``tracker.cache``) and the audit log's group commit: bounds,
versions, an entry committed before ``record`` returns (or the await ends), commits shared
by concurrent reads, nothing served while the log cannot be written."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time

import pytest

from tracker.access import AccessDB, AuditLog, AuditUnavailable
from tracker.access.audit import CHECKPOINT_SECONDS
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


def test_an_entry_is_in_the_file_when_record_returns(tmp_path):
    db = AccessDB(tmp_path / "access.sqlite3")
    audit = AuditLog(db, group_commit=True)
    audit.record("k1", "field", "timeline", "W1")
    assert other_reader(db.path) == 1  # committed, not held
    audit.record_many("k1", "field", "search", ["W2", "W3", "W2"], detail="q")
    assert other_reader(db.path) == 3  # one entry per worker, each once
    audit.close()


def test_an_awaited_entry_is_committed_and_the_loop_runs_meanwhile(tmp_path):
    db = AccessDB(tmp_path / "access.sqlite3")
    audit = AuditLog(db, group_commit=True)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    async def reads() -> None:
        ticker = asyncio.create_task(tick())
        await asyncio.gather(
            *(audit.logging("k", "field", "timeline", f"W{n}") for n in range(200))
        )
        assert other_reader(db.path) == 200
        ticker.cancel()

    asyncio.run(reads())
    assert ticks > 0  # the loop was not blocked while the entries were written
    # taken in one turn of the loop, they are one group, committed in the loop at its end
    assert audit.commits == 1
    audit.close()


def test_concurrent_reads_are_committed_in_groups(tmp_path):
    db = AccessDB(tmp_path / "access.sqlite3")
    audit = AuditLog(db, group_commit=True)

    def read(n: int) -> None:
        for i in range(50):
            audit.record("k", "field", "timeline", f"W{n}-{i}")

    threads = [threading.Thread(target=read, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert other_reader(db.path) == 1000
    assert audit.commits < 1000
    audit.close()


def test_reads_stop_while_the_log_cannot_be_written(tmp_path):
    db = AccessDB(tmp_path / "access.sqlite3")
    audit = AuditLog(db, group_commit=True)
    blocker = sqlite3.connect(db.path, isolation_level=None)
    blocker.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk'); END"
    )
    with pytest.raises(AuditUnavailable):  # the read is refused, not served unlogged
        audit.record("k1", "field", "timeline", "W1")

    async def awaited() -> None:
        await audit.logging("k1", "field", "timeline", "W2")

    with pytest.raises(AuditUnavailable):
        asyncio.run(awaited())
    blocker.execute("DROP TRIGGER refuse")
    audit.record("k1", "field", "timeline", "W3")
    audit.close()
    audit.record("k1", "field", "timeline", "W4")  # closed: committed by the caller itself
    assert [e.worker_id for e in audit.entries()[1]] == ["W4", "W3"]


def test_a_serving_log_checkpoints_in_its_own_thread_not_in_the_commits(tmp_path):
    """The commits of a serving log leave the WAL alone (SQLite's checkpoint, with its
    fsyncs, ran inside a commit on the event loop); the checkpoint thread moves the entries
    into the database file itself within a second."""
    db = AccessDB(tmp_path / "access.sqlite3")
    audit = AuditLog(db, group_commit=True)
    audit._stop_checkpoints.set()  # this log's checkpoint thread stopped first
    time.sleep(2 * CHECKPOINT_SECONDS)
    for n in range(3000):  # about 1,500 WAL pages: SQLite would checkpoint at 1,000
        audit.record("k1", "field", "timeline", f"W{n}")

    def in_the_file() -> int:  # the database file alone, without its WAL
        conn = sqlite3.connect(f"file:{tmp_path / 'access.sqlite3'}?immutable=1", uri=True)
        try:
            return conn.execute("SELECT count(*) FROM audit").fetchone()[0]
        except sqlite3.OperationalError:  # not even the table is there yet
            return 0
        finally:
            conn.close()

    assert in_the_file() == 0
    audit.close()
    served = AuditLog(db, group_commit=True)  # a checkpoint thread that runs
    deadline = time.monotonic() + 10 * CHECKPOINT_SECONDS
    while in_the_file() < 3000 and time.monotonic() < deadline:
        time.sleep(CHECKPOINT_SECONDS / 5)
    assert in_the_file() == 3000
    served.close()
    db.close()
