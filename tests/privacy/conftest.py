"""The API over the shared sample store (read only), with an access database of its own per
module, and a key per role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from api.app import create_app

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


@pytest.fixture(scope="module")
def api(sample_store, tmp_path_factory) -> Api:
    app = create_app(sample_store, access=tmp_path_factory.mktemp("access") / "access.sqlite3")
    keys = {role: app.state.service.keys.create(role, f"test {role}")[1] for role in ROLES}
    return Api(client=TestClient(app, raise_server_exceptions=False), keys=keys, app=app)
