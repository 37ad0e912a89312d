"""Timelines per person over the API (issue 12, item 6), on the linked identity sample: the
plain and the FastAPI route give the same bytes for any of a person's worker ids, with
the person's ids and suggestions; researchers get pseudonyms; a decision that splits or
joins persons changes the cached timelines."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph_schema import MOVED
from tracker.identity import candidates, persons
from tracker.stores.ladybug.store import LadybugStore


@pytest.fixture(scope="module")
def served(copy_identity):
    store = LadybugStore(copy_identity(), buffer_pool_mb=256)
    app = create_app(store)
    keys = {
        role: app.state.service.keys.create(role, f"test {role}")[1]
        for role in ("field", "researcher", "admin")
    }
    client = TestClient(app, raise_server_exceptions=False)
    yield client, keys, store, app
    store.close()


def get(client, path: str, key: str, fast: bool = True):
    """The plain route (no query string) or the FastAPI route (``offset=0``)."""
    answer = client.get(path + ("" if fast else "?offset=0"), headers={"X-API-Key": key})
    assert answer.status_code == 200, answer.text
    return answer


def linked_pairs(store) -> list[list[str]]:
    """Persons the linkage placed under exactly two worker ids, each with trips."""
    table = persons(store)
    groups = table[table["person_id"].notna()].groupby("person_id")["worker_id"].apply(list)
    moved = set(store.edge_table(MOVED)["worker_id"])
    return [sorted(ids) for ids in groups if len(ids) == 2 and set(ids) <= moved]


def test_any_id_gives_the_person_by_both_routes(served):
    client, keys, store, _ = served
    a, b = linked_pairs(store)[0]
    bodies = {}
    for worker in (a, b):
        path = f"/workers/{worker}/timeline"
        fast = get(client, path, keys["field"])
        assert fast.content == get(client, path, keys["field"], fast=False).content
        assert fast.content == get(client, path, keys["field"]).content  # from the cache
        bodies[worker] = json.loads(fast.content)
    first, second = bodies[a], bodies[b]
    assert first["worker"] == a and second["worker"] == b
    assert first["events"] == second["events"] and first["person_id"] == second["person_id"]
    assert sorted(first["worker_ids"]) == [a, b] and first["person_id"].startswith("P")
    assert {e["worker_id"] for e in first["events"]} == {a, b}
    assert all(e["kind"] != "move" or e["worker_id"] in e["worker_ids"] for e in first["events"])
    journey = client.get(f"/workers/{b}/journey", headers={"X-API-Key": keys["field"]}).json()
    assert journey["worker"] == b and sorted(journey["worker_ids"]) == [a, b]
    # the read is audited for the worker asked for, and for the person's other id
    audit = client.get(
        "/audit", headers={"X-API-Key": keys["admin"]}, params={"worker": a, "limit": 50}
    ).json()
    assert any(e["action"] == "timeline" and e["detail"] == f"via {b}" for e in audit["items"])


def test_an_id_with_a_slash_is_routed(served):
    """A destination centre's worker id (``DST-357/000075``) on every worker route, by the
    plain and the FastAPI timeline route alike."""
    client, keys, store, _ = served
    a, b = next(ids for ids in linked_pairs(store) if any("/" in w for w in ids))
    slashed = a if "/" in a else b
    path = f"/workers/{slashed.replace('/', '%2F')}"
    body = get(client, f"{path}/timeline", keys["field"]).json()
    assert body["worker"] == slashed and sorted(body["worker_ids"]) == [a, b]
    assert get(client, f"{path}/timeline", keys["field"], fast=False).json() == body
    assert get(client, path, keys["field"]).json()["worker"] == slashed
    assert get(client, f"{path}/journey", keys["field"]).json()["worker"] == slashed
    assert (
        client.get("/workers/NO%2FSUCH/timeline", headers={"X-API-Key": keys["field"]}).status_code
        == 404
    )


def test_researchers_see_one_pseudonym_per_person_and_no_raw_id(served):
    client, keys, store, app = served
    a, b = linked_pairs(store)[1]
    pseudonyms = app.state.service.pseudonyms
    named = pseudonyms.of(a)
    path = f"/workers/{named}/timeline"
    fast = get(client, path, keys["researcher"])
    assert fast.content == get(client, path, keys["researcher"], fast=False).content
    body = json.loads(fast.content)
    person = persons(store).set_index("worker_id")["person_id"][a]
    assert body["worker"] == named and body["person_id"] == pseudonyms.of(person)
    assert sorted(body["worker_ids"]) == sorted([pseudonyms.of(a), pseudonyms.of(b)])
    assert {e["worker_id"] for e in body["events"]} == set(body["worker_ids"])
    assert body["suggestions"] == []
    for raw in (a, b, person):
        assert raw not in fast.text
    assert all(e["date"] is None or len(e["date"]) == 7 for e in body["events"])  # months
    journey = client.get(f"/workers/{named}/journey", headers={"X-API-Key": keys["researcher"]})
    assert journey.status_code == 200 and a not in journey.text and b not in journey.text


def review_pair(store) -> tuple[str, str, float]:
    """A review-queue pair of two persons, both with trips."""
    review = candidates(store, status="review", undecided=True)
    person = persons(store).set_index("worker_id")["person_id"]
    moved = set(store.edge_table(MOVED)["worker_id"])
    for row in review.itertuples():
        if (
            person[row.worker_id] != person[row.other_worker_id]
            and {
                row.worker_id,
                row.other_worker_id,
            }
            <= moved
        ):
            return row.worker_id, row.other_worker_id, row.match_probability
    raise AssertionError("no review pair of two persons with trips")


def test_a_candidate_link_is_a_suggestion_not_merged(served):
    client, keys, store, _ = served
    a, b, probability = review_pair(store)
    body = get(client, f"/workers/{a}/timeline", keys["field"]).json()
    offered = {(s["worker_id"], s["other_worker_id"]): s for s in body["suggestions"]}
    assert offered[(a, b)]["match_probability"] == pytest.approx(probability)
    assert b not in body["worker_ids"]
    assert all(e["worker_id"] != b for e in body["events"])


def decide(client, key: str, a: str, b: str, decision: str) -> None:
    answer = client.post(
        "/identity/decisions",
        headers={"X-API-Key": key},
        json={"worker_id": a, "other_worker_id": b, "decision": decision},
    )
    assert answer.status_code == 200, answer.text


def test_a_split_and_a_link_change_the_cached_timelines(served):
    client, keys, store, app = served
    state = app.state.service
    a, b = linked_pairs(store)[2]
    before = get(client, f"/workers/{a}/timeline", keys["field"]).json()
    assert {e["worker_id"] for e in before["events"]} == {a, b}
    assert state.cached_timeline(b) is state.cached_timeline(a) is not None  # one per person
    decide(client, keys["field"], a, b, "not_same_person")
    for mine, other in ((a, b), (b, a)):
        after = get(client, f"/workers/{mine}/timeline", keys["field"]).json()
        assert after["worker_ids"] == [mine] and other not in json.dumps(after["events"])
        assert {e["worker_id"] for e in after["events"]} == {mine}
        assert get(client, f"/workers/{mine}/timeline", keys["field"], fast=False).json() == after
    c, d, _ = review_pair(store)
    get(client, f"/workers/{c}/timeline", keys["field"])  # cached before the link
    decide(client, keys["field"], c, d, "same_person")
    joined = get(client, f"/workers/{c}/timeline", keys["field"]).json()
    assert sorted(joined["worker_ids"]) == sorted([c, d])
    assert {e["worker_id"] for e in joined["events"]} == {c, d}
    assert all(s["other_worker_id"] != d for s in joined["suggestions"])
