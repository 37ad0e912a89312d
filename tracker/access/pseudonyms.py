"""Pseudonyms for workers, one space per researcher project: a keyed hash of project and id.

Researchers follow the same worker across requests and days without learning who it is.
A plain hash of an id would not do: ids follow a pattern, so anyone could hash the
candidates and match. The key (the *secret*) is 32 random bytes made once and kept in a
file of its own (mode 0600) beside the access database, outside the graph store: a copy
or an export of the graph, or anyone who can run a query on it, does not carry it. A
secret given by the caller (``$LMT_PSEUDONYM_SECRET``, read by the entry points) is used
instead (to keep pseudonyms across a re-built state folder).

Each researcher key belongs to a project (``lmt keys create --role researcher --project
P``), and the project is part of what is hashed: two projects get unrelated pseudonyms for
the same worker, so their extracts cannot be joined on them. ``lmt keys rotate-pseudonyms``
replaces the secret: every pseudonym changes at the next server start, and the old ones
stop resolving. Without the secret a pseudonym cannot be turned back into an id; the API
maps pseudonyms back through the worker index it already holds.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_FILE = "pseudonyms.key"
PREFIX = "P-"
DIGITS = 20
"""Hex digits kept (80 bits): no collision among millions of workers, short to read."""
DEFAULT_PROJECT = "default"
"""The project of researcher keys made without ``--project`` (and of older keys)."""


class Pseudonyms:
    def __init__(self, secret: str) -> None:
        if len(secret) < 32:
            raise ValueError("a pseudonym secret needs at least 32 characters")
        self._key = secret.encode()

    @classmethod
    def from_file(cls, folder: str | os.PathLike, secret: str | None = None) -> Pseudonyms:
        """``secret`` if given, else the one in ``folder``'s secret file, made there once."""
        return cls(secret or read_or_make_secret(Path(folder) / SECRET_FILE))

    def of(self, worker_id: str, project: str = DEFAULT_PROJECT) -> str:
        digest = hmac.new(self._key, _message(project, "worker", worker_id), hashlib.sha256)
        return PREFIX + digest.hexdigest()[:DIGITS]

    def of_household(self, household_id: str, project: str = DEFAULT_PROJECT) -> str:
        """Households get their own pseudonyms (a household id identifies a family)."""
        digest = hmac.new(self._key, _message(project, "household", household_id), hashlib.sha256)
        return "H-" + digest.hexdigest()[:DIGITS]

    @staticmethod
    def looks_like(text: str) -> bool:
        return (
            len(text) == len(PREFIX) + DIGITS
            and text.startswith(PREFIX)
            and all(c in "0123456789abcdef" for c in text[len(PREFIX) :])
        )


def _message(project: str, kind: str, value: str) -> bytes:
    # the project's length first, so that no (project, id) pair reads as another
    return f"{len(project)}:{project}:{kind}:{value}".encode()


def read_or_make_secret(path: Path) -> str:
    """The secret in ``path``; made (at random, mode 0600) when there is none. Several
    server processes may start at once: the file is created exclusively, and a process
    that loses the race reads the winner's."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    secret = secrets.token_hex(32)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    with os.fdopen(handle, "w") as out:
        out.write(secret + "\n")
        out.flush()
        os.fsync(out.fileno())
    return secret


def rotate_secret(path: Path) -> None:
    """A new secret in ``path`` (atomically): every pseudonym changes."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(path.name + ".new")
    temporary.unlink(missing_ok=True)
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "w") as out:
        out.write(secrets.token_hex(32) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def _read(path: Path) -> str:
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise ValueError(f"{path}: a pseudonym secret needs at least 32 characters")
    return secret
