"""Event files in slices of their source nodes (workers), so that memory stays flat.

An event file (moves, employments, ...) is read twice over, never held whole:

1. **Checked, chunk by chunk.** Each chunk's good rows (``validation.check_rows``) are
   spilled to a file on disk as they are; only each row's id and line stay in memory, to
   find ids given twice in the whole file (the first line keeps it, as
   ``validation.drop_repeated_ids`` decides). Then each row's source position in the
   store's order of its source nodes (``GraphStore.node_keys``: on LadybugDB its offset)
   is found, for the whole file in one lookup (``Spill.locate``).
2. **Written, slice by slice.** The sources are cut into ranges of about ``slice_rows``
   rows, at the store's groups of sources (``GraphStore.source_group``); each slice is
   read back from the spills (the rows of each part in its range), its repeats dropped,
   its references checked (each label's keys read once per file), and written as today
   (``store_writes.write_file``), with the store's edges of its workers read once, by
   range (``near``): every move of a worker is in its slice, so trip ids are marked with
   all of them, as before.

Why by the store's order of workers: the reads of held edges become reads of one range,
and each slice's COPY adds edges to the parts of the store that hold its workers. Crash
safety is each slice's: its writes are transactions that add what is missing or differs,
so an import killed after some slices is completed by running it again, as before; a
correction that moves a record to a worker of another slice is found by the key index of
the held edges (``owners``), read once per file.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import itertools
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

from graph_schema import Node, RelType
from graph_schema.properties import model_property_types
from tracker.csvio import CsvChunk
from tracker.field_format import RecordFile
from tracker.ingest.store_writes import WriteCounts, write_file
from tracker.ingest.validation import (
    LINE,
    Rejection,
    check_references,
    drop_repeated_ids,
)
from tracker.store import GraphStore
from tracker.tables import from_arrow, isin

SPILL_PREFIX = "lmt-spill-"


@dataclass
class Spill:
    """The good rows of one file, on disk in the order they were read, and each row's
    source position (``locate``), id and line in memory."""

    folder: Path
    parts: list[Path] = field(default_factory=list)
    ids: list[pa.Array] = field(default_factory=list)
    lines: list[np.ndarray] = field(default_factory=list)
    positions: list[np.ndarray] = field(default_factory=list)

    def add(self, good: pd.DataFrame, id_column: str) -> None:
        if good.empty:
            return
        table = pa.Table.from_pandas(good, preserve_index=False)
        path = self.folder / f"part-{len(self.parts):05d}.arrow"
        with ipc.new_file(path, table.schema) as writer:
            writer.write_table(table)
        self.parts.append(path)
        self.ids.append(pa.array(good[id_column], from_pandas=True))
        self.lines.append(good[LINE].to_numpy(dtype=np.int64))

    def locate(self, column: str, keys: pa.Array) -> None:
        """Each row's source position in ``keys`` (the store's order; -1: a source the
        store does not hold, which the reference check rejects), for every part at once.

        One lookup for the whole file: Arrow builds its hash of the keys once per call,
        and a call per chunk of 100,000 rows rebuilt it from 1,380,000 workers 110 times
        in an import of 1,000,000 (0.35 s each)."""
        if not self.parts:
            return
        with contextlib.ExitStack() as stack:
            sources = []
            for path in self.parts:
                source = stack.enter_context(pa.memory_map(str(path)))
                sources.append(ipc.open_file(source).read_all().column(column))
            chunks = [chunk for column_of_part in sources for chunk in column_of_part.chunks]
            found = _positions(pa.chunked_array(chunks), keys)
        self.positions = np.split(found, np.cumsum([len(s) for s in sources])[:-1])

    def rows_in(self, lo: int, hi: int) -> Iterator[pa.Table]:
        """Each part's rows whose source position is in ``[lo, hi)``."""
        for path, at in zip(self.parts, self.positions, strict=True):
            rows = np.flatnonzero((at >= lo) & (at < hi))
            if not len(rows):
                continue
            with pa.memory_map(str(path)) as source:  # taken: nothing keeps the mapping
                yield ipc.open_file(source).read_all().take(pa.array(rows))


def ingest_events(
    store: GraphStore,
    spec: RecordFile,
    chunks: Iterator[tuple[CsvChunk, pd.DataFrame, list[Rejection]]],
    slice_rows: int,
    spill_dir: str | None = None,
) -> tuple[WriteCounts, list[Rejection]]:
    """Write the checked ``chunks`` of an event file (chunk, good rows, rejections) slice
    by slice (module docstring); the write counts and every rejection."""
    (rel,) = spec.rels
    keys = pa.array(store.node_keys(rel.source), from_pandas=True)
    rejected: list[Rejection] = []
    if spill_dir is not None:  # left by an import killed part-way: its store is ours now
        for stale in Path(spill_dir).glob(f"{SPILL_PREFIX}*"):
            shutil.rmtree(stale, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=SPILL_PREFIX, dir=spill_dir) as folder:
        spill = Spill(Path(folder))
        for _chunk, good, bad in chunks:
            rejected += bad
            spill.add(good, spec.id_column)
            del good
        spill.locate(rel.source_column, keys)
        repeated, repeats = _repeated(spec, spill)
        rejected += repeats
        counts = WriteCounts()
        known = _KnownKeys(store)
        owners = _owners(store, rel)
        cuts = _slices(spill.positions, len(keys), slice_rows, store.source_group)
        for lo, hi in cuts:
            good = _frame(spec, list(spill.rows_in(lo, hi)))
            if good.empty:
                continue
            if repeated.size:
                good = good[~np.isin(good[LINE].to_numpy(), repeated)]
            good, unknown = check_references(spec, good, store, known.of)
            rejected += unknown
            near = _near(store, rel, good, owners)
            written = write_file(store, spec, good.drop(columns=LINE), near=near)
            counts.stored += written.stored
            counts.replaced += written.replaced
            counts.unchanged += written.unchanged
            del good, near
            release_memory()
    return counts, rejected


def release_memory() -> None:
    """Give the memory a slice freed back to the system: Python's cycles collected, then
    Arrow's allocator (mimalloc) and the C library's (glibc, whose per-thread arenas
    LadybugDB's threads fill) asked to return their free pages. Without it a process
    kept the high-water mark of every slice and file before it."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim  # noqa: B018 - present on glibc only
    except (OSError, AttributeError):
        return None
    return libc


_LIBC = _glibc()


def _positions(sources: pa.Array | pa.ChunkedArray, keys: pa.Array) -> np.ndarray:
    """Each source's position in ``keys`` (-1: not among them)."""
    if not len(keys):
        return np.full(len(sources), -1, dtype=np.int64)
    found = pc.index_in(sources.cast(keys.type), value_set=keys)
    return np.asarray(pc.fill_null(found, -1), dtype=np.int64)


def _slices(
    positions: list[np.ndarray], sources: int, slice_rows: int, group: int = 1
) -> list[tuple[int, int]]:
    """Ranges ``[lo, hi)`` of source positions holding about ``slice_rows`` rows each
    (position -1, unknown sources, goes with the first), cut at the nearest multiple of
    ``group`` (the store's ``source_group``) where that leaves the slice some sources,
    so that no two slices write edges into one group of the store."""
    if not positions:
        return []
    per_source = np.bincount(np.concatenate(positions) + 1, minlength=sources + 1)
    total = np.cumsum(per_source)
    cuts = [0]
    for step in range(1, int(total[-1] // max(slice_rows, 1)) + 1):
        cut = int(np.searchsorted(total, step * slice_rows, side="left")) + 1
        aligned = round((cut - 1) / group) * group + 1  # cuts count position -1 as 0
        if cuts[-1] < aligned <= sources:
            cut = aligned
        if cut > cuts[-1] and cut <= sources:
            cuts.append(cut)
    cuts.append(sources + 1)
    return [(lo - 1, hi - 1) for lo, hi in itertools.pairwise(cuts)]


def _frame(spec: RecordFile, parts: list[pa.Table]) -> pd.DataFrame:
    """Spilled rows back as the file's typed table (``validation.row_table``, ``_line``)."""
    kinds = model_property_types(spec.row)
    if not parts:
        return pd.DataFrame(columns=[*kinds, LINE])
    table = pa.concat_tables(parts)
    columns = {name: from_arrow(table.column(name), kind) for name, kind in kinds.items()}
    columns[LINE] = pd.Series(table.column(LINE).to_numpy(), dtype="int64")
    return pd.DataFrame(columns)


def _repeated(spec: RecordFile, spill: Spill) -> tuple[np.ndarray, list[Rejection]]:
    """The lines whose id an earlier good line of the file gave, and their rejections."""
    if not spill.ids:
        return np.array([], dtype=np.int64), []
    ids = pa.chunked_array(spill.ids)
    counts = pc.value_counts(ids)
    twice = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
    if not len(twice):
        return np.array([], dtype=np.int64), []
    lines = np.concatenate(spill.lines)
    hit = np.asarray(pc.is_in(ids, value_set=twice), dtype=bool)
    given = pd.DataFrame(
        {spec.id_column: ids.filter(pa.array(hit)).to_pandas(), LINE: lines[hit]}
    ).sort_values(LINE, ignore_index=True)
    kept, failures = drop_repeated_ids(spec, given)
    dropped = np.setdiff1d(given[LINE].to_numpy(), kept[LINE].to_numpy())
    return dropped, failures


class _KnownKeys:
    """Each label's keys, read once per file (an event file's slices all look them up)."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.found: dict[str, pd.Series] = {}

    def of(self, node: type[Node]) -> pd.Series:
        if node.label not in self.found:
            self.found[node.label] = self.store.node_keys(node)
        return self.found[node.label]


def _owners(store: GraphStore, rel: RelType) -> pd.DataFrame | None:
    """Source and key of every held edge (None: the type held none when the file began,
    so no slice's workers have edges but those the slice writes itself)."""
    columns = [rel.source_column, *([rel.key] if rel.key else [])]
    held = store.edge_table(rel, columns)
    return None if held.empty else held


def _near(
    store: GraphStore, rel: RelType, good: pd.DataFrame, owners: pd.DataFrame | None
) -> pd.DataFrame:
    """The held edges of the slice's sources and of the sources that hold one of its keys
    (a correction may move a record to another worker)."""
    if owners is None:
        return store.edges_from(rel, [])
    sources = good[rel.source_column]
    if rel.key is not None:
        holding = owners[isin(owners[rel.key], good[rel.key])][rel.source_column]
        sources = pd.concat([sources, holding[~isin(holding, sources)]], ignore_index=True)
    return store.edges_from(rel, sources.unique().tolist())
