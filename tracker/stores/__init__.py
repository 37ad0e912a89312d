"""Store adapters behind ``tracker.store.GraphStore``, and the one way to open one."""

from __future__ import annotations

import os

from tracker.store import GraphStore

DEFAULT_DB = "./lmt-data"


def open_store(
    db: str | None = None, neo4j: str | None = None, *, importing: bool = False
) -> GraphStore:
    """Open the store the command line and environment ask for.

    ``--neo4j URI`` (else ``$NEO4J_URI`` when no ``--db`` is given) picks Neo4j with
    ``$NEO4J_USER``/``$NEO4J_PASSWORD``; otherwise the embedded LadybugDB store in ``--db``
    (else ``$LMT_DB``, else ``./lmt-data``). ``importing``: the embedded store gets the
    larger buffer pool an import needs (``ladybug_store.import_buffer_pool_mb``) unless
    ``$LMT_BUFFER_POOL_MB`` says otherwise.
    """
    uri = neo4j_uri(db, neo4j)
    if uri:
        from tracker.stores.neo4j.store import Neo4jStore

        return Neo4jStore(
            uri,
            user=os.environ.get("NEO4J_USER", "neo4j"),
            password=os.environ.get("NEO4J_PASSWORD", ""),
        )
    from tracker.stores.ladybug.store import LadybugStore, import_buffer_pool_mb

    pool = (
        import_buffer_pool_mb() if importing and not os.environ.get("LMT_BUFFER_POOL_MB") else None
    )
    return LadybugStore(embedded_folder(db), buffer_pool_mb=pool)


def neo4j_uri(db: str | None = None, neo4j: str | None = None) -> str | None:
    """The Neo4j URI these options pick, or None for the embedded store."""
    return neo4j or (None if db else os.environ.get("NEO4J_URI"))


def embedded_folder(db: str | None = None) -> str:
    """The embedded store's folder these options pick (without opening it: a second
    process cannot open a LadybugDB folder that a server holds)."""
    return db or os.environ.get("LMT_DB") or DEFAULT_DB
