"""What the adapter does when LadybugDB's buffer pool runs full: write again in halves,
look up again in halves, read again after a checkpoint.

The pool sizes (``pool``) are chosen so that this is rare; it is the safeguard that turns
"buffer pool is full" in the middle of a large import into smaller transactions instead
of a failed import. LadybugDB reports both cases below only in the error's text.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import ladybug
import pandas as pd

MIN_COPY_CHUNK = 10_000
"""The smallest piece ``write_in_pieces`` splits a chunk into when the buffer pool is full."""


def pool_full(error: RuntimeError) -> bool:
    return "buffer pool is full" in str(error).lower()


def committed(error: RuntimeError) -> bool:
    """A COMMIT that raised after committing: only the checkpoint that follows it failed
    ("Transaction committed successfully, but the post-commit checkpoint failed")."""
    return "committed successfully" in str(error).lower()


def write_in_pieces(
    conn: ladybug.Connection,
    total: int,
    chunk: int,
    write: Callable[[int, int], None],
    first_at_least: int = 0,
) -> None:
    """``write(start, size)`` over rows ``0 .. total`` in pieces of ``chunk``, one
    transaction each on ``conn`` (one piece, of size 0, when ``total`` is 0); the first
    piece holds at least ``first_at_least`` rows. A piece that finds the buffer pool full
    is rolled back, the store checkpointed, and the piece written again in halves, down to
    ``MIN_COPY_CHUNK`` rows (never splitting the first ``first_at_least``). A piece whose
    COMMIT committed and then failed to checkpoint is written: it is checkpointed again,
    never written again (a COPY written twice stores its edges twice)."""
    head = min(max(chunk, first_at_least), total)
    rest = range(head, total, chunk)
    pieces = [(0, head)] + [(start, min(chunk, total - start)) for start in rest]
    while pieces:
        start, size = pieces.pop(0)
        conn.execute("BEGIN TRANSACTION")
        try:
            write(start, size)
            conn.execute("COMMIT")
        except RuntimeError as error:
            if committed(error):
                conn.execute("CHECKPOINT")
                continue
            rollback(conn)
            keep = first_at_least if start == 0 else 0
            if not pool_full(error) or size <= max(MIN_COPY_CHUNK, keep):
                raise
            conn.execute("CHECKPOINT")
            half = max(size // 2, keep)
            pieces[:0] = [(start, half), (start + half, size - half)]
        except BaseException:
            rollback(conn)
            raise


def rollback(conn: ladybug.Connection) -> None:
    with contextlib.suppress(RuntimeError):  # LadybugDB may have rolled back already
        conn.execute("ROLLBACK")


def in_halves(look_up: Callable[[list], pd.DataFrame], items: list) -> pd.DataFrame:
    """``look_up(items)``; if its result does not fit the buffer pool (a result is built
    there), ``items`` are looked up in halves, and so on down to one."""
    try:
        return look_up(items)
    except RuntimeError as error:
        if not pool_full(error) or len(items) <= 1:
            raise
    half = len(items) // 2
    return pd.concat(
        [in_halves(look_up, items[:half]), in_halves(look_up, items[half:])], ignore_index=True
    )
