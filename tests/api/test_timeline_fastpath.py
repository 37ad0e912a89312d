"""The timeline's plain route (``api.fastpath``) against the FastAPI route: the same bytes,
the same audit entries, the same problems, and every request it does not take answered by
FastAPI exactly as before."""

from __future__ import annotations

import json

import pytest

from api.models import TimelinePage
from tracker.timeline import read_worker, researcher_events, timeline

WORKERS = ("W0000001", "W0000002", "W0000010", "W0000042")
PROBLEM = "application/problem+json"


def plain(api, worker: str, role: str):
    """What the fast path answers: no query string, an X-API-Key."""
    return api.client.get(f"/workers/{worker}/timeline", headers={"X-API-Key": api.keys[role]})


def through_fastapi(api, worker: str, role: str):
    """The same request as the FastAPI route answers it (a query string is not taken by
    the plain route), with a bearer token."""
    headers = {"Authorization": f"Bearer {api.keys[role]}"}
    return api.client.get(f"/workers/{worker}/timeline?offset=0", headers=headers)


def audit_total(api, worker: str) -> int:
    return api.get("/audit", "admin", worker=worker, limit=1).json()["total"]


@pytest.mark.parametrize("role", ["field", "admin", "researcher"])
def test_same_bytes_as_the_route_and_as_the_model(api, role):
    state = api.service
    for worker in WORKERS:
        named = state.pseudonyms.of(worker) if role == "researcher" else worker
        fast, slow = plain(api, named, role), through_fastapi(api, named, role)
        assert fast.status_code == slow.status_code == 200
        assert fast.content == slow.content
        assert fast.headers["content-type"] == "application/json"
        page = TimelinePage.model_validate_json(fast.content)
        found = timeline(read_worker(state.store, worker), state.current.catalog)
        events = found.events
        if role == "researcher":  # months, per-answer tokens, pseudonyms (tracker.timeline)
            _, records = state.timeline_events(worker, None, None)
            seen = researcher_events(
                records, {worker: state.released(worker)}, state.current.catalog,
                state.pseudonyms.of,
            )  # fmt: skip
            events = TimelinePage.model_validate({"worker": named, "events": seen, "total": 0,
                                                  "worker_ids": [], "suggestions": [],
                                                  "limit": 1, "offset": 0}).events  # fmt: skip
            assert len(events) == len(found.events)
            assert {e.worker_id for e in events} == {named}
        expected = TimelinePage(
            worker=named, worker_ids=[named], suggestions=[], events=events,
            total=len(found.events), limit=500, offset=0,
        )  # fmt: skip
        assert json.loads(fast.content) == json.loads(expected.model_dump_json())
        assert page.worker == named


def test_each_read_is_audited_once_with_key_role_and_worker(api):
    worker = "W0000005"
    key_id = api.keys["field"].split("_")[1]
    before = audit_total(api, worker)
    plain(api, worker, "field")  # read from the store
    plain(api, worker, "field")  # from the cache
    through_fastapi(api, worker, "field")
    newest = api.get("/audit", "admin", worker=worker, limit=3).json()
    assert newest["total"] == before + 3
    assert {(e["key_id"], e["role"], e["action"]) for e in newest["items"]} == {
        (key_id, "field", "timeline")
    }
    assert all(e["at"] for e in newest["items"])


def test_its_errors_are_the_routes_problems(api):
    path = "/workers/W0000001/timeline"
    for headers, status in (
        ({}, 401),
        ({"X-API-Key": "lmt_00000000_nope"}, 401),
        ({"X-API-Key": api.keys["advocacy"]}, 403),
    ):
        plain_answer = api.client.get(path, headers=headers)
        routed = api.client.get(path + "?offset=0", headers=headers)
        assert plain_answer.status_code == routed.status_code == status
        assert plain_answer.headers["content-type"] == PROBLEM
        assert plain_answer.json()["detail"] == routed.json()["detail"]
        assert plain_answer.headers.get("www-authenticate") == routed.headers.get(
            "www-authenticate"
        )
    for worker, role in (("nobody", "field"), ("W0000001", "researcher")):
        response = plain(api, worker, role)  # a researcher naming a real id: 404
        assert response.status_code == 404 and response.headers["content-type"] == PROBLEM
        routed = api.get(f"/workers/{worker}/timeline", role, offset=0)
        assert routed.status_code == 404 and routed.json()["detail"] == response.json()["detail"]
    long = api.client.get(
        "/workers/" + "W" * 201 + "/timeline", headers={"X-API-Key": api.keys["field"]}
    )
    assert long.status_code == 422
    paged = api.get(path, "field", limit=2)  # parameters: the route
    assert paged.status_code == 200 and paged.json()["limit"] == 2


def test_an_unexpected_error_is_the_apps_500_problem(api, monkeypatch):
    from api import fastpath

    async def broken(*_args, **_kwargs):
        raise RuntimeError("the store went away")

    from api.routers import workers

    monkeypatch.setattr(fastpath, "timeline_page", broken)
    monkeypatch.setattr(workers, "timeline_page", broken)
    client = type(api.client)(api.client.app, raise_server_exceptions=False)
    headers = {"X-API-Key": api.keys["field"]}
    answer = client.get("/workers/W0000001/timeline", headers=headers)
    routed = client.get("/workers/W0000001/timeline?offset=0", headers=headers)
    assert answer.status_code == routed.status_code == 500
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json() == routed.json() and "store" not in answer.text  # no reason leaves


def test_a_revoked_key_is_refused_even_for_a_cached_timeline(api):
    record, key = api.service.keys.create("field", "to revoke")
    headers = {"X-API-Key": key}
    assert api.client.get("/workers/W0000001/timeline", headers=headers).status_code == 200
    api.service.keys.revoke(record.key_id)
    assert api.client.get("/workers/W0000001/timeline", headers=headers).status_code == 401


def test_a_batch_posted_through_the_api_shows_at_once(api):
    worker = "W0000007"
    first = plain(api, worker, "field").json()
    assert plain(api, worker, "field").json() == first  # now cached
    version = api.service.timelines.version
    csv = (
        "record_id,worker_id,centre_id,service,delivered_on,outcome\n"
        f"SV-FAST-1,{worker},SRC-459,legal_aid,2026-02-01,received\n"
    )
    response = api.client.post(
        "/batches",
        files={"files": ("services.csv", csv, "text/csv")},
        headers={"X-API-Key": api.keys["admin"]},
    )
    assert response.status_code == 200, response.text
    assert api.service.timelines.version > version
    after = plain(api, worker, "field").json()
    assert after["total"] == first["total"] + 1
    assert any(e["record_ids"] == ["SV-FAST-1"] for e in after["events"])


def test_the_plain_request_is_the_one_it_takes():
    """The plain route matches a GET with no query string and a worker part the FastAPI
    route accepts, and nothing else, so the tests above compare two paths, not one."""
    from starlette.routing import Match

    from api.fastpath import PlainTimelineRoute

    route = PlainTimelineRoute()

    def match(path: str, query: bytes = b"", method: str = "GET") -> Match:
        scope = {"type": "http", "method": method, "path": path, "query_string": query}
        return route.matches(scope)[0]

    assert match("/workers/W0000001/timeline") is Match.FULL
    assert match("/workers/DST-357/000075/timeline") is Match.FULL  # a destination's id
    assert match("/workers/W0000001/timeline", b"offset=0") is Match.NONE
    assert match("/workers/" + "W" * 201 + "/timeline") is Match.NONE
    assert match("/workers/W0000001/timeline", method="POST") is Match.NONE
    assert match("/workers/W0000001") is Match.NONE
