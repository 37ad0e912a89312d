"""GET /journeys and friends over the sample store: who may ask, and that a researcher's
answer carries no name, phone, e-Shram number, exact date, raw record or worker id, and
no count below 5."""

from __future__ import annotations

import json
import re
import time

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.models import MAX_LIMIT
from tracker.settings import Settings

ROUTES = ("/journeys", "/journeys/trips", "/journeys/transitions", "/journeys/chronogram",
          "/journeys/types", "/journeys/filters")  # fmt: skip
COHORTS = ({}, {"origin_state": "Bihar"}, {"has_circuit": "true", "gender": "female"},
           {"destination_state": "Maharashtra", "sector": "brick_kiln",
            "period_from": "2020-01", "period_to": "2022-12"},
           {"origin_district": 1})  # fmt: skip
COUNT_KEYS = {"persons", "journeys", "returns", "persons_with_circuit"}
EXACT_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
TOKEN = re.compile(r"[\w+-]+")


PERSONAL_COLUMNS = {"worker_id", "household_id", "name", "phone", "eshram_uan", "record_id"}
"""Columns of any file of the batch that name a person, a household or a raw record (not
villages: many are named like districts, which answers do name)."""


@pytest.fixture(scope="module")
def secrets(sample_dir) -> set[str]:
    """Names, phones, e-Shram numbers, worker and household ids, and the record ids of
    every file of the sample (moves, employments, services, grievances...)."""
    values: set[str] = set()
    for path in sorted(sample_dir.glob("*.csv")):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in PERSONAL_COLUMNS & set(table.columns):
            values.update(table[column])
    return {v for v in values if len(v) >= 6}


def test_only_researcher_and_admin_keys_may_ask(api):
    for route in ROUTES:
        assert api.get(route).status_code == 401
        for role in ("field", "advocacy"):
            assert api.get(route, role).status_code == 403, (route, role)
        assert api.get(route, "admin").status_code == 200, route


def test_a_bad_filter_is_a_problem_not_a_crash(api):
    answer = api.get("/journeys", "researcher", birth_band="1987")
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert api.get("/journeys", "researcher", sector="knitting").status_code == 422


def _every_page(api, route: str, params: dict) -> list:
    """Every page of a route's answer (one answer for the routes that do not page)."""
    answers, offset = [], 0
    while True:
        answer = api.get(route, "researcher", **params, limit=MAX_LIMIT, offset=offset)
        assert answer.status_code == 200, (route, answer.text)
        answers.append(answer)
        body = answer.json()
        if "items" not in body or not body["items"] or body["total"] is None:
            return answers
        offset += MAX_LIMIT
        if offset >= body["total"]:
            return answers


def _reveals_no_one(route: str, answer, secrets: set[str]) -> None:
    text = answer.text
    assert not EXACT_DATE.search(text), route
    body = answer.json()
    # every string of the answer, whole (a name has spaces) and cut into words and ids
    shown = set(_strings(body)) | set(TOKEN.findall(text))
    found = sorted(shown & secrets)
    assert not found, (route, found[:3])
    for count in _counts(body):
        assert count is None or count == 0 or count >= 5, (route, count)
    if route.endswith("chronogram") and body["persons"]:
        for row in body["shares"]:
            for share in row:
                assert share is None or share == 0 or share * body["persons"] >= 4.5


@pytest.mark.parametrize("cohort", COHORTS, ids=lambda c: ",".join(c) or "everyone")
def test_researcher_answers_reveal_no_one(api, secrets, cohort):
    """Every page of every route, for cohorts large, small and empty."""
    for route in ROUTES:
        params = {**cohort, **({"k": 4} if route.endswith("types") else {})}
        for answer in _every_page(api, route, params):
            _reveals_no_one(route, answer, secrets)


def test_a_cohort_of_one_to_four_persons_shows_no_one_on_any_route(api, secrets):
    """A cohort too small to show (found with the admin key): every route answers a
    researcher with no persons, no rates, no shares and no counts."""
    admin = api.get("/journeys", "admin", limit=MAX_LIMIT).json()
    everyone = pd.DataFrame(admin["items"], columns=admin["columns"])
    sizes = everyone["origin_district_code"].value_counts()
    small = sizes[(sizes > 0) & (sizes < 5)]
    assert len(small), "the sample has origin districts of 1 to 4 persons"
    cohort = {"origin_district": int(small.index[0])}
    assert api.get("/journeys", "admin", **cohort).json()["total"] == int(small.iloc[0])
    for route in ROUTES[:-1]:
        answer = api.get(route, "researcher", **cohort)
        assert answer.status_code == 200, (route, answer.text)
        _reveals_no_one(route, answer, secrets)
        body = answer.json()
        assert body.get("items", []) == [] and body.get("total") is None, route
        if "summary" in body:
            assert body["summary"]["persons"] is None
            assert body["summary"]["return_rate"] is None
        if route.endswith("chronogram"):
            assert body["persons"] is None
            assert all(share is None for row in body["shares"] for share in row)
        if route.endswith("types"):
            assert body["types"] == []


def test_researchers_get_pseudonyms_admins_get_ids(api):
    mine = api.get("/journeys", "researcher", origin_state="Bihar").json()
    theirs = api.get("/journeys", "admin", origin_state="Bihar").json()
    assert mine["total"] == theirs["total"] > 5
    assert "person" in mine["columns"] and "worker_id" not in mine["columns"]
    assert all(row["person"].startswith("P-") for row in mine["items"])
    assert "worker_id" in theirs["columns"] and theirs["items"][0]["person_id"].startswith("W")
    again = api.get("/journeys", "researcher", origin_state="Bihar").json()
    assert [r["person"] for r in again["items"]] == [r["person"] for r in mine["items"]]


def test_a_cohort_below_five_shows_no_persons(api):
    admin = api.get("/journeys", "admin", origin_state="Bihar", gender="other").json()
    mine = api.get("/journeys", "researcher", origin_state="Bihar", gender="other").json()
    assert admin["total"] is not None
    if 0 < admin["total"] < 5:
        assert mine["items"] == [] and mine["total"] is None
    assert mine["summary"]["persons"] in (None, 0) or mine["summary"]["persons"] >= 5


def test_types_and_chronogram(api):
    body = api.get("/journeys/types", "researcher", k=5).json()
    assert len(body["types"]) == 5
    assert abs(sum(t["share"] or 0 for t in body["types"]) - 1) < 0.05
    assert all(len(t["medoid"]) == 24 and t["description"] for t in body["types"])
    chrono = api.get("/journeys/chronogram", "researcher").json()
    assert len(chrono["shares"]) == len(chrono["months"]) > 12
    assert chrono["states"][:2] == ["unknown", "home"]


def _counts(value, key=None):
    """Every number under a key that counts persons or journeys, anywhere in ``value``."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _counts(v, k)
    elif isinstance(value, list):
        if key in COUNT_KEYS | {"departures_by_month"}:
            yield from (v for v in value if not isinstance(v, list | dict))
        for v in value:
            if isinstance(v, list | dict):
                yield from _counts(v, key)
    elif key in COUNT_KEYS and not isinstance(value, bool):
        yield value


def _strings(value):
    """Every string anywhere in ``value`` (keys too)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_counts_helper_finds_nested_counts():
    body = json.loads('{"summary": {"persons": 3}, "items": [{"journeys": 7}]}')
    assert sorted(_counts(body)) == [3, 7]


def _built_within(service, name: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if service.is_built(name):
            return True
        time.sleep(0.05)
    return False


def test_a_running_server_builds_the_journey_index_before_the_first_query(api_store):
    """At 1M workers the index takes a minute: built when the server starts and after each
    batch, the first researcher's query does not wait for it."""
    app = create_app(api_store, settings=Settings(LMT_WARM_JOURNEYS=True))
    service = app.state.service
    assert not service.is_built("journeys")
    with TestClient(app):  # the lifespan: the server is running
        assert _built_within(service, "journeys", 60)
        built = service.journeys()
        service.refresh()  # what POST /batches does once a batch is written
        assert _built_within(service, "journeys", 60)
        assert service.journeys() is not built
    off = create_app(api_store, settings=Settings(LMT_WARM_JOURNEYS=False))
    with TestClient(off):
        time.sleep(0.5)
        assert not off.state.service.is_built("journeys")
