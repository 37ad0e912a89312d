"""Persons over the API: field and admin only, every read and decision audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tracker.identity import candidates, link
from tracker.ingest import ingest_folder
from tracker.stores.ladybug.store import LadybugStore

SAMPLE = Path(__file__).parent.parent / "data" / "identity-sample"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("identity-api")
    store = LadybugStore(folder / "db", buffer_pool_mb=256)
    ingest_folder(store, SAMPLE, rejects_dir=folder / "rejects", today=dt.date(2026, 11, 1))
    link(store)
    app = create_app(store)
    keys = {
        role: app.state.service.keys.create(role, f"test {role}")[1]
        for role in ("field", "researcher", "advocacy", "admin")
    }
    client = TestClient(app, raise_server_exceptions=False)
    yield client, keys, store, app
    store.close()


def test_a_person_and_its_explained_pairs(served):
    client, keys, store, _ = served
    pair = candidates(store, status="linked").iloc[0]
    answer = client.get(f"/persons/{pair['worker_id']}", headers={"X-API-Key": keys["field"]})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    ids = {r["worker_id"] for r in body["registrations"]}
    assert {pair["worker_id"], pair["other_worker_id"]} <= ids
    explained = body["candidates"][0]["explanation"]
    assert explained["contributions"][0]["comparison"] == "prior"
    for role in ("researcher", "advocacy"):
        denied = client.get(f"/persons/{pair['worker_id']}", headers={"X-API-Key": keys[role]})
        assert denied.status_code == 403
    assert client.get("/persons/NOPE", headers={"X-API-Key": keys["admin"]}).status_code == 404


def test_a_worker_id_with_a_line_end_is_checked_like_any_other(served):
    """The key is checked first (401 without one), then the id: 404, never a route miss."""
    client, keys, _, _ = served
    assert client.get("/persons/W0000001%0AX").status_code == 401
    answer = client.get("/persons/W0000001%0AX", headers={"X-API-Key": keys["field"]})
    assert answer.status_code == 404, answer.text
    assert "no worker" in answer.text


def test_the_review_queue(served):
    client, keys, _, _ = served
    answer = client.get(
        "/identity/candidates", headers={"X-API-Key": keys["field"]}, params={"limit": 5}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["total"] > 0 and len(body["items"]) <= 5
    assert all(0.1 <= item["match_probability"] < 0.4 for item in body["items"])
    assert all(item["status"] == "review" for item in body["items"])
    steps = {s["comparison"]: s for s in body["items"][0]["explanation"]["contributions"]}
    assert len(steps["name"]["values"]) == 2 and all(steps["name"]["values"])
    assert "values" not in steps["seen_there"]  # a finding about the pair, not a field
    home = [v for v in steps["home_district"]["values"] if v is not None]
    assert all(set(v) == {"district_code", "district", "state"} for v in home)


def test_a_decided_pair_leaves_the_review_queue(served):
    client, keys, _, _ = served
    field = {"X-API-Key": keys["field"]}
    before = client.get("/identity/candidates", headers=field, params={"limit": 1}).json()
    pair = before["items"][0]
    answer = client.post(
        "/identity/decisions",
        headers=field,
        json={
            "worker_id": pair["other_worker_id"],  # either way round
            "other_worker_id": pair["worker_id"],
            "decision": "not_same_person",
        },
    )
    assert answer.status_code == 200, answer.text
    after = client.get("/identity/candidates", headers=field, params={"limit": 20}).json()
    assert after["total"] == before["total"] - 1
    left = {(i["worker_id"], i["other_worker_id"]) for i in after["items"]}
    assert (pair["worker_id"], pair["other_worker_id"]) not in left


def test_a_decision_splits_a_person_and_is_audited(served):
    client, keys, store, app = served
    pair = candidates(store, status="linked").iloc[1]
    a, b = pair["worker_id"], pair["other_worker_id"]
    answer = client.post(
        "/identity/decisions",
        headers={"X-API-Key": keys["field"]},
        json={"worker_id": a, "other_worker_id": b, "decision": "not_same_person"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["person_id"] != body["other_person_id"]
    bad = client.post(
        "/identity/decisions",
        headers={"X-API-Key": keys["field"]},
        json={"worker_id": a, "other_worker_id": b, "decision": "maybe"},
    )
    assert bad.status_code == 422
    denied = client.post(
        "/identity/decisions",
        headers={"X-API-Key": keys["researcher"]},
        json={"worker_id": a, "other_worker_id": b, "decision": "same_person"},
    )
    assert denied.status_code == 403
    field = {"X-API-Key": keys["field"]}
    assert client.get(f"/persons/{a}", headers=field).status_code == 200
    assert client.get("/identity/candidates", headers=field).status_code == 200
    _, entries = app.state.service.audit.entries()
    actions = {e.action for e in entries}  # this test's own reads: it runs alone too
    assert {"identity_decision", "person", "identity_candidates"} <= actions


def test_circuits_and_calendar_are_per_person(served):
    """/analytics/circuits (issue 12, item 6): one row per person and circuit, with the
    person's id for field keys and one pseudonym per person for researchers; the calendar
    counts persons too."""
    from analytics.circuits import circuits_from_store
    from tracker.identity import persons

    client, keys, store, app = served
    expected = circuits_from_store(store)
    field = client.get(
        "/analytics/circuits", headers={"X-API-Key": keys["field"]}, params={"limit": 1000}
    ).json()
    assert field["columns"][:2] == ["person_id", "worker_id"]
    assert field["total"] == len(expected) and len(field["items"]) == min(1000, len(expected))
    person = persons(store).set_index("worker_id")["person_id"]
    assert all(person[r["worker_id"]] == r["person_id"] for r in field["items"])
    researcher = client.get(
        "/analytics/circuits", headers={"X-API-Key": keys["researcher"]}, params={"limit": 1000}
    ).json()
    assert "person_id" not in researcher["columns"] and "worker_id" not in researcher["columns"]
    pseudonyms = app.state.service.pseudonyms
    assert [r["person"] for r in researcher["items"]] == [
        pseudonyms.of(r["person_id"]) for r in field["items"]
    ]
    calendar = client.get("/analytics/calendar", headers={"X-API-Key": keys["field"]})
    assert calendar.status_code == 200 and calendar.json()["corridors"]


def test_persons_and_candidates_log_every_worker_they_name(served):
    """The audit has an entry for each worker the answer names, before it is sent."""
    client, keys, store, app = served
    field = {"X-API-Key": keys["field"]}
    pairs = client.get("/identity/candidates", headers=field, params={"limit": 2}).json()
    named = {w for p in pairs["items"] for w in (p["worker_id"], p["other_worker_id"])}
    assert named
    audit = app.state.service.audit
    _, entries = audit.entries(action="identity_candidates", limit=len(named))
    assert {e.worker_id for e in entries} == named
    pair = candidates(store, status="linked").iloc[0]
    person = client.get(f"/persons/{pair['worker_id']}", headers=field).json()
    shown = {r["worker_id"] for r in person["registrations"]} | {pair["worker_id"]}
    shown |= {w for c in person["candidates"] for w in (c["worker_id"], c["other_worker_id"])}
    assert len(shown) > 1
    _, entries = audit.entries(action="person", limit=len(shown))
    assert {e.worker_id for e in entries} == shown
