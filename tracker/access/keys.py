"""API keys: made by ``lmt keys create --role ROLE``, stored hashed, checked per request.

A key reads ``lmt_<key id>_<secret>``. The key id is public (it names the key in the audit
log and in ``lmt keys list``); the secret is 32 random bytes, shown once and stored only as
its SHA-256. A slow password hash (bcrypt, scrypt) protects guessable passwords; a
256-bit random secret cannot be guessed, and a fast hash keeps the check per request in
microseconds.

Keys verified are kept in memory (``KeyRing.verify``), under the SHA-256 of the key as
presented, never the key itself: a SQLite query and a record per request cost more than the
rest of a cached timeline's work in Python. Still every request is checked, and a revocation
is seen at once by every process: ``create`` and ``revoke`` touch ``KEYS_CHANGED`` beside the
database after their commit, and a kept key is used only while that file's time is the one
seen when it was kept (one ``stat`` a request), and for ``KEPT_SECONDS`` at most (a key
changed in the database by other means is read again after that).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
import time

from pydantic import BaseModel

from tracker.access.db import AccessDB
from tracker.access.pseudonyms import DEFAULT_PROJECT
from tracker.access.roles import Role

PREFIX = "lmt"
KEYS_CHANGED = "access-keys.changed"
"""Touched by every change of a key, beside the access database (see the module)."""
KEPT_SECONDS = 5.0
"""How long a verified key is used without reading the database again, at most."""
KEPT_KEYS = 1024
"""Verified keys kept at most (all are forgotten when more come)."""


class ApiKey(BaseModel):
    key_id: str
    role: Role
    label: str | None = None
    created_at: str
    revoked_at: str | None = None
    project: str | None = None
    """The researcher project the key belongs to (its pseudonyms are the project's own);
    None for other roles."""
    organisation: str | None = None
    """The organisation a field key belongs to: it reads that organisation's workers
    (``tracker.access.scope``); None: every worker (admin keys, older field keys)."""


class KeyRing:
    def __init__(self, db: AccessDB) -> None:
        self.db = db
        self._changed = db.path.parent / KEYS_CHANGED
        self._kept: dict[bytes, tuple[ApiKey, int, float]] = {}
        """SHA-256 of a key presented -> (its record, ``KEYS_CHANGED``'s time, when kept)."""

    def create(
        self,
        role: Role | str,
        label: str | None = None,
        project: str | None = None,
        organisation: str | None = None,
    ) -> tuple[ApiKey, str]:
        """A new key for ``role``: its record and the key itself (shown once, never stored).
        ``project``: a researcher key's project (default ``DEFAULT_PROJECT``);
        ``organisation``: a field key's organisation (None: every worker)."""
        role = Role(role)
        if project is not None and role is not Role.RESEARCHER:
            raise ValueError("only researcher keys belong to a project")
        if organisation is not None and role is not Role.FIELD:
            raise ValueError("only field keys belong to an organisation")
        if organisation is not None and not organisation.strip():
            raise ValueError("an organisation name cannot be empty")
        if role is Role.RESEARCHER:
            project = (project or DEFAULT_PROJECT).strip()
            if not project or len(project) > 100:
                raise ValueError("a project name has 1 to 100 characters")
        key_id = secrets.token_hex(4)
        secret = secrets.token_urlsafe(32)
        now = _now()
        self.db.connection().execute(
            "INSERT INTO api_keys (key_id, role, label, secret_sha256, created_at, project, "
            "organisation) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key_id, role.value, label, _digest(secret), now, project, organisation),
        )
        self._touch()
        record = ApiKey(key_id=key_id, role=role, label=label, created_at=now, project=project,
                        organisation=organisation)  # fmt: skip
        return record, f"{PREFIX}_{key_id}_{secret}"

    def verify(self, presented: str) -> ApiKey | None:
        """The key's record if ``presented`` is a valid, unrevoked key; else None. A key
        verified before is taken from memory while no key has changed since (module)."""
        seen = hashlib.sha256(presented.encode()).digest()
        changed = self._changed_at()
        kept = self._kept.get(seen)
        if kept is not None and kept[1] == changed and time.monotonic() - kept[2] < KEPT_SECONDS:
            return kept[0]
        record = self._verify(presented)
        if record is None:
            self._kept.pop(seen, None)
            return None
        if len(self._kept) >= KEPT_KEYS:
            self._kept.clear()
        self._kept[seen] = (record, changed, time.monotonic())
        return record

    def _verify(self, presented: str) -> ApiKey | None:
        parts = presented.strip().split("_", 2)
        if len(parts) != 3 or parts[0] != PREFIX:
            return None
        _, key_id, secret = parts
        row = (
            self.db.connection()
            .execute(
                f"SELECT {_COLUMNS}, secret_sha256 FROM api_keys WHERE key_id = ?",
                (key_id,),
            )
            .fetchone()
        )
        if row is None or row[4] is not None:
            return None
        if not hmac.compare_digest(row[7], _digest(secret)):
            return None
        return _record(row)

    def list(self) -> list[ApiKey]:
        rows = self.db.connection().execute(f"SELECT {_COLUMNS} FROM api_keys ORDER BY created_at")
        return [_record(r) for r in rows]

    def revoke(self, key_id: str) -> bool:
        """Revoke a key at once; False if there is no such unrevoked key."""
        cursor = self.db.connection().execute(
            "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL",
            (_now(), key_id),
        )
        self._touch()
        return cursor.rowcount == 1

    def _changed_at(self) -> int:
        try:
            return os.stat(self._changed).st_mtime_ns
        except FileNotFoundError:
            return 0

    def _touch(self) -> None:
        """After a change of a key: every process reads keys from the database again."""
        self._kept.clear()
        os.close(os.open(self._changed, os.O_WRONLY | os.O_CREAT, 0o600))
        # a time set to the nanosecond, later than the one before: two changes within one
        # tick of the file system's clock still give two times
        at = max(time.time_ns(), self._changed_at() + 1)
        os.utime(self._changed, ns=(at, at))


_COLUMNS = "key_id, role, label, created_at, revoked_at, project, organisation"
"""A key's record as ``_record`` reads it (a constant: no caller's text in the SQL)."""


def _record(row: tuple) -> ApiKey:
    return ApiKey(
        key_id=row[0],
        role=row[1],
        label=row[2],
        created_at=row[3],
        revoked_at=row[4],
        project=_project(row[1], row[5]),
        organisation=row[6],
    )


def _project(role: str, project: str | None) -> str | None:
    """A key's project: researcher keys made before projects belong to the default one."""
    return (project or DEFAULT_PROJECT) if role == Role.RESEARCHER else None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
