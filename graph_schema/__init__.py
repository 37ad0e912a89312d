"""The one declaration of LMT's graph: node labels, relationship types, their properties.

Stores derive their tables, constraints and indexes from it (``ddl``); ingestion derives its
record checks from it; analytics read edge tables whose columns it fixes.
"""

from graph_schema.nodes import (
    NODE_TYPES,
    Centre,
    Contractor,
    District,
    Employer,
    Household,
    Node,
    Person,
    Worker,
)
from graph_schema.relationships import (
    BASED_IN,
    COMPLAINED_AGAINST,
    EMPLOYED_BY,
    HOME_IN,
    IDENTITY_DECIDED,
    IS_PERSON,
    LOCATED_IN,
    MATCHES,
    MEMBER_OF,
    MOVED,
    OPERATES_IN,
    RECEIVED_SERVICE,
    REGISTERED_AT,
    REL_TYPES,
    SUPPLIES,
    RelType,
)

SCHEMA_VERSION = 1
"""Bump when a declaration changes; stores of another version are upgraded or refused."""

NODES_BY_LABEL: dict[str, type[Node]] = {n.label: n for n in NODE_TYPES}
RELS_BY_NAME: dict[str, RelType] = {r.name: r for r in REL_TYPES}

__all__ = [
    "BASED_IN",
    "COMPLAINED_AGAINST",
    "EMPLOYED_BY",
    "HOME_IN",
    "IDENTITY_DECIDED",
    "IS_PERSON",
    "LOCATED_IN",
    "MATCHES",
    "MEMBER_OF",
    "MOVED",
    "NODES_BY_LABEL",
    "NODE_TYPES",
    "OPERATES_IN",
    "RECEIVED_SERVICE",
    "REGISTERED_AT",
    "RELS_BY_NAME",
    "REL_TYPES",
    "SCHEMA_VERSION",
    "SUPPLIES",
    "Centre",
    "Contractor",
    "District",
    "Employer",
    "Household",
    "Node",
    "Person",
    "RelType",
    "Worker",
]
