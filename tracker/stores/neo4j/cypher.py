"""Every Cypher statement the Neo4j store can send, generated from ``graph_schema``.

The store executes only statements looked up here by name, so this one registry is the whole
surface that Neo4j's own front end has to check (``tools/cypher-lint``, run by
``tests/test_cypher_lint.py``). Labels, relationship types and property names come from the
declarations; every value travels as a parameter (``$rows``, ``$ids``, ``$keys``, ...), never
inside a statement.

Statement names read ``<group>:<label or type>[:<target kind>]``; the name builders below are
the only way the store spells them, so a typo is a ``KeyError``, not a new statement.

Write statements take ``$rows``: a list of maps keyed by the edge table's column names (the
field-record file's columns), which never collide with a property name.

``python -m tracker.stores.neo4j.cypher`` prints the registry and the schema the linter needs
as JSON, the input of ``tools/cypher-lint/lint.mjs``.
"""

from __future__ import annotations

import json
from functools import cache

from graph_schema import NODE_TYPES, REL_TYPES, Node, RelType
from graph_schema.ddl import META_LABEL, neo4j_ddl, quoted
from tracker.tables import node_columns

META_KEY = "key"
META_VALUE = "value"


# -- names ------------------------------------------------------------------------------
def ddl_name(name: str) -> str:
    return f"ddl:{name}"


def node_name(group: str, node: type[Node]) -> str:
    """``group`` is one of ``write``, ``all``, ``by_key``, ``count``."""
    return f"node.{group}:{node.label}"


def edge_name(group: str, rel: RelType, kind: str | None = None) -> str:
    """``group`` is one of ``create`` (per target kind), ``delete``, ``all``, ``from``,
    ``by_key`` (keyed types only), ``count``."""
    return f"edge.{group}:{rel.name}" + (f":{kind}" if kind else "")


LABELS_IN_USE = "meta.labels"
SETTING_GET = "meta.setting_get"
SETTING_PUT = "meta.setting_put"


# -- pieces -----------------------------------------------------------------------------
def _node(var: str, node: type[Node], value: str | None = None) -> str:
    """A node pattern, anchored on the label's key when ``value`` is given."""
    anchor = f" {{{quoted(node.key)}: {value}}}" if value else ""
    return f"({var}:{node.label}{anchor})"


def _targets(rel: RelType) -> str:
    """The target pattern's label expression: ``District`` or ``Contractor|Employer``."""
    return "|".join(t.label for t in rel.target_labels)


def _edge_pattern(rel: RelType, source_value: str | None = None, key_value: str | None = None):
    key = f" {{{quoted(rel.key)}: {key_value}}}" if key_value and rel.key else ""
    return f"{_node('a', rel.source, source_value)}-[r:{rel.name}{key}]->(b:{_targets(rel)})"


def edge_return(rel: RelType) -> str:
    """Columns ``source``, [``kind``], ``target``, ``properties``: the properties asked for in
    ``$properties`` (names from graph_schema, passed as values) so that analytics reading two
    columns of 10M moves do not ship the other nine."""
    parts = [f"a.{quoted(rel.source.key)} AS source"]
    if rel.kind_column:
        cases = " ".join(f"WHEN b:{t.label} THEN '{k}'" for k, t in rel.targets.items())
        parts.append(f"CASE {cases} END AS kind")
    keys = [f"b.{quoted(t.key)}" for t in rel.target_labels]
    target = keys[0] if len(keys) == 1 else "coalesce(" + ", ".join(keys) + ")"
    parts.append(f"{target} AS target")
    parts.append("[p IN $properties | r[p]] AS properties")
    return "RETURN " + ", ".join(parts)


# -- statements -------------------------------------------------------------------------
def _meta_statements() -> dict[str, str]:
    meta = f"(m:{META_LABEL} {{{quoted(META_KEY)}: $key}})"
    return {
        LABELS_IN_USE: "CALL db.labels() YIELD label RETURN label",
        SETTING_GET: f"MATCH {meta} RETURN m.{quoted(META_VALUE)} AS value",
        SETTING_PUT: f"MERGE {meta} SET m.{quoted(META_VALUE)} = $value",
    }


def _node_statements(node: type[Node]) -> dict[str, str]:
    columns = list(node_columns(node))
    sets = ", ".join(f"n.{quoted(c)} = row.{quoted(c)}" for c in columns if c != node.key)
    ret = "RETURN " + ", ".join(f"n.{quoted(c)} AS {quoted(c)}" for c in columns)
    merge = f"UNWIND $rows AS row MERGE {_node('n', node, f'row.{quoted(node.key)}')}"
    return {
        node_name("write", node): merge + (f" SET {sets}" if sets else ""),
        node_name("all", node): f"MATCH {_node('n', node)} {ret}",
        node_name("by_key", node): f"UNWIND $keys AS k MATCH {_node('n', node, 'k')} {ret}",
        node_name("count", node): f"MATCH {_node('n', node)} RETURN count(n) AS n",
    }


def _edge_statements(rel: RelType) -> dict[str, str]:
    source = _node("a", rel.source, f"row.{quoted(rel.source_column)}")
    found: dict[str, str] = {}
    props = ", ".join(f"{quoted(p)}: row.{quoted(p)}" for p in rel.property_names)
    props = f" {{{props}}}" if props else ""
    for kind, target in rel.targets.items():
        found[edge_name("create", rel, kind)] = (
            f"UNWIND $rows AS row MATCH {source} "
            f"MATCH {_node('b', target, f'row.{quoted(rel.target_column)}')} "
            f"CREATE (a)-[r:{rel.name}{props}]->(b) RETURN count(r) AS created"
        )
    # keyed edges are removed by source and key, reference edges by source alone
    where = f" WHERE r.{quoted(rel.key)} = row.{quoted(rel.key)}" if rel.key else ""
    found[edge_name("delete", rel)] = (
        f"UNWIND $rows AS row MATCH {source}-[r:{rel.name}]->(){where} DELETE r"
    )
    found[edge_name("all", rel)] = f"MATCH {_edge_pattern(rel)} {edge_return(rel)}"
    found[edge_name("from", rel)] = (
        f"UNWIND $ids AS id MATCH {_edge_pattern(rel, source_value='id')} {edge_return(rel)}"
    )
    if rel.key:
        found[edge_name("by_key", rel)] = (
            f"UNWIND $keys AS k MATCH {_edge_pattern(rel, key_value='k')} {edge_return(rel)}"
        )
    found[edge_name("count", rel)] = f"MATCH ()-[r:{rel.name}]->() RETURN count(r) AS n"
    return found


@cache
def statements() -> dict[str, str]:
    """Name -> statement, for every statement the Neo4j store can send."""
    found = {ddl_name(name): statement for name, statement in neo4j_ddl().items()}
    found.update(_meta_statements())
    for node in NODE_TYPES:
        found.update(_node_statements(node))
    for rel in REL_TYPES:
        found.update(_edge_statements(rel))
    return found


def lint_schema() -> dict:
    """The graph as the Cypher linter's ``DbSchema`` sees a database: labels, types,
    property keys and which type joins which labels, so that a misspelt label or property,
    or a pattern the schema cannot hold, is a diagnostic too."""
    properties = {META_KEY, META_VALUE}
    for node in NODE_TYPES:
        properties.update(node_columns(node))
    for rel in REL_TYPES:
        properties.update(rel.property_names)
        # keys of the ``$rows`` maps (``row.to_district_code``): the linter cannot tell a map
        # key from a property read, and these are the edge table's endpoint columns
        properties.update((rel.source_column, rel.target_column))
    return {
        "labels": [META_LABEL, *(n.label for n in NODE_TYPES)],
        "relationshipTypes": [r.name for r in REL_TYPES],
        "propertyKeys": sorted(properties),
        "graphSchema": [
            {"from": r.source.label, "to": t.label, "relType": r.name}
            for r in REL_TYPES
            for t in r.target_labels
        ],
    }


def lint_input() -> dict:
    """What ``tools/cypher-lint/lint.mjs`` reads: the schema and every statement."""
    return {"schema": lint_schema(), "statements": statements()}


if __name__ == "__main__":
    print(json.dumps(lint_input(), indent=2))
