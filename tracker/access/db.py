"""The access database: API keys and the audit log in one SQLite file.

Why SQLite: keys and the audit trail must survive restarts, be written by ``lmt keys`` while
``lmt serve`` runs (a second process cannot open the LadybugDB folder the server holds),
and take one small append per worker read without slowing it. SQLite in WAL mode does all
of that: readers never block the writer, an append is one short transaction (tens of
microseconds with ``synchronous=NORMAL``, which in WAL mode loses no committed entry when
the process dies, only possibly the last ones on a power cut), and each thread has its own
connection, so API threads never share one.

Where: in the embedded store's folder (``access.sqlite3`` beside the graph), or with Neo4j
in ``Settings.state`` (``$LMT_STATE``, default ``./lmt-state``).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from tracker.settings import Settings

FILE_NAME = "access.sqlite3"

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
        detail TEXT
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
    "CREATE INDEX IF NOT EXISTS audit_worker ON audit(worker_id)",
    "CREATE INDEX IF NOT EXISTS audit_key ON audit(key_id)",
    # the audit log is append-only: no entry can be changed or removed through SQL
    """CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
)


def access_db_path(settings: Settings) -> Path:
    """Where the access database of the store ``settings`` pick lives."""
    folder = settings.state if settings.neo4j_uri else settings.embedded_folder
    return Path(folder) / FILE_NAME


ADDED_COLUMNS = {"api_keys": {"project": "TEXT", "organisation": "TEXT"}}
"""Columns added since the first release: an older file gets them on opening."""


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    for table, columns in ADDED_COLUMNS.items():
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        for name, kind in columns.items():
            if name not in present:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")


class AccessDB:
    """One SQLite file, one connection per thread (see module docstring)."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        conn = self.connection()
        self.path.chmod(0o600)  # worker ids in the audit log: for the service's user only
        conn.execute("PRAGMA journal_mode=WAL")
        for statement in SCHEMA:
            conn.execute(statement)
        _add_missing_columns(conn)

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # autocommit: each statement is its own short transaction
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=5000")
            conn.execute("PRAGMA synchronous=NORMAL")
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
