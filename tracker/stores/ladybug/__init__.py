"""The embedded default store: LadybugDB (PyPI ``ladybug``, the maintained fork of Kùzu)."""

from tracker.stores.ladybug.store import LadybugStore, import_buffer_pool_mb

__all__ = ["LadybugStore", "import_buffer_pool_mb"]
