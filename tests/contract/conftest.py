"""The store contract suite's fixtures: one ``store`` per adapter, and a small graph.

``store`` is parametrised over the adapters: LadybugDB always runs (a real database in
``tmp_path``); Neo4j runs when ``NEO4J_URI`` is set (user and password from
``NEO4J_USER``/``NEO4J_PASSWORD``) and is skipped otherwise. ``neo4j-emulated`` always runs
the Neo4j adapter against ``neo4j_emulator.py``, a strict stand-in for the server that knows
only the registry's statements: it proves the adapter's own code, not Neo4j.

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

    return Backend("ladybug", lambda: LadybugStore(folder, buffer_pool_mb=64), plant_foreign)


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


def emulated_neo4j_backend(monkeypatch: pytest.MonkeyPatch) -> Backend:
    """The Neo4j adapter against ``neo4j_emulator`` (see there: it checks the adapter's
    Python side, not Neo4j's Cypher); batches of 1,000 rows so that writes span several."""
    import neo4j
    from neo4j_emulator import Emulator

    from tracker.stores.neo4j.store import Neo4jStore

    server = Emulator()
    monkeypatch.setattr(neo4j.GraphDatabase, "driver", server.driver)
    return Backend(
        "neo4j-emulated",
        lambda: Neo4jStore("neo4j://emulated:7687", "neo4j", "secret", batch_rows=1_000),
        lambda: server.plant_foreign(FOREIGN_LABEL),
    )


def make_backend(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Backend:
    if name == "neo4j":
        if not NEO4J_URI:
            pytest.skip(NEO4J_SKIP)
        return neo4j_backend()
    if name == "neo4j-emulated":
        return emulated_neo4j_backend(monkeypatch)
    return ladybug_backend(tmp_path / "ladybug")


@pytest.fixture(params=["ladybug", "neo4j", "neo4j-emulated"])
def backend(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Backend]:
    made = make_backend(request.param, tmp_path, monkeypatch)
    yield made
    for step in made.cleanup:
        step()


@pytest.fixture
def store(backend: Backend) -> Iterator[GraphStore]:
    opened = backend.open()
    yield opened
    opened.close()


@pytest.fixture(params=["neo4j", "neo4j-emulated"])
def neo4j_side(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Backend]:
    """A Neo4j backend alone, to compare with LadybugDB in one test."""
    made = make_backend(request.param, tmp_path, monkeypatch)
    yield made
    for step in made.cleanup:
        step()
