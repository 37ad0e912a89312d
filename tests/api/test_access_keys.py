"""Keys stored hashed, the append-only audit log, pseudonyms, disclosure rules."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from tracker.access import AccessDB, AuditLog, KeyRing, Pseudonyms, birth_band, suppressed
from tracker.stores.ladybug.store import LadybugStore


def test_keys_are_stored_hashed_and_checked(tmp_path):
    db = AccessDB(tmp_path / "access.sqlite3")
    keys = KeyRing(db)
    record, key = keys.create("researcher", "a study")
    secret = key.split("_", 2)[2]
    assert secret not in (tmp_path / "access.sqlite3").read_bytes().decode("latin-1")
    assert keys.verify(key).role == "researcher"
    assert keys.verify(key + "x") is None
    assert keys.verify(f"lmt_{record.key_id}_wrong") is None
    assert keys.verify("not a key") is None
    assert keys.revoke(record.key_id)
    assert keys.verify(key) is None
    with pytest.raises(ValueError):
        keys.create("boss")


def test_audit_log_is_append_only_and_safe_across_threads(tmp_path):
    db = AccessDB(tmp_path / "access.sqlite3")
    audit = AuditLog(db)

    def read_many(n: int) -> None:
        for _ in range(n):
            audit.record("k1", "field", "timeline", "W1")

    threads = [threading.Thread(target=read_many, args=(50,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    audit.record("k2", "admin", "profile", "W2")
    total, entries = audit.entries(limit=10)
    assert total == 201
    assert entries[0].worker_id == "W2" and entries[0].key_id == "k2"
    assert audit.entries(worker_id="W1", limit=1)[0] == 200
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.connection().execute("DELETE FROM audit")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.connection().execute("UPDATE audit SET worker_id = 'W9'")


def test_pseudonyms_are_stable_per_store_and_keyed(tmp_path):
    store = LadybugStore(tmp_path / "db", buffer_pool_mb=64)
    first = Pseudonyms.for_store(store).of("W0000001")
    assert Pseudonyms.for_store(store).of("W0000001") == first
    store.close()
    reopened = LadybugStore(tmp_path / "db", buffer_pool_mb=64)
    assert Pseudonyms.for_store(reopened).of("W0000001") == first  # the secret is kept
    given = Pseudonyms.for_store(reopened, "g" * 32)  # $LMT_PSEUDONYM_SECRET wins
    assert given.of("W0000001") == Pseudonyms("g" * 32).of("W0000001") != first
    reopened.close()
    assert Pseudonyms("s" * 64).of("W0000001") != first
    assert Pseudonyms("s" * 64).of("W0000001") != Pseudonyms("s" * 64).of("W0000002")
    assert "W0000001" not in first and Pseudonyms.looks_like(first)


def test_birth_bands_and_suppression():
    assert birth_band(1987) == "1985-1989"
    assert birth_band(1990) == "1990-1994"
    assert birth_band(None) is None
    assert [suppressed(n) for n in (0, 1, 4, 5, 12)] == [0, None, None, 5, 12]
