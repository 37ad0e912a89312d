"""``GraphStore.edge_records_of``: several edge types of one node in one lookup give what
one ``edge_records`` per type gives, on every adapter (``conftest.py``)."""

from __future__ import annotations

from contract_graph import graph, load

from graph_schema import MEMBER_OF, REL_TYPES, Worker
from tracker.store import GraphStore
from tracker.timeline import TIMELINE_RELS


def by_record(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=repr)


def test_matches_one_lookup_per_type(store: GraphStore) -> None:
    load(store, graph())
    worker_rels = tuple(rel for rel in REL_TYPES if rel.source is Worker)
    for rels in (TIMELINE_RELS, worker_rels, (MEMBER_OF,)):
        for worker in ("W1", "W2", "W3", "nope"):
            found = store.edge_records_of(rels, worker)
            assert list(found) == [rel.name for rel in rels]
            for rel in rels:
                one = store.edge_records(rel, worker)
                assert by_record(found[rel.name]) == by_record(one), (rel.name, worker)
                # the same columns in the same order as an edge_records row
                assert all(list(r) == list(rel.table_columns) for r in found[rel.name])
    assert any(store.edge_records_of(TIMELINE_RELS, "W1").values())
