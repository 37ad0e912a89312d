"""Store adapters behind ``tracker.store.GraphStore``, and the one way to open one."""

from __future__ import annotations

from tracker.settings import Settings
from tracker.store import GraphStore


def open_store(settings: Settings, *, importing: bool = False) -> GraphStore:
    """Open the store ``settings`` pick (``Settings.for_options`` applies ``--db`` and
    ``--neo4j``): Neo4j at ``neo4j_uri`` if set, else the embedded LadybugDB store in
    ``embedded_folder``. ``importing``: the embedded store gets the larger buffer pool an
    import needs (``ladybug.pool.import_buffer_pool_mb``) unless ``buffer_pool_mb`` is set.
    """
    if settings.neo4j_uri:
        from tracker.stores.neo4j.store import Neo4jStore

        return Neo4jStore(
            settings.neo4j_uri,
            user=settings.neo4j_user,
            password=settings.neo4j_password.get_secret_value(),
        )
    from tracker.stores.ladybug import READ_BUFFER_POOL_MB, LadybugStore, import_buffer_pool_mb

    pool = settings.buffer_pool_mb or (
        import_buffer_pool_mb() if importing else READ_BUFFER_POOL_MB
    )
    return LadybugStore(settings.embedded_folder, buffer_pool_mb=pool)
