"""The audit log's hash chain: what each entry's hash covers, and the check of a whole log.

Why a chain: the table's triggers refuse updates and deletes through SQL, but anyone who
can write the file can drop them. Each entry stores the hash of the entry before it
(``prev_hash``) and its own ``hash`` = sha256 over a canonical encoding of its fields and
``prev_hash`` (``entry_hash``): an entry changed no longer matches its hash, an entry
removed or inserted breaks the link of the entry after it, and the entries after the last
one can only be checked against a *head* kept outside the table (the head file beside the
database, ``audit-head``, rewritten after every commit; or a head an admin noted from
an earlier ``lmt audit verify`` and passes with ``--head``).

What it does not do: there is no secret, so someone who rewrites the whole chain from an
entry on, and the head file with it, is found only by a head kept elsewhere. The entry
number is not in the hash (the number is where the entry sits, not what it says): a gap in
the numbers is reported as entries removed, an entry whose link skips entries before it as
entries inserted.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry."""
CONTENT = ("at", "key_id", "role", "worker_id", "action", "detail")
"""The fields an entry's hash covers, in this order (with ``prev_hash`` last)."""
HEAD_FILE = "audit-head"
TRIGGERS = ("audit_no_update", "audit_no_delete")


def entry_hash(content: Sequence[str | None], prev_hash: str) -> str:
    """sha256 (hex) of the JSON array ``[*content, prev_hash]``: UTF-8, no spaces, no
    escapes but JSON's own, so the same entry always gives the same bytes (the bytes of
    ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))``, which the chain was first
    written with; orjson makes them five times faster, on every entry served:
    ``tests/api/test_audit_chain.py`` holds the two to the same bytes)."""
    return hashlib.sha256(orjson.dumps([*content, prev_hash])).hexdigest()


def chained(rows: Iterable[Sequence[str | None]], prev_hash: str) -> list[tuple]:
    """``rows`` (each the ``CONTENT`` fields) with their ``prev_hash`` and ``hash``."""
    out = []
    for row in rows:
        digest = entry_hash(row, prev_hash)
        out.append((*row, prev_hash, digest))
        prev_hash = digest
    return out


@dataclass(frozen=True)
class Head:
    """The last entry of the log as someone saw it: its number and hash."""

    entry: int
    hash: str

    def __str__(self) -> str:
        return f"{self.entry}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Head:
        """``ENTRY:HASH`` (what ``lmt audit verify`` prints)."""
        number, _, digest = text.strip().partition(":")
        if not number.isdigit() or len(digest) != 64:
            raise ValueError(f"a head is ENTRY:SHA256 (64 hex digits), not {text!r}")
        return cls(int(number), digest.lower())


def head_path(db_path: Path) -> Path:
    """The head file of the log in ``db_path``: ``audit-head`` beside the access database
    (log 0), ``audit-K-head`` beside ``audit-K.sqlite3``."""
    if db_path.name.startswith("audit-"):
        return db_path.with_name(f"{db_path.stem}-head")
    return db_path.with_name(HEAD_FILE)


HEAD_BYTES = 20 + 1 + 64 + 1
"""The head file is one line of fixed length, ``ENTRY:HASH`` (the entry zero-padded to 20
digits), overwritten in place: one small ``pwrite``, where a new file renamed over the old
cost a millisecond (ext4 flushes a file renamed over another)."""


def read_head(path: Path) -> Head | None:
    """The head file's head (None: no file, or a file that does not hold one)."""
    try:
        return Head.parse(path.read_text())
    except (FileNotFoundError, ValueError):
        return None


def head_bytes(head: Head) -> bytes:
    return f"{head.entry:020d}:{head.hash}\n".encode()


@dataclass
class Verdict:
    """What ``verify`` found: ``problems`` (tampering), ``notes`` (facts that are not)."""

    entries: int = 0
    last: Head | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def _span(first: int, last: int) -> str:
    return f"entry {first}" if first == last else f"entries {first}-{last}"


def verify(conn: sqlite3.Connection, heads: Sequence[tuple[str, Head]] = ()) -> Verdict:
    """Walk the whole log in entry order (in one read transaction) and check every entry's
    hash and link, the entry counter, the append-only triggers and each of ``heads``
    (``(where it came from, head)``): what was changed, removed or inserted, by number."""
    verdict = Verdict()
    conn.execute("BEGIN")
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(audit)")}
        if not {"prev_hash", "hash"} <= columns:
            verdict.problems.append(
                "the audit table has no hash chain (an older LMT wrote it): open it once "
                "with a newer lmt (lmt keys list) to seal its entries, then verify"
            )
            return verdict
        triggers = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in triggers}
        for name in TRIGGERS:
            if name not in present:
                verdict.problems.append(f"the append-only trigger {name} was dropped")
        _walk(conn, verdict)
        _check_counter(conn, verdict)
        _check_lookup(conn, verdict)
        for where, head in heads:
            _check_head(conn, verdict, where, head)
    finally:
        conn.execute("COMMIT")
    return verdict


def _walk(conn: sqlite3.Connection, verdict: Verdict) -> None:
    prev_hash, prev_entry = GENESIS, 0
    seen: dict[str, int] = {GENESIS: 0}
    rows = conn.execute(
        f"SELECT entry, {', '.join(CONTENT)}, prev_hash, hash FROM audit ORDER BY entry"
    )
    for entry, *content, link, digest in rows:
        verdict.entries += 1
        if link is None or digest is None:
            verdict.problems.append(f"entry {entry}: no hash (added outside LMT)")
        elif entry_hash(content, link) != digest:
            verdict.problems.append(f"entry {entry}: changed (it does not match its hash)")
        if link != prev_hash:
            earlier = seen.get(link) if link is not None else None
            if earlier is not None and earlier < prev_entry:
                verdict.problems.append(f"{_span(earlier + 1, prev_entry)}: inserted")
            elif entry > prev_entry + 1:
                verdict.problems.append(f"{_span(prev_entry + 1, entry - 1)}: removed")
            else:
                verdict.problems.append(
                    f"entry {entry} does not follow entry {prev_entry}: entries removed "
                    f"between them, entry {entry} inserted, or entry {prev_entry} rewritten"
                )
        elif entry > prev_entry + 1:
            verdict.problems.append(f"{_span(prev_entry + 1, entry - 1)}: numbers missing")
        if digest is not None:
            seen[digest] = entry
        prev_hash, prev_entry = digest or "", entry
    if prev_entry:
        verdict.last = Head(prev_entry, prev_hash)


def _check_counter(conn: sqlite3.Connection, verdict: Verdict) -> None:
    """AUTOINCREMENT never gives a number twice: a counter past the last entry means
    entries after it were removed."""
    found = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
    last = verdict.last.entry if verdict.last else 0
    if found is not None and int(found[0]) > last:
        verdict.problems.append(f"{_span(last + 1, int(found[0]))}: removed (the last entries)")


def _numbers(entries: list[int], shown: int = 10) -> str:
    listed = ", ".join(str(entry) for entry in entries[:shown])
    more = len(entries) - shown
    return f"{listed} and {more:,} more" if more > 0 else listed


def _check_lookup(conn: sqlite3.Connection, verdict: Verdict) -> None:
    """The lookup by worker that the admin's filter reads (``audit_by_worker``, kept in
    bulk: ``tracker.access.db``) against the entries it covers: an entry left out of it is
    hidden from that filter, a row pointing at no such entry shows a read that was not."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if "audit_by_worker" not in tables:
        return  # an older LMT's file: the filter read the table itself
    upto = conn.execute("SELECT max(upto) FROM audit_by_worker_upto").fetchone()[0] or 0
    missing = conn.execute(
        "SELECT entry FROM audit a WHERE entry <= ? AND worker_id IS NOT NULL AND NOT EXISTS"
        " (SELECT 1 FROM audit_by_worker b WHERE b.worker_id = a.worker_id"
        " AND b.entry = a.entry) ORDER BY entry",
        (upto,),
    ).fetchall()
    if missing:
        verdict.problems.append(
            f"the lookup by worker leaves out entries {_numbers([r[0] for r in missing])}:"
            " the admin's filter by worker does not show them"
        )
    stray = conn.execute(
        "SELECT b.entry FROM audit_by_worker b LEFT JOIN audit a ON a.entry = b.entry"
        " AND a.worker_id = b.worker_id WHERE a.entry IS NULL ORDER BY b.entry"
    ).fetchall()
    if stray:
        verdict.problems.append(
            f"the lookup by worker names entries {_numbers([r[0] for r in stray])} for"
            " workers they do not name"
        )


def _check_head(conn: sqlite3.Connection, verdict: Verdict, where: str, head: Head) -> None:
    found = conn.execute("SELECT hash FROM audit WHERE entry = ?", (head.entry,)).fetchone()
    last = verdict.last.entry if verdict.last else 0
    if found is None and head.entry > last:
        verdict.problems.append(f"{_span(last + 1, head.entry)}: removed ({where} names {head})")
    elif found is None:
        verdict.problems.append(f"entry {head.entry}: removed ({where} names {head})")
    elif found[0] != head.hash:
        verdict.problems.append(
            f"entry {head.entry}: not the entry {where} names (the log was rewritten up to it)"
        )
    elif head.entry < last:
        verdict.notes.append(
            f"{_span(head.entry + 1, last)} written after {where} ({head.entry}) was taken"
        )
