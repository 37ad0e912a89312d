"""How the Neo4j adapter uses the driver: transactions, batches, schema on open.

The contract suite checks what the adapter does; these check how, against the adapter
fake's transaction log (``neo4j_fake.py``, passed in as the store's driver), since that is
what makes it work on a cluster and within a server's transaction memory.
"""

from __future__ import annotations

import time

import neo4j
import pandas as pd
import pytest
from contract_graph import graph, load
from neo4j_fake import FakeNeo4j

from graph_schema import MOVED, Worker
from graph_schema.ddl import neo4j_ddl
from tracker.stores.neo4j import cypher as neo4j_cypher
from tracker.stores.neo4j.store import Neo4jStore


@pytest.fixture
def server() -> FakeNeo4j:
    return FakeNeo4j()


def opened(server: FakeNeo4j, **options: int) -> Neo4jStore:
    return Neo4jStore("neo4j://fake", driver=server.driver(), **options)


def names(log: list) -> list[str]:
    return [name for name, _ in log]


def test_opening_applies_every_constraint_and_index_each_in_its_own_transaction(
    server: FakeNeo4j,
) -> None:
    opened(server).close()
    ddl = [log for mode, log in server.transactions if names(log)[0].startswith("ddl:")]
    assert [names(log) for log in ddl] == [[neo4j_cypher.ddl_name(n)] for n in neo4j_ddl()]
    assert server.graph.meta == {"schema_version": "1"}
    assert len(server.graph.nodes["District"]) == 640


def test_write_edges_is_one_transaction_deleting_first_in_batches(server: FakeNeo4j) -> None:
    store = opened(server, batch_rows=1_000)
    load(store, graph())
    workers = [f"W{i:04d}" for i in range(2_500)]
    store.write_nodes(Worker, pd.DataFrame({"worker_id": workers, "name": workers}))
    moves = pd.DataFrame(
        {
            "record_id": [f"X{i:04d}" for i in range(2_500)],
            "worker_id": workers,
            "from_district_code": 1,
            "to_district_code": 2,
            "departed_on": "2024-05-01",
        }
    )
    remove = pd.concat([store.edges_by_key(MOVED, ["M1", "M2"])] * 1_200)  # 2,400 rows
    before = len(server.transactions)
    store.write_edges(MOVED, moves, remove)
    (mode, log), *_ = server.transactions[before:]
    assert len(server.transactions) == before + 1 and mode == "write"
    delete = neo4j_cypher.edge_name("delete", MOVED)
    create = neo4j_cypher.edge_name("create", MOVED)
    assert names(log) == [delete, create, create, create]  # duplicates dropped, then 3 batches
    assert [len(p["rows"]) for _, p in log] == [2, 1_000, 1_000, 500]
    assert store.counts()["edges"]["MOVED"] == 4 - 2 + 2_500
    store.close()


def test_node_batches_commit_one_by_one(server: FakeNeo4j) -> None:
    store = opened(server, batch_rows=1_000)
    before = len(server.transactions)
    ids = [f"W{i:04d}" for i in range(2_001)]
    store.write_nodes(Worker, pd.DataFrame({"worker_id": ids, "name": ids}))
    written = server.transactions[before:]
    assert [(mode, [len(p["rows"]) for _, p in log]) for mode, log in written] == [
        ("write", [1_000]),
        ("write", [1_000]),
        ("write", [1]),
    ]
    store.close()


def test_the_store_talks_through_the_driver_it_is_given_and_closes_it(server: FakeNeo4j) -> None:
    driver = server.driver()
    store = Neo4jStore("neo4j://fake", driver=driver)
    assert server.transactions, "the schema was opened through the given driver"
    store.close()
    assert driver.closed


def test_an_unreachable_server_fails_at_once() -> None:
    """The real driver, nothing listening: a clear error in seconds, not a 30 s retry."""
    started = time.monotonic()
    with pytest.raises(neo4j.exceptions.ServiceUnavailable):
        Neo4jStore("bolt://127.0.0.1:9", "neo4j", "x")
    assert time.monotonic() - started < 10
