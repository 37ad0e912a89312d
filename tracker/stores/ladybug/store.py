"""The embedded default store: LadybugDB (PyPI ``ladybug``, the maintained fork of Kùzu).

A folder on disk holds the database file (``graph.lbdb``). The adapter uses LadybugDB the
fast way, as measured on this project's machines:

* bulk writes are ``COPY <table> FROM <DataFrame>`` (10M edges in about 25 s);
* many-row lookups and deletes are ``LOAD FROM <DataFrame>`` joined on a node's primary key
  (``UNWIND $list`` plans a scan per element and was 100x slower);
* one worker's edges are a parameterised ``MATCH`` on the primary key (under 1 ms).

Column names of scanned frames are rewritten to ``c0, c1, ...`` so that no field name can
collide with a Cypher keyword, and no value is ever spliced into a statement: labels and
property names come from ``graph_schema``; values travel as parameters or scanned frames.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import ClassVar

import ladybug
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graph_schema import NODE_TYPES, REL_TYPES, SCHEMA_VERSION, District, Node, RelType
from graph_schema.census import districts
from graph_schema.ddl import META_LABEL, ladybug_ddl, quoted
from graph_schema.properties import PropertyType
from tracker.store import GraphStore, SchemaMismatch
from tracker.tables import PANDAS_DTYPES, edge_columns, isin, node_columns, typed

DB_FILE = "graph.lbdb"
COPY_CHUNK: int | None = None
"""New edges per transaction (``write_edges``); None: as many as the buffer pool holds at
``COPY_EDGE_BYTES`` each, at least ``MIN_AUTO_COPY_CHUNK``."""
COPY_EDGE_BYTES = 1024
"""Pool bytes counted per edge a COPY adds. Measured: 200,000 moves in one transaction
overflowed a 96 MiB pool, 100,000 fit (about 500 bytes each); twice that for safety."""
MIN_AUTO_COPY_CHUNK = 250_000
NODE_CHUNK = 100_000
"""Nodes per transaction (see ``write_nodes``)."""
LOOKUP_CHUNK = 20_000
"""Most keys ``node_table`` looks up with a join; more read the whole table."""
MIN_COPY_CHUNK = 10_000
"""The smallest piece ``_in_pieces`` splits a chunk into when the buffer pool is full."""
IN_LIST_MAX = 5_000
"""Most source ids ``edges_from`` looks up with ``IN $ids``; more read the whole table."""


READ_BUFFER_POOL_MB = 1024
"""The pool of a store opened to read or serve (``$LMT_BUFFER_POOL_MB`` overrides it in
``open_store``)."""


def import_buffer_pool_mb() -> int:
    """The pool of a store opened to import a batch (``open_store(importing=True)``): half
    the machine's memory, at most 8 GiB, at least ``READ_BUFFER_POOL_MB``.

    Why two sizes: adding edges to a relationship table that already holds millions
    rewrites large parts of it in the pool, and a COPY holds its new edges there until it
    commits; at 1,000,000 workers (7 million moves) a 1 GiB pool ran full in the middle of
    the moves. But LadybugDB keeps the pages it has read, so a large pool makes reads
    hold more: circuits over 10.8 million moves peaked at 7.1 GB with an 8 GiB pool. An
    import of 100,000 workers peaked the same with either."""
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):
        physical = 2 * READ_BUFFER_POOL_MB
    return max(READ_BUFFER_POOL_MB, min(8192, physical // 2))


def _pool_full(error: RuntimeError) -> bool:
    return "buffer pool is full" in str(error).lower()


def _committed(error: RuntimeError) -> bool:
    """A COMMIT that raised after committing: only the checkpoint that follows it failed
    ("Transaction committed successfully, but the post-commit checkpoint failed")."""
    return "committed successfully" in str(error).lower()


class LadybugStore(GraphStore):
    kind = "ladybug"

    def __init__(
        self,
        folder: str | os.PathLike,
        *,
        buffer_pool_mb: int = READ_BUFFER_POOL_MB,
        copy_chunk: int | None = COPY_CHUNK,
        node_chunk: int = NODE_CHUNK,
        lookup_chunk: int = LOOKUP_CHUNK,
        in_list_max: int = IN_LIST_MAX,
    ) -> None:
        """The store in ``folder`` (made if missing), with a buffer pool of
        ``buffer_pool_mb``. The other arguments are the sizes documented at their module
        defaults (``COPY_CHUNK`` ...); tests make them small to reach every path."""
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._db = ladybug.Database(
            str(self.folder / DB_FILE), buffer_pool_size=buffer_pool_mb * 1024 * 1024
        )
        self._pool_bytes = buffer_pool_mb * 2**20
        self._copy_chunk_rows = copy_chunk
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
            return self._conn.execute(statement, parameters or {}).get_as_df()
        except RuntimeError as error:
            if not _pool_full(error) or not self._checkpoint_if_idle():
                raise
        return self._conn.execute(statement, parameters or {}).get_as_df()

    def _checkpoint_if_idle(self) -> bool:
        """Checkpoint from a reading thread, unless another thread is writing: LadybugDB
        makes a checkpoint wait for open write transactions and gives up after about 6 s
        (measured), so a read would hang and fail anyway. True if it checkpointed."""
        if not self._write_lock.acquire(blocking=False):
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
        if tables and META_LABEL not in tables:
            raise SchemaMismatch(
                f"{self.folder} holds a LadybugDB database that LMT did not make; "
                "point --db at an empty or LMT folder"
            )
        found = self.get_setting("schema_version") if tables else None
        if found is not None and int(found) != SCHEMA_VERSION:
            raise SchemaMismatch(
                f"the store in {self.folder} has schema version {found}, this LMT uses "
                f"{SCHEMA_VERSION} and has no upgrade from it; export it with the LMT "
                "that made it (`lmt export DIR`) and ingest that folder into a new store"
            )
        with self._write_lock:
            for statement in ladybug_ddl():
                self._conn.execute(statement)
        if found is None:
            self.write_nodes(District, pd.DataFrame(districts()))
            self.put_setting("schema_version", str(SCHEMA_VERSION))

    # -- frames in and out -------------------------------------------------------------
    @staticmethod
    def _scan_frame(frame: pd.DataFrame) -> pa.Table:
        """The frame as an Arrow table LadybugDB can scan, columns renamed c0..cn.

        Arrow keeps strings in flat buffers with real nulls: scanning pandas columns of
        Python strings cost 280 MB more per 250,000 moves copied, and an all-missing string
        column was stored as the text "nan"."""
        table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
        return table.rename_columns([f"c{i}" for i in range(table.num_columns)])

    @staticmethod
    def _return_clause(expressions: list[str]) -> str:
        return ", ".join(f"{e} AS c{i}" for i, e in enumerate(expressions))

    @staticmethod
    def _named(result: pd.DataFrame, columns: dict[str, PropertyType]) -> pd.DataFrame:
        result.columns = list(columns)
        return typed(result, columns)

    # -- writes ------------------------------------------------------------------------
    def write_nodes(self, node: type[Node], frame: pd.DataFrame) -> None:
        """Create or update nodes (``MERGE`` on the key, ``SET`` the rest), ``NODE_CHUNK``
        per transaction: one MERGE of 1,000,000 workers filled the 1 GiB buffer pool."""
        if frame.empty:
            return
        columns = node_columns(node)
        frame = typed(frame, columns)
        sets = ", ".join(
            f"n.{quoted(name)} = {_cast(f'c{i}', kind)}"
            for i, (name, kind) in enumerate(columns.items())
            if name != node.key
        )
        key_col = f"c{list(columns).index(node.key)}"
        statement = f"LOAD FROM $scan MERGE (n:{node.label} {{{quoted(node.key)}: {key_col}}})"
        statement += f" SET {sets}" if sets else ""

        def write(start: int, size: int) -> None:
            scan = self._scan_frame(frame.iloc[start : start + size])
            self._conn.execute(statement, {"scan": scan})

        with self._write_lock:
            self._in_pieces(len(frame), self._node_chunk, write)

    def write_edges(self, rel: RelType, frame: pd.DataFrame, remove: pd.DataFrame) -> None:
        """Delete ``remove`` and create ``frame`` in one transaction, or, for more new edges
        than ``_copy_chunk`` allows, in one transaction per chunk: a transaction holds its
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
            self._in_pieces(len(frame), self._copy_chunk(), write, first_at_least=replaces)

    def _copy_chunk(self) -> int:
        """Why as large as the pool allows: the first COPY into an empty relationship table
        is LadybugDB's fast path, and every later COPY into a table that holds edges
        rewrites the parts it touches, so many small chunks made an import of 7 million
        moves slower than linear."""
        if self._copy_chunk_rows is not None:
            return self._copy_chunk_rows
        return max(MIN_AUTO_COPY_CHUNK, self._pool_bytes // COPY_EDGE_BYTES)

    def _in_pieces(
        self,
        total: int,
        chunk: int,
        write: Callable[[int, int], None],
        first_at_least: int = 0,
    ) -> None:
        """``write(start, size)`` over rows ``0 .. total`` in pieces of ``chunk``, one
        transaction each (one piece, of size 0, when ``total`` is 0); the first piece holds
        at least ``first_at_least`` rows. A safeguard: a piece that finds the buffer pool
        full is rolled back, the store checkpointed, and the piece written again in halves,
        down to ``MIN_COPY_CHUNK`` rows (never splitting the first ``first_at_least``). A
        piece whose COMMIT committed and then failed to checkpoint is written: it is
        checkpointed again, never written again (a COPY written twice stores its edges
        twice)."""
        head = min(max(chunk, first_at_least), total)
        rest = range(head, total, chunk)
        pieces = [(0, head)] + [(start, min(chunk, total - start)) for start in rest]
        while pieces:
            start, size = pieces.pop(0)
            self._conn.execute("BEGIN TRANSACTION")
            try:
                write(start, size)
                self._conn.execute("COMMIT")
            except RuntimeError as error:
                if _committed(error):
                    self._conn.execute("CHECKPOINT")
                    continue
                self._rollback()
                keep = first_at_least if start == 0 else 0
                if not _pool_full(error) or size <= max(MIN_COPY_CHUNK, keep):
                    raise
                self._conn.execute("CHECKPOINT")
                half = max(size // 2, keep)
                pieces[:0] = [(start, half), (start + half, size - half)]
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        with contextlib.suppress(RuntimeError):  # LadybugDB may have rolled back already
            self._conn.execute("ROLLBACK")

    def _delete_edges(self, rel: RelType, remove: pd.DataFrame) -> None:
        src = rel.source
        if rel.key:
            scan = self._scan_frame(remove[[rel.source_column, rel.key]].drop_duplicates())
            where = f" WHERE r.{quoted(rel.key)} = c1"
        else:
            scan = self._scan_frame(remove[[rel.source_column]].drop_duplicates())
            where = ""
        self._conn.execute(
            f"LOAD FROM $scan MATCH (a:{src.label} {{{quoted(src.key)}: c0}})"
            f"-[r:{rel.name}]->(){where} DELETE r",
            {"scan": scan},
        )

    def _copy_edges(self, rel: RelType, frame: pd.DataFrame) -> None:
        properties = list(rel.property_names)
        for kind, target in rel.targets.items():
            part = frame if kind is None else frame[frame[rel.kind_column] == kind]
            if part.empty:
                continue
            scan = self._scan_frame(part[[rel.source_column, rel.target_column, *properties]])
            pair = (
                f" (from='{rel.source.label}', to='{target.label}')" if len(rel.targets) > 1 else ""
            )
            self._conn.execute(f"COPY {rel.name} FROM $scan{pair}", {"scan": scan})

    # -- reads -------------------------------------------------------------------------
    def node_table(self, node: type[Node], keys: Sequence | None = None) -> pd.DataFrame:
        columns = node_columns(node)
        ret = self._return_clause([f"n.{quoted(c)}" for c in columns])
        if keys is None:
            return self._named(self._query(f"MATCH (n:{node.label}) RETURN {ret}"), columns)
        keys = list(dict.fromkeys(keys))
        if not keys:
            return typed(pd.DataFrame(), columns)
        if len(keys) > self._lookup_chunk:
            # many keys: one read of the whole table, filtered in Arrow (1,000,000 workers:
            # 0.7 s), not a join per chunk (0.17 s per 20,000 keys, 8.5 s for them all)
            table = self._conn.execute(f"MATCH (n:{node.label}) RETURN {ret}").get_as_arrow(
                chunk_size=-1
            )
            return _arrow_frame(_kept(table, list(columns).index(node.key), keys), columns)
        statement = (
            f"LOAD FROM $scan MATCH (n:{node.label} {{{quoted(node.key)}: c0}}) RETURN {ret}"
        )
        result = self._lookup(statement, keys)
        return self._named(result, columns)

    def _edge_return(self, rel: RelType, columns: Sequence[str] | None = None) -> str:
        """RETURN expressions for an edge table's columns (all, or the ``columns`` asked)."""
        exprs = {rel.source_column: f"a.{quoted(rel.source.key)}"}
        if rel.kind_column:
            cases = " ".join(f"WHEN '{t.label}' THEN '{k}'" for k, t in rel.targets.items())
            exprs[rel.kind_column] = f"CASE label(b) {cases} END"
        keys = [f"b.{quoted(t.key)}" for t in rel.target_labels]
        exprs[rel.target_column] = keys[0] if len(keys) == 1 else f"coalesce({', '.join(keys)})"
        exprs.update({p: f"r.{quoted(p)}" for p in rel.property_names})
        return self._return_clause([exprs[c] for c in (columns or rel.table_columns)])

    def _edge_pattern(self, rel: RelType, anchor: str = "") -> str:
        target = rel.target_labels[0].label if len(rel.targets) == 1 else ""
        return f"(a:{rel.source.label}{anchor})-[r:{rel.name}]->(b{':' + target if target else ''})"

    def edge_table(self, rel: RelType, columns: Sequence[str] | None = None) -> pd.DataFrame:
        return self._read_by_ranges(rel, columns)

    def _read_by_ranges(
        self,
        rel: RelType,
        columns: Sequence[str] | None = None,
        where: tuple[str, list] | None = None,
    ) -> pd.DataFrame:
        """``rel``'s edges (their ``columns``), read by ranges of source offsets; with
        ``where=(column, values)``, only the edges whose ``column`` is one of ``values``,
        kept from each range as it is read."""
        wanted = self._wanted(rel, columns)
        parts = []
        for part in self._range_reads(rel, columns):
            if where is not None:
                part = _kept(part, list(wanted).index(where[0]), where[1])
            parts.append(part)
        if not parts:
            return typed(pd.DataFrame(), wanted)
        return _arrow_frame(pa.concat_tables(parts, promote_options="permissive"), wanted)

    def edge_slices(
        self, rel: RelType, columns: Sequence[str] | None = None
    ) -> Iterator[pd.DataFrame]:
        """One frame per range of source offsets (``_source_ranges``): bounded memory."""
        wanted = self._wanted(rel, columns)
        for part in self._range_reads(rel, columns):
            yield _arrow_frame(part, wanted)

    @staticmethod
    def _wanted(rel: RelType, columns: Sequence[str] | None) -> dict[str, PropertyType]:
        wanted = edge_columns(rel)
        return wanted if columns is None else {c: wanted[c] for c in columns}

    def _range_reads(self, rel: RelType, columns: Sequence[str] | None) -> Iterator[pa.Table]:
        """``rel``'s edges as Arrow tables, one per range of source offsets."""
        pattern, ret = self._edge_pattern(rel), self._edge_return(rel, columns)
        statement = f"MATCH {pattern} WHERE {_SOURCE_OFFSET} RETURN {ret}"
        for lo, hi in self._source_ranges(rel, len(self._wanted(rel, columns))):
            yield self._conn.execute(statement, {"lo": lo, "hi": hi}).get_as_arrow(chunk_size=-1)

    def _source_ranges(self, rel: RelType, columns: int) -> list[tuple[int, int]]:
        """Ranges of source-node offsets that split ``rel``'s edges into reads of about
        ``READ_CELLS`` values each.

        A whole-table read in one query builds its result inside the buffer pool: 10M moves
        do not fit the default 1 GiB ("buffer pool is full"). Reads by ranges of source
        offsets fit, LadybugDB scans only the range asked (10.8M moves in ten reads: 7 s),
        and ``get_as_arrow`` keeps strings out of Python objects. (Its other Arrow path,
        ``query_as_arrow``, reads nulls as 0, "" and 1970-01-01 in ladybug 0.22.)
        """
        found = self._query(
            f"MATCH (a:{rel.source.label}) RETURN max(offset(id(a))) AS c0, count(a) AS c1"
        )
        if found.empty or pd.isna(found.iloc[0, 0]):
            return []
        top = int(found.iloc[0, 0]) + 1
        edges = int(self._query(f"MATCH ()-[r:{rel.name}]->() RETURN count(r) AS c")["c"][0])
        rows = max(READ_CELLS // max(columns, 1), 1)
        per_read = max(top * rows // max(edges, 1), 1)
        return [(lo, min(lo + per_read, top)) for lo in range(0, top, per_read)]

    def edges_from(self, rel: RelType, source_ids: Sequence) -> pd.DataFrame:
        """The edges of ``source_ids``, by the cheapest of three reads (measured on 100,000
        workers and 700,000 moves): one id, a primary-key lookup (under 1 ms, the timeline's
        hot path); up to ``IN_LIST_MAX`` ids, ``WHERE key IN $ids`` (a scan of the source
        keys, then only their edges: 0.04 s for 100 ids, 1 s for 5,000); more, the whole
        table read by source ranges and filtered range by range (1 s). ``LOAD FROM`` a
        frame of ids joined on the key, the obvious form, materialised every edge of the
        type with all its properties (0.5 s and 300 MB of buffer pool even for 100 ids) and
        filled a 1 GiB pool on re-importing 100,000 workers."""
        ids = list(dict.fromkeys(source_ids))
        if not ids or (len(ids) > 1 and self._no_edges(rel)):
            return typed(pd.DataFrame(), edge_columns(rel))
        if len(ids) > self._in_list_max:
            return self._read_by_ranges(rel, where=(rel.source_column, ids))
        key = f"a.{quoted(rel.source.key)}"
        if len(ids) == 1:
            anchor = f" {{{quoted(rel.source.key)}: $id}}"
            statement = f"MATCH {self._edge_pattern(rel, anchor)} RETURN {self._edge_return(rel)}"
            result = self._query(statement, {"id": ids[0]})
        else:
            statement = f"MATCH {self._edge_pattern(rel)} WHERE {key} IN $ids"
            result = self._query(f"{statement} RETURN {self._edge_return(rel)}", {"ids": ids})
        return self._named(result, edge_columns(rel))

    def _lookup(self, statement: str, ids: list) -> pd.DataFrame:
        """``statement`` over ``ids`` scanned as ``c0``. A result is built in the buffer
        pool; if the pool is full, the ids are looked up in halves."""
        try:
            return self._query(statement, {"scan": self._scan_frame(pd.DataFrame({"id": ids}))})
        except RuntimeError as error:
            if not _pool_full(error) or len(ids) <= 1:
                raise
        half = len(ids) // 2
        return pd.concat(
            [self._lookup(statement, ids[:half]), self._lookup(statement, ids[half:])],
            ignore_index=True,
        )

    def _no_edges(self, rel: RelType) -> bool:
        """A first import asks for the edges of 100,000 workers of a type that has none;
        the join over them took seconds even so."""
        return self._query(f"MATCH ()-[r:{rel.name}]->() RETURN r LIMIT 1").empty

    def edge_records(self, rel: RelType, source_id: object) -> list[dict[str, object]]:
        anchor = f" {{{quoted(rel.source.key)}: $id}}"
        statement = f"MATCH {self._edge_pattern(rel, anchor)} RETURN {self._edge_return(rel)}"
        return self._records(statement, {"id": source_id}, rel.table_columns)

    def edge_records_of(
        self, rels: Sequence[RelType], source_id: object
    ) -> dict[str, list[dict[str, object]]]:
        """All of ``rels`` in one query (``-[r:A|B|C]->``): LadybugDB's fixed cost per query
        is paid once, not once per type (a worker's five timeline types: about 0.3 ms of
        CPU, against 0.9 ms for five queries). Each row says its type (``label(r)``); a
        property its type lacks reads as null and is not put in its record."""
        plan = _EdgesOf.plan(tuple(rels))
        if plan is None:  # types that share a property name with different value types
            return super().edge_records_of(rels, source_id)
        found: dict[str, list[dict[str, object]]] = {rel.name: [] for rel in rels}
        result = self._conn.execute(plan.statement, {"id": source_id})
        while result.has_next():
            row = result.get_next()
            found[row[0]].append(plan.record(row))
        return found

    def node_record(self, node: type[Node], key: object) -> dict[str, object] | None:
        columns = tuple(node_columns(node))
        ret = self._return_clause([f"n.{quoted(c)}" for c in columns])
        statement = f"MATCH (n:{node.label} {{{quoted(node.key)}: $key}}) RETURN {ret}"
        found = self._records(statement, {"key": key}, columns)
        return found[0] if found else None

    def _records(
        self, statement: str, parameters: dict, columns: Sequence[str]
    ) -> list[dict[str, object]]:
        """Rows as dicts straight from the cursor: no DataFrame for a handful of rows."""
        result = self._conn.execute(statement, parameters)
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
        nodes = {
            n.label: int(self._query(f"MATCH (n:{n.label}) RETURN count(n) AS c").iloc[0, 0])
            for n in NODE_TYPES
        }
        edges = {
            r.name: int(self._query(f"MATCH ()-[r:{r.name}]->() RETURN count(r) AS c").iloc[0, 0])
            for r in REL_TYPES
        }
        return {"nodes": nodes, "edges": edges}

    # -- settings ----------------------------------------------------------------------
    def get_setting(self, key: str) -> str | None:
        found = self._query(
            f"MATCH (m:{META_LABEL} {{key: $key}}) RETURN m.value AS v", {"key": key}
        )
        return None if found.empty else str(found.iloc[0, 0])

    def put_setting(self, key: str, value: str) -> None:
        with self._write_lock:
            self._conn.execute(
                f"MERGE (m:{META_LABEL} {{key: $key}}) SET m.value = $value",
                {"key": key, "value": value},
            )

    def close(self) -> None:
        """Close every thread's connection, then the database: the folder's lock is let go
        only when no connection is left, so another process can open the store."""
        with self._connections_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._db.close()


READ_CELLS = 6_000_000
"""Values per read of a whole edge table (1M moves of 6 columns; about 100 MB of pool)."""
_SOURCE_OFFSET = "offset(id(a)) >= $lo AND offset(id(a)) < $hi"

_ARROW_TYPES = {
    PropertyType.STRING: pa.string(),
    PropertyType.INT64: pa.int64(),
    PropertyType.DOUBLE: pa.float64(),
    PropertyType.BOOLEAN: pa.bool_(),
    PropertyType.DATE: pa.timestamp("us"),
}
_NULLABLE = {
    pa.string(): pd.StringDtype(na_value=float("nan")),
    pa.int64(): pd.Int64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def _kept(table: pa.Table, at: int, values: list) -> pa.Table:
    """The rows of ``table`` whose column ``at`` is one of ``values``."""
    return table.filter(pc.is_in(table.column(at), value_set=pa.array(values)))


def _arrow_frame(table: pa.Table, columns: dict[str, PropertyType]) -> pd.DataFrame:
    """An Arrow result, its columns in order, as a frame in the canonical dtypes."""
    return pd.DataFrame(
        {name: _from_arrow(table.column(i), kind) for i, (name, kind) in enumerate(columns.items())}
    )


def _from_arrow(column: pa.ChunkedArray, kind: PropertyType) -> pd.Series:
    """An Arrow result column in the canonical dtype of ``kind`` (``tracker.tables``)."""
    series = column.cast(_ARROW_TYPES[kind]).to_pandas(types_mapper=_NULLABLE.get)
    return series.astype(PANDAS_DTYPES[kind])


_LADYBUG_CAST = {
    PropertyType.DATE: "DATE",
    PropertyType.BOOLEAN: "BOOL",
    PropertyType.INT64: "INT64",
    PropertyType.DOUBLE: "DOUBLE",
}


def _cast(column: str, kind: PropertyType) -> str:
    """Scanned columns carry pandas' types (datetimes as TIMESTAMP, an all-empty column as
    STRING); LadybugDB casts none of them implicitly, so every non-string value is cast."""
    target = _LADYBUG_CAST.get(kind)
    return f"CAST({column} AS {target})" if target else column


class _EdgesOf:
    """The statement ``edge_records_of`` runs for one tuple of edge types, and how each of
    its rows becomes a record in the edge-table columns of the row's type."""

    _plans: ClassVar[dict[tuple[str, ...], _EdgesOf | None]] = {}

    def __init__(self, statement: str, layouts: dict[tuple[str, str | None], tuple]) -> None:
        self.statement = statement
        self._layouts = layouts
        self._by_target = any(target is not None for _, target in layouts)

    @classmethod
    def plan(cls, rels: tuple[RelType, ...]) -> _EdgesOf | None:
        """The plan for ``rels`` (made once); None if two of them give one property name
        different value types (one result column cannot hold both)."""
        names = tuple(rel.name for rel in rels)
        if names not in cls._plans:
            cls._plans[names] = cls._make(rels)
        return cls._plans[names]

    @classmethod
    def _make(cls, rels: tuple[RelType, ...]) -> _EdgesOf | None:
        source = rels[0].source
        if any(rel.source is not source for rel in rels):
            raise ValueError("edge_records_of reads edge types that leave one label")
        kinds: dict[str, PropertyType] = {}
        for rel in rels:
            columns = edge_columns(rel)
            for name in rel.property_names:
                if kinds.setdefault(name, columns[name]) != columns[name]:
                    return None
        by_target = any(len(rel.targets) > 1 for rel in rels)
        expressions = ["label(r)", f"a.{quoted(source.key)}"] + (["label(b)"] if by_target else [])
        index: dict[str, int] = {}

        def column(expression: str) -> int:
            if expression not in index:
                index[expression] = len(expressions)
                expressions.append(expression)
            return index[expression]

        layouts: dict[tuple[str, str | None], tuple] = {}
        for rel in rels:
            properties = [(p, column(f"r.{quoted(p)}"), None) for p in rel.property_names]
            for kind, target in rel.targets.items():
                layout = [(rel.source_column, 1, None)]
                if rel.kind_column:
                    layout.append((rel.kind_column, None, kind))
                layout.append((rel.target_column, column(f"b.{quoted(target.key)}"), None))
                layouts[(rel.name, target.label if by_target else None)] = (*layout, *properties)
        types = "|".join(rel.name for rel in rels)
        pattern = f"(a:{source.label} {{{quoted(source.key)}: $id}})-[r:{types}]->(b)"
        return cls(f"MATCH {pattern} RETURN {', '.join(expressions)}", layouts)

    def record(self, row: list) -> dict[str, object]:
        layout = self._layouts[(row[0], row[2] if self._by_target else None)]
        return {name: value if at is None else row[at] for name, at, value in layout}
