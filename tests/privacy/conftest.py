"""The API over the shared sample store (read only), with an access database of its own per
module, and a key per role."""

from __future__ import annotations

import pytest
from api_client import Api, with_keys

from api.app import create_app


@pytest.fixture(scope="module")
def api(sample_store, tmp_path_factory) -> Api:
    app = create_app(sample_store, access=tmp_path_factory.mktemp("access") / "access.sqlite3")
    return with_keys(app)
