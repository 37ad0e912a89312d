"""Importing a batch of field records: validated, idempotent, nothing lost.

``ingest_folder`` reads every file the format defines, in dependency order; per file it
checks each row (``tracker.ingest.validation``), checks the ids rows refer to against the graph,
writes the good rows (``tracker.ingest.store_writes``) and remembers the bad ones, which go to the
rejects folder with their reasons (``tracker.ingest.rejects``).

Crash safety: each file's nodes, and each relationship type's edges, are written in their
own transaction, and a write only adds what is missing or differs. An import killed part-way
leaves a usable store, and running the same import again completes it to exactly the state
of an uninterrupted run.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from pydantic import BaseModel

from tracker.csvio import CsvChunk, count_records, read_chunks
from tracker.field_format import RECORD_FILES, RecordFile
from tracker.ingest import kept
from tracker.ingest.rejects import default_rejects_dir, rejects_folder_problem, write_rejects
from tracker.ingest.slices import ingest_events, release_memory
from tracker.ingest.store_writes import WriteCounts, write_file
from tracker.ingest.validation import (
    LINE,
    Rejection,
    check_references,
    check_rows,
    drop_repeated_ids,
)
from tracker.progress import Progress, no_progress
from tracker.store import GraphStore

CHUNK_ROWS = 100_000
SLICE_ROWS = 750_000
"""Rows of an event file written at a time (``tracker.ingest.slices``): bounded memory.
A slice's COPY holds about 900 bytes a row in LadybugDB's threads until it commits, and
the slice's tables about as much again; at 1,500,000 rows the import of 1,000,000 workers
peaked at 4.9 GiB. Slices are cut at the store's node groups (about 670,000 moves)."""
log = logging.getLogger(__name__)


class FileReport(BaseModel):
    """One file's counts. ``read`` counts its lines after the header that are not blank
    (``blank``): read = stored + replaced + unchanged + rejected. A file that cannot be read
    at all (``problem``: not UTF-8, say) has all its lines rejected, reported once."""

    file: str
    read: int = 0
    stored: int = 0
    replaced: int = 0
    unchanged: int = 0
    rejected: int = 0
    blank: int = 0
    problem: str | None = None


class RejectedRow(BaseModel):
    file: str
    line: int
    record_or_id: str
    column: str
    reason: str


class IngestReport(BaseModel):
    batch: str
    today: dt.date
    files: list[FileReport]
    rejected_rows: list[RejectedRow]
    rejects_dir: str | None = None
    ignored_files: list[str] = []
    seconds: float = 0.0

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    def table(self) -> str:
        """The per-file counts as a small text table for a terminal."""
        head = f"{'file':<22}{'read':>10}{'stored':>10}{'replaced':>10}{'unchanged':>11}"
        lines = [head + f"{'rejected':>10}"]
        for f in self.files:
            lines.append(
                f"{f.file:<22}{f.read:>10,}{f.stored:>10,}{f.replaced:>10,}"
                f"{f.unchanged:>11,}{f.rejected:>10,}"
            )
        return "\n".join(lines)


class NoRecordsFound(ValueError):
    """The folder holds none of the format's files."""


class RejectsFolderRefused(ValueError):
    """The rejects folder would overwrite or delete files LMT did not write there."""


def ingest_folder(
    store: GraphStore,
    folder: str | os.PathLike,
    rejects_dir: str | os.PathLike | None = None,
    today: dt.date | None = None,
    progress: Progress = no_progress,
    slice_rows: int = SLICE_ROWS,
    read_all: bool = False,
) -> IngestReport:
    """Import the batch in ``folder`` into ``store``; rejected rows go to ``rejects_dir``
    (default: the folder's name + ``-rejects``, beside it); dates are judged against
    ``today`` (default: the clock's). ``read_all``: read every file, also one unchanged
    since it was imported (``tracker.ingest.kept``)."""
    started = time.monotonic()
    folder = Path(folder).absolute()  # "." has no name to put "-rejects" after
    rejects = Path(rejects_dir).absolute() if rejects_dir else default_rejects_dir(folder)
    today = today or dt.date.today()
    present = [spec for spec in RECORD_FILES if (folder / spec.name).is_file()]
    if not present:
        raise NoRecordsFound(
            f"{folder} holds none of the field-record files "
            f"({', '.join(f.name for f in RECORD_FILES)})"
        )
    refusal = rejects_folder_problem(folder, rejects)
    if refusal:
        raise RejectsFolderRefused(refusal)
    known = {spec.name for spec in RECORD_FILES}
    ignored = sorted(p.name for p in folder.glob("*.csv") if p.name not in known)

    files: list[FileReport] = []
    rejections: list[Rejection] = []
    for spec in present:
        report, rejected = _ingest_file(
            store, spec, folder / spec.name, today, progress, slice_rows, read_all
        )
        files.append(report)
        rejections += rejected

    unreadable = {f.file for f in files if f.problem}
    written = write_rejects(folder, rejects, rejections, unreadable)
    return IngestReport(
        batch=str(folder),
        today=today,
        files=files,
        rejected_rows=[
            RejectedRow(
                file=r.file, line=r.line, record_or_id=r.record_id, column=r.column, reason=r.reason
            )
            for r in sorted(rejections, key=lambda r: (r.file, r.line))
        ],
        rejects_dir=str(written) if written else None,
        ignored_files=ignored,
        seconds=round(time.monotonic() - started, 3),
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Check a chunk with Python's cyclic garbage collector paused, then collect once.

    Checking a chunk allocates a million small objects; the collector kept re-scanning them
    and took about a third of the checking time (measured on moves.csv). But building a
    chunk's frame leaves cycles holding the chunk's rows (about 165 MB per 100,000 moves),
    so one collection after each chunk keeps memory flat."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect(0)


def _ingest_file(
    store: GraphStore,
    spec: RecordFile,
    path: Path,
    today: dt.date,
    progress: Progress,
    slice_rows: int,
    read_all: bool = False,
) -> tuple[FileReport, list[Rejection]]:
    """One file: an entity file is checked whole, then written; an event file is written
    in slices of its workers (``tracker.ingest.slices``), so memory does not grow with it.
    A file imported before and unchanged since, with its tables, is not read again: its
    kept outcome stands (``tracker.ingest.kept``)."""
    file_digest = kept.digest(path) if kept.can_keep(store) else None
    found = None
    if file_digest is not None and not read_all:
        found = kept.outcome(store, spec, file_digest, today)
    if found is not None:
        kept_report, rejections = found
        before = FileReport.model_validate(kept_report)
        log.info("%s: unchanged since it was imported, with its tables: not read", spec.name)
        progress(f"writing {spec.name}", 1, 1)
        unchanged = before.stored + before.replaced + before.unchanged
        return before.model_copy(update={"stored": 0, "replaced": 0, "unchanged": unchanged}), (
            rejections
        )
    total = count_records(path)
    report = FileReport(file=spec.name)
    started = time.monotonic()
    times = {"checked": 0.0}

    def checked() -> Iterator[tuple[CsvChunk, pd.DataFrame, list[Rejection]]]:
        for chunk in read_chunks(path, CHUNK_ROWS, spec.id_column):
            with _collector_paused():
                good, bad = check_rows(spec, chunk, today)
            report.read += chunk.read
            report.blank += chunk.blank
            report.problem = report.problem or chunk.file_problem
            progress(f"checking {spec.name}", report.read, max(total, report.read))
            yield chunk, good, bad
        times["checked"] = time.monotonic()

    progress(f"writing {spec.name}", 0, 1)
    if spec.node is None:
        counts, rejected = ingest_events(store, spec, checked(), slice_rows, _spill_dir(store))
    else:
        counts, rejected = _ingest_whole(store, spec, checked())
    release_memory()  # a file's tables are gone: the next file starts from the same size
    progress(f"writing {spec.name}", 1, 1)
    report.stored, report.replaced, report.unchanged = (
        counts.stored,
        counts.replaced,
        counts.unchanged,
    )
    report.rejected = report.read if report.problem else len(rejected)
    if file_digest is not None:
        kept.keep(store, spec, file_digest, today, report.model_dump(), rejected)
    done = times["checked"] or time.monotonic()
    log.info(
        "%s: %d rows checked in %.1f s, written in %.1f s; peak memory so far %d MiB",
        spec.name,
        report.read,
        done - started,
        time.monotonic() - done,
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    )
    return report, rejected


def _ingest_whole(
    store: GraphStore,
    spec: RecordFile,
    chunks: Iterator[tuple[CsvChunk, pd.DataFrame, list[Rejection]]],
) -> tuple[WriteCounts, list[Rejection]]:
    """An entity file's good rows held at once: checked for repeats, references, written."""
    rejected: list[Rejection] = []
    parts: list[pd.DataFrame] = []
    for _chunk, good, bad in chunks:
        parts.append(good)
        rejected += bad
    good = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if good.empty:
        return WriteCounts(), rejected
    good, repeated = drop_repeated_ids(spec, good)
    good, unknown = check_references(spec, good, store)
    rejected += repeated + unknown
    return write_file(store, spec, good.drop(columns=LINE)), rejected


def _spill_dir(store: GraphStore) -> str | None:
    """Spills go in an embedded store's folder (its disk is sized for the data, and only
    the one process that holds the store writes there), else to the system's temporary
    folder."""
    return str(store.folder) if store.folder is not None else None
