"""The production store: Neo4j over the official driver, every statement from ``cypher``.

``store`` is the adapter class; ``cypher`` the registry of every statement it sends;
``rows`` its frames in and out (``UNWIND $rows`` parameters, records back as frames).
"""

from tracker.stores.neo4j.store import Neo4jStore

__all__ = ["Neo4jStore"]
