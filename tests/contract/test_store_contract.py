"""The storage port's contract, run on every adapter (see ``conftest.py``).

Each test states one rule of ``tracker.store`` and checks it against real stores: what is
written reads back in the forms of ``tracker.tables``, identity rules hold, failed writes
leave nothing behind, and the stores refuse what they cannot open.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from contract_graph import W1_TIMELINE, canonical, graph, load, replace_edges

from graph_schema import (
    COMPLAINED_AGAINST,
    MEMBER_OF,
    MOVED,
    NODE_TYPES,
    REL_TYPES,
    RELS_BY_NAME,
    SCHEMA_VERSION,
    District,
    Worker,
)
from graph_schema.census import districts
from tracker.catalog import Catalog
from tracker.store import GraphStore, SchemaMismatch, plain_records
from tracker.tables import edge_columns, node_columns, typed
from tracker.timeline import read_worker, timeline


def expected_edges(name: str) -> pd.DataFrame:
    rel = RELS_BY_NAME[name]
    return typed(graph().edges[name], edge_columns(rel))


def assert_same_rows(found: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(canonical(found), canonical(expected))


# -- opening ---------------------------------------------------------------------------------
def test_districts_are_seeded(store: GraphStore) -> None:
    census = typed(pd.DataFrame(districts()), node_columns(District))
    assert len(census) == 640
    assert store.counts()["nodes"]["District"] == 640
    assert_same_rows(store.node_table(District), census)


def test_a_new_store_holds_only_districts(store: GraphStore) -> None:
    counts = store.counts()
    assert set(counts["nodes"]) == {n.label for n in NODE_TYPES}
    assert set(counts["edges"]) == {r.name for r in REL_TYPES}
    assert {k: v for k, v in counts["nodes"].items() if k != "District"} == dict.fromkeys(
        (n.label for n in NODE_TYPES if n is not District), 0
    )
    assert set(counts["edges"].values()) == {0}


def test_reopening_keeps_the_data_and_seeds_nothing_twice(backend) -> None:
    with backend.open() as first:
        load(first, graph())
        before = first.counts()
    with backend.open() as again:
        assert again.counts() == before
        assert again.counts()["nodes"]["District"] == 640


def test_a_store_of_another_schema_version_is_refused(backend) -> None:
    with backend.open() as first:
        first.put_setting("schema_version", str(SCHEMA_VERSION + 1))
    with pytest.raises(SchemaMismatch, match=f"schema version {SCHEMA_VERSION + 1}"):
        backend.open()


def test_a_database_lmt_did_not_make_is_refused(backend) -> None:
    backend.plant_foreign()
    with pytest.raises(SchemaMismatch, match="LMT did not make"):
        backend.open()


# -- nodes -----------------------------------------------------------------------------------
def test_nodes_read_back_as_written(store: GraphStore) -> None:
    data = graph()
    load(store, data)
    for node, frame in data.nodes.items():
        found = store.node_table(node)
        assert list(found.columns) == list(node_columns(node))
        assert_same_rows(found, typed(frame, node_columns(node)))
        assert store.counts()["nodes"][node.label] == len(frame)


def test_a_node_written_again_replaces_its_properties(store: GraphStore) -> None:
    load(store, graph())
    store.write_nodes(Worker, pd.DataFrame({"worker_id": ["W1"], "name": ["Sunita Devi"]}))
    (row,) = store.node_table(Worker, ["W1"]).to_dict("records")
    assert row["name"] == "Sunita Devi"
    assert pd.isna(row["phone"]) and pd.isna(row["birth_year"]) and pd.isna(row["gender"])
    assert store.counts()["nodes"]["Worker"] == 3


def test_node_table_by_keys(store: GraphStore) -> None:
    load(store, graph())
    found = store.node_table(Worker, ["W2", "nope", "W1"])
    assert sorted(found["worker_id"]) == ["W1", "W2"]
    empty = store.node_table(Worker, [])
    assert empty.empty
    pd.testing.assert_series_equal(empty.dtypes, store.node_table(Worker).dtypes)
    codes = store.node_table(District, [np.int64(5), 640])  # keys as a frame holds them
    assert sorted(codes["district_code"].tolist()) == [5, 640]
    assert codes["name"].notna().all()


# -- edges -----------------------------------------------------------------------------------
def test_edge_tables_read_back_as_written(store: GraphStore) -> None:
    load(store, graph())
    for rel in REL_TYPES:
        found = store.edge_table(rel)
        assert list(found.columns) == list(rel.table_columns)
        assert_same_rows(found, expected_edges(rel.name))
        assert store.counts()["edges"][rel.name] == len(found)


def test_the_same_batch_twice_changes_nothing(store: GraphStore) -> None:
    load(store, graph())
    counts = store.counts()
    tables = {rel.name: canonical(store.edge_table(rel)) for rel in REL_TYPES}
    load(store, graph())
    assert store.counts() == counts
    for rel in REL_TYPES:
        pd.testing.assert_frame_equal(canonical(store.edge_table(rel)), tables[rel.name])


def test_a_record_sent_again_replaces_its_edge_even_with_new_endpoints(store: GraphStore) -> None:
    load(store, graph())
    corrected = expected_edges("MOVED").query("record_id == 'M1'")
    corrected = corrected.assign(
        worker_id="W2",
        to_district_code=200,
        departed_on=pd.Timestamp("2021-03-03"),
        reason="distress",
    )
    replace_edges(store, MOVED, corrected)
    assert store.counts()["edges"]["MOVED"] == 4
    (row,) = store.edges_by_key(MOVED, ["M1"]).to_dict("records")
    assert (row["worker_id"], row["to_district_code"], row["reason"]) == ("W2", 200, "distress")
    assert row["departed_on"] == pd.Timestamp("2021-03-03")
    assert "M1" not in set(store.edges_from(MOVED, ["W1"])["record_id"])
    assert sorted(store.edges_from(MOVED, ["W2"])["record_id"]) == ["M1", "M4"]


def test_a_correction_may_change_the_target_kind(store: GraphStore) -> None:
    load(store, graph())
    g1 = expected_edges("COMPLAINED_AGAINST").query("record_id == 'G1'")
    replace_edges(store, COMPLAINED_AGAINST, g1.assign(against_kind="employer", against_id="E2"))
    table = store.edge_table(COMPLAINED_AGAINST).set_index("record_id")
    assert len(table) == 2
    assert tuple(table.loc["G1", ["against_kind", "against_id"]]) == ("employer", "E2")
    assert tuple(table.loc["G2", ["against_kind", "against_id"]]) == ("employer", "E1")


def test_a_reference_edge_is_one_per_source(store: GraphStore) -> None:
    load(store, graph())
    replace_edges(store, MEMBER_OF, pd.DataFrame({"worker_id": ["W1"], "household_id": ["H2"]}))
    assert store.edges_from(MEMBER_OF, ["W1"])["household_id"].tolist() == ["H2"]
    assert store.counts()["edges"]["MEMBER_OF"] == 3


def test_a_failed_write_stores_nothing_and_removes_nothing(store: GraphStore) -> None:
    """A write that fits one transaction is all or nothing (``tracker.store``)."""
    load(store, graph())
    moves = expected_edges("MOVED")
    new = moves.query("record_id == 'M4'").assign(record_id="M5")
    orphan = moves.query("record_id == 'M4'").assign(record_id="M6", worker_id="nobody")
    with pytest.raises(RuntimeError):
        store.write_edges(MOVED, pd.concat([new, orphan]), moves.query("record_id == 'M1'"))
    assert store.counts()["edges"]["MOVED"] == 4
    assert sorted(store.edge_table(MOVED, ["record_id"])["record_id"]) == ["M1", "M2", "M3", "M4"]


def test_a_write_cut_short_never_removes_an_edge_without_its_replacement(
    store: GraphStore,
) -> None:
    """A write larger than one transaction (the suite's are 1,000 rows) may commit in parts;
    what the port promises: the removed edge goes only with its replacement, nothing that
    names a missing node is stored, and writing what is missing completes the write."""
    load(store, graph())
    moves = expected_edges("MOVED")
    corrected = moves.query("record_id == 'M1'").assign(to_district_code=7)
    n = 2_500
    new = pd.concat([moves.query("record_id == 'M4'")] * n, ignore_index=True)
    new["record_id"] = [f"N{i:05d}" for i in range(n)]
    orphan = new.iloc[[0]].assign(record_id="ORPHAN", worker_id="nobody")  # the last piece
    frame = pd.concat([corrected, new, orphan], ignore_index=True)
    with pytest.raises(RuntimeError):
        store.write_edges(MOVED, frame, moves.query("record_id == 'M1'"))
    held = store.edge_table(MOVED)
    assert held["record_id"].is_unique, "nothing stored twice"
    assert {"M1", "M2", "M3", "M4"} <= set(held["record_id"]), "M1 removed only if replaced"
    assert set(held["record_id"]) <= {"M1", "M2", "M3", "M4", *new["record_id"]}
    m1 = held.loc[held["record_id"] == "M1", "to_district_code"].item()
    assert m1 in (moves.query("record_id == 'M1'")["to_district_code"].item(), 7)

    replace_edges(store, MOVED, pd.concat([corrected, new], ignore_index=True))  # completed
    expected = pd.concat([moves.query("record_id != 'M1'"), corrected, new], ignore_index=True)
    assert_same_rows(store.edge_table(MOVED), typed(expected, edge_columns(MOVED)))


def test_edges_from(store: GraphStore) -> None:
    load(store, graph())
    moves = expected_edges("MOVED")
    found = store.edges_from(MOVED, ["W1", "W1", "nope"])
    assert_same_rows(found, moves.query("worker_id == 'W1'"))
    assert_same_rows(store.edges_from(MOVED, ["W2"]), moves.query("worker_id == 'W2'"))
    empty = store.edges_from(MOVED, [])
    assert empty.empty and list(empty.columns) == list(MOVED.table_columns)
    pd.testing.assert_series_equal(empty.dtypes, moves.dtypes)


def test_edges_by_key(store: GraphStore) -> None:
    load(store, graph())
    moves = expected_edges("MOVED")
    found = store.edges_by_key(MOVED, ["M4", "M1", "zz"])
    assert_same_rows(found, moves[moves["record_id"].isin(["M1", "M4"])])
    assert store.edges_by_key(MOVED, []).empty
    with pytest.raises(ValueError):
        store.edges_by_key(MEMBER_OF, ["W1"])


@pytest.mark.parametrize(
    ("name", "columns"),
    [
        ("MOVED", ["departed_on", "worker_id"]),
        ("MOVED", ["record_id"]),
        ("MOVED", ["to_district_code", "trip_id", "arrived_on"]),
        ("COMPLAINED_AGAINST", ["against_kind", "record_id", "amount_inr"]),
        ("EMPLOYED_BY", ["daily_wage_inr", "worker_id", "employer_id"]),
        ("MEMBER_OF", ["household_id"]),
    ],
)
def test_edge_table_column_subsets(store: GraphStore, name: str, columns: list[str]) -> None:
    load(store, graph())
    found = store.edge_table(RELS_BY_NAME[name], columns)
    assert list(found.columns) == columns
    assert_same_rows(found, expected_edges(name)[columns])


def test_plain_records_of_one_source(store: GraphStore) -> None:
    load(store, graph())
    moves = expected_edges("MOVED")
    found = sorted(store.edge_records(MOVED, "W1"), key=lambda r: r["record_id"])
    wanted = plain_records(canonical(moves.query("worker_id == 'W1'")))
    assert found == sorted(wanted, key=lambda r: r["record_id"])
    assert found[0]["departed_on"] == dt.date(2021, 3, 1)
    assert store.edge_records(MOVED, "nope") == []
    worker = store.node_record(Worker, "W1")
    assert worker == plain_records(typed(graph().nodes[Worker], node_columns(Worker)))[0]
    assert store.node_record(Worker, "nope") is None
    assert store.node_record(District, 1)["district_code"] == 1


def test_a_workers_events_come_in_date_order(store: GraphStore) -> None:
    load(store, graph())
    record = read_worker(store, "W1")
    assert record is not None
    events = timeline(record, Catalog.load(store)).events
    assert [(e.kind, e.record_ids) for e in events] == W1_TIMELINE
    dates = [e.date for e in events]
    assert dates == sorted(dates)


def test_writes_larger_than_one_batch(store: GraphStore) -> None:
    workers = [f"W{i:05d}" for i in range(2_500)]
    store.write_nodes(Worker, pd.DataFrame({"worker_id": workers, "name": workers}))
    n = 25_000
    moves = pd.DataFrame(
        {
            "record_id": [f"M{i:06d}" for i in range(n)],
            "worker_id": [workers[i % len(workers)] for i in range(n)],
            "from_district_code": [1 + i % 640 for i in range(n)],
            "to_district_code": [1 + (i * 7) % 640 for i in range(n)],
            "departed_on": pd.Timestamp("2020-01-01") + pd.to_timedelta(np.arange(n) % 2000, "D"),
        }
    )
    replace_edges(store, MOVED, moves)
    replace_edges(store, MOVED, moves)
    assert store.counts()["edges"]["MOVED"] == n
    assert store.counts()["nodes"]["Worker"] == len(workers)
    table = store.edge_table(MOVED, ["record_id", "worker_id", "to_district_code", "departed_on"])
    assert_same_rows(table, typed(moves, edge_columns(MOVED))[list(table.columns)])


# -- settings --------------------------------------------------------------------------------
def test_settings(store: GraphStore) -> None:
    assert store.get_setting("schema_version") == str(SCHEMA_VERSION)
    assert store.get_setting("nothing") is None
    store.put_setting("pseudonym_secret", "s1")
    store.put_setting("pseudonym_secret", "s2")
    assert store.get_setting("pseudonym_secret") == "s2"
