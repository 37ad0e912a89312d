"""Every endpoint and role against the real app (FastAPI's TestClient, real LadybugDB)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

PROBLEM = "application/problem+json"
W = "W0000001"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    return body


def test_health_needs_no_key(api):
    response = api.get("/health")
    assert response.status_code == 200 and response.json()["status"] == "ok"


@pytest.mark.parametrize(
    "path",
    [
        "/workers?q=Jitendra",
        f"/workers/{W}",
        f"/workers/{W}/timeline",
        f"/workers/{W}/journey",
        "/districts/459/flows",
        "/contractors/CTR00001/network",
        "/analytics/contractors",
        "/audit",
    ],
)
def test_every_endpoint_but_health_needs_a_valid_key(api, path):
    body = assert_problem(api.get(path), 401)
    assert "API key" in body["detail"]
    bad = api.client.get(path, headers={"X-API-Key": "lmt_00000000_nope"})
    assert_problem(bad, 401)
    bearer = api.client.get(path, headers={"Authorization": f"Bearer {api.keys['admin']}"})
    assert bearer.status_code in (200, 503)


ALLOWED = {
    f"/workers?q={W}": {"field", "researcher", "admin"},
    f"/workers/{W}": {"field", "admin"},  # researchers address workers by pseudonym
    f"/workers/{W}/timeline": {"field", "admin"},
    f"/workers/{W}/journey": {"field", "admin"},
    "/districts/459/flows": {"field", "researcher", "advocacy", "admin"},
    "/contractors/CTR00001/network": {"field", "researcher", "advocacy", "admin"},
    "/analytics/circuits?limit=3": {"field", "researcher", "admin"},
    "/analytics/contractors?limit=3": {"field", "researcher", "advocacy", "admin"},
    "/analytics/chains?limit=3": {"field", "researcher", "advocacy", "admin"},
    "/audit": {"admin"},
}


@pytest.mark.parametrize("role", ["field", "researcher", "advocacy", "admin"])
@pytest.mark.parametrize("path", list(ALLOWED))
def test_roles(api, path, role):
    response = api.get(path, role)
    if role in ALLOWED[path]:
        assert response.status_code == 200, response.text
    elif role == "advocacy" or path == "/audit":
        assert_problem(response, 403)
    else:  # a researcher naming a worker by id learns nothing
        assert_problem(response, 404)


def test_field_sees_the_full_record(api):
    body = api.get(f"/workers/{W}", "field").json()
    assert body["worker"] == W and body["name"] == "Jitendra Patel"
    assert body["phone"] == "7140826436" and body["birth_year"] == 1984
    assert body["household"]["household"] == "H000001"
    assert body["household"]["home"]["district"] == "Ashoknagar"
    assert body["registration"]["centre"]["id"] == "SRC-459"


def test_researcher_sees_pseudonyms_and_bands_only(api):
    pseudonym = api.service.pseudonyms.of(W)
    body = api.get(f"/workers/{pseudonym}", "researcher").json()
    assert body["worker"] == pseudonym and body["pseudonymised"] is True
    assert body["name"] is None and body["phone"] is None and body["eshram_uan"] is None
    assert body["birth_year"] is None and body["birth_years"] in ("1980-1984", "1980-1989")
    assert body["household"]["household"] != "H000001" and body["household"]["village"] is None
    # quasi-identifiers at the worker's k-anonymity level; never the day or the centre
    released = api.service.released(W)
    assert body["disclosure_level"] == released["disclosure_level"]
    assert body["registration"] == {"registered_on": None, "centre": None}
    assert body["registered_in"] == released["registered_in"]
    assert body["centre_kind"] == released["centre_kind"]
    text = api.get(f"/workers/{pseudonym}/timeline", "researcher").text
    assert "Jitendra" not in text and "SRC-459" not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # months, never days
    timeline = api.get(f"/workers/{pseudonym}/timeline", "researcher").json()
    assert timeline["worker"] == pseudonym
    field = api.get(f"/workers/{W}/timeline", "field").json()
    raw_ids = {i for e in field["events"] for i in e["record_ids"]}
    assert raw_ids and not raw_ids & {i for e in timeline["events"] for i in e["record_ids"]}
    assert len(timeline["events"]) == len(field["events"])
    journey = api.get(f"/workers/{pseudonym}/journey", "researcher").text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", journey)
    assert api.get(f"/workers/{pseudonym}/journey", "researcher").json()["worker"] == pseudonym
    # a researcher finds a worker by pseudonym, never by name
    found = api.get("/workers", "researcher", q=pseudonym).json()
    assert found["total"] == 1 and found["items"][0]["worker"] == pseudonym
    assert found["items"][0]["name"] is None
    assert api.get("/workers", "researcher", q="Jitendra Patel").json()["total"] == 0


def test_pseudonyms_are_stable_across_requests_and_analytics(api):
    pseudonym = api.service.pseudonyms.of(W)
    again = api.get("/workers", "researcher", q=pseudonym).json()["items"][0]["worker"]
    assert again == pseudonym
    circuits = api.get("/analytics/circuits", "researcher", limit=1000).json()
    if circuits["items"]:
        assert "worker_id" not in circuits["columns"] and "worker" in circuits["columns"]
        assert "person_id" not in circuits["columns"] and "person" in circuits["columns"]
        assert all(row["worker"].startswith("P-") for row in circuits["items"])
        field = api.get("/analytics/circuits", "field", limit=1000).json()["items"]
        assert [api.service.pseudonyms.of(r["worker_id"]) for r in field] == [
            r["worker"] for r in circuits["items"]
        ]


def test_search_by_name_variant_phone_and_eshram(api):
    hits = api.get("/workers", "field", q="Jitendra Patel").json()
    assert hits["items"][0]["worker"] == W and hits["total"] >= 1
    assert api.get("/workers", "field", q="Jeetendra Patel").json()["items"][0]["worker"] == W
    assert api.get("/workers", "field", q="+91 71408 26436").json()["items"][0]["worker"] == W
    page = api.get("/workers", "field", q="Ram", limit=2, offset=1).json()
    assert page["limit"] == 2 and page["offset"] == 1 and len(page["items"]) <= 2


def test_timeline_is_oldest_first_with_range_and_paging(api):
    body = api.get(f"/workers/{W}/timeline", "field").json()
    dates = [e["date"] for e in body["events"]]
    assert dates == sorted(dates) and body["total"] == len(dates)
    assert body["events"][0]["kind"] == "registration"
    kinds = {e["kind"] for e in body["events"]}
    assert {"move", "employment"} <= kinds
    part = api.get(f"/workers/{W}/timeline", "field", since="2020-01-01", until="2020-12-31")
    assert all("2020-01-01" <= e["date"] <= "2020-12-31" for e in part.json()["events"])
    page = api.get(f"/workers/{W}/timeline", "field", limit=2, offset=1).json()
    assert [e["date"] for e in page["events"]] == dates[1:3]


def test_journey_has_days_in_each_place(api):
    stays = api.get(f"/workers/{W}/journey", "field").json()["stays"]
    assert stays[-1]["ongoing"] is True
    assert any(s["days"] and s["days"] > 0 for s in stays)


def test_not_found_and_bad_parameters_are_problems(api):
    assert_problem(api.get("/workers/nobody", "field"), 404)
    assert_problem(api.get("/workers/nobody/timeline", "field"), 404)
    assert_problem(api.get("/districts/9999/flows", "field"), 404)
    assert_problem(api.get("/contractors/nobody/network", "field"), 404)
    body = assert_problem(api.get("/districts/459/flows", "field", month=13), 422)
    assert body["errors"][0]["loc"] == ["query", "month"]
    assert_problem(api.get(f"/workers/{W}/timeline", "field", since="yesterday"), 422)
    assert_problem(
        api.get(f"/workers/{W}/timeline", "field", since="2022-01-01", until="2021-01-01"), 422
    )
    assert_problem(api.get("/workers", "field", limit=0, q="x"), 422)
    assert_problem(api.get("/workers", "field"), 422)
    assert_problem(api.get("/districts/abc/flows", "field"), 422)


def test_flows_are_suppressed_below_five_for_researchers_and_advocacy(api):
    by_origin = api.service.flows().by_origin
    busiest = max(by_origin, key=lambda code: len(by_origin[code]))
    field = api.get(f"/districts/{busiest}/flows", "field").json()
    advocacy = api.get(f"/districts/{busiest}/flows", "advocacy").json()
    small = [c for c in field["outflows"]["corridors"] if c["workers"] < 5]
    big = [c for c in field["outflows"]["corridors"] if c["workers"] >= 5]
    assert small and big, "the busiest district should have both kinds of corridor"
    shown = {c["to_place"]["district_code"]: c for c in advocacy["outflows"]["corridors"]}
    for corridor in small:
        hidden = shown[corridor["to_place"]["district_code"]]
        assert hidden["suppressed"] and hidden["workers"] is None and hidden["trips"] is None
    for corridor in big:
        assert shown[corridor["to_place"]["district_code"]]["workers"] == corridor["workers"]
    assert advocacy["outflows"]["suppressed_corridors"] == len(small)
    assert advocacy["outflows"]["workers"] is None  # no total to subtract from
    assert advocacy["outflows"]["trips"] == sum(c["trips"] for c in big)
    assert not any(c["suppressed"] for c in field["outflows"]["corridors"])


def test_contractor_network_counts_are_suppressed_for_advocacy(api):
    field = api.get("/contractors/CTR00256/network", "field").json()
    advocacy = api.get("/contractors/CTR00256/network", "advocacy").json()
    assert field["up"] and field["up"][0][0] == "contractor:CTR00256"
    assert field["up"][0][-1].startswith("employer:")
    assert {m["id"] for m in field["members"]} == {m["id"] for m in advocacy["members"]}
    for mine, theirs in zip(field["members"], advocacy["members"], strict=True):
        if mine["workers"] and mine["workers"] < 5:
            assert theirs["workers"] is None and theirs["suppressed"]
        else:
            assert theirs["workers"] == mine["workers"]


def test_analytics_suppress_small_worker_counts(api):
    field = api.get("/analytics/chains", "field", limit=1000).json()
    advocacy = api.get("/analytics/chains", "advocacy", limit=1000).json()
    assert field["total"] == advocacy["total"] > 0
    small = [i for i, row in enumerate(field["items"]) if 0 < (row.get("workers") or 0) < 5]
    assert all(advocacy["items"][i]["workers"] is None for i in small)
    assert advocacy["suppressed_rows"] >= len(small)


def test_analytics_that_fail_answer_503_with_the_reason(api, monkeypatch):
    from api import state

    def broken(store, words):
        raise ValueError("a contractor link names no contractor")

    monkeypatch.setitem(state.ANALYTICS, "chains", broken)
    monkeypatch.setattr(api.service, "_lazy", {})
    body = assert_problem(api.get("/analytics/chains", "advocacy"), 503)
    assert "could not be computed: a contractor link names no contractor" in body["detail"]


def test_every_worker_read_is_audited_and_only_admin_reads_the_log(api):
    field_key = api.keys["field"].split("_")[1]
    before = api.get("/audit", "admin", worker="W0000002").json()["total"]
    api.get("/workers/W0000002", "field")
    api.get("/workers/W0000002/timeline", "field")
    pseudonym = api.service.pseudonyms.of("W0000002")
    api.get(f"/workers/{pseudonym}/journey", "researcher")
    log = api.get("/audit", "admin", worker="W0000002").json()
    assert log["total"] == before + 3
    newest = log["items"][:3]
    assert [e["action"] for e in newest] == ["journey", "timeline", "profile"]
    assert newest[0]["role"] == "researcher" and newest[0]["worker_id"] == "W0000002"
    assert newest[2]["key_id"] == field_key and newest[2]["at"]
    for role in ("field", "researcher", "advocacy"):
        assert_problem(api.get("/audit", role), 403)


def test_post_batch_is_admin_only_validated_and_refreshes(api):
    good = "SV-API-1,W0000003,SRC-459,legal_aid,2026-01-15,received\n"
    bad = "SV-API-2,W0000003,SRC-459,legal_aid,2026-13-45,received\n"
    csv = "record_id,worker_id,centre_id,service,delivered_on,outcome\n" + good + bad
    files = {"files": ("services.csv", csv, "text/csv")}
    for role in ("field", "researcher", "advocacy"):
        denied = api.client.post("/batches", files=files, headers={"X-API-Key": api.keys[role]})
        assert_problem(denied, 403)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("batch/services.csv", csv)
        z.writestr("../../etc/passwd", "nope")
    generation = api.get("/health").json()["generation"]
    response = api.client.post(
        "/batches",
        files={"files": ("batch.zip", archive.getvalue(), "application/zip")},
        headers={"X-API-Key": api.keys["admin"]},
    )
    assert response.status_code == 422, response.text  # a row rejected: lmt ingest exits 2
    body = response.json()
    assert body["status"] == 422 and "1 rows rejected" in body["detail"]
    assert body["received_files"] == ["services.csv"]
    assert body["ignored_files"] == ["batch.zip:../../etc/passwd"]
    services = next(f for f in body["report"]["files"] if f["file"] == "services.csv")
    assert services["read"] == 2 and services["stored"] == 1 and services["rejected"] == 1
    assert body["report"]["rejected_rows"][0]["line"] == 3
    assert api.get("/health").json()["generation"] == generation + 1
    events = api.get("/workers/W0000003/timeline", "field").json()["events"]
    assert any(e["record_ids"] == ["SV-API-1"] for e in events)
    nothing = api.client.post(
        "/batches",
        files={"files": ("notes.txt", "hello", "text/plain")},
        headers={"X-API-Key": api.keys["admin"]},
    )
    assert_problem(nothing, 422)
    assert_problem(
        api.client.post(
            "/batches",
            files={"files": ("x.zip", b"not a zip", "application/zip")},
            headers={"X-API-Key": api.keys["admin"]},
        ),
        422,
    )


def test_openapi_docs_are_served(api):
    assert api.get("/docs").status_code == 200
    schema = api.get("/openapi.json").json()
    for path in ("/workers", "/workers/{worker}/timeline", "/districts/{code}/flows", "/batches"):
        assert path in schema["paths"]
    assert {"APIKeyHeader", "HTTPBearer"} <= set(schema["components"]["securitySchemes"])
