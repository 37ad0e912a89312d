"""The API test client shared by tests/api and tests/privacy: an app, and one key per role."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient

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


def with_keys(app) -> Api:
    """A client of ``app`` holding a new key for every role (errors come back as answers)."""
    keys = {role: app.state.service.keys.create(role, f"test {role}")[1] for role in ROLES}
    return Api(client=TestClient(app, raise_server_exceptions=False), keys=keys, app=app)
