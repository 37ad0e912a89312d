"""The API over its own copy of the sample batch (tests here import batches and keep
settings, so they do not share the session's read-only ``sample_store``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_client import Api, with_keys
from live_server import small_store

from api.app import create_app
from tracker.ingest import ingest_folder
from tracker.stores.ladybug.store import LadybugStore


@pytest.fixture(scope="session")
def api_store(
    tmp_path_factory: pytest.TempPathFactory, sample_dir, sample_ingest
) -> Iterator[LadybugStore]:
    folder = tmp_path_factory.mktemp("api-store")
    store = LadybugStore(folder / "db", buffer_pool_mb=256)
    today = sample_ingest[1].today  # the day the sample is judged against
    ingest_folder(store, sample_dir, rejects_dir=folder / "rejects", today=today)
    yield store
    store.close()


@pytest.fixture(scope="session")
def api(api_store: LadybugStore) -> Api:
    app = create_app(api_store)
    return with_keys(app)


@pytest.fixture(scope="module")
def served_store(tmp_path_factory, sample_dir, sample_ingest) -> Path:
    """The sample's workers and moves in a store of their own, for ``lmt serve``."""
    return small_store(tmp_path_factory.mktemp("served"), sample_dir, sample_ingest[1].today)
