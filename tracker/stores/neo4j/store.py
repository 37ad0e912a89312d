"""The Neo4j store: the same port as the embedded store, over the official ``neo4j`` driver.

It behaves exactly like ``LadybugStore`` (the reference): the same identity rules, the same
DataFrame forms, the same refusals. How it talks to Neo4j, and why:

* every statement comes from ``tracker.stores.neo4j.cypher`` (one registry, linted by
  Neo4j's own front end); values only ever travel as parameters;
* work runs in managed transactions (``execute_read`` / ``execute_write``), so a
  ``neo4j://`` routing URI sends writes to the leader and reads to followers, and transient
  cluster errors are retried by the driver; every session shares one bookmark manager, so a
  read after a write sees it even on another cluster member;
* writes are ``UNWIND $rows`` batches of ``batch_rows`` rows (about 10,000: big enough to
  amortise the round trip, small enough for the server's transaction memory);
* ``write_edges`` runs all its batches, deletes first, in one transaction (more than the
  port promises: a failed write stores nothing); ``write_nodes`` commits batch by batch,
  since a ``MERGE`` sent again is harmless;
* a create that names a node the store does not hold fails the whole transaction, as
  LadybugDB's ``COPY`` does, instead of silently dropping the edge.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar

import neo4j
import pandas as pd

from graph_schema import (
    NODE_TYPES,
    NODES_BY_LABEL,
    REL_TYPES,
    Node,
    RelType,
)
from graph_schema.ddl import META_LABEL, neo4j_ddl
from tracker.store import GraphStore
from tracker.stores.neo4j import cypher
from tracker.stores.neo4j.rows import chunks, edge_frame, native, plain, to_rows
from tracker.stores.schema import open_schema
from tracker.tables import edge_columns, node_columns, typed

BATCH_ROWS = 10_000

T = TypeVar("T")


class MissingEndpoint(RuntimeError):
    """An edge names a node the store does not hold; nothing of the write was stored."""


class Neo4jStore(GraphStore):
    kind = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str = "neo4j",
        password: str = "",
        *,
        database: str | None = None,
        batch_rows: int = BATCH_ROWS,
        driver: neo4j.Driver | None = None,
    ) -> None:
        """The store in Neo4j at ``uri`` (``database``: the server's default if None).
        ``driver``: talk through this one instead of a new ``neo4j`` driver for ``uri``
        (the tests pass an adapter fake, ``tests/contract/neo4j_fake.py``); the store closes
        it when it closes."""
        self.uri = uri
        self._database = database
        self._batch_rows = batch_rows
        self._statements = cypher.statements()
        self._driver = driver or neo4j.GraphDatabase.driver(uri, auth=(user, password))
        self._bookmarks = neo4j.GraphDatabase.bookmark_manager()
        try:
            # fails at once when nothing listens, where a transaction would retry for 30 s
            self._driver.verify_connectivity()
            self._open_schema()
        except BaseException:
            self._driver.close()
            raise

    # -- transactions --------------------------------------------------------------------
    def _statement(self, name: str) -> str:
        return self._statements[name]  # a KeyError here means: not in the registry

    def _session(self) -> neo4j.Session:
        """A session per unit of work: sessions are cheap and not thread-safe; the driver
        (and its connection pool) is shared by the API's threads."""
        return self._driver.session(database=self._database, bookmark_manager=self._bookmarks)

    def _read(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        with self._session() as session:
            return session.execute_read(work)

    def _write(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        with self._session() as session:
            return session.execute_write(work)

    def _values(self, name: str, **parameters: Any) -> list[list]:
        """All records of one read statement, fetched inside the transaction."""
        statement = self._statement(name)
        return self._read(lambda tx: tx.run(statement, parameters).values())

    def _batched_values(self, name: str, parameter: str, items: list, **fixed: Any) -> list[list]:
        """Records of an ``UNWIND $<parameter>`` read, the list sent in batches, all in one
        read transaction (one snapshot)."""
        statement = self._statement(name)

        def work(tx: neo4j.ManagedTransaction) -> list[list]:
            found: list[list] = []
            for chunk in chunks(items, self._batch_rows):
                found.extend(tx.run(statement, {parameter: chunk, **fixed}).values())
            return found

        return self._read(work) if items else []

    # -- schema --------------------------------------------------------------------------
    def _open_schema(self) -> None:
        labels = {row[0] for row in self._values(cypher.LABELS_IN_USE)}
        others = labels - {META_LABEL, *NODES_BY_LABEL}
        foreign = None
        if others:
            foreign = (
                f"the Neo4j database at {self.uri} holds nodes LMT did not make (labels "
                f"{', '.join(sorted(others))}); point --neo4j at an empty or LMT database"
            )

        def apply_ddl() -> None:
            for name in neo4j_ddl():
                # one transaction each: Neo4j does not mix schema and data changes in one
                statement = self._statement(cypher.ddl_name(name))
                self._write(partial(_run, statement, None))

        open_schema(
            self,
            holds_data=bool(labels),
            foreign=foreign,
            place=f"the Neo4j database at {self.uri}",
            apply_ddl=apply_ddl,
        )

    # -- writes --------------------------------------------------------------------------
    def write_nodes(self, node: type[Node], frame: pd.DataFrame, *, new: bool = False) -> None:
        if frame.empty:
            return
        statement = self._statement(cypher.node_name("write", node))
        for chunk in chunks(to_rows(frame, node_columns(node)), self._batch_rows):
            self._write(partial(_run, statement, {"rows": chunk}))

    def write_edges(self, rel: RelType, frame: pd.DataFrame, remove: pd.DataFrame) -> None:
        if frame.empty and remove.empty:
            return
        deletes = self._delete_rows(rel, remove) if not remove.empty else []
        creates = self._create_rows(rel, frame) if not frame.empty else []
        delete = self._statement(cypher.edge_name("delete", rel))

        def work(tx: neo4j.ManagedTransaction) -> None:
            for chunk in chunks(deletes, self._batch_rows):
                tx.run(delete, {"rows": chunk}).consume()
            for kind, rows in creates:
                create = self._statement(cypher.edge_name("create", rel, kind))
                for chunk in chunks(rows, self._batch_rows):
                    created = tx.run(create, {"rows": chunk}).single(strict=True)["created"]
                    if created != len(chunk):
                        raise MissingEndpoint(_missing_message(rel, kind, len(chunk) - created))

        if deletes or creates:
            self._write(work)

    def _delete_rows(self, rel: RelType, remove: pd.DataFrame) -> list[dict]:
        """Rows naming the edges to delete: source id and key, or source id alone."""
        wanted = [rel.source_column, *([rel.key] if rel.key else [])]
        columns = {c: edge_columns(rel)[c] for c in wanted}
        return to_rows(remove[wanted].drop_duplicates(), columns)

    def _create_rows(self, rel: RelType, frame: pd.DataFrame) -> list[tuple[str | None, list]]:
        """Rows to create, split by target kind (rows of an unknown kind are not stored,
        as on LadybugDB)."""
        full = typed(frame, edge_columns(rel))
        columns = {
            c: t for c, t in edge_columns(rel).items() if c != rel.kind_column
        }  # the kind picks the statement, it is not a property
        parts = []
        for kind in rel.targets:
            part = full if kind is None else full[full[rel.kind_column] == kind]
            if not part.empty:
                parts.append((kind, to_rows(part, columns)))
        return parts

    # -- reads ---------------------------------------------------------------------------
    def node_table(self, node: type[Node], keys: Sequence | None = None) -> pd.DataFrame:
        columns = node_columns(node)
        if keys is None:
            records = self._values(cypher.node_name("all", node))
        else:
            key_type = columns[node.key]
            wanted = [native(k, key_type) for k in keys]
            records = self._batched_values(cypher.node_name("by_key", node), "keys", wanted)
        return typed(pd.DataFrame(records, columns=list(columns)), columns)

    def edge_table(self, rel: RelType, columns: Sequence[str] | None = None) -> pd.DataFrame:
        wanted = list(columns) if columns is not None else list(rel.table_columns)
        properties = [c for c in wanted if c in rel.property_names]
        records = self._values(cypher.edge_name("all", rel), properties=properties)
        return edge_frame(rel, records, wanted)

    def edges_from(self, rel: RelType, source_ids: Sequence) -> pd.DataFrame:
        key_type = node_columns(rel.source)[rel.source.key]
        ids = [native(i, key_type) for i in dict.fromkeys(source_ids)]
        records = self._batched_values(
            cypher.edge_name("from", rel), "ids", ids, properties=list(rel.property_names)
        )
        return edge_frame(rel, records, list(rel.table_columns))

    def edges_by_key(self, rel: RelType, keys: Sequence) -> pd.DataFrame:
        if not rel.key:
            raise ValueError(f"{rel.name} edges have no key; use edges_from")
        key_type = edge_columns(rel)[rel.key]
        wanted = [native(k, key_type) for k in dict.fromkeys(keys)]
        records = self._batched_values(
            cypher.edge_name("by_key", rel), "keys", wanted, properties=list(rel.property_names)
        )
        return edge_frame(rel, records, list(rel.table_columns))

    def edge_records(self, rel: RelType, source_id: object) -> list[dict[str, object]]:
        """The timeline's hot path: one indexed lookup, records straight to dicts."""
        key_type = node_columns(rel.source)[rel.source.key]
        properties = list(rel.property_names)
        records = self._values(
            cypher.edge_name("from", rel), ids=[native(source_id, key_type)], properties=properties
        )
        endpoints = [rel.source_column, *([rel.kind_column] if rel.kind_column else [])]
        endpoints.append(rel.target_column)
        return [
            {
                **dict(zip(endpoints, map(plain, r[: len(endpoints)]), strict=True)),
                **dict(zip(properties, map(plain, r[len(endpoints)]), strict=True)),
            }
            for r in records
        ]

    def node_record(self, node: type[Node], key: object) -> dict[str, object] | None:
        columns = node_columns(node)
        records = self._values(
            cypher.node_name("by_key", node), keys=[native(key, columns[node.key])]
        )
        if not records:
            return None
        return dict(zip(columns, map(plain, records[0]), strict=True))

    def counts(self) -> dict[str, dict[str, int]]:
        nodes = {n.label: cypher.node_name("count", n) for n in NODE_TYPES}
        edges = {r.name: cypher.edge_name("count", r) for r in REL_TYPES}

        def work(tx: neo4j.ManagedTransaction) -> dict[str, dict[str, int]]:
            def count(name: str) -> int:
                return int(tx.run(self._statement(name)).single(strict=True)[0])

            return {
                "nodes": {label: count(name) for label, name in nodes.items()},
                "edges": {rel: count(name) for rel, name in edges.items()},
            }

        return self._read(work)

    # -- settings ------------------------------------------------------------------------
    def get_setting(self, key: str) -> str | None:
        found = self._values(cypher.SETTING_GET, key=key)
        return None if not found or found[0][0] is None else str(found[0][0])

    def put_setting(self, key: str, value: str) -> None:
        statement = self._statement(cypher.SETTING_PUT)
        self._write(lambda tx: tx.run(statement, {"key": key, "value": value}).consume())

    def close(self) -> None:
        self._driver.close()


def _missing_message(rel: RelType, kind: str | None, missing: int) -> str:
    target = rel.targets[kind].label
    return (
        f"{missing} {rel.name} edge(s) name a {rel.source.label} or {target} the store does "
        "not hold; nothing of this write was stored"
    )


def _run(
    statement: str, parameters: dict[str, Any] | None, tx: neo4j.ManagedTransaction
) -> neo4j.ResultSummary:
    """Run one statement to its end in ``tx`` (bound with ``partial``: a loop's values now)."""
    return tx.run(statement, parameters).consume()
