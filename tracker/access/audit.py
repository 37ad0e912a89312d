"""The audit trail: every read of personal data, written before the answer leaves.

An entry says which key (and its role) read which worker, when, and how (``action``: the
profile, timeline or journey; a search, with what was searched for, in ``detail``). A read
that returns several workers (a search, a page of circuits) is one entry per worker
returned, so ``GET /audit?worker=W`` finds every read that showed W; a read of the whole
store (``lmt export``) is one entry for the worker ``*`` (``EVERY_WORKER``), which that
filter finds too. Only admin keys may read the log.

Durable before the answer: ``record`` returns (the await of ``logging`` ends) only once the
entry's transaction is committed. Requests in the event loop are group-committed in the
loop itself (``logging_rows``: one commit at the end of each loop turn for every entry
taken in it; a request makes its answer, then awaits its entry's future). Requests in
worker threads go to one writer thread that group-commits: it takes every entry waiting,
writes them in one SQLite transaction, then wakes their requests (each waits on an event).
Entries reach the writer through a ``queue.SimpleQueue`` (C code, no
Python lock handed between threads). When the last group held more than one read, the
writer waits ``LINGER_SECONDS`` before it takes the next: every hand-over of Python's GIL
between the writer and the event loop costs the loop, and fewer, larger groups make fewer
of them (measured, docs/benchmarks.md: warm timelines under wrk went from 38% of before's
throughput to 91%). Without the thread (``AuditLog(db)``, the
commands), each ``record`` is its own transaction.

``synchronous=NORMAL`` in WAL mode (``tracker.access.db``), the default, not FULL: a
committed entry survives the process being killed (SIGKILL, a crash: the kill test in
``tests/api/test_audit_reads.py``); only a power cut or a kernel crash may lose the last
groups. FULL adds an fsync per group; measured on this machine (``python -m
bench.bench_audit``, docs/benchmarks.md) that is about 0.2 ms a commit on this disk: a
lone reader gets a third of the commits (1,583 against 4,860 a second), 20 concurrent ones
14% fewer entries a second. The failure the log must survive, a killed server, NORMAL
survives; the fsync buys the power cut only. An operator who needs the
log to survive a power cut sets ``LMT_AUDIT_SYNC=full`` (``Settings.audit_sync``).

One log per writer: the processes of ``lmt serve --workers N`` (and a command run while
they serve) each append to a log of their own, the first free of the access database's
audit table (log 0) and ``audit-K.sqlite3`` (``_writing``: an exclusive ``flock`` on the
log's head file, held until ``close``). Two processes committing to one SQLite file cost
a third of the warm timelines' throughput (each commit threw away the other's page cache
and waited its turn). A log started after the first is named by an ``audit_log_started``
entry in the first, so deleting one whole is seen. Reading (``entries``) merges the logs,
newest first.

Hash chain (``tracker.access.chain``): each entry of a log is chained to the one before
inside the writing transaction, and after each commit the log's head file is moved to the
last entry, so that ``lmt audit verify`` (which checks every log) sees entries removed
from the end. If a write fails, the requests of that group are refused
(``AuditUnavailable``): no read is served unlogged.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import datetime as dt
import fcntl
import logging
import os
import queue
import re
import sqlite3
import threading
import time
import weakref
from collections import defaultdict
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from tracker.access.chain import Head, chained, head_bytes, head_path
from tracker.access.db import INSERT_INTO, VALUES, AccessDB, immediate, last_hash, lmt_note

log = logging.getLogger("lmt.audit")
EVERY_WORKER = "*"
"""The worker of an entry for a read of every worker in the store (``lmt export``)."""
Row = tuple[str, str, str, str | None, str, str | None]
LINGER_SECONDS = 0.002
"""How long the writer waits, when the last group held more than one read, before it takes
the next group: fewer, larger commits under load (each a hand-over of Python's lock
between the writer and the threads that serve), a millisecond more for a read."""
LOG_FILE = "audit-{}.sqlite3"
"""The logs after the first: one per writer at a time (``AuditLog._writing``)."""
LOG_STARTED = "audit_log_started"
"""The action of the first log's entry naming a log started after it (``lmt audit verify``
finds a log deleted whole by these)."""
ROWS_PER_INSERT = 500
"""Entries per INSERT statement (8 values each, under SQLite's 32,766)."""
CHECKPOINT_SECONDS = 0.5
"""How often the checkpoint thread of a serving log moves the WAL's pages into the database
file. SQLite's own checkpoint runs inside the commit that fills 1,000 pages, with an fsync
of both files (synchronous=NORMAL): on the event loop, that stalled every request for as
long as the disk took (measured under wrk: the same CPU per request, 42% fewer requests a
second while other jobs wrote to the disk)."""
INDEX_EVERY = 4096
"""Entries written after the last one indexed by worker before a commit indexes them
(``index_by_worker``): in bulk, sorted, a leaf page of the lookup is written once for many
entries, where one entry at a time wrote a page each."""


class AuditUnavailable(RuntimeError):
    """Entries cannot be written to the audit log, so no more reads may be served."""


class AuditEntry(BaseModel):
    log: int = 0
    """Which log holds the entry: 0 the access database's, K ``audit-K.sqlite3``."""
    entry: int
    at: str
    key_id: str
    role: str
    worker_id: str | None = None
    action: str
    detail: str | None = None


@dataclass
class _Waiting:
    """The entries of one read, waiting for their commit."""

    rows: list[Row]
    done: threading.Event | None = None
    future: asyncio.Future | None = None
    error: Exception | None = field(default=None)


_this_second: tuple[int, str] = (-1, "")


def _now() -> str:
    """The time of an entry, as ``datetime.isoformat(timespec="microseconds")`` in UTC
    writes it; the date and time of day are formatted once a second (every read served
    makes one: a quarter of the cost of the entry's own fields)."""
    global _this_second
    seconds, micros = divmod(time.time_ns() // 1000, 1_000_000)
    if seconds != _this_second[0]:
        day_and_time = dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
        _this_second = (seconds, day_and_time)
    return f"{_this_second[1]}.{micros:06d}+00:00"


class AuditLog:
    def __init__(
        self, db: AccessDB, group_commit: bool = False, index_every: int = INDEX_EVERY
    ) -> None:
        """``group_commit``: one writer thread commits the entries of many reads at once
        (the API); False: each ``record`` commits its own (the commands). ``index_every``:
        entries written before a commit indexes them by worker (``INDEX_EVERY``)."""
        self.db = db
        self.index_every = index_every
        self._readers: dict[Path, AccessDB] = {db.path: db}
        self._log: _Log | None = None
        """The log this one writes, taken at its first commit (``_writing``)."""
        self._head_lock = threading.Lock()  # the loop's and the writer thread's commits
        self._queue: queue.SimpleQueue[_Waiting | None] = queue.SimpleQueue()
        self._closing = threading.Lock()  # held while taking an entry, and to close
        self._stopping = False
        self.linger = LINGER_SECONDS
        self.commits = 0
        """Transactions committed by this log (a group each, with the writer thread)."""
        self._in_loop: dict[asyncio.AbstractEventLoop, list[_Waiting]] = {}
        """Entries of each event loop's current turn, committed together at its end."""
        self._thread: threading.Thread | None = None
        self._no_checkpoint: set[sqlite3.Connection] = set()
        """The connections that commit without checkpointing (the checkpoint thread does)."""
        self._stop_checkpoints = threading.Event()
        if group_commit:
            self._writing()  # a server's log is its own from the start
            self._thread = threading.Thread(target=self._writer, name="lmt-audit", daemon=True)
            self._thread.start()
            threading.Thread(
                target=self._checkpoints, name="lmt-audit-checkpoint", daemon=True
            ).start()
            atexit.register(self.close)

    # -- taking entries ------------------------------------------------------------------
    @staticmethod
    def rows(
        key_id: str,
        role: str,
        action: str,
        workers: Iterable[str | None] = (None,),
        detail: str | None = None,
    ) -> list[Row]:
        """One entry per worker (in order, each once); no worker: one entry without."""
        at = _now()
        listed = list(dict.fromkeys(workers)) or [None]
        return [(at, key_id, str(role), w, action, detail) for w in listed]

    def record(
        self,
        key_id: str,
        role: str,
        action: str,
        worker_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        """One entry, committed when this returns (a worker thread may wait here)."""
        self.record_many(key_id, role, action, [worker_id], detail)

    def record_many(
        self,
        key_id: str,
        role: str,
        action: str,
        workers: Iterable[str | None],
        detail: str | None = None,
    ) -> None:
        """One entry per worker in ``workers``, committed when this returns."""
        self.record_rows(self.rows(key_id, role, action, workers, detail))

    def record_rows(self, rows: list[Row]) -> None:
        """Entries made by ``rows``, committed when this returns."""
        waiting = _Waiting(rows, done=threading.Event())
        if not self._submit(waiting):
            self._commit(rows)
            return
        waiting.done.wait()  # type: ignore[union-attr]
        if waiting.error is not None:
            raise waiting.error

    def logging(
        self,
        key_id: str,
        role: str,
        action: str,
        worker_id: str | None = None,
        detail: str | None = None,
    ) -> Awaitable[None]:
        """``record`` for the event loop: the entry is handed to the writer at once, and
        the awaitable returned ends when it is committed, without blocking the loop (so a
        request can make its answer meanwhile, and send it after the await)."""
        return self.logging_rows(self.rows(key_id, role, action, [worker_id], detail))

    def logging_rows(self, rows: list[Row]) -> Awaitable[None]:
        """``logging`` for entries made by ``rows``.

        The requests of an event loop are group-committed in the loop itself: the first
        entry of a loop turn schedules one commit (``call_soon``) after the callbacks
        already due, so every request that reaches its entry in that turn joins the group,
        and each makes its answer before it awaits. No thread hand-over, no wake-up of the
        loop from outside: measured (``bench.bench_asgi_timelines``), that hand-over cost
        more CPU than the cached timeline itself."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        if self._thread is None or self._stopping:
            self._commit(rows)
            future.set_result(None)
            return future
        group = self._in_loop.get(loop)
        if group is None:
            group = self._in_loop[loop] = []
            loop.call_soon(self._commit_in_loop, loop)
        group.append(_Waiting(rows, future=future))
        return future

    def _commit_in_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        group = self._in_loop.pop(loop, [])
        error = self._commit_group(group)
        _settle([w.future for w in group if w.future is not None], error)

    def _commit_group(self, group: list[_Waiting]) -> Exception | None:
        """Commit the entries of ``group``; the error that refuses all its reads, if any."""
        try:
            self._commit([row for waiting in group for row in waiting.rows])
        except Exception as failure:
            log.exception("the audit log cannot be written")
            if isinstance(failure, AuditUnavailable):
                return failure
            return AuditUnavailable(f"the audit log cannot be written: {failure}")
        return None

    def _submit(self, waiting: _Waiting) -> bool:
        """Hand ``waiting`` to the writer thread; False if there is none (the commands,
        or the log was closed: the caller commits the entries itself)."""
        if self._thread is None:
            return False
        with self._closing:
            if self._stopping:
                return False
            self._queue.put(waiting)  # C: no Python-level lock handed between threads
        return True

    # -- writing -------------------------------------------------------------------------
    def _writer(self) -> None:
        busy = False
        while True:
            first = self._queue.get()
            if busy and self.linger:
                time.sleep(self.linger)  # let the requests in flight join this group
            group = [first]
            with contextlib.suppress(queue.Empty):
                while True:
                    group.append(self._queue.get_nowait())
            waiting = [w for w in group if w is not None]
            busy = len(waiting) > 1
            if waiting:
                self._wake_up(waiting, self._commit_group(waiting))
            if len(waiting) < len(group):  # close() asked to stop
                return

    @staticmethod
    def _wake_up(group: list[_Waiting], error: Exception | None) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future]] = defaultdict(list)
        for waiting in group:
            waiting.error = error
            if waiting.future is not None:
                by_loop[waiting.future.get_loop()].append(waiting.future)
            elif waiting.done is not None:
                waiting.done.set()
        for loop, futures in by_loop.items():
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
                loop.call_soon_threadsafe(_settle, futures, error)

    def _writing(self) -> _Log:
        """The log this one writes: the first of the folder's logs that no other writer
        holds (an exclusive ``flock`` on its head file, taken without waiting and kept
        until ``close``), made if there is none. Each server process (and each command
        that runs meanwhile) so appends to a log of its own: when two processes wrote one
        SQLite file, each commit found the other's changes, threw its page cache away and
        waited for the other's turn (measured under wrk, ``lmt serve --workers 2``: 296
        against 227 us of CPU a warm timeline, and a third fewer requests a second)."""
        if self._log is not None:
            return self._log
        with self._head_lock:
            number = 0
            while self._log is None:
                path = log_path(self.db.path, number)
                fd = os.open(head_path(path), os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:  # another writer's
                    os.close(fd)
                    number += 1
                    continue
                fresh = number > 0 and not path.exists()
                db = self._reader(path)
                self._log = _Log(number, db, fd, indexed_upto(db.connection()))
                weakref.finalize(self, os.close, fd)
                if fresh:
                    self._note_started(path)
        return self._log

    def _note_started(self, path: Path) -> None:
        """Say in the first log that the log ``path`` was started, so that ``lmt audit
        verify`` finds it deleted whole (its own chain and head file would go with it).
        The first log's head file is its writer's to move; this entry is after it."""
        with immediate(self.db.connection()) as conn:
            note = f"{path.name} started: another writer holds this log"
            lmt_note(conn, LOG_STARTED, note, last_hash(conn))

    def _reader(self, path: Path) -> AccessDB:
        if path not in self._readers:
            self._readers[path] = AccessDB(path, self.db.synchronous)
        return self._readers[path]

    def _commit(self, rows: list[Row]) -> None:
        """Chain ``rows`` after the last entry of this one's log and commit them in one
        transaction, then move the head file (raises ``AuditUnavailable`` when they
        cannot be written). No other process appends to this log (``_writing``)."""
        taken = self._writing()
        conn = taken.db.connection()
        if self._thread is not None and conn not in self._no_checkpoint:
            conn.execute("PRAGMA wal_autocheckpoint=0")  # the checkpoint thread's work
            self._no_checkpoint.add(conn)
        with self._head_lock:  # the loop's commits and the writer thread's
            try:
                conn.execute("BEGIN IMMEDIATE")
                sealed = chained(rows, last_hash(conn))
                for start in range(0, len(sealed), ROWS_PER_INSERT):
                    chunk = sealed[start : start + ROWS_PER_INSERT]
                    values = ", ".join([VALUES] * len(chunk))
                    cursor = conn.execute(
                        f"{INSERT_INTO} {values}", [v for row in chunk for v in row]
                    )
                entry = int(cursor.lastrowid or 0)
                if entry - taken.indexed >= self.index_every:
                    taken.indexed = index_by_worker(conn)
                conn.execute("COMMIT")
                self.commits += 1
            except Exception as error:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise AuditUnavailable(f"the audit log cannot be written: {error}") from error
            os.pwrite(taken.head_fd, head_bytes(Head(int(entry), sealed[-1][-1])), 0)

    def _checkpoints(self) -> None:
        """Every ``CHECKPOINT_SECONDS``, a passive checkpoint of this one's log on this
        thread's connection (it copies what no reader still needs and waits for nobody;
        SQLite lets go of Python's lock meanwhile, so the fsync does not hold up the
        requests)."""
        conn = self._writing().db.connection()
        while not self._stop_checkpoints.wait(CHECKPOINT_SECONDS):
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error:  # busy or closed: the next turn tries again
                log.debug("audit checkpoint skipped", exc_info=True)

    def close(self) -> None:
        """Write what is waiting and stop the writer thread (entries taken after this are
        committed by the reader's own thread: a test's app may be started again)."""
        with self._closing:
            if self._stopping:
                return
            self._stopping = True
            if self._thread is not None:
                self._queue.put(None)
        self._stop_checkpoints.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        taken, self._log = self._log, None
        if taken is not None:
            fcntl.flock(taken.head_fd, fcntl.LOCK_UN)  # another writer may take it now

    # -- reading -------------------------------------------------------------------------
    def entries(
        self,
        worker_id: str | None = None,
        key_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
        *,
        action: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> tuple[int, list[AuditEntry]]:
        """Entries, newest first, filtered: (total, page). ``worker_id``: the reads that
        showed the worker (its own entries and the reads of every worker); ``since`` and
        ``until``: ISO days, both included."""
        where: list[str] = []
        params: list[str | int] = []
        if worker_id is not None:
            where.append("entry IN (SELECT entry FROM audit_by_worker WHERE worker_id IN (?, ?))")
            params += [worker_id, EVERY_WORKER]
        for column, value in (("key_id", key_id), ("action", action)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if since is not None:
            where.append("at >= ?")
            params.append(since)
        if until is not None:
            where.append("at < ?")
            params.append(f"{until}T99")  # every time of that day sorts before
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        total, found = 0, []
        paths = log_paths(self.db.path)
        for number, path in paths.items():
            conn = self._reader(path).connection()
            if worker_id is not None:
                with immediate(conn):
                    index_by_worker(conn)  # the entries not indexed yet, first
            total += conn.execute(f"SELECT count(*) FROM audit{clause}", params).fetchone()[0]
            rows = conn.execute(
                "SELECT entry, at, key_id, role, worker_id, action, detail FROM audit"
                f"{clause} ORDER BY entry DESC LIMIT ?",
                [*params, limit + offset],
            )
            found += [AuditEntry(log=number, **dict(zip(_FIELDS, r, strict=True))) for r in rows]
        if len(paths) > 1:  # newest first across the logs
            found.sort(key=lambda e: (e.at, e.log, e.entry), reverse=True)
        return int(total), found[offset : offset + limit]


_FIELDS = ("entry", "at", "key_id", "role", "worker_id", "action", "detail")


@dataclass
class _Log:
    """The log an ``AuditLog`` appends to, and what it keeps of it."""

    number: int
    db: AccessDB
    head_fd: int
    """Its head file, held with an exclusive flock while this one writes the log."""
    indexed: int
    """Its last entry indexed by worker, as this process last saw it."""


def log_path(access: Path, number: int) -> Path:
    """Log ``number`` of the access database ``access``: 0 is the access database's own
    audit table (the one log before there were several), K is ``audit-K.sqlite3``."""
    return access if number == 0 else access.with_name(LOG_FILE.format(number))


def log_paths(access: Path) -> dict[int, Path]:
    """The logs there are beside ``access`` by number, log 0 first, in their order."""
    numbers = sorted(
        int(m.group(1))
        for path in access.parent.glob("audit-*.sqlite3")
        if (m := re.fullmatch(r"audit-(\d+)\.sqlite3", path.name))
    )
    return {0: access, **{n: log_path(access, n) for n in numbers}}


def indexed_upto(conn: sqlite3.Connection) -> int:
    """The last entry that ``audit_by_worker`` covers."""
    return int(conn.execute("SELECT upto FROM audit_by_worker_upto").fetchone()[0])


def index_by_worker(conn: sqlite3.Connection) -> int:
    """Index by worker every entry after the last one indexed, in the caller's transaction
    (sorted by worker: each leaf page of the lookup written once); the last entry indexed."""
    upto = indexed_upto(conn)
    last = int(conn.execute("SELECT max(entry) FROM audit").fetchone()[0] or 0)
    if last > upto:
        conn.execute(
            "INSERT OR IGNORE INTO audit_by_worker SELECT worker_id, entry FROM audit"
            " WHERE entry > ? AND worker_id IS NOT NULL ORDER BY worker_id, entry",
            (upto,),
        )
        conn.execute("UPDATE audit_by_worker_upto SET upto = ?", (last,))
    return max(last, upto)


def _settle(futures: list[asyncio.Future], error: Exception | None) -> None:
    for future in futures:
        if future.done():  # the request was cancelled (the client went away)
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)
