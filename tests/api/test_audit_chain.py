"""The audit log's hash chain and `lmt audit verify` (run as a real process): an entry
changed, removed (in the middle and at the end) or inserted is named by its number and the
exit status is 1; an old access database without the chain is chained on opening; two
writers (two server processes) make one chain."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from live_server import lmt

from tracker.access import AccessDB, AuditLog
from tracker.access.audit import indexed_upto
from tracker.access.chain import GENESIS, entry_hash, head_path, read_head


def logged(folder: Path, entries: int = 10) -> Path:
    """An access database in ``folder`` with ``entries`` reads W1..Wn, one commit each."""
    db = AccessDB(folder / "access.sqlite3")
    audit = AuditLog(db)
    for n in range(1, entries + 1):
        audit.record("k1", "field", "timeline", f"W{n}")
    audit.close()
    db.close()
    return folder


def verify(folder: Path, *extra: str):
    return lmt("audit", "verify", "--db", folder, *extra, check=False)


def tamper(folder: Path, *statements: str, params: tuple = ()) -> None:
    """What someone with the file could do: drop the triggers, then change the table."""
    conn = sqlite3.connect(folder / "access.sqlite3", isolation_level=None)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")
    for statement in statements:
        conn.execute(statement, params if "?" in statement else ())
    conn.execute(
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'x'); END"
    )
    conn.execute(
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'x'); END"
    )
    conn.close()


@pytest.fixture
def log(tmp_path) -> Path:
    return logged(tmp_path / "db")


def test_an_untouched_log_verifies(log):
    done = verify(log)
    assert done.returncode == 0, done.stdout + done.stderr
    head = read_head(head_path(log / "access.sqlite3"))
    assert head is not None and head.entry == 10
    assert f"10 entries, intact; head {head}" in done.stdout
    assert oct((head_path(log / "access.sqlite3")).stat().st_mode & 0o777) == "0o600"


def test_a_changed_entry_is_named(log):
    tamper(log, "UPDATE audit SET worker_id = 'W99' WHERE entry = 4")
    done = verify(log)
    assert done.returncode == 1
    assert "TAMPERED: entry 4: changed" in done.stdout
    assert done.stdout.count("TAMPERED") == 1


def test_a_changed_entry_with_its_hash_made_again_breaks_the_next_link(log):
    conn = sqlite3.connect(log / "access.sqlite3")
    row = conn.execute(
        "SELECT at, key_id, role, worker_id, action, detail, prev_hash FROM audit WHERE entry = 4"
    ).fetchone()
    conn.close()
    forged = entry_hash((*row[:3], "W99", *row[4:6]), row[6])
    tamper(log, "UPDATE audit SET worker_id = 'W99', hash = ? WHERE entry = 4", params=(forged,))
    done = verify(log)
    assert done.returncode == 1
    assert "entry 5 does not follow entry 4" in done.stdout


def test_a_removed_entry_is_named(log):
    tamper(log, "DELETE FROM audit WHERE entry = 5")
    done = verify(log)
    assert done.returncode == 1
    assert "TAMPERED: entry 5: removed" in done.stdout


def test_the_last_entries_removed_are_found_by_the_counter_the_head_file_and_head(log):
    noted = verify(log).stdout.rsplit("head ", 1)[1].strip()  # what an admin keeps aside
    tamper(log, "DELETE FROM audit WHERE entry > 8")
    done = verify(log)
    assert done.returncode == 1 and "entries 9-10: removed" in done.stdout
    # the counter reset and the head file removed too: only the head kept aside finds it
    tamper(log, "UPDATE sqlite_sequence SET seq = 8 WHERE name = 'audit'")
    head_path(log / "access.sqlite3").unlink()
    assert verify(log).returncode == 0  # nothing left in the file says so ...
    done = verify(log, "--head", noted)
    assert done.returncode == 1  # ... but the head noted before does
    assert "entries 9-10: removed (--head names 10:" in done.stdout


def test_an_inserted_entry_is_named(log):
    conn = sqlite3.connect(log / "access.sqlite3")
    prev = conn.execute("SELECT hash FROM audit WHERE entry = 5").fetchone()[0]
    conn.close()
    content = ("2026-01-01T00:00:00.000000+00:00", "k9", "field", "W42", "timeline", None)
    forged = (6, *content, prev, entry_hash(content, prev))  # a well-made entry after 5
    tamper(
        log,
        "UPDATE audit SET entry = -entry WHERE entry > 5",  # make room: 6.. become 7..
        "UPDATE audit SET entry = 1 - entry WHERE entry < 0",
        "INSERT INTO audit (entry, at, key_id, role, worker_id, action, detail, prev_hash, "
        "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        params=forged,
    )
    tamper(log, "UPDATE sqlite_sequence SET seq = 11 WHERE name = 'audit'")
    done = verify(log, "--no-head-file")
    assert done.returncode == 1
    assert "TAMPERED: entry 6: inserted" in done.stdout
    assert done.stdout.count("TAMPERED") == 1


def test_dropped_triggers_are_reported_and_made_again_with_an_entry(log):
    conn = sqlite3.connect(log / "access.sqlite3", isolation_level=None)
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.close()
    done = verify(log)
    assert done.returncode == 1 and "trigger audit_no_delete was dropped" in done.stdout
    db = AccessDB(log / "access.sqlite3")  # the server opens it: the trigger is back ...
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.connection().execute("DELETE FROM audit")
    _, entries = AuditLog(db).entries(limit=1)
    assert entries[0].action == "audit_triggers_restored"  # ... and the log says it was gone
    assert "audit_no_delete" in (entries[0].detail or "")
    db.close()
    assert verify(log).returncode == 0


def old_access_db(path: Path) -> None:
    """An access database as LMT wrote it before the chain (no prev_hash, no hash)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "CREATE TABLE audit (entry INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, "
        "key_id TEXT NOT NULL, role TEXT NOT NULL, worker_id TEXT, action TEXT NOT NULL, "
        "detail TEXT)"
    )
    for n in range(3):
        conn.execute(
            "INSERT INTO audit (at, key_id, role, worker_id, action) VALUES (?, ?, ?, ?, ?)",
            (f"2025-01-0{n + 1}T00:00:00+00:00", "k0", "field", f"W{n}", "profile"),
        )
    for name, what in (("audit_no_update", "UPDATE"), ("audit_no_delete", "DELETE")):
        conn.execute(
            f"CREATE TRIGGER {name} BEFORE {what} ON audit BEGIN SELECT RAISE(ABORT, 'x'); END"
        )
    conn.close()


def test_an_old_log_is_chained_on_opening_and_verified_after(tmp_path):
    folder = tmp_path / "db"
    folder.mkdir()
    old_access_db(folder / "access.sqlite3")
    done = verify(folder)
    assert done.returncode == 1 and "has no hash chain" in done.stdout
    db = AccessDB(folder / "access.sqlite3")
    audit = AuditLog(db)
    audit.record("k1", "field", "timeline", "W7")
    total, entries = audit.entries(limit=10)
    assert total == 5
    assert [e.action for e in entries] == ["timeline", "audit_chain_started", *["profile"] * 3]
    assert entries[1].detail and "entries 1-3 were written before the chain" in entries[1].detail
    first = db.connection().execute("SELECT prev_hash FROM audit WHERE entry = 1").fetchone()
    assert first[0] == GENESIS
    audit.close()
    db.close()
    done = verify(folder)
    assert done.returncode == 0, done.stdout
    tamper(folder, "UPDATE audit SET detail = 'x' WHERE entry = 2")  # an old entry, sealed
    assert "entry 2: changed" in verify(folder).stdout


def test_two_writers_append_to_a_log_each_and_every_log_is_verified(tmp_path):
    """As the processes of ``lmt serve --workers 2``: each its own log (the access
    database's and ``audit-1.sqlite3``), each a chain; every entry found, every log
    checked, a removed entry named with its log's file."""
    folder = tmp_path / "db"
    logs = [AuditLog(AccessDB(folder / "access.sqlite3"), group_commit=True) for _ in range(2)]
    assert sorted(p.name for p in folder.glob("*.sqlite3")) == [
        "access.sqlite3",
        "audit-1.sqlite3",
    ]

    def read(audit: AuditLog, name: str) -> None:
        for n in range(150):
            audit.record_many("k", "field", "search", [f"{name}{n}", f"{name}{n}b"], "q")

    threads = [
        threading.Thread(target=read, args=(audit, f"{i}-{t}-"))
        for i, audit in enumerate(logs)
        for t in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total, page = logs[0].entries(limit=5)
    assert total == 2401 and {e.log for e in page} <= {0, 1}  # and the note of audit-1
    assert logs[1].entries(worker_id="1-2-7b")[0] == 1  # the lookup of the other log too
    for audit in logs:
        audit.close()
    again = AuditLog(AccessDB(folder / "access.sqlite3"))
    again.record("k", "field", "timeline", "W1")  # a log let go is taken again, not a third
    again.close()
    assert not (folder / "audit-2.sqlite3").exists()
    done = verify(folder)
    assert done.returncode == 0, done.stdout
    assert "1,202 entries, intact" in done.stdout  # and the note that audit-1 started
    assert "audit-1.sqlite3: 1,200 entries, intact" in done.stdout
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    conn = sqlite3.connect(copy / "audit-1.sqlite3", isolation_level=None)
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.execute("DELETE FROM audit WHERE entry = 1000")
    conn.close()
    done = verify(copy)
    assert done.returncode == 1
    assert "TAMPERED: audit-1.sqlite3: entry 1000: removed" in done.stdout
    for gone in ("audit-1.sqlite3", "audit-1-head"):  # a log deleted whole is found too
        (copy / gone).unlink()
    done = verify(copy)
    assert done.returncode == 1
    assert "TAMPERED: audit-1.sqlite3 (started at entry" in done.stdout


@given(st.lists(st.one_of(st.none(), st.text(st.characters(exclude_categories=["Cs"])))))
@settings(max_examples=300, deadline=None)
def test_an_entry_is_hashed_over_the_bytes_the_chain_was_first_written_with(content):
    """orjson gives the bytes of json.dumps(ensure_ascii=False, compact), which the chain's
    first entries were hashed over: their hashes still verify."""
    encoded = json.dumps([*content, GENESIS], ensure_ascii=False, separators=(",", ":"))
    assert entry_hash(content, GENESIS) == hashlib.sha256(encoded.encode()).hexdigest()


def test_the_filter_by_worker_finds_entries_indexed_in_bulk_and_those_after(tmp_path):
    db = AccessDB(tmp_path / "access.sqlite3")
    audit = AuditLog(db, index_every=4)
    for n in range(1, 11):
        audit.record("k1", "field", "timeline", f"W{n % 3}")
    assert indexed_upto(db.connection()) == 8  # indexed in bulk at entries 4 and 8
    total, found = audit.entries(worker_id="W1")
    assert total == 4 and [e.entry for e in found] == [10, 7, 4, 1]  # 9 and 10 were not yet
    assert indexed_upto(db.connection()) == 10  # the filter indexed them first
    audit.close()
    db.close()


def test_an_entry_left_out_of_the_lookup_by_worker_is_named(log):
    db = AccessDB(log / "access.sqlite3")
    AuditLog(db).entries(worker_id="W1")  # every entry indexed
    db.close()
    conn = sqlite3.connect(log / "access.sqlite3", isolation_level=None)
    conn.execute("DELETE FROM audit_by_worker WHERE entry = 5")  # W5's read hidden
    conn.close()
    done = verify(log)
    assert done.returncode == 1
    assert "TAMPERED: the lookup by worker leaves out entries 5:" in done.stdout
