"""The audit trail: every read of a worker's record, appended as it happens.

An entry says which key (and its role) read which worker, when, and how (``action``: the
profile, timeline or journey; a search, with what was searched for, in ``detail``). It is
taken before the record is sent, so no read goes unlogged; the table refuses updates and
deletes (``tracker.access.db``). Only admin keys may read it.

Buffered appends (``AuditLog(db, flush_every=0.2)``, what the API uses): a read takes its
entry, time included, into memory in about a microsecond, and a background thread writes
what has gathered in one SQLite transaction every ``flush_every`` seconds. A synchronous
insert per read cost more CPU than serving a cached timeline, and one transaction per read
is also a WAL append per read. What this changes, and only this: an entry reaches the file
at most ``flush_every`` seconds (plus one transaction) after the read, so a process killed
outright (SIGKILL, a crash) loses at most the entries of that last interval; ``close``
(called when the server shuts down, and at interpreter exit) writes everything still held,
and ``entries`` writes everything held before it reads, so an admin of the same process
always sees every read so far. If a write fails, the entries stay held and every later
``record`` tries to write them first and raises while it cannot: reads stop being served
rather than going unlogged. Without ``flush_every`` (the commands), each entry is its own
transaction, written before ``record`` returns.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import threading

from pydantic import BaseModel

from tracker.access.db import AccessDB

log = logging.getLogger("lmt.audit")
INSERT = "INSERT INTO audit (at, key_id, role, worker_id, action, detail) VALUES (?, ?, ?, ?, ?, ?)"


class AuditUnavailable(RuntimeError):
    """Entries cannot be written to the audit log, so no more reads may be served."""


class AuditEntry(BaseModel):
    entry: int
    at: str
    key_id: str
    role: str
    worker_id: str | None = None
    action: str
    detail: str | None = None


class AuditLog:
    def __init__(self, db: AccessDB, flush_every: float | None = None) -> None:
        """``flush_every``: seconds between background writes of the entries taken (see
        the module docstring); None writes each entry before ``record`` returns."""
        self.db = db
        self.flush_every = flush_every
        self._pending: list[tuple] = []
        self._pending_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._failed: Exception | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if flush_every is not None:
            if flush_every <= 0:
                raise ValueError("flush_every must be positive seconds (or None)")
            self._thread = threading.Thread(
                target=self._flush_loop, name="lmt-audit-flush", daemon=True
            )
            self._thread.start()
            atexit.register(self.close)

    def record(
        self,
        key_id: str,
        role: str,
        action: str,
        worker_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        row = (
            dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
            key_id,
            str(role),
            worker_id,
            action,
            detail,
        )
        if self._thread is None:
            self.db.connection().execute(INSERT, row)
            return
        if self._failed is not None:
            self.flush()  # raises AuditUnavailable while the log cannot be written
        with self._pending_lock:
            self._pending.append(row)

    def flush(self) -> None:
        """Write every entry taken so far (one transaction); raise ``AuditUnavailable``,
        keeping them, if that fails."""
        with self._write_lock:
            with self._pending_lock:
                rows, self._pending = self._pending, []
            if not rows:
                self._failed = None
                return
            conn = self.db.connection()
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(INSERT, rows)
                conn.execute("COMMIT")
            except Exception as error:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                with self._pending_lock:
                    self._pending[:0] = rows
                self._failed = error
                raise AuditUnavailable(f"the audit log cannot be written: {error}") from error
            self._failed = None

    def _flush_loop(self) -> None:
        while not self._stop.wait(self.flush_every):
            try:
                self.flush()
            except AuditUnavailable:
                log.exception("audit entries are held in memory until they can be written")

    def close(self) -> None:
        """Stop the background writer and write what is still held."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        self.flush()

    def entries(
        self,
        worker_id: str | None = None,
        key_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[int, list[AuditEntry]]:
        """Entries, newest first, optionally for one worker or one key: (total, page)."""
        self.flush()
        where, params = [], []
        if worker_id is not None:
            where.append("worker_id = ?")
            params.append(worker_id)
        if key_id is not None:
            where.append("key_id = ?")
            params.append(key_id)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        conn = self.db.connection()
        total = conn.execute(f"SELECT count(*) FROM audit{clause}", params).fetchone()[0]
        rows = conn.execute(
            "SELECT entry, at, key_id, role, worker_id, action, detail FROM audit"
            f"{clause} ORDER BY entry DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        fields = ("entry", "at", "key_id", "role", "worker_id", "action", "detail")
        return int(total), [AuditEntry(**dict(zip(fields, r, strict=True))) for r in rows]
