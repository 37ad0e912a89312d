"""The disclosure walk (privacy issue, finding 1): every route of the OpenAPI document, with
every role and with no key, over the sample store; any count of people below 5, or any
identifying value, that reaches a role that may not see it fails.

Two checks per answer, each independent of the code under test's own choices:

* identities, by value: every name, phone, e-Shram number, worker and household id, record
  id and trip id of the sample is collected from the store; no string in an answer to a key
  that does not see identities may be one (or, in free text, hold a worker id);
* counts, by declaration: the answer is walked alongside its OpenAPI schema and the
  declarations (``graph_schema.disclosure``): a field or column declared a count of people
  must be None, 0 or at least 5 for researcher and advocacy keys; and every string is read
  for counts in words ("3 different workers", "placed 2 workers", ``violence:3``).

Before the one disclosure step, the walk found: contractor ``reasons`` and ``indicators``
carrying counts of 1 to 4 workers beside blanked columns (``/analytics/contractors`` and
``/contractors/{id}/network``), and ``employer_complaints`` (complaints by 1 to 4 workers)
not suppressed at all, since its name does not say "workers".
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from api_client import ROLES, Api

from graph_schema import MOVED, REL_TYPES, Contractor, Employer, Household, Worker
from graph_schema.census import district_names
from graph_schema.disclosure import ANSWERS, TABLES, Kind
from tracker.access import Role
from tracker.access.disclosure import ROWS_TABLES, SUPPRESS_BELOW
from tracker.access.pseudonyms import DEFAULT_PROJECT

WORKER = "W0000001"
WRITES = {("post", "/batches"), ("post", "/identity/decisions")}
"""Routes that change the store: walked with no key (401) and with keys that may not (403)."""
PUBLIC = {"/health"}
SMALL_IN_WORDS = [
    re.compile(r"(?<![\w.:-])[1-4] (?:different )?workers?\b"),
    re.compile(r"(?<![\w.:-])[1-4] of \d+ workers"),
    re.compile(r"(?<![\w.:-])[1-4] of the complaints"),
    re.compile(r"\b[a-z_]+:[1-4](?![\d.])"),
    re.compile(r"\b[a-z]+ [1-4](?=[,)])"),
]
"""Counts of 1 to 4 people written in words, as the analytics write them."""


@pytest.fixture(scope="module")
def identities(sample_store) -> dict[str, set[str]]:
    """Every identifying value of the sample, by what it is."""
    workers = sample_store.node_table(Worker)
    households = sample_store.node_table(Household)
    found: dict[str, set[str]] = {
        "worker id": set(workers["worker_id"].astype(str)),
        "household id": set(households["household_id"].astype(str)),
        "name": set(workers["name"].dropna().astype(str)),
        "phone": set(workers["phone"].dropna().astype(str)),
        "e-Shram number": set(workers["eshram_uan"].dropna().astype(str)),
        "village": set(households["village"].dropna().astype(str)),
    }
    moves = sample_store.edge_table(MOVED)
    found["trip id"] = set(moves["trip_id"].dropna().astype(str))
    records: set[str] = set()
    for rel in REL_TYPES:
        if getattr(rel, "key", None) == "record_id":
            records |= set(sample_store.edge_table(rel)["record_id"].dropna().astype(str))
    found["record id"] = records
    # names that are also a contractor's or an employer's, villages that are also a
    # district's: such values say nothing of a worker where they appear
    others = set()
    for label in (Contractor, Employer):
        others |= set(sample_store.node_table(label)["name"].dropna().astype(str))
    found["name"] -= others
    found["village"] -= {str(n) for n, _ in district_names().values()}
    return found


@pytest.fixture(scope="module")
def schema(api: Api) -> dict:
    return api.client.get("/openapi.json").json()


@pytest.fixture(scope="module")
def small_contractors(api: Api) -> list[str]:
    """Contractors whose counts (as admins see them) include some from 1 to 4 workers."""
    rows = api.get("/analytics/contractors", "admin", limit=1000).json()["items"]
    small = [
        r["contractor_id"]
        for r in rows
        if any(0 < (r[c] or 0) < SUPPRESS_BELOW for c in ("complainants", "unlicensed_workers"))
    ]
    assert small, "the sample has contractors with few workers behind a count"
    return [rows[0]["contractor_id"], *small[:5]]


def _worker_for(api: Api, role: str | None) -> str:
    if role == "researcher":
        return api.service.pseudonyms.of(WORKER, DEFAULT_PROJECT)
    return WORKER


def _calls(api: Api, schema: dict, small_contractors: list[str], role: str | None):
    """Every (method, path as called, route, body) to walk for ``role``."""
    for route, operations in schema["paths"].items():
        for method, operation in operations.items():
            if (method, route) in WRITES and role not in (None, "advocacy", "researcher"):
                continue
            values: list[dict[str, str]] = [{}]
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            if "worker" in names:
                values = [{"worker": _worker_for(api, role)}]
            elif "code" in names:
                values = [{"code": "396"}, {"code": "110"}]
            elif "contractor_id" in names:
                values = [{"contractor_id": c} for c in small_contractors]
            for given in values:
                path = route
                for name, value in given.items():
                    path = path.replace("{" + name + "}", value)
                body = None
                if route == "/workers/search":
                    body = {"q": _worker_for(api, role) if role == "researcher" else "Patel"}
                elif route.endswith("/break-glass") and method == "post":
                    body = {"reason": "checking a complaint on the helpline"}
                yield method, path, route, operation, body


def _send(api: Api, method: str, path: str, role: str | None, body: dict | None):
    headers = {"X-API-Key": api.keys[role]} if role else {}
    params = {"limit": 1000} if method == "get" and "{" not in path else None
    if method == "get":
        return api.client.get(path, headers=headers, params=params)
    return api.client.request(method.upper(), path, headers=headers, json=body)


@pytest.mark.parametrize("role", [*ROLES, None])
def test_no_answer_leaks_to_a_role_that_may_not_see_it(
    api: Api, schema: dict, identities, small_contractors, role: str | None
):
    key_role = Role(role) if role else None
    leaks: list[str] = []
    answered = 0
    for method, path, route, operation, body in _calls(api, schema, small_contractors, role):
        response = _send(api, method, path, role, body)
        if role is None and route not in PUBLIC:
            assert response.status_code == 401, (method, path, response.status_code)
            continue
        if response.status_code >= 400:
            assert response.status_code in (403, 404, 422, 503), (path, response.text[:300])
            continue
        answered += 1
        answer = response.json()
        where = f"{method.upper()} {path}"
        if key_role is None or not key_role.sees_identities:
            leaks += [f"{where}: {w}" for w in _identities_in(answer, identities)]
        if key_role is None or key_role.suppressed:
            model = _model_of(operation)
            leaks += [f"{where}: {w}" for w in _small_counts(answer, model, schema)]
            leaks += [f"{where}: {w}" for w in _small_counts_in_words(answer)]
    assert answered, "the walk answered nothing"
    kinds = sorted({re.sub(r"\(.*", "", re.sub(r"'.*", "", leak)) for leak in leaks})
    assert not leaks, f"{len(leaks)} leaks, of these kinds:\n" + "\n".join(kinds)


def test_the_walk_covers_every_route(api: Api, schema: dict):
    """Every route in the document is walked; and every answer model the document names is
    declared, field by field (an undeclared one would fail the disclosure step)."""
    walked = {(m, r) for r, ops in schema["paths"].items() for m in ops}
    assert ("get", "/analytics/contractors") in walked and len(walked) >= 25
    for name, component in schema["components"]["schemas"].items():
        declared = ANSWERS.get(name.split("_")[0])
        if declared is None:
            continue
        assert set(component.get("properties", {})) <= set(declared), name


# -- reading answers ----------------------------------------------------------------------


def _strings(value: Any, trail: str = "") -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(trail, value)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, f"{trail}.{k}")]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v, trail)]
    return []


def _identities_in(answer: Any, identities: dict[str, set[str]]) -> list[str]:
    found = []
    worker_id = re.compile(r"\bW\d{7}\b")
    for trail, text in _strings(answer):
        for what, values in identities.items():
            if text in values:
                found.append(f"{trail} is a {what} ({text!r})")
        for match in worker_id.findall(text):
            if match in identities["worker id"] and text != match:
                found.append(f"{trail} names worker {match}")
    return found


def _small_counts_in_words(answer: Any) -> list[str]:
    found = []
    for trail, text in _strings(answer):
        for pattern in SMALL_IN_WORDS:
            match = pattern.search(text)
            if match:
                found.append(f"{trail} says {match.group(0)!r} ({text[:120]!r})")
    return found


def _model_of(operation: dict) -> str | None:
    content = operation.get("responses", {}).get("200", {}).get("content", {})
    ref = content.get("application/json", {}).get("schema", {})
    return _ref_name(ref)


def _ref_name(node: dict) -> str | None:
    if "$ref" in node:
        return node["$ref"].rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf", "allOf"):
        for option in node.get(key, []):
            found = _ref_name(option)
            if found:
                return found
    if "items" in node:
        return _ref_name(node["items"])
    return None


def _is_small(value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(
        isinstance(v, int | float) and not isinstance(v, bool) and 0 < v < SUPPRESS_BELOW
        for v in values
    )


def _small_counts(answer: Any, model: str | None, schema: dict, trail: str = "") -> list[str]:
    """Fields and columns declared counts of people that hold 1 to 4 (the answer read with
    its OpenAPI schema and the declarations)."""
    if model is None or answer is None:
        return []
    if isinstance(answer, list):
        return [s for a in answer for s in _small_counts(a, model, schema, trail)]
    component = schema["components"]["schemas"].get(model, {})
    declared = ANSWERS.get(model.split("_")[0], {})
    found = []
    for name, value in answer.items():
        kind = declared.get(name)
        here = f"{trail}.{name}"
        if kind is Kind.PEOPLE and _is_small(value):
            found.append(f"{here} = {value}")
        elif kind is Kind.NESTED:
            child = _ref_name(component.get("properties", {}).get(name, {}))
            found += _small_counts(value, child, schema, here)
        elif kind is Kind.ROWS:
            table = ROWS_TABLES.get((model, name)) or answer.get("name")
            columns = TABLES.get(str(table), {})
            rows = value if isinstance(value, list) else [value]
            for row in rows:
                for column, cell in row.items():
                    if columns.get(column) is Kind.PEOPLE and _is_small(cell):
                        found.append(f"{here}.{column} = {cell}")
    return found
