"""The production store: Neo4j over the official driver, every statement from ``cypher``."""

from tracker.stores.neo4j.store import Neo4jStore

__all__ = ["Neo4jStore"]
