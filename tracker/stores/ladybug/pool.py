"""How big LadybugDB's buffer pool is, and how many rows a write puts in one transaction.

LadybugDB holds everything a transaction adds in its buffer pool until it commits, and
keeps the pages it has read there too; these sizes are what fits (measured on this
project's machines, figures below and in docs/benchmarks.md).
"""

from __future__ import annotations

import os

READ_BUFFER_POOL_MB = 1024
"""The pool of a store opened to read or serve (``$LMT_BUFFER_POOL_MB`` overrides it in
``open_store``)."""

COPY_CHUNK: int | None = None
"""New edges per transaction (``write_edges``); None: as many as the buffer pool holds at
``COPY_EDGE_BYTES`` each, at least ``MIN_AUTO_COPY_CHUNK`` (``copy_chunk``)."""
COPY_EDGE_BYTES = 1024
"""Pool bytes counted per edge a COPY adds. Measured with both directions stored: 200,000
moves in one transaction overflowed a 96 MiB pool, 100,000 fit (about 500 bytes each);
twice that for safety. Forward only (``graph_schema.ddl``), 200,000 fit 96 MiB."""
MIN_AUTO_COPY_CHUNK = 250_000
NODE_CHUNK = 100_000
"""Nodes per transaction: one MERGE of 1,000,000 workers filled the 1 GiB buffer pool."""


def import_buffer_pool_mb() -> int:
    """The pool of a store opened to import a batch (``open_store(importing=True)``): a
    twelfth of the machine's memory, at most 4 GiB, at least ``READ_BUFFER_POOL_MB``
    (2 GiB on a 24 GiB machine).

    Why this size: an import writes its event files in slices of workers
    (``tracker.ingest.slices``, 750,000 rows each), and a slice's COPY holds its new
    edges in the pool until it commits (about 500 bytes each), so 2 GiB holds one slice
    with room to spare. LadybugDB keeps the pages it has read, so a larger pool only made
    the process larger: the import of 1,000,000 workers peaked at 12.9 GB with half the
    machine's memory (8 GiB), when the whole of each file was one COPY.

    What the pool is not (measured 2026-12-04, /proc/PID/smaps of an import of 300,000
    workers): the peak. The pool's reservation (LadybugDB's 8 TB virtual region) held
    about 100 MB of resident pages throughout; the import's memory was Python's and
    Arrow's tables and the C library's per-thread arenas, where LadybugDB's threads keep
    a COPY's new edges (about 900 bytes each) and a checkpoint's node groups. So
    ``LMT_BUFFER_POOL_MB`` moves the peak little; ``LMT_INGEST_SLICE_ROWS`` moves it."""
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):
        physical = 12 * READ_BUFFER_POOL_MB
    return max(READ_BUFFER_POOL_MB, min(4096, physical // 12))


def edges_per_transaction(pool_bytes: int, fixed: int | None = COPY_CHUNK) -> int:
    """New edges per transaction for a pool of ``pool_bytes``: ``fixed`` if given, else as
    many as the pool holds. Why as large as the pool allows: the first COPY into an empty
    relationship table is LadybugDB's fast path, and every later COPY into a table that
    holds edges rewrites the parts it touches, so many small chunks made an import of 7
    million moves slower than linear."""
    if fixed is not None:
        return fixed
    return max(MIN_AUTO_COPY_CHUNK, pool_bytes // COPY_EDGE_BYTES)
