"""The audit trail: every read of a worker's record, appended as it happens.

An entry says which key (and its role) read which worker, when, and how (``action``: the
profile, timeline or journey; a search, with what was searched for, in ``detail``). It is
written before the record is sent, so no read goes unlogged; the table refuses updates and
deletes (``tracker.access.db``). Only admin keys may read it.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from tracker.access.db import AccessDB


class AuditEntry(BaseModel):
    entry: int
    at: str
    key_id: str
    role: str
    worker_id: str | None = None
    action: str
    detail: str | None = None


class AuditLog:
    def __init__(self, db: AccessDB) -> None:
        self.db = db

    def record(
        self,
        key_id: str,
        role: str,
        action: str,
        worker_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        self.db.connection().execute(
            "INSERT INTO audit (at, key_id, role, worker_id, action, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
                key_id,
                str(role),
                worker_id,
                action,
                detail,
            ),
        )

    def entries(
        self,
        worker_id: str | None = None,
        key_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[int, list[AuditEntry]]:
        """Entries, newest first, optionally for one worker or one key: (total, page)."""
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
