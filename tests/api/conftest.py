"""The API over its own copy of the sample batch (tests here import batches and keep
settings, so they do not share the session's read-only ``sample_store``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tracker.ingest import ingest_folder
from tracker.stores.ladybug.store import LadybugStore

ROLES = ("field", "researcher", "advocacy", "admin")


@dataclass
class Api:
    client: TestClient
    keys: dict[str, str]
    app: object

    def get(self, path: str, role: str | None = None, **params):
        headers = {"X-API-Key": self.keys[role]} if role else {}
        return self.client.get(path, headers=headers, params=params or None)

    @property
    def service(self):
        return self.app.state.service


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
    keys = {role: app.state.service.keys.create(role, f"test {role}")[1] for role in ROLES}
    return Api(client=TestClient(app, raise_server_exceptions=False), keys=keys, app=app)


@pytest.fixture(scope="module")
def served_store(tmp_path_factory, sample_dir, sample_ingest) -> Path:
    folder = tmp_path_factory.mktemp("served")
    batch = folder / "batch"
    batch.mkdir()
    for name in ("centres.csv", "households.csv", "workers.csv", "moves.csv"):
        shutil.copy(sample_dir / name, batch / name)
    store = LadybugStore(folder / "db", buffer_pool_mb=128)
    ingest_folder(store, batch, rejects_dir=folder / "rejects", today=sample_ingest[1].today)
    store.close()
    return folder / "db"
