"""The embedded default store: LadybugDB (PyPI ``ladybug``, the maintained fork of Kùzu).

A folder on disk holds the database file (``graph.lbdb``). The adapter uses LadybugDB the
fast way, as measured on this project's machines:

* bulk writes are ``COPY <table> FROM <DataFrame>`` (10M edges in about 25 s);
* many-row lookups and deletes are ``LOAD FROM <DataFrame>`` joined on a node's primary key
  (``UNWIND $list`` plans a scan per element and was 100x slower);
* one worker's edges are a parameterised ``MATCH`` on the primary key (under 1 ms).

This module is the adapter class: which read or write to make, and when. Beside it:
``queries`` (the Cypher text), ``arrow`` (frames in and out), ``pool`` (buffer pool and
transaction sizes), ``retries`` (what happens when the pool runs full anyway).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import cast
from uuid import uuid4

import ladybug
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph_schema import NODE_TYPES, REL_TYPES, Node, RelType
from graph_schema.ddl import META_LABEL, ladybug_ddl
from graph_schema.properties import PropertyType
from tracker.store import GraphStore
from tracker.stores.ladybug import queries
from tracker.stores.ladybug.arrow import arrow_frame, kept, marks_frame, named, scan_frame
from tracker.stores.ladybug.pool import (
    COPY_CHUNK,
    NODE_CHUNK,
    READ_BUFFER_POOL_MB,
    edges_per_transaction,
    import_buffer_pool_mb,
)
from tracker.stores.ladybug.retries import in_halves, pool_full, write_in_pieces
from tracker.stores.schema import open_schema
from tracker.tables import edge_columns, from_arrow, isin, node_columns, typed

__all__ = ["DB_FILE", "READ_BUFFER_POOL_MB", "LadybugStore", "import_buffer_pool_mb"]

DB_FILE = "graph.lbdb"
LOOKUP_CHUNK = 20_000
"""Most keys ``node_table`` looks up with a join; more read the whole table."""
IN_LIST_MAX = 5_000
"""Most source ids ``edges_from`` looks up with ``IN $ids``; more read the whole table."""
STAMP = "written:"
"""Settings keys of the tables' write stamps (``write_stamp``)."""
NEAR_RANGES = 32
"""Most ranges of source offsets ``edges_from`` reads for many source ids."""
NODE_GROUP = 2**17
"""Nodes per node group (LadybugDB's ``StorageConfig::NODE_GROUP_SIZE``): a relationship
table keeps the edges of one group of source nodes together, and a COPY that adds edges
to a group that holds some rewrites the group at its checkpoint."""
READ_CELLS = 6_000_000
"""Values per read of a whole edge table (1M moves of 6 columns; about 100 MB of pool)."""


class LadybugStore(GraphStore):
    kind = "ladybug"
    source_group = NODE_GROUP

    def __init__(
        self,
        folder: str | os.PathLike,
        *,
        buffer_pool_mb: int = READ_BUFFER_POOL_MB,
        copy_chunk: int | None = COPY_CHUNK,
        node_chunk: int = NODE_CHUNK,
        lookup_chunk: int = LOOKUP_CHUNK,
        in_list_max: int = IN_LIST_MAX,
        read_only: bool = False,
    ) -> None:
        """The store in ``folder`` (made if missing), with a buffer pool of
        ``buffer_pool_mb``. The other sizes are documented at their module defaults
        (``pool.COPY_CHUNK`` ...); tests make them small to reach every path.
        ``read_only``: open an existing store to read only, as the processes of a server
        with several workers do (``api.serving``); LadybugDB lets several processes hold
        one folder so, and none of them may write."""
        self.folder = Path(folder)
        self.read_only = read_only
        if read_only and not (self.folder / DB_FILE).is_file():
            raise FileNotFoundError(f"no LMT store in {self.folder}")
        self.folder.mkdir(parents=True, exist_ok=True)
        self._db = ladybug.Database(
            str(self.folder / DB_FILE),
            buffer_pool_size=buffer_pool_mb * 1024 * 1024,
            read_only=read_only,
        )
        self._copy_chunk = edges_per_transaction(buffer_pool_mb * 2**20, copy_chunk)
        self._node_chunk = node_chunk
        self._lookup_chunk = lookup_chunk
        self._in_list_max = in_list_max
        self._local = threading.local()
        self._connections: list[ladybug.Connection] = []
        self._connections_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._open_schema()

    # -- connection and schema ---------------------------------------------------------
    @property
    def _conn(self) -> ladybug.Connection:
        """One connection per thread: the API serves reads from many threads at once."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = ladybug.Connection(self._db)
            with self._connections_lock:
                self._connections.append(conn)
        return conn

    def _query(self, statement: str, parameters: dict | None = None) -> pd.DataFrame:
        """A read as a DataFrame; a read that finds the buffer pool full is tried once more
        after a checkpoint, if no write is under way (``_checkpoint_if_idle``)."""
        try:
            return self._result(statement, parameters).get_as_df()
        except RuntimeError as error:
            if not pool_full(error) or not self._checkpoint_if_idle():
                raise
        return self._result(statement, parameters).get_as_df()

    def _result(self, statement: str, parameters: dict | None = None) -> ladybug.QueryResult:
        """The result of one statement (``execute`` answers a list only for several); a
        statement that scanned a table lets it go (``_forget_scans``)."""
        result = self._conn.execute(statement, parameters or {})
        if parameters and any(isinstance(v, pa.Table) for v in parameters.values()):
            _forget_scans(self._conn)
        if isinstance(result, list):
            raise TypeError(f"one statement at a time, not {len(result)}: {statement[:80]}")
        return result

    def _checkpoint_if_idle(self) -> bool:
        """Checkpoint from a reading thread, unless another thread is writing: LadybugDB
        makes a checkpoint wait for open write transactions and gives up after about 6 s
        (measured), so a read would hang and fail anyway. True if it checkpointed."""
        if self.read_only or not self._write_lock.acquire(blocking=False):
            return False
        try:
            self._conn.execute("CHECKPOINT")
        finally:
            self._write_lock.release()
        return True

    def _tables(self) -> set[str]:
        return set(self._query("CALL show_tables() RETURN name")["name"])

    def _open_schema(self) -> None:
        tables = self._tables()
        foreign = None
        if tables and META_LABEL not in tables:
            foreign = (
                f"{self.folder} holds a LadybugDB database that LMT did not make; "
                "point --db at an empty or LMT folder"
            )

        def apply_ddl() -> None:
            with self._write_lock:
                for statement in ladybug_ddl():
                    self._conn.execute(statement)

        open_schema(
            self,
            holds_data=bool(tables),
            foreign=foreign,
            place=f"the store in {self.folder}",
            apply_ddl=apply_ddl,
            read_only=self.read_only,
        )

    # -- writes ------------------------------------------------------------------------
    def write_nodes(self, node: type[Node], frame: pd.DataFrame, *, new: bool = False) -> None:
        """Create or update nodes (``MERGE`` on the key, ``SET`` the rest), ``node_chunk``
        per transaction (``pool.NODE_CHUNK``); nodes the caller knows to be ``new`` are
        added by ``COPY``, ``copy_chunk`` per transaction: a MERGE of 1,000,000 new workers
        took 45 s, their COPY a few seconds."""
        if frame.empty:
            return
        frame = typed(frame, node_columns(node))
        statement = queries.copy_nodes(node) if new else queries.merge_nodes(node)

        def write(start: int, size: int) -> None:
            scan = scan_frame(frame.iloc[start : start + size])
            self._result(statement, {"scan": scan})

        with self._write_lock:
            self._stamp(node.label)
            chunk = self._copy_chunk if new else self._node_chunk
            write_in_pieces(self._conn, len(frame), chunk, write)

    def write_edges(self, rel: RelType, frame: pd.DataFrame, remove: pd.DataFrame) -> None:
        """Delete ``remove`` and create ``frame`` in one transaction, or, for more new edges
        than ``copy_chunk`` allows, in one transaction per chunk: a transaction holds its
        new edges in the buffer pool until it commits, and one COPY of 700,000 moves
        overflowed a 512 MiB pool. The first transaction deletes ``remove`` and creates
        every edge that replaces one of them (same key; same source for edges without a
        key), so a write cut short never leaves a removed edge without its replacement:
        some of them (moves whose trip id changed) are not in the batch, and importing it
        again would not bring them back. The rest is only new edges, which writing again
        completes."""
        if frame.empty and remove.empty:
            return
        frame = typed(frame, edge_columns(rel))
        replaces = 0
        if not remove.empty and not frame.empty:
            column = rel.key or rel.source_column
            first = isin(frame[column], remove[column])
            frame = pd.concat([frame[first], frame[~first]], ignore_index=True)
            replaces = int(first.sum())

        def write(start: int, size: int) -> None:
            if start == 0 and not remove.empty:
                self._delete_edges(rel, remove)
            part = frame.iloc[start : start + size]
            if not part.empty:
                self._copy_edges(rel, part)

        with self._write_lock:
            self._stamp(rel.name)
            write_in_pieces(
                self._conn, len(frame), self._copy_chunk, write, first_at_least=replaces
            )

    def _stamp(self, table: str) -> None:
        """A new ``write_stamp`` for ``table``, set before the write: a write cut short still
        leaves the table stamped as changed."""
        self._conn.execute(queries.put_setting(), {"key": STAMP + table, "value": uuid4().hex})

    def write_stamp(self, table: type[Node] | RelType) -> str | None:
        """Set by every ``write_nodes`` / ``write_edges`` of the table (a random value);
        with the table's count, so that a write by a version of LMT that set no stamps
        (one that added rows) is seen too."""
        if isinstance(table, RelType):
            name, count = table.name, queries.count_edges(table)
        else:
            name, count = table.label, queries.count_nodes(table)
        rows = int(self._query(count).iloc[0, 0])
        return f"{self.get_setting(STAMP + name) or '-'}:{rows}"

    def change_marks(self, table: type[Node] | RelType) -> pd.DataFrame:
        """In the database: a node's hash of all its properties; a source's count and sum
        of its edges' internal ids (LadybugDB gives a new edge a new id, never one a
        deleted edge had, and the adapter replaces an edge by delete and create:
        ``tests/test_ladybug_store.py`` checks both), so no edge property is read."""
        if isinstance(table, RelType):
            statement = queries.edge_marks(table)
        else:
            statement = queries.node_marks(table)
        result = self._result(statement).get_as_arrow(chunk_size=-1)
        return marks_frame(result)

    def _delete_edges(self, rel: RelType, remove: pd.DataFrame) -> None:
        statement, columns = queries.delete_edges(rel)
        self._result(statement, {"scan": scan_frame(remove[columns].drop_duplicates())})

    def _copy_edges(self, rel: RelType, frame: pd.DataFrame) -> None:
        for kind, target in rel.targets.items():
            part = frame if kind is None else frame[frame[rel.kind_column] == kind]
            if part.empty:
                continue
            statement, columns = queries.copy_edges(rel, target)
            self._result(statement, {"scan": scan_frame(part[columns])})

    # -- reads -------------------------------------------------------------------------
    def node_table(self, node: type[Node], keys: Sequence | None = None) -> pd.DataFrame:
        columns = node_columns(node)
        if keys is None:
            return named(self._query(queries.all_nodes(node)), columns)
        keys = list(dict.fromkeys(keys))
        if not keys:
            return typed(pd.DataFrame(), columns)
        if len(keys) > self._lookup_chunk:
            # many keys: one read of the whole table, filtered in Arrow (1,000,000 workers:
            # 0.7 s), not a join per chunk (0.17 s per 20,000 keys, 8.5 s for them all)
            table = self._result(queries.all_nodes(node)).get_as_arrow(chunk_size=-1)
            return arrow_frame(kept(table, list(columns).index(node.key), keys), columns)
        result = self._lookup(queries.nodes_by_scanned_key(node), keys)
        return named(result, columns)

    def node_keys(self, node: type[Node]) -> pd.Series:
        """The key column alone, through Arrow (no Python string per key), sorted by the
        nodes' offsets: a scan on several threads may return them in another order."""
        table = self._result(queries.all_keys(node)).get_as_arrow(chunk_size=-1)
        keys = table.column(0).take(pc.sort_indices(table.column(1)))
        return from_arrow(keys, node_columns(node)[node.key]).rename(node.key)

    def edge_table(self, rel: RelType, columns: Sequence[str] | None = None) -> pd.DataFrame:
        return self._read_by_ranges(rel, columns)

    def _read_by_ranges(
        self,
        rel: RelType,
        columns: Sequence[str] | None = None,
        where: tuple[str, list] | None = None,
        near: list | None = None,
    ) -> pd.DataFrame:
        """``rel``'s edges (their ``columns``), read by ranges of source offsets; with
        ``where=(column, values)``, only the edges whose ``column`` is one of ``values``,
        kept from each range as it is read; with ``near`` (source ids), only the ranges
        that hold those sources (``_ranges_holding``)."""
        wanted = self._wanted(rel, columns)
        parts = []
        ranges = None if near is None else self._ranges_holding(rel, near)
        for part in self._range_reads(rel, columns, ranges):
            if where is not None:
                part = kept(part, list(wanted).index(where[0]), where[1])
            parts.append(part)
        if not parts:
            return typed(pd.DataFrame(), wanted)
        return arrow_frame(pa.concat_tables(parts, promote_options="permissive"), wanted)

    def edge_slices(
        self, rel: RelType, columns: Sequence[str] | None = None
    ) -> Iterator[pd.DataFrame]:
        """One frame per range of source offsets (``_source_ranges``): bounded memory."""
        wanted = self._wanted(rel, columns)
        for part in self._range_reads(rel, columns):
            yield arrow_frame(part, wanted)

    @staticmethod
    def _wanted(rel: RelType, columns: Sequence[str] | None) -> dict[str, PropertyType]:
        wanted = edge_columns(rel)
        return wanted if columns is None else {c: wanted[c] for c in columns}

    def _range_reads(
        self,
        rel: RelType,
        columns: Sequence[str] | None,
        ranges: list[tuple[int, int]] | None = None,
    ) -> Iterator[pa.Table]:
        """``rel``'s edges as Arrow tables, one per range of source offsets (``ranges``,
        or ranges that cover them all)."""
        statement = queries.edges_in_range(rel, columns)
        if ranges is None:
            ranges = self._source_ranges(rel, len(self._wanted(rel, columns)))
        for lo, hi in ranges:
            yield self._result(statement, {"lo": lo, "hi": hi}).get_as_arrow(chunk_size=-1)

    def _ranges_holding(self, rel: RelType, source_ids: list) -> list[tuple[int, int]]:
        """At most ``NEAR_RANGES`` ranges of source offsets holding every one of
        ``source_ids`` (looked up by key), each read cut to about ``READ_CELLS`` values.

        The sources a batch just added were written together and lie side by side (one
        short range, not the whole table: 10,000 new workers among 1,000,000 with 10
        million moves); sources spread over the table are read with the gaps between them
        (LadybugDB's cost is about one query per range, tens of milliseconds)."""
        scan = scan_frame(pd.DataFrame({"id": source_ids}))
        found = self._result(queries.offsets_of_scanned_keys(rel.source), {"scan": scan})
        offsets = np.unique(found.get_as_arrow(chunk_size=-1).column(0).to_numpy())
        if not len(offsets):
            return []
        gaps = np.diff(offsets)
        # join across the largest gaps last: keep the NEAR_RANGES - 1 largest as breaks
        breaks = np.sort(np.argsort(gaps, kind="stable")[::-1][: NEAR_RANGES - 1])
        breaks = breaks[gaps[breaks] > 1]
        starts = np.r_[offsets[0], offsets[breaks + 1]]
        ends = np.r_[offsets[breaks], offsets[-1]] + 1
        whole = self._source_ranges(rel, len(rel.table_columns))
        if not whole:
            return []
        per_read = max(whole[0][1] - whole[0][0], 1)
        ranges = []
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            ranges += [(lo, min(lo + per_read, end)) for lo in range(start, end, per_read)]
        return ranges

    def _source_ranges(self, rel: RelType, columns: int) -> list[tuple[int, int]]:
        """Ranges of source-node offsets that split ``rel``'s edges into reads of about
        ``READ_CELLS`` values each.

        A whole-table read in one query builds its result inside the buffer pool: 10M moves
        do not fit the default 1 GiB ("buffer pool is full"). Reads by ranges of source
        offsets fit, LadybugDB scans only the range asked (10.8M moves in ten reads: 7 s),
        and ``get_as_arrow`` keeps strings out of Python objects. (Its other Arrow path,
        ``query_as_arrow``, reads nulls as 0, "" and 1970-01-01 in ladybug 0.22.)
        """
        found = self._query(queries.source_offsets(rel))
        if found.empty or pd.isna(found.iloc[0, 0]):
            return []
        top = int(found.iloc[0, 0]) + 1
        edges = int(self._query(queries.count_edges(rel))["c"][0])
        rows = max(READ_CELLS // max(columns, 1), 1)
        per_read = max(top * rows // max(edges, 1), 1)
        return [(lo, min(lo + per_read, top)) for lo in range(0, top, per_read)]

    def edges_from(self, rel: RelType, source_ids: Sequence) -> pd.DataFrame:
        """The edges of ``source_ids``, by the cheapest of three reads (measured on 100,000
        workers and 700,000 moves): one id, a primary-key lookup (under 1 ms, the timeline's
        hot path); up to ``in_list_max`` ids, ``WHERE key IN $ids`` (a scan of the source
        keys, then only their edges: 0.04 s for 100 ids, 1 s for 5,000); more, the whole
        table read by source ranges and filtered range by range (1 s). ``LOAD FROM`` a
        frame of ids joined on the key, the obvious form, materialised every edge of the
        type with all its properties (0.5 s and 300 MB of buffer pool even for 100 ids) and
        filled a 1 GiB pool on re-importing 100,000 workers."""
        ids = list(dict.fromkeys(source_ids))
        if not ids or (len(ids) > 1 and self._no_edges(rel)):
            return typed(pd.DataFrame(), edge_columns(rel))
        if len(ids) > self._in_list_max:
            return self._read_by_ranges(rel, where=(rel.source_column, ids), near=ids)
        if len(ids) == 1:
            result = self._query(queries.edges_of_one(rel), {"id": ids[0]})
        else:
            result = self._query(queries.edges_of_many(rel), {"ids": ids})
        return named(result, edge_columns(rel))

    def _lookup(self, statement: str, ids: list) -> pd.DataFrame:
        """``statement`` over ``ids`` scanned as ``c0``. A result is built in the buffer
        pool; if the pool is full, the ids are looked up in halves."""

        def look_up(part: list) -> pd.DataFrame:
            return self._query(statement, {"scan": scan_frame(pd.DataFrame({"id": part}))})

        return in_halves(look_up, ids)

    def _no_edges(self, rel: RelType) -> bool:
        """A first import asks for the edges of 100,000 workers of a type that has none;
        the join over them took seconds even so."""
        return self._query(queries.any_edge(rel)).empty

    def edge_records(self, rel: RelType, source_id: object) -> list[dict[str, object]]:
        return self._records(queries.edges_of_one(rel), {"id": source_id}, rel.table_columns)

    def edge_records_of(
        self, rels: Sequence[RelType], source_id: object
    ) -> dict[str, list[dict[str, object]]]:
        """All of ``rels`` in one query (``-[r:A|B|C]->``): LadybugDB's fixed cost per query
        is paid once, not once per type (a worker's five timeline types: about 0.3 ms of
        CPU, against 0.9 ms for five queries). Each row says its type (``label(r)``); a
        property its type lacks reads as null and is not put in its record."""
        plan = queries.EdgesOf.plan(tuple(rels))
        if plan is None:  # types that share a property name with different value types
            return super().edge_records_of(rels, source_id)
        found: dict[str, list[dict[str, object]]] = {rel.name: [] for rel in rels}
        result = self._result(plan.statement, {"id": source_id})
        while result.has_next():
            row = cast(list, result.get_next())  # a list: this connection never asks for dicts
            found[row[0]].append(plan.record(row))
        return found

    def node_record(self, node: type[Node], key: object) -> dict[str, object] | None:
        columns = tuple(node_columns(node))
        found = self._records(queries.node_by_key(node), {"key": key}, columns)
        return found[0] if found else None

    def _records(
        self, statement: str, parameters: dict, columns: Sequence[str]
    ) -> list[dict[str, object]]:
        """Rows as dicts straight from the cursor: no DataFrame for a handful of rows."""
        result = self._result(statement, parameters)
        rows = []
        while result.has_next():
            rows.append(dict(zip(columns, result.get_next(), strict=True)))
        return rows

    def edges_by_key(self, rel: RelType, keys: Sequence) -> pd.DataFrame:
        if not rel.key:
            raise ValueError(f"{rel.name} edges have no key; use edges_from")
        keys = list(dict.fromkeys(keys))
        if len(keys) > self._in_list_max:  # one pass over the table, not owners then edges
            return self._read_by_ranges(rel, where=(rel.key, keys))
        owners = self._read_by_ranges(rel, [rel.source_column, rel.key])
        keys = pd.Series(keys, dtype=owners[rel.key].dtype)
        wanted = owners[isin(owners[rel.key], keys)]
        if wanted.empty:
            return typed(pd.DataFrame(), edge_columns(rel))
        found = self.edges_from(rel, wanted[rel.source_column].tolist())
        return found[isin(found[rel.key], keys)].reset_index(drop=True)

    def counts(self) -> dict[str, dict[str, int]]:
        nodes = {n.label: int(self._query(queries.count_nodes(n)).iloc[0, 0]) for n in NODE_TYPES}
        edges = {r.name: int(self._query(queries.count_edges(r)).iloc[0, 0]) for r in REL_TYPES}
        return {"nodes": nodes, "edges": edges}

    # -- settings ----------------------------------------------------------------------
    def get_setting(self, key: str) -> str | None:
        found = self._query(
            f"MATCH (m:{META_LABEL} {{key: $key}}) RETURN m.value AS v", {"key": key}
        )
        return None if found.empty else str(found.iloc[0, 0])

    def put_setting(self, key: str, value: str) -> None:
        with self._write_lock:
            self._conn.execute(queries.put_setting(), {"key": key, "value": value})

    def close(self) -> None:
        """Close every thread's connection, then the database: the folder's lock is let go
        only when no connection is left, so another process can open the store."""
        with self._connections_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._db.close()


def _forget_scans(conn: ladybug.Connection) -> None:
    """Drop the prepared statements ladybug keeps for statements that scanned a table.

    ladybug 0.22 caches every statement it prepares, keyed by the query and its parameters'
    types, and gives each Arrow table or frame it is passed a new key: the cache kept every
    table an import ever scanned (each slice's COPY, each lookup) until the connection
    closed, about 100 MB more per slice of 750,000 moves (pyarrow's allocated bytes grew so
    through an import of 300,000 workers, and back to 0 once the cache was emptied). Only
    those entries go: a statement of plain values keeps its cached plan. (An explicit
    ``prepare`` keeps nothing, but ladybug deprecates it.)"""
    cache = getattr(conn, "_pybind_implicit_prepared_cache", None)
    lock = getattr(conn, "_prepared_cache_lock", None)
    if not isinstance(cache, dict) or lock is None:
        return
    with lock:
        for key in [k for k in cache if _scanned(k)]:
            del cache[key]


def _scanned(key: object) -> bool:
    """A cache key ``(query, ((name, signature), ...))`` with a scanned object's signature
    (``("pointer", ...)``)."""
    if not (isinstance(key, tuple) and len(key) == 2 and isinstance(key[1], tuple)):
        return False
    return any(
        isinstance(item, tuple) and len(item) == 2 and item[1][:1] == ("pointer",)
        for item in key[1]
    )
