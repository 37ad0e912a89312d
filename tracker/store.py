"""The storage port: the narrow interface every graph store implements.

Ingestion, timelines and analytics talk to this interface only; the LadybugDB and Neo4j
adapters in ``tracker.stores`` implement it and pass one contract test suite. Everything
crosses the boundary as pandas DataFrames in the form fixed by ``tracker.tables``, so that
bulk paths stay bulk (COPY / UNWIND batches) and analytics are the same on both stores.

Identity rules, the same on both stores:
* a node is identified by its label's key; writing it again replaces its properties;
* a keyed edge (``RelType.key``) is identified by that property: writing it again replaces
  the old edge, even if its endpoints changed (a correction);
* a reference edge (no key) is identified by its source node: at most one per source.

Transactions, the same promise on both stores (Neo4j keeps more than it promises): a write
is all or nothing when it fits one transaction; a larger one may commit in parts, so a
write that fails part-way may have stored some of what it was given, but never removed an
edge without storing what replaces it. What was stored is whole, so the caller completes
the write by writing again what the store does not hold yet (``tracker.ingest`` compares
every row with the store before writing: an import killed part-way is completed by
running it again).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from graph_schema import Node, RelType

Record = dict[str, Any]
"""A node's or edge's properties as plain values by column (``str``, ``int``, ``float``,
``bool``, ``datetime.date`` or ``None``). Typed ``Any`` because which type a value has is
the schema's (``graph_schema``), not the checker's; pydantic checks the values where they
leave the domain (the timeline's events, the profile)."""


class SchemaMismatch(RuntimeError):
    """The store was made by another schema version and cannot be upgraded in place."""


class GraphStore(ABC):
    """A graph store holding LMT's schema (see module docstring for identity rules)."""

    kind: str = "abstract"
    folder: Path | None = None
    """The folder an embedded store keeps its files in, None for a server store (Neo4j).
    What belongs with the store goes there too (the API's keys and audit log)."""
    source_group: int = 1
    """How many source nodes the store keeps together, by their position in
    ``node_keys``' order (LadybugDB: a node group of 131,072). An import writes an event
    file in slices of source nodes cut at multiples of it where it can, so that each slice's
    edges go into groups no other slice writes (``tracker.ingest.slices``)."""

    # -- writes -------------------------------------------------------------------------
    @abstractmethod
    def write_nodes(self, node: type[Node], frame: pd.DataFrame, *, new: bool = False) -> None:
        """Create or replace nodes; ``frame`` is a node table (``tables.node_columns``).

        A large frame may be committed in several transactions (LadybugDB: ``node_chunk``
        nodes each; Neo4j: one per batch): a write that fails part-way may have stored some
        of the nodes, each one whole. Writing the frame again is harmless.

        ``new``: the caller has looked, and the store holds none of these keys, so an
        adapter may add them by its bulk path (LadybugDB: ``COPY``, which refuses a key
        it holds) instead of matching each one."""

    @abstractmethod
    def write_edges(self, rel: RelType, frame: pd.DataFrame, remove: pd.DataFrame) -> None:
        """Delete the edges in ``remove`` and create those in ``frame``.

        Both are edge tables. ``remove`` rows are found by source id and key (for keyed
        edges) or by source id alone (reference edges); the caller decides what to remove
        (see ``tracker.ingest.store_writes``), so replacing a corrected record is delete + create.

        What is atomic: the deletes and every edge of ``frame`` that replaces a removed one
        (same key; for reference edges, same source) commit in one transaction, with as
        many of the other new edges as the adapter puts in one (LadybugDB: as many as its
        buffer pool holds, ``copy_chunk``; Neo4j: all of them). The rest may commit in
        later transactions: a write that fails part-way (a create naming a node the store
        does not hold fails it) may have stored some of the new edges, never a removal
        without its replacement. Writing an edge that is already held stores it twice, so
        complete such a write with what the store does not hold (see the module docstring).
        """

    # -- reads --------------------------------------------------------------------------
    @abstractmethod
    def node_table(self, node: type[Node], keys: Sequence | None = None) -> pd.DataFrame:
        """All nodes of a label, or only those with the given keys, as a node table."""

    def node_keys(self, node: type[Node]) -> pd.Series:
        """The keys of every node of a label, in the store's own order (LadybugDB: by
        offset), alone: an import looks up its sources' positions in them, and reading
        every column of 1,380,000 workers for that took seconds a file."""
        return self.node_table(node)[node.key].reset_index(drop=True)

    @abstractmethod
    def edge_table(self, rel: RelType, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Every edge of a type as an edge table (columns: ``rel.table_columns``, or only
        ``columns`` of them: analytics over 10M moves read just what they use)."""

    def edge_slices(
        self, rel: RelType, columns: Sequence[str] | None = None
    ) -> Iterator[pd.DataFrame]:
        """``edge_table`` in slices, each holding every edge of the source nodes it covers.

        For work in bounded memory (the Parquet export, analytics by partition): a slice is
        one range of source nodes, so a worker's moves are never split between slices.
        Adapters that can read by ranges override this; the default is one slice.
        """
        yield self.edge_table(rel, columns)

    @abstractmethod
    def edges_from(self, rel: RelType, source_ids: Sequence) -> pd.DataFrame:
        """The edges of a type leaving the given source nodes (an index lookup per source)."""

    @abstractmethod
    def edges_by_key(self, rel: RelType, keys: Sequence) -> pd.DataFrame:
        """The keyed edges of a type whose key is among ``keys``, wherever they start."""

    def edge_records(self, rel: RelType, source_id: object) -> list[Record]:
        """One source node's edges as plain records (edge-table columns; values ``str``,
        ``int``, ``float``, ``bool``, ``datetime.date`` or ``None``).

        The timeline's hot path: one worker's record is read on every page view, and typing
        a small DataFrame (``edges_from``) costs several times the lookup itself. Adapters
        override this with a direct lookup; this default goes through ``edges_from``.
        """
        return plain_records(self.edges_from(rel, [source_id]))

    def edge_records_of(
        self, rels: Sequence[RelType], source_id: object
    ) -> dict[str, list[Record]]:
        """One source node's edges of several types (all leaving the same label), as
        ``{rel.name: records}`` with records as ``edge_records`` gives them.

        A timeline reads five edge types of one worker per page view. An adapter that can
        read them in one lookup overrides this (LadybugDB: one query, not five, for about a
        third of the CPU); this default asks ``edge_records`` once per type.
        """
        return {rel.name: self.edge_records(rel, source_id) for rel in rels}

    def node_record(self, node: type[Node], key: object) -> Record | None:
        """One node's properties as a plain record (as ``edge_records``), or None."""
        found = plain_records(self.node_table(node, [key]))
        return found[0] if found else None

    def write_stamp(self, table: type[Node] | RelType) -> str | None:
        """A value that changes whenever ``table`` (a node label or an edge type) is written
        through this store, or None when the store keeps none.

        For caches of what is derived from the store (``tracker.identity.cache``): a table
        whose stamp is the one the cache was made at needs no look. This default keeps none,
        so such a cache looks at every table's ``change_marks``."""
        return None

    def change_marks(self, table: type[Node] | RelType) -> pd.DataFrame:
        """``key, mark`` (int64): one row per node of a label, or per source node holding
        edges of a type; a node's mark changes when its properties do, a source's when any
        of its edges of the type is created, replaced or deleted.

        What a cache of derived data compares to learn which sources it must read again.
        This default hashes the whole table as read (any store, every column); adapters
        may mark more cheaply."""
        if isinstance(table, RelType):
            frame = self.edge_table(table)
            key = table.source_column
        else:
            frame = self.node_table(table)
            key = table.key
        hashes = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
        marks = pd.DataFrame({"key": frame[key].to_numpy(), "mark": hashes.view("int64")})
        marks = marks.groupby("key", sort=False)["mark"].sum().reset_index()
        return marks.astype({"mark": "int64"})

    @abstractmethod
    def counts(self) -> dict[str, dict[str, int]]:
        """``{"nodes": {label: n}, "edges": {type: n}}`` for every declared label and type."""

    # -- settings -----------------------------------------------------------------------
    @abstractmethod
    def get_setting(self, key: str) -> str | None:
        """A small value the store keeps about itself (schema version, pseudonym secret)."""

    @abstractmethod
    def put_setting(self, key: str, value: str) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def plain_records(frame: pd.DataFrame) -> list[Record]:
    """A node or edge table as records of plain Python values (missing -> None)."""
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for row in rows:
        for name, value in row.items():
            if isinstance(value, pd.Timestamp):
                row[name] = value.date()
            elif hasattr(value, "item"):  # numpy scalars
                row[name] = value.item()
    return rows
