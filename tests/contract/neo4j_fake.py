"""An adapter fake for Neo4j: a stand-in for the server that knows the statements of LMT's
registry by name, for testing the Neo4j adapter's Python side where no server runs.

What it is, and what it is not. It looks each statement up in
``tracker.stores.neo4j.cypher.statements()`` and answers by the statement's *registry
name* (``edge.from:MOVED`` ...): what each name does is written here in Python, from the
statement's intent, not by reading its Cypher. So it checks the adapter's own code (which
statement it sends, with which parameters, in which transactions, and what it makes of
the records), and a wrong ``WHERE`` in the Cypher text passes here. The Cypher itself is
checked by Neo4j's own front end (``tests/test_cypher_lint.py``: it parses and plans, it
does not run), and run for real only by the contract suite with ``NEO4J_URI`` set (the
``neo4j`` backend; on a host with Docker, ``.github/workflows/neo4j.yml``).

The store gets the fake as its driver (``Neo4jStore(..., driver=FakeNeo4j().driver())``).
It is strict where a server would be silent:

* a statement that is not in the registry fails;
* the parameters sent must be exactly the statement's ``$names``;
* every ``row.`x``` a statement reads must be a key of every row, and every value must be a
  type the driver sends (str, int, float, bool, ``datetime.date``, None, lists of them);
* a write transaction is all or nothing (its changes are dropped when the work raises), and
  a read transaction may only read (a cluster runs it on a follower);
* sessions must share the store's bookmark manager;
* dates come back as ``neo4j.time.Date``, as from the real driver.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import neo4j
import neo4j.time

from graph_schema import NODES_BY_LABEL, RELS_BY_NAME
from graph_schema.ddl import META_LABEL
from tracker.stores.neo4j import cypher as neo4j_cypher
from tracker.tables import node_columns

PLAIN = {str, int, float, bool, dt.date, type(None)}
"""Types sent as they are (exactly: a ``pd.Timestamp`` is a date too, but the driver would
store it as a LocalDateTime; a numpy float is a float, but not what ``to_rows`` promises)."""
READS = {
    "meta.labels",
    "meta.setting_get",
    "node.all",
    "node.by_key",
    "node.count",
    "edge.all",
    "edge.from",
    "edge.by_key",
    "edge.count",
}


@dataclass
class Graph:
    nodes: dict[str, dict[Any, dict[str, Any]]] = field(default_factory=dict)
    """label -> key -> properties"""
    edges: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """type -> edges: {"source", "target_label", "target", "properties"}"""
    meta: dict[str, str] = field(default_factory=dict)


class Result:
    """Records keyed by the statement's ``AS`` names, as the driver's ``Result``."""

    def __init__(self, statement: str, rows: list[list]) -> None:
        keys = _return_keys(statement)
        self._records = [neo4j.Record(zip(keys, row, strict=True)) for row in rows]

    def values(self) -> list[list]:
        return [record.values() for record in self._records]

    def single(self, strict: bool = False) -> neo4j.Record:
        assert strict and len(self._records) == 1
        return self._records[0]

    def consume(self) -> None:
        return None


class FakeNeo4j:
    """The server: one graph, and a log of transactions (mode, [(name, parameters)])."""

    def __init__(self) -> None:
        self.graph = Graph()
        self.names = {s: n for n, s in neo4j_cypher.statements().items()}
        self.transactions: list[tuple[str, list[tuple[str, dict]]]] = []

    def driver(self) -> Driver:
        """A driver to this server, to pass to ``Neo4jStore(driver=...)``."""
        return Driver(self)

    # -- one statement ------------------------------------------------------------------
    def run(self, mode: str, log: list, statement: str, parameters: dict | None) -> Result:
        name = self.names.get(statement)
        assert name is not None, f"not a statement of the registry: {statement}"
        group, _, rest = name.partition(":")
        # a cluster routes read transactions to followers, which refuse writes
        assert mode == "write" or group in READS, f"{name} sent in a read transaction"
        parameters = parameters or {}
        wanted = set(re.findall(r"\$(\w+)", statement))
        assert set(parameters) == wanted, (name, sorted(parameters), sorted(wanted))
        for row in parameters.get("rows", []):
            for key in re.findall(r"row\.`(\w+)`", statement):
                assert key in row, (name, key)
            assert all(type(v) in PLAIN for v in row.values()), (name, row)
        for listed in ("ids", "keys", "properties"):
            assert all(type(v) in PLAIN for v in parameters.get(listed, [])), (name, listed)
        log.append((name, parameters))
        return Result(statement, self._do(group, rest, parameters))

    def _do(self, group: str, rest: str, p: dict) -> list[list]:
        g = self.graph
        if group == "ddl":
            return []
        if group == "meta.labels":
            labels = [label for label, nodes in g.nodes.items() if nodes]
            return [[label] for label in labels + ([META_LABEL] if g.meta else [])]
        if group == "meta.setting_get":
            return [[g.meta[p["key"]]]] if p["key"] in g.meta else []
        if group == "meta.setting_put":
            g.meta[p["key"]] = p["value"]
            return []
        if group.startswith("node."):
            return self._node(group, NODES_BY_LABEL[rest], p)
        rel_name, _, kind = rest.partition(":")
        return self._edge(group, RELS_BY_NAME[rel_name], kind or None, p)

    def _node(self, group: str, node, p: dict) -> list[list]:
        writes = group == "node.write"
        nodes = (
            self.graph.nodes.setdefault(node.label, {})
            if writes
            else self.graph.nodes.get(node.label, {})
        )
        columns = list(node_columns(node))
        if writes:  # MERGE on the key, SET every other column (null removes)
            for row in p["rows"]:
                assert row[node.key] is not None, "Neo4j cannot MERGE on a null key"
                nodes[row[node.key]] = {c: row[c] for c in columns if row[c] is not None}
            return []
        if group == "node.count":
            return [[len(nodes)]]
        keys = list(nodes) if group == "node.all" else [k for k in p["keys"] if k in nodes]
        return [[_out(nodes[k].get(c)) for c in columns] for k in keys]

    def _edge(self, group: str, rel, kind: str | None, p: dict) -> list[list]:
        writes = group in ("edge.create", "edge.delete")
        edges = (
            self.graph.edges.setdefault(rel.name, [])
            if writes
            else self.graph.edges.get(rel.name, [])
        )
        if group == "edge.create":  # MATCH both ends, CREATE per row, RETURN count
            target = rel.targets[kind]
            sources = self.graph.nodes.get(rel.source.label, {})
            targets = self.graph.nodes.get(target.label, {})
            created = 0
            for row in p["rows"]:
                if row[rel.source_column] in sources and row[rel.target_column] in targets:
                    props = {k: row[k] for k in rel.property_names if row[k] is not None}
                    edges.append(
                        {
                            "source": row[rel.source_column],
                            "target_label": target.label,
                            "target": row[rel.target_column],
                            "properties": props,
                        }
                    )
                    created += 1
            return [[created]]
        if group == "edge.delete":  # by source, and key for keyed types

            def ident(source: Any, props: dict) -> tuple:
                return (source, props.get(rel.key)) if rel.key else (source,)

            gone = {ident(r[rel.source_column], r) for r in p["rows"]}
            edges[:] = [e for e in edges if ident(e["source"], e["properties"]) not in gone]
            return []
        if group == "edge.count":
            return [[len(edges)]]
        if group == "edge.all":
            found = edges
        elif group == "edge.from":
            by_source: dict[Any, list] = {}
            for e in edges:
                by_source.setdefault(e["source"], []).append(e)
            found = [e for i in p["ids"] for e in by_source.get(i, [])]
        else:  # edge.by_key
            by_key: dict[Any, list] = {}
            for e in edges:
                by_key.setdefault(e["properties"].get(rel.key), []).append(e)
            found = [e for k in p["keys"] for e in by_key.get(k, [])]
        kinds = {t.label: k for k, t in rel.targets.items()}
        return [
            [
                e["source"],
                *([kinds[e["target_label"]]] if rel.kind_column else []),
                e["target"],
                [_out(e["properties"].get(name)) for name in p["properties"]],
            ]
            for e in found
        ]

    def plant_foreign(self, label: str) -> None:
        self.graph.nodes.setdefault(label, {})["x"] = {"id": "x"}


def _return_keys(statement: str) -> list[str]:
    """The record keys of a statement: its RETURN items' aliases (or their text)."""
    _, found, items = statement.rpartition("RETURN ")
    if not found:
        return []
    keys, depth, item = [], 0, ""
    for char in items + ",":
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            keys.append(item.strip().rpartition(" AS ")[2].strip("`"))
            item = ""
        else:
            item += char
    return keys


def _out(value: Any) -> Any:
    return neo4j.time.Date.from_native(value) if isinstance(value, dt.date) else value


class Transaction:
    def __init__(self, server: FakeNeo4j, mode: str, log: list) -> None:
        self._server = server
        self._mode = mode
        self._log = log

    def run(self, statement: str, parameters: dict | None = None) -> Result:
        return self._server.run(self._mode, self._log, statement, parameters)


class Session:
    def __init__(self, server: FakeNeo4j) -> None:
        self._server = server

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def _transaction(self, mode: str, work: Callable) -> Any:
        log: list = []
        before = copy.deepcopy(self._server.graph) if mode == "write" else None
        try:
            result = work(Transaction(self._server, mode, log))
        except BaseException:
            if before is not None:
                self._server.graph = before  # rolled back
            raise
        self._server.transactions.append((mode, log))
        return result

    def execute_read(self, work: Callable) -> Any:
        return self._transaction("read", work)

    def execute_write(self, work: Callable) -> Any:
        return self._transaction("write", work)


class Driver:
    def __init__(self, server: FakeNeo4j) -> None:
        self._server = server
        self.closed = False

    def verify_connectivity(self) -> None:
        return None

    def session(self, database: str | None = None, bookmark_manager: object = None) -> Session:
        assert bookmark_manager is not None, "sessions must share the store's bookmarks"
        return Session(self._server)

    def close(self) -> None:
        self.closed = True
