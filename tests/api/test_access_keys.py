"""Keys stored hashed, the append-only audit log, pseudonyms, disclosure rules."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from tracker.access import AccessDB, AuditLog, KeyRing, Pseudonyms, birth_band, suppressed
from tracker.access.pseudonyms import SECRET_FILE, rotate_secret


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


def test_a_key_kept_in_memory_is_refused_at_once_when_another_process_revokes_it(tmp_path):
    serving = KeyRing(AccessDB(tmp_path / "access.sqlite3"))
    other = KeyRing(AccessDB(tmp_path / "access.sqlite3"))  # as `lmt keys revoke` has it
    record, key = other.create("field", "a phone")
    second, second_key = other.create("field", "another phone")
    for _ in range(3):
        assert serving.verify(key).key_id == record.key_id
    kept = len(serving._kept)
    assert kept == 1  # kept under the key's hash, not the key
    assert key.encode() not in b"".join(serving._kept)
    calls = []
    real = serving._verify
    serving._verify = lambda presented: calls.append(presented) or real(presented)
    assert serving.verify(key).key_id == record.key_id and not calls  # from memory
    assert other.revoke(record.key_id)
    assert serving.verify(key) is None  # seen at once, without waiting for a time-out
    assert serving.verify(second_key).key_id == second.key_id
    assert other.revoke(second.key_id)  # two changes within one tick of the clock
    assert serving.verify(second_key) is None


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


def test_pseudonyms_are_stable_keyed_per_project_and_kept_outside_the_store(tmp_path):
    folder = tmp_path / "state"
    first = Pseudonyms.from_file(folder).of("W0000001")
    assert Pseudonyms.from_file(folder).of("W0000001") == first  # the secret is kept
    secret_file = folder / SECRET_FILE
    assert secret_file.stat().st_mode & 0o777 == 0o600
    given = Pseudonyms.from_file(folder, "g" * 32)  # $LMT_PSEUDONYM_SECRET wins
    assert given.of("W0000001") == Pseudonyms("g" * 32).of("W0000001") != first
    assert Pseudonyms("s" * 64).of("W0000001") != first
    assert Pseudonyms("s" * 64).of("W0000001") != Pseudonyms("s" * 64).of("W0000002")
    assert "W0000001" not in first and Pseudonyms.looks_like(first)
    # projects: the same worker, unrelated pseudonyms
    mine = Pseudonyms.from_file(folder)
    assert mine.of("W0000001", "survey-a") != mine.of("W0000001", "survey-b")
    assert mine.of("W0000001", "default") == first
    assert mine.of_household("H1", "survey-a") != mine.of_household("H1", "survey-b")
    # rotating: every pseudonym changes
    rotate_secret(secret_file)
    assert Pseudonyms.from_file(folder).of("W0000001") != first
    assert secret_file.stat().st_mode & 0o777 == 0o600


def test_researcher_keys_belong_to_a_project(tmp_path):
    db = AccessDB(tmp_path / "access.sqlite3")
    keys = KeyRing(db)
    record, key = keys.create("researcher", project="survey-a")
    assert record.project == "survey-a" and keys.verify(key).project == "survey-a"
    _, plain = keys.create("researcher")
    assert keys.verify(plain).project == "default"
    _, field_key = keys.create("field")
    assert keys.verify(field_key).project is None
    with pytest.raises(ValueError, match="only researcher keys"):
        keys.create("field", project="survey-a")
    assert {k.project for k in keys.list()} == {"survey-a", "default", None}
    db.close()


def test_an_older_access_file_gains_the_project_column(tmp_path):
    path = tmp_path / "access.sqlite3"
    old = sqlite3.connect(path)
    old.execute(
        "CREATE TABLE api_keys (key_id TEXT PRIMARY KEY, role TEXT NOT NULL, label TEXT, "
        "secret_sha256 TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)"
    )
    old.execute("INSERT INTO api_keys VALUES ('k1', 'researcher', NULL, 'x', '2026', NULL)")
    old.commit()
    old.close()
    db = AccessDB(path)
    assert [k.project for k in KeyRing(db).list()] == ["default"]
    db.close()


def test_birth_bands_and_suppression():
    assert birth_band(1987) == "1985-1989"
    assert birth_band(1990) == "1990-1994"
    assert birth_band(None) is None
    assert [suppressed(n) for n in (0, 1, 4, 5, 12)] == [0, None, None, 5, 12]


def test_lmt_keys_makes_project_keys_and_rotates_the_pseudonym_secret(tmp_path):
    import subprocess
    import sys

    lmt = [sys.executable, "-m", "lmt.cli", "keys"]
    db = ["--db", str(tmp_path / "db")]
    made = subprocess.run([*lmt, "create", *db, "--role", "researcher", "--project", "survey-a"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    assert made.stdout.startswith("lmt_") and "project survey-a" in made.stderr
    refused = subprocess.run([*lmt, "create", *db, "--role", "field", "--project", "x"],
                             capture_output=True, text=True)  # fmt: skip
    assert refused.returncode == 2 and "only researcher keys" in refused.stderr
    listed = subprocess.run([*lmt, "list", *db], capture_output=True, text=True, check=True)
    assert "project survey-a" in listed.stdout
    folder = tmp_path / "db"
    before = Pseudonyms.from_file(folder).of("W1", "survey-a")
    subprocess.run([*lmt, "rotate-pseudonyms", *db], capture_output=True, check=True)
    assert Pseudonyms.from_file(folder).of("W1", "survey-a") != before
    assert (folder / SECRET_FILE).stat().st_mode & 0o777 == 0o600
