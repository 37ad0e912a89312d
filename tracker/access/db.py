"""The access database: API keys and the audit log in one SQLite file.

Why SQLite: keys and the audit trail must survive restarts, be written by ``lmt keys`` while
``lmt serve`` runs (a second process cannot open the LadybugDB folder the server holds),
and take the appends of every read without slowing it. SQLite in WAL mode does all of
that: readers never block the writer, a group of appends is one short transaction, and
each thread has its own connection, so API threads never share one. ``synchronous=NORMAL``:
in WAL mode a committed transaction survives the process being killed (it is in the
operating system's hands), only a power cut or a kernel crash may lose the last ones; why
not FULL is measured in ``tracker.access.audit``.

An access database from before the audit's hash chain (``tracker.access.chain``) gets the
two chain columns on opening, and its entries are chained as they are found, in one
transaction, followed by an entry ``audit_chain_started`` that says how many: from then on
any change to them is seen, what was done to them before cannot be.

Where: in the embedded store's folder (``access.sqlite3`` beside the graph), or with Neo4j
in ``Settings.state`` (``$LMT_STATE``, default ``./lmt-state``).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tracker.access.chain import CONTENT, GENESIS, TRIGGERS, chained
from tracker.settings import Settings

FILE_NAME = "access.sqlite3"
SYNCHRONOUS = ("NORMAL", "FULL")
INSERT_INTO = f"INSERT INTO audit ({', '.join(CONTENT)}, prev_hash, hash) VALUES"
VALUES = f"({', '.join('?' * (len(CONTENT) + 2))})"
INSERT = f"{INSERT_INTO} {VALUES}"

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS api_keys (
        key_id TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        label TEXT,
        secret_sha256 TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT,
        project TEXT,
        organisation TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS audit (
        entry INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        key_id TEXT NOT NULL,
        role TEXT NOT NULL,
        worker_id TEXT,
        action TEXT NOT NULL,
        detail TEXT,
        prev_hash TEXT,
        hash TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS glass_grants (
        grant_id INTEGER PRIMARY KEY AUTOINCREMENT,
        key_id TEXT NOT NULL,
        organisation TEXT,
        worker_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        granted_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS glass_key_worker ON glass_grants(key_id, worker_id)",
    """CREATE TABLE IF NOT EXISTS audit_by_worker (
        worker_id TEXT NOT NULL,
        entry INTEGER NOT NULL,
        PRIMARY KEY (worker_id, entry)
    ) WITHOUT ROWID""",
    "CREATE TABLE IF NOT EXISTS audit_by_worker_upto (upto INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS audit_key ON audit(key_id)",
)
"""``audit_by_worker`` is the lookup of entries by worker that the admin's filter uses, kept
in bulk (``tracker.access.audit.index_by_worker``) rather than as an index on ``audit``:
entries name workers at random, so an index written with every group of entries dirtied a
page per entry, and each such page is written whole to the WAL at the commit (measured: 10
of the 17 us an entry cost on the serving path). ``audit_by_worker_upto`` holds the last
entry it covers; the entries after it are indexed together, every few thousand entries and
before each filtered read."""
APPEND_ONLY = {
    name: f"""CREATE TRIGGER {name} BEFORE {what} ON audit
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"""
    for name, what in zip(TRIGGERS, ("UPDATE", "DELETE"), strict=True)
}
"""The audit log is append-only: no entry can be changed or removed through SQL. Made with
the table; found missing later (someone dropped them), they are made again and an entry
``audit_triggers_restored`` says so, in the chain."""


def access_db_path(settings: Settings) -> Path:
    """Where the access database of the store ``settings`` pick lives."""
    folder = settings.state if settings.neo4j_uri else settings.embedded_folder
    return Path(folder) / FILE_NAME


ADDED_COLUMNS = {
    "api_keys": {"project": "TEXT", "organisation": "TEXT"},
    "audit": {"prev_hash": "TEXT", "hash": "TEXT"},
}
"""Columns added since the first release: an older file gets them on opening."""


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (``BEGIN IMMEDIATE``: SQLite's write lock taken at once),
    committed at the end of the block, rolled back if it raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def last_hash(conn: sqlite3.Connection) -> str:
    """The hash of the log's last entry, the one the next entry is chained to."""
    last = conn.execute("SELECT hash FROM audit ORDER BY entry DESC LIMIT 1").fetchone()
    return last[0] if last and last[0] else GENESIS


def _upgrade(conn: sqlite3.Connection, fresh: bool) -> None:
    """Columns added since, the old entries chained, the triggers there (one transaction:
    two processes opening one old file, one upgrades it)."""
    with immediate(conn):
        for table, columns in ADDED_COLUMNS.items():
            present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            for name, kind in columns.items():
                if name not in present:
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
        _chain_old_entries(conn)
        _restore_triggers(conn, fresh)
        conn.execute("DROP INDEX IF EXISTS audit_worker")  # before audit_by_worker
        if conn.execute("SELECT count(*) FROM audit_by_worker_upto").fetchone()[0] == 0:
            conn.execute("INSERT INTO audit_by_worker_upto VALUES (0)")


def _chain_old_entries(conn: sqlite3.Connection) -> None:
    """Chain the entries an older LMT wrote (no hash yet), as found (module docstring)."""
    rows = conn.execute(
        f"SELECT entry, {', '.join(CONTENT)} FROM audit WHERE hash IS NULL ORDER BY entry"
    ).fetchall()
    if not rows:
        return
    if conn.execute("SELECT count(*) FROM audit WHERE hash IS NOT NULL").fetchone()[0]:
        return  # entries without a hash among chained ones: for lmt audit verify to report
    conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
    sealed = chained([row[1:] for row in rows], GENESIS)
    conn.executemany(
        "UPDATE audit SET prev_hash = ?, hash = ? WHERE entry = ?",
        [(link, digest, row[0]) for row, (*_, link, digest) in zip(rows, sealed, strict=True)],
    )
    conn.execute(APPEND_ONLY["audit_no_update"])
    note = f"entries {rows[0][0]}-{rows[-1][0]} were written before the chain; sealed as found"
    lmt_note(conn, "audit_chain_started", note, sealed[-1][-1])


def _restore_triggers(conn: sqlite3.Connection, fresh: bool) -> None:
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    missing = [name for name in TRIGGERS if name not in present]
    for name in missing:
        conn.execute(APPEND_ONLY[name])
    if missing and not fresh:
        note = f"the append-only triggers {', '.join(missing)} were missing; made again"
        lmt_note(conn, "audit_triggers_restored", note, last_hash(conn))


def lmt_note(conn: sqlite3.Connection, action: str, detail: str, prev_hash: str) -> None:
    """An entry of LMT's own about the log (key ``lmt``), chained after ``prev_hash``."""
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    content = (at, "lmt", "admin", None, action, detail)
    conn.execute(INSERT, chained([content], prev_hash)[0])


class AccessDB:
    """One SQLite file, one connection per thread (see module docstring)."""

    def __init__(self, path: str | os.PathLike, synchronous: str = "NORMAL") -> None:
        """``synchronous``: SQLite's setting for every connection, NORMAL or FULL (the
        module docstring; ``bench.bench_audit`` measures both)."""
        if synchronous not in SYNCHRONOUS:
            raise ValueError(f"synchronous is one of {', '.join(SYNCHRONOUS)}")
        self.synchronous = synchronous
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        conn = self.connection()
        self.path.chmod(0o600)  # worker ids in the audit log: for the service's user only
        conn.execute("PRAGMA journal_mode=WAL")
        fresh = not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit'").fetchone()
        for statement in SCHEMA:
            conn.execute(statement)
        _upgrade(conn, fresh)

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # autocommit: each statement is its own short transaction
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=5000")
            conn.execute(f"PRAGMA synchronous={self.synchronous}")
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()
