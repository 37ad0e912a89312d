"""The Cypher the LadybugDB adapter sends, built from ``graph_schema``.

Labels and property names come from the schema (quoted); no value is ever spliced into a
statement: values travel as ``$parameters`` or as scanned frames (``LOAD FROM $scan``,
``COPY ... FROM $scan``), whose columns are ``c0, c1, ...`` (``arrow.scan_frame``), and
results name their columns ``c0, c1, ...`` too (``return_clause``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from graph_schema import Node, RelType
from graph_schema.ddl import META_LABEL, quoted
from graph_schema.properties import PropertyType
from tracker.tables import edge_columns, node_columns

SOURCE_OFFSET = "offset(id(a)) >= $lo AND offset(id(a)) < $hi"
"""The ``WHERE`` of a read by a range of source-node offsets (``$lo``, ``$hi``)."""

_LADYBUG_CAST = {
    PropertyType.DATE: "DATE",
    PropertyType.BOOLEAN: "BOOL",
    PropertyType.INT64: "INT64",
    PropertyType.DOUBLE: "DOUBLE",
}


def return_clause(expressions: list[str]) -> str:
    return ", ".join(f"{e} AS c{i}" for i, e in enumerate(expressions))


def cast(column: str, kind: PropertyType) -> str:
    """Scanned columns carry pandas' types (datetimes as TIMESTAMP, an all-empty column as
    STRING); LadybugDB casts none of them implicitly, so every non-string value is cast."""
    target = _LADYBUG_CAST.get(kind)
    return f"CAST({column} AS {target})" if target else column


def by_key(node: type[Node], parameter: str) -> str:
    """The map that anchors a pattern on one node: `` {key: $parameter}``."""
    return f" {{{quoted(node.key)}: ${parameter}}}"


# -- nodes -----------------------------------------------------------------------------
def node_return(node: type[Node]) -> str:
    return return_clause([f"n.{quoted(c)}" for c in node_columns(node)])


def merge_nodes(node: type[Node]) -> str:
    """``MERGE`` each scanned row on the key, ``SET`` the other columns."""
    columns = node_columns(node)
    sets = ", ".join(
        f"n.{quoted(name)} = {cast(f'c{i}', kind)}"
        for i, (name, kind) in enumerate(columns.items())
        if name != node.key
    )
    key_col = f"c{list(columns).index(node.key)}"
    statement = f"LOAD FROM $scan MERGE (n:{node.label} {{{quoted(node.key)}: {key_col}}})"
    return statement + (f" SET {sets}" if sets else "")


def copy_nodes(node: type[Node]) -> str:
    """The ``COPY`` of scanned nodes, every column of the node table in order."""
    return f"COPY {node.label} FROM $scan"


def all_nodes(node: type[Node]) -> str:
    return f"MATCH (n:{node.label}) RETURN {node_return(node)}"


def all_keys(node: type[Node]) -> str:
    """Every key of the label (``c0``) and its node's offset (``c1``)."""
    return f"MATCH (n:{node.label}) RETURN n.{quoted(node.key)} AS c0, offset(id(n)) AS c1"


def nodes_by_scanned_key(node: type[Node]) -> str:
    """The nodes whose keys are the scanned ``c0``."""
    anchor = f"{{{quoted(node.key)}: c0}}"
    return f"LOAD FROM $scan MATCH (n:{node.label} {anchor}) RETURN {node_return(node)}"


def offsets_of_scanned_keys(node: type[Node]) -> str:
    """The offsets (``c0``) of the nodes whose keys are the scanned ``c0``."""
    anchor = f"{{{quoted(node.key)}: c0}}"
    return f"LOAD FROM $scan MATCH (n:{node.label} {anchor}) RETURN offset(id(n)) AS c0"


def node_by_key(node: type[Node]) -> str:
    return f"MATCH (n:{node.label}{by_key(node, 'key')}) RETURN {node_return(node)}"


def count_nodes(node: type[Node]) -> str:
    return f"MATCH (n:{node.label}) RETURN count(n) AS c"


def source_offsets(rel: RelType) -> str:
    """The highest offset of ``rel``'s source label (``c0``) and its node count (``c1``)."""
    return f"MATCH (a:{rel.source.label}) RETURN max(offset(id(a))) AS c0, count(a) AS c1"


MARK_MODULUS = 2**56
"""Hashes are summed below this, so that a sum of many stays inside INT64."""


def node_marks(node: type[Node]) -> str:
    """Each node's key (``c0``) and a hash of all its properties (``c1``, INT64)."""
    fields = ", ".join(f"{quoted(c)}: n.{quoted(c)}" for c in node_columns(node))
    mark = f"CAST(hash({{{fields}}}) % {MARK_MODULUS} AS INT64)"
    return f"MATCH (n:{node.label}) RETURN n.{quoted(node.key)} AS c0, {mark} AS c1"


def edge_marks(rel: RelType) -> str:
    """Each source's key (``c0``), its count of ``rel`` edges (``c1``) and the sum of
    their offsets (``c2``): new edges take offsets above every earlier one, so replacing
    edges by as many new ones raises the sum. An edge type with several target labels
    keeps a table per label, whose offsets overlap: there the ids are hashed (slower)."""
    ident = "offset(id(r))"
    if len(rel.targets) > 1:
        ident = f"CAST(hash(id(r)) % {MARK_MODULUS} AS INT64)"
    return (
        f"MATCH (a:{rel.source.label})-[r:{rel.name}]->(b) "
        f"RETURN a.{quoted(rel.source.key)} AS c0, count(*) AS c1, sum({ident}) AS c2"
    )


def put_setting() -> str:
    return f"MERGE (m:{META_LABEL} {{key: $key}}) SET m.value = $value"


# -- edges -----------------------------------------------------------------------------
def edge_pattern(rel: RelType, anchor: str = "") -> str:
    target = rel.target_labels[0].label if len(rel.targets) == 1 else ""
    return f"(a:{rel.source.label}{anchor})-[r:{rel.name}]->(b{':' + target if target else ''})"


def edge_return(rel: RelType, columns: Sequence[str] | None = None) -> str:
    """RETURN expressions for an edge table's columns (all, or the ``columns`` asked)."""
    exprs = {rel.source_column: f"a.{quoted(rel.source.key)}"}
    if rel.kind_column:
        cases = " ".join(f"WHEN '{t.label}' THEN '{k}'" for k, t in rel.targets.items())
        exprs[rel.kind_column] = f"CASE label(b) {cases} END"
    keys = [f"b.{quoted(t.key)}" for t in rel.target_labels]
    exprs[rel.target_column] = keys[0] if len(keys) == 1 else f"coalesce({', '.join(keys)})"
    exprs.update({p: f"r.{quoted(p)}" for p in rel.property_names})
    return return_clause([exprs[c] for c in (columns or rel.table_columns)])


def edges_in_range(rel: RelType, columns: Sequence[str] | None = None) -> str:
    """``rel``'s edges whose source offset is in ``[$lo, $hi)``."""
    return f"MATCH {edge_pattern(rel)} WHERE {SOURCE_OFFSET} RETURN {edge_return(rel, columns)}"


def edges_of_one(rel: RelType) -> str:
    """The edges of the source node ``$id`` (a primary-key lookup)."""
    return f"MATCH {edge_pattern(rel, by_key(rel.source, 'id'))} RETURN {edge_return(rel)}"


def edges_of_many(rel: RelType) -> str:
    """The edges of the source nodes whose keys are in ``$ids``."""
    key = f"a.{quoted(rel.source.key)}"
    return f"MATCH {edge_pattern(rel)} WHERE {key} IN $ids RETURN {edge_return(rel)}"


def any_edge(rel: RelType) -> str:
    return f"MATCH ()-[r:{rel.name}]->() RETURN r LIMIT 1"


def count_edges(rel: RelType) -> str:
    return f"MATCH ()-[r:{rel.name}]->() RETURN count(r) AS c"


def delete_edges(rel: RelType) -> tuple[str, list[str]]:
    """The statement deleting the scanned edges, and the columns to scan: source id and
    key (``c0``, ``c1``) for keyed edges, source id alone for reference edges."""
    src = rel.source
    columns = [rel.source_column, *([rel.key] if rel.key else [])]
    where = f" WHERE r.{quoted(rel.key)} = c1" if rel.key else ""
    statement = (
        f"LOAD FROM $scan MATCH (a:{src.label} {{{quoted(src.key)}: c0}})"
        f"-[r:{rel.name}]->(){where} DELETE r"
    )
    return statement, columns


def copy_edges(rel: RelType, target: type[Node]) -> tuple[str, list[str]]:
    """The ``COPY`` of scanned edges to ``target`` nodes, and the columns to scan."""
    pair = f" (from='{rel.source.label}', to='{target.label}')" if len(rel.targets) > 1 else ""
    return (
        f"COPY {rel.name} FROM $scan{pair}",
        [rel.source_column, rel.target_column, *rel.property_names],
    )


class EdgesOf:
    """The statement ``edge_records_of`` runs for one tuple of edge types, and how each of
    its rows becomes a record in the edge-table columns of the row's type."""

    _plans: ClassVar[dict[tuple[str, ...], EdgesOf | None]] = {}

    def __init__(self, statement: str, layouts: dict[tuple[str, str | None], tuple]) -> None:
        self.statement = statement
        self._layouts = layouts
        self._by_target = any(target is not None for _, target in layouts)

    @classmethod
    def plan(cls, rels: tuple[RelType, ...]) -> EdgesOf | None:
        """The plan for ``rels`` (made once); None if two of them give one property name
        different value types (one result column cannot hold both)."""
        names = tuple(rel.name for rel in rels)
        if names not in cls._plans:
            cls._plans[names] = cls._make(rels)
        return cls._plans[names]

    @classmethod
    def _make(cls, rels: tuple[RelType, ...]) -> EdgesOf | None:
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
                layout: list[tuple[str, int | None, str | None]] = [(rel.source_column, 1, None)]
                if rel.kind_column:
                    layout.append((rel.kind_column, None, kind))
                layout.append((rel.target_column, column(f"b.{quoted(target.key)}"), None))
                layouts[(rel.name, target.label if by_target else None)] = (*layout, *properties)
        types = "|".join(rel.name for rel in rels)
        pattern = f"(a:{source.label}{by_key(source, 'id')})-[r:{types}]->(b)"
        return cls(f"MATCH {pattern} RETURN {', '.join(expressions)}", layouts)

    def record(self, row: list) -> dict[str, object]:
        layout = self._layouts[(row[0], row[2] if self._by_target else None)]
        return {name: value if at is None else row[at] for name, at, value in layout}
