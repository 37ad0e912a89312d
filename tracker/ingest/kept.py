"""Files imported before and unchanged since: their outcome kept, not computed again.

Re-importing a batch that is already in the store read, checked and compared every row to
find nothing to store: at 100,000 workers that cost 87% of the first import's CPU (issue
15 asks for at most 60%). What a file does to the store (what it stores, which rows it
rejects and why) depends on nothing but its bytes, the day its dates are judged against,
this LMT's rules, and the tables it writes or names ids of. So after each file's import an
embedded store keeps, in its folder (``ingest-kept/``), the file's digest, those tables'
write stamps (``GraphStore.write_stamp``: a new one with every write of the table), the
day, and the outcome: the file's counts and its rejections.

A later import of a file with the same digest, judged on the same day by the same LMT, whose
tables all still carry the kept stamps, has that outcome without a row being read: nothing
stored, every row stored before counted unchanged, the same rejections (so the same rejects
files, which ``tracker.ingest.rejects`` writes from the batch's own lines). Anything else (a
byte of the file, a write to one of its tables by another batch, a decision or the API,
another day, another version, a store that keeps no stamps such as Neo4j, a kept file that
cannot be read) imports the file in full, as before. A row rejected for naming a worker the
store did not hold is so imported again once that worker is written: the worker's table is
one of the file's, its stamp has changed.

Crash safety: the outcome is kept (written to a new file, then renamed over the old) only
after the file's writes are committed; an import killed before that leaves the last kept
outcome, whose stamps the interrupted writes have already changed (a table is stamped before
it is written), so the next import reads the file in full.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from importlib import metadata
from pathlib import Path

import orjson
from pydantic import BaseModel, ValidationError

from graph_schema import Node, RelType
from tracker.field_format import RecordFile
from tracker.ingest.validation import Rejection
from tracker.store import GraphStore

log = logging.getLogger(__name__)
FOLDER = "ingest-kept"
RULES = 1
"""Bumped when a change to the checks could change a file's outcome within one release."""


class Kept(BaseModel):
    digest: str
    today: dt.date
    rules: str
    stamps: dict[str, str]
    report: dict[str, int | str | None]
    """The file's ``batch.FileReport`` as its import gave it."""
    rejections: list[tuple[str, int, str, str, str]]


def can_keep(store: GraphStore) -> bool:
    """Whether outcomes are kept for ``store``: an embedded one, with LMT installed (the
    stamps are checked per file; a store without them keeps nothing either)."""
    return store.folder is not None and _rules() is not None


def digest(path: Path) -> str:
    """BLAKE2b of the file's bytes (read in blocks: a file of millions of rows is never held)."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "blake2b").hexdigest()


def tables(spec: RecordFile) -> list[type[Node] | RelType]:
    """What the file writes or names ids of: its outcome depends on these and its bytes."""
    found: list[type[Node] | RelType] = [*([spec.node] if spec.node else []), *spec.rels]
    for _column, _kind, labels in spec.references():
        found += [label for label in labels.values() if label not in found]
    return found


def _name(table: type[Node] | RelType) -> str:
    return table.name if isinstance(table, RelType) else table.label


def _stamps(store: GraphStore, spec: RecordFile) -> dict[str, str] | None:
    stamps = {}
    for table in tables(spec):
        stamp = store.write_stamp(table)
        if stamp is None:
            return None  # a store that keeps no stamps: nothing can be known unchanged
        stamps[_name(table)] = stamp
    return stamps


def _rules() -> str | None:
    """This LMT's version and ``RULES``; None when LMT runs uninstalled (from a source tree
    on ``PYTHONPATH``), whose version is unknown: then nothing is kept or reused."""
    try:
        return f"{metadata.version('lmt')}/{RULES}"
    except metadata.PackageNotFoundError:
        return None


def _path(store: GraphStore, spec: RecordFile) -> Path | None:
    return None if store.folder is None else Path(store.folder) / FOLDER / f"{spec.name}.json"


def outcome(
    store: GraphStore, spec: RecordFile, file_digest: str, today: dt.date
) -> tuple[dict[str, int | str | None], list[Rejection]] | None:
    """The kept outcome of this file's import, if it holds now (module docstring)."""
    path = _path(store, spec)
    if path is None or not path.is_file() or _rules() is None:
        return None
    try:
        kept = Kept.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as error:
        log.warning("%s: kept outcome unreadable, importing in full: %s", path, error)
        return None
    if (kept.digest, kept.today, kept.rules) != (file_digest, today, _rules()):
        return None
    if _stamps(store, spec) != kept.stamps:
        return None
    return kept.report, [Rejection(*r) for r in kept.rejections]


def keep(
    store: GraphStore,
    spec: RecordFile,
    file_digest: str,
    today: dt.date,
    report: dict[str, int | str | None],
    rejections: list[Rejection],
) -> None:
    """Keep the outcome of an import of this file just committed (module docstring)."""
    path, rules = _path(store, spec), _rules()
    if path is None or rules is None:
        return
    stamps = _stamps(store, spec)
    if stamps is None:
        return
    kept = Kept(
        digest=file_digest,
        today=today,
        rules=rules,
        stamps=stamps,
        report=report,
        rejections=[(r.file, r.line, r.record_id, r.column, r.reason) for r in rejections],
    )
    path.parent.mkdir(exist_ok=True)
    fresh = path.with_suffix(".new")
    fresh.write_bytes(orjson.dumps(kept.model_dump(mode="json")))
    os.replace(fresh, path)
