"""The embedded default store: LadybugDB (PyPI ``ladybug``, the maintained fork of Kùzu).

``store`` is the adapter class; ``queries`` the Cypher it sends, ``arrow`` its frames in
and out, ``pool`` the buffer pool and transaction sizes, ``retries`` what it does when the
pool runs full.
"""

from tracker.stores.ladybug.pool import READ_BUFFER_POOL_MB, import_buffer_pool_mb
from tracker.stores.ladybug.store import DB_FILE, LadybugStore

__all__ = ["DB_FILE", "READ_BUFFER_POOL_MB", "LadybugStore", "import_buffer_pool_mb"]
