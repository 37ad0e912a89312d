"""Store definitions derived from the declarations: LadybugDB tables, Neo4j constraints.

Nothing here is typed by hand: node tables, relationship tables, uniqueness constraints and
the date indexes that timelines sort by all come from ``nodes.py`` and ``relationships.py``.
"""

from __future__ import annotations

from graph_schema.nodes import NODE_TYPES, Node
from graph_schema.properties import model_property_types
from graph_schema.relationships import REL_TYPES, RelType

META_LABEL = "LmtMeta"
"""A one-row-per-setting node label where a store records its schema version."""


def quoted(name: str) -> str:
    """Backtick-quote an identifier from the schema (``on`` and friends are reserved)."""
    return f"`{name}`"


def ladybug_node_table(node: type[Node]) -> str:
    columns = []
    for name, kind in model_property_types(node).items():
        suffix = " PRIMARY KEY" if name == node.key else ""
        columns.append(f"{quoted(name)} {kind.value}{suffix}")
    return f"CREATE NODE TABLE IF NOT EXISTS {node.label}({', '.join(columns)})"


def ladybug_rel_table(rel: RelType) -> str:
    """A relationship table stored in its forward direction only (by source node).

    Why not both directions, LadybugDB's default: LMT reads every edge from its source
    (``tracker.stores.ladybug.queries``: all patterns are ``(a)-[r]->(b)``), and the
    backward index of an event type is keyed by a few hundred districts, centres or
    employers: one node group held every move, and each later COPY into the table
    rewrote all of it at its checkpoint (an import of 1,000,000 workers in slices spent
    most of its writing there, and it grew with the moves already stored). A pattern
    from the target still works (LadybugDB scans the forward direction); an undirected
    one is refused, and LMT has none. Stores made before keep both directions."""
    pairs = [f"FROM {rel.source.label} TO {target.label}" for target in rel.target_labels]
    columns = [f"{quoted(n)} {k.value}" for n, k in model_property_types(rel.properties).items()]
    return (
        f"CREATE REL TABLE IF NOT EXISTS {rel.name}({', '.join(pairs + columns)})"
        " WITH (storage_direction = 'fwd')"
    )


def ladybug_ddl() -> list[str]:
    """Every table of the embedded store, nodes before the relationships that join them."""
    meta = f"CREATE NODE TABLE IF NOT EXISTS {META_LABEL}(key STRING PRIMARY KEY, value STRING)"
    return [
        meta,
        *(ladybug_node_table(n) for n in NODE_TYPES),
        *(ladybug_rel_table(r) for r in REL_TYPES),
    ]


def neo4j_ddl() -> dict[str, str]:
    """Named constraints and indexes for Neo4j 5: a uniqueness constraint on every node key,
    an index on every relationship key and on the dates that timelines sort by."""
    statements: dict[str, str] = {
        "constraint_meta_key": (
            f"CREATE CONSTRAINT lmt_meta_key IF NOT EXISTS "
            f"FOR (n:{META_LABEL}) REQUIRE n.key IS UNIQUE"
        )
    }
    for node in NODE_TYPES:
        name = f"{node.label.lower()}_key"
        statements[f"constraint_{name}"] = (
            f"CREATE CONSTRAINT {name} IF NOT EXISTS "
            f"FOR (n:{node.label}) REQUIRE n.{quoted(node.key)} IS UNIQUE"
        )
    for rel in REL_TYPES:
        for prop in ((rel.key,) if rel.key else ()) + rel.indexed_dates:
            name = f"{rel.name.lower()}_{prop}"
            statements[f"index_{name}"] = (
                f"CREATE INDEX {name} IF NOT EXISTS FOR ()-[r:{rel.name}]-() ON (r.{quoted(prop)})"
            )
    return statements
