"""LadybugDB-only behaviour: a write chunk that fills the buffer pool is written again in
smaller pieces instead of failing the import (``LadybugStore.write_edges``); the three ways
``edges_from`` reads (one id, ``IN $ids``, the table by ranges) give the same edges."""

from __future__ import annotations

import gc

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from graph_schema import MOVED, Worker
from tracker.stores.ladybug.store import LadybugStore
from tracker.tables import edge_columns, node_columns, typed

WORKERS = 2_000
MOVES = 200_000
POOL_MB = 80
"""Measured with forward-only relationship tables (graph_schema.ddl): 200,000 moves in one
transaction overflow an 80 MiB pool, 100,000 fit; a 64 MiB pool holds too few, 96 MiB all
of them (it overflowed at 96 when both directions were stored)."""


def _workers() -> pd.DataFrame:
    return pd.DataFrame({"worker_id": [f"W{i:06d}" for i in range(WORKERS)]})


def _write_workers(store: LadybugStore) -> None:
    store.write_nodes(Worker, typed(_workers(), node_columns(Worker)))


def _moves(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    departed = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 2000, n), "D")
    frame = pd.DataFrame(
        {
            "record_id": [f"R{i:07d}" for i in range(n)],
            "worker_id": [f"W{i % WORKERS:06d}" for i in range(n)],
            "from_district_code": rng.integers(1, 641, n),
            "to_district_code": rng.integers(1, 641, n),
            "departed_on": departed,
            "arrived_on": departed,
            "reason": "work",
            "source": "field_survey",
            "recorded_by": "C001",
            "recorded_on": pd.Timestamp("2024-01-01"),
        }
    )
    frame["trip_id"] = frame["record_id"]
    return typed(frame, edge_columns(MOVED))


def test_a_chunk_that_fills_the_buffer_pool_is_written_in_halves(tmp_path, monkeypatch) -> None:
    pieces: list[int] = []
    copy_edges = LadybugStore._copy_edges

    def counted(self, rel, part):  # the real COPY, counted
        pieces.append(len(part))
        return copy_edges(self, rel, part)

    monkeypatch.setattr(LadybugStore, "_copy_edges", counted)
    # one transaction of every move: too big for the pool
    with LadybugStore(tmp_path / "db", buffer_pool_mb=POOL_MB, copy_chunk=MOVES) as store:
        _write_workers(store)
        moves = _moves(MOVES)
        store.write_edges(MOVED, moves, moves.iloc[:0])

        assert pieces[0] == MOVES and len(pieces) > 1, "the whole chunk was tried first"
        assert store.counts()["edges"]["MOVED"] == MOVES
        stored = store.edge_table(MOVED).sort_values("record_id", ignore_index=True)
        pd.testing.assert_series_equal(stored["record_id"], moves["record_id"])


def test_a_pool_too_small_for_the_smallest_piece_still_fails_loudly(tmp_path) -> None:
    with LadybugStore(tmp_path / "db", buffer_pool_mb=16) as store:
        _write_workers(store)
        moves = _moves(50_000)
        with pytest.raises(RuntimeError, match=r"(?i)buffer"):
            store.write_edges(MOVED, moves, moves.iloc[:0])


@pytest.mark.parametrize("in_list_max", [1, 4])  # 4 unique ids: ranges, IN $ids
def test_every_way_of_reading_a_workers_edges_gives_the_same_edges(tmp_path, in_list_max) -> None:
    with LadybugStore(tmp_path / "db", buffer_pool_mb=64, in_list_max=in_list_max) as store:
        _write_workers(store)
        moves = _moves(5_000)
        store.write_edges(MOVED, moves, moves.iloc[:0])
        asked = ["W000007", "W000011", "W001999", "W000007", "NOBODY"]
        found = store.edges_from(MOVED, asked).sort_values("record_id", ignore_index=True)
        expected = moves[moves["worker_id"].isin(asked)].sort_values("record_id", ignore_index=True)
        pd.testing.assert_frame_equal(found, expected, check_dtype=False)
        one = store.edges_from(MOVED, ["W000011"])
        assert set(one["record_id"]) == set(moves.loc[moves["worker_id"] == "W000011", "record_id"])
        by_key = store.edges_by_key(MOVED, ["R0000003", "R0004999", "NONE"])
        assert sorted(by_key["record_id"]) == ["R0000003", "R0004999"]


def test_nodes_are_written_in_pieces_and_updated_in_place(tmp_path) -> None:
    with LadybugStore(tmp_path / "db", buffer_pool_mb=64, node_chunk=700) as store:
        workers = _workers()
        workers["name"] = "before"
        store.write_nodes(Worker, typed(workers, node_columns(Worker)))
        workers.loc[1500:, "name"] = "after"
        store.write_nodes(Worker, typed(workers.iloc[1000:], node_columns(Worker)))
        held = store.node_table(Worker).set_index("worker_id")["name"]
        assert len(held) == WORKERS
        assert (held.loc["W000000":"W001499"] == "before").all()
        assert (held.loc["W001500":] == "after").all()


class _CommitThenCheckpointFails:
    """A connection whose first COMMIT commits and then raises what LadybugDB raises when
    only the checkpoint that follows a commit finds the buffer pool full."""

    def __init__(self, conn) -> None:
        self._conn, self.failed = conn, False

    def execute(self, statement, parameters=None):
        result = self._conn.execute(statement, parameters or {})
        if statement == "COMMIT" and not self.failed:
            self.failed = True
            raise RuntimeError(
                "Transaction committed successfully, but the post-commit checkpoint failed. "
                "The committed data is durable and will be recovered on restart: Buffer "
                "manager exception: Unable to allocate memory! The buffer pool is full and no "
                "memory could be freed!"
            )
        return result


def test_a_committed_chunk_whose_checkpoint_failed_is_not_written_again(tmp_path) -> None:
    with LadybugStore(tmp_path / "db", buffer_pool_mb=64) as store:
        _write_workers(store)
        moves = _moves(30_000)
        store._local.conn = _CommitThenCheckpointFails(store._conn)
        store.write_edges(MOVED, moves, moves.iloc[:0])
        assert store._local.conn.failed
        stored = store.edge_table(MOVED, ["record_id"])["record_id"]
        assert len(stored) == len(moves) and stored.is_unique


def test_an_interrupted_write_loses_no_edge_it_removed(tmp_path) -> None:
    """The edges a write removes go in the transaction that stores what replaces them: a
    write that fails in a later chunk loses none (here a re-tagged move, which the batch
    written again would not bring back)."""
    with LadybugStore(tmp_path / "db", buffer_pool_mb=64, copy_chunk=2) as store:
        _write_workers(store)
        held = _moves(3)
        store.write_edges(MOVED, held, held.iloc[:0])
        new = _moves(5).iloc[3:]
        retagged = held.iloc[[2]].assign(trip_id="T")
        orphan = held.iloc[[0]].assign(record_id="R9", worker_id="nobody")  # COPY fails
        frame = pd.concat([new, orphan, retagged], ignore_index=True)  # replacement last
        with pytest.raises(RuntimeError):
            store.write_edges(MOVED, frame, held.iloc[[2]])
        stored = store.edge_table(MOVED).set_index("record_id")
        assert {"R0000000", "R0000001", "R0000002"} <= set(stored.index)
        assert stored.loc["R0000002", "trip_id"] == "T", "removed and replaced together"
        assert "R9" not in stored.index


def test_a_reader_checkpoints_only_when_no_write_is_under_way(tmp_path) -> None:
    with LadybugStore(tmp_path / "db", buffer_pool_mb=64) as store:
        with store._write_lock:  # a batch being written by another thread
            assert store._checkpoint_if_idle() is False
        assert store._checkpoint_if_idle() is True
        assert store._write_lock.acquire(blocking=False), "the lock is released again"
        store._write_lock.release()


@pytest.mark.parametrize("lookup_chunk", [3, 10_000])  # whole table filtered; joined chunks
def test_both_ways_of_looking_up_nodes_give_the_same_nodes(tmp_path, lookup_chunk) -> None:
    with LadybugStore(tmp_path / "db", buffer_pool_mb=64, lookup_chunk=lookup_chunk) as store:
        workers = _workers()
        workers["birth_year"] = 1990
        store.write_nodes(Worker, typed(workers, node_columns(Worker)))
        asked = ["W000003", "W001999", "W000003", "NOBODY", "W000500"]
        found = store.node_table(Worker, asked).sort_values("worker_id", ignore_index=True)
        assert found["worker_id"].tolist() == ["W000003", "W000500", "W001999"]
        assert found["birth_year"].tolist() == [1990, 1990, 1990]
        assert store.node_table(Worker, []).empty


def test_stamps_and_marks_change_with_what_is_written(tmp_path) -> None:
    """What ``tracker.identity.cache`` trusts: a table's write stamp changes with every write
    to it and no other; a source's mark changes when one of its edges is replaced by one
    just like it (a new edge takes an offset no deleted edge had, even after the store is
    closed and opened), and a node's when its properties change."""
    folder = tmp_path / "db"
    with LadybugStore(folder, buffer_pool_mb=64) as store:
        _write_workers(store)
        moves = _moves(10)
        store.write_edges(MOVED, moves, moves.iloc[:0])
        stamp, worker_stamp = store.write_stamp(MOVED), store.write_stamp(Worker)
        marks = store.change_marks(MOVED).set_index("key")["mark"].sort_index()
        people = store.change_marks(Worker).set_index("key")["mark"].sort_index()
        assert len(marks) == 10 and marks.is_unique
        assert store.change_marks(MOVED).set_index("key")["mark"].sort_index().equals(marks)
    with LadybugStore(folder, buffer_pool_mb=64) as store:
        same = moves.iloc[[3]]
        store.write_edges(MOVED, same, same[["worker_id", "record_id"]])
        assert store.write_stamp(MOVED) != stamp
        assert store.write_stamp(Worker) == worker_stamp
        after = store.change_marks(MOVED).set_index("key")["mark"].sort_index()
        assert (after != marks).tolist() == [key == "W000003" for key in marks.index]
        renamed = typed(_workers().iloc[[5]].assign(name="Ram"), node_columns(Worker))
        store.write_nodes(Worker, renamed)
        now = store.change_marks(Worker).set_index("key")["mark"].sort_index()
        assert (now != people.reindex(now.index)).sum() == 1 and now["W000005"] != people["W000005"]


def test_a_scanned_table_is_let_go_after_its_write(tmp_path) -> None:
    """ladybug caches a prepared statement per Arrow table it scans; the adapter drops
    those entries, so that writing slice after slice does not keep every slice's table
    (an import of 300,000 workers held 100 MB more per slice)."""
    with LadybugStore(tmp_path / "s", buffer_pool_mb=256) as store:
        _write_workers(store)
        empty = _moves(0)
        gc.collect()
        before = pa.total_allocated_bytes()
        for part in range(4):  # each slice's table made, written and dropped
            moves = _moves(20_000)
            moves["record_id"] = moves["record_id"] + f"-{part}"
            store.write_edges(MOVED, moves, empty)
            del moves
        gc.collect()
        assert pa.total_allocated_bytes() - before < 2**20  # kept, about 2 MB a slice
        assert store.counts()["edges"]["MOVED"] == 80_000
        assert store.node_keys(Worker).tolist() == _workers()["worker_id"].tolist()
