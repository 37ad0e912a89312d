"""The store contract suite's fixtures: one ``store`` per adapter, and a small graph.

``store`` is parametrised over the adapters: LadybugDB always runs (a real database in
``tmp_path``); Neo4j runs when ``NEO4J_URI`` is set (user and password from
``NEO4J_USER``/``NEO4J_PASSWORD``; ``.github/workflows/neo4j.yml`` does this on a host with
Docker) and is skipped otherwise. ``neo4j-fake`` always runs the Neo4j adapter with
``neo4j_fake.py`` as its driver, an adapter fake that answers the registry's statements by
name: it proves the adapter's own code, not its Cypher and not Neo4j.

Both adapters write in transactions of 1,000 rows here (LadybugDB ``copy_chunk`` and
``node_chunk``, Neo4j ``batch_rows``), so that the suite's larger writes span several and
the port's promise for them is what is tested.

The real Neo4j database is wiped before and after every test, so point ``NEO4J_URI`` at a
throwaway database: the wipe refuses to touch one that holds labels LMT does not declare.

The input the tests write, and the helpers that write it, are in ``contract_graph.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from graph_schema import NODES_BY_LABEL
from graph_schema.ddl import META_LABEL
from tracker.store import GraphStore

NEO4J_URI = os.environ.get("NEO4J_URI")
NEO4J_SKIP = "Neo4j contract tests need a server: set NEO4J_URI (and NEO4J_USER/NEO4J_PASSWORD)"
FOREIGN_LABEL = "NotLmt"
"""The label the refusal test plants: the Neo4j wipe allows it besides LMT's own."""


# -- adapters ------------------------------------------------------------------------------
@dataclass
class Backend:
    """Opens stores of one adapter at one place, and plants data LMT did not make there."""

    name: str
    open: Callable[[], GraphStore]
    plant_foreign: Callable[[], None]
    cleanup: list[Callable[[], None]] = field(default_factory=list)


def ladybug_backend(folder: Path) -> Backend:
    from tracker.stores.ladybug.store import DB_FILE, LadybugStore

    def plant_foreign() -> None:
        import ladybug

        folder.mkdir(parents=True, exist_ok=True)
        db = ladybug.Database(str(folder / DB_FILE), buffer_pool_size=64 * 1024 * 1024)
        ladybug.Connection(db).execute(f"CREATE NODE TABLE {FOREIGN_LABEL}(id STRING PRIMARY KEY)")
        db.close()

    def open_store() -> LadybugStore:
        return LadybugStore(folder, buffer_pool_mb=64, copy_chunk=1_000, node_chunk=1_000)

    return Backend("ladybug", open_store, plant_foreign)


def neo4j_backend() -> Backend:
    import neo4j

    from tracker.stores.neo4j.store import Neo4jStore

    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
    driver = neo4j.GraphDatabase.driver(NEO4J_URI, auth=auth)
    try:
        driver.verify_connectivity()
    except neo4j.exceptions.Neo4jError as error:  # wrong password and the like
        driver.close()
        pytest.fail(f"NEO4J_URI={NEO4J_URI}: {error}")
    except neo4j.exceptions.DriverError as error:  # nothing listens there
        driver.close()
        pytest.fail(f"NEO4J_URI={NEO4J_URI} is set but cannot be reached: {error}")

    def wipe() -> None:
        with driver.session() as session:
            labels = session.execute_read(
                lambda tx: [r[0] for r in tx.run("CALL db.labels() YIELD label RETURN label")]
            )
            ours = {META_LABEL, FOREIGN_LABEL, *NODES_BY_LABEL}
            if set(labels) - ours:
                pytest.fail(
                    f"NEO4J_URI={NEO4J_URI} holds labels {sorted(set(labels) - ours)}: the "
                    "contract suite wipes its database, so give it a throwaway one"
                )
            session.execute_write(lambda tx: tx.run("MATCH (n) DETACH DELETE n").consume())

    def plant_foreign() -> None:
        with driver.session() as session:
            session.execute_write(
                lambda tx: tx.run(f"CREATE (:{FOREIGN_LABEL} {{id: $id}})", id="x").consume()
            )

    wipe()
    backend = Backend(
        "neo4j",
        lambda: Neo4jStore(NEO4J_URI, user=auth[0], password=auth[1], batch_rows=1_000),
        plant_foreign,
    )
    backend.cleanup += [wipe, driver.close]
    return backend


def fake_neo4j_backend() -> Backend:
    """The Neo4j adapter with ``neo4j_fake`` as its driver (see there: it checks the
    adapter's Python side, not its Cypher); batches of 1,000 rows so that writes span
    several. Every store opened talks to the same fake server, so reopening sees the data."""
    from neo4j_fake import FakeNeo4j

    from tracker.stores.neo4j.store import Neo4jStore

    server = FakeNeo4j()
    return Backend(
        "neo4j-fake",
        lambda: Neo4jStore("neo4j://fake:7687", batch_rows=1_000, driver=server.driver()),
        lambda: server.plant_foreign(FOREIGN_LABEL),
    )


def make_backend(name: str, tmp_path: Path) -> Backend:
    if name == "neo4j":
        if not NEO4J_URI:
            pytest.skip(NEO4J_SKIP)
        return neo4j_backend()
    if name == "neo4j-fake":
        return fake_neo4j_backend()
    return ladybug_backend(tmp_path / "ladybug")


@pytest.fixture(params=["ladybug", "neo4j", "neo4j-fake"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    made = make_backend(request.param, tmp_path)
    yield made
    for step in made.cleanup:
        step()


@pytest.fixture
def store(backend: Backend) -> Iterator[GraphStore]:
    opened = backend.open()
    yield opened
    opened.close()


@pytest.fixture(params=["neo4j", "neo4j-fake"])
def neo4j_side(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """A Neo4j backend alone, to compare with LadybugDB in one test."""
    made = make_backend(request.param, tmp_path)
    yield made
    for step in made.cleanup:
        step()
