"""Every read of personal data is in the audit log, with who, when, what and which workers:
searches with the workers they returned, circuits, cohort pages, the log itself (persons
and candidates: tests/api/test_identity_api.py); the commands (`lmt timeline`, `lmt
export`, `lmt persons`) under the command line's identity; filters of ``GET /audit``. And
no answer leaves before its entry is committed: a real server killed (SIGKILL) right after
its last answer has every entry in the file."""

from __future__ import annotations

import datetime as dt
import getpass
import threading

import httpx
import pytest
from live_server import lmt, new_key, served, small_store

from tracker.access import AccessDB, AuditLog


def key_id(api, role: str) -> str:
    return api.keys[role].split("_")[1]


def newest(api, **filters) -> list[dict]:
    return api.get("/audit", "admin", **filters).json()["items"]


def test_a_search_logs_each_worker_it_returned(api):
    found = api.get("/workers", "field", q="Jitendra", limit=5).json()["items"]
    assert found, "the sample has a Jitendra"
    for hit in found:
        entry = newest(api, worker=hit["worker"], limit=1)[0]
        assert entry["action"] == "search" and entry["detail"] == "Jitendra"
        assert entry["key_id"] == key_id(api, "field") and entry["role"] == "field"
    posted = api.client.post(
        "/workers/search", json={"q": found[0]["worker"]}, headers={"X-API-Key": api.keys["field"]}
    )
    assert posted.status_code == 200
    assert newest(api, worker=found[0]["worker"], limit=1)[0]["detail"] == found[0]["worker"]
    api.get("/workers", "field", q="Nobody Nowhere Zzyzx")
    empty = newest(api, action="search", key_id=key_id(api, "field"), limit=1)[0]
    assert empty["detail"] == "Nobody Nowhere Zzyzx" and empty["worker_id"] is None


def test_a_researchers_pseudonym_search_logs_the_worker(api):
    pseudonym = api.service.pseudonyms.of("W0000004")
    assert api.get("/workers", "researcher", q=pseudonym).json()["total"] == 1
    entry = newest(api, worker="W0000004", limit=1)[0]
    assert entry["action"] == "search" and entry["role"] == "researcher"


def test_a_page_of_circuits_logs_its_workers(api):
    page = api.get("/analytics/circuits", "field", limit=3).json()["items"]
    shown = {row["worker_id"] for row in page}
    assert shown
    for role in ("field", "researcher"):  # researchers see pseudonyms: the log has the ids
        assert len(api.get("/analytics/circuits", role, limit=3).json()["items"]) == len(page)
        entries = newest(api, action="circuits", key_id=key_id(api, role), limit=len(shown))
        assert {e["worker_id"] for e in entries} == shown  # one entry per worker shown
        assert entries[0]["detail"].startswith("rows 0-3 of ")


def test_a_cohort_page_logs_its_persons_by_worker(api):
    cohort = api.get("/journeys", "admin", limit=2).json()["items"]
    assert cohort
    entries = newest(api, action="journeys", limit=len(cohort))  # newest first
    assert [e["worker_id"] for e in entries] == [row["worker_id"] for row in reversed(cohort)]
    assert entries[0]["detail"] == "cohort_persons"


def test_the_log_filters_by_action_key_and_day_and_its_reads_are_logged(api):
    api.get("/workers/W0000005", "field")
    today = dt.datetime.now(dt.UTC).date()
    mine = newest(api, key_id=key_id(api, "field"), action="profile", since=today, until=today)
    assert mine and {e["action"] for e in mine} == {"profile"}
    assert {e["key_id"] for e in mine} == {key_id(api, "field")}
    yesterday = today - dt.timedelta(days=1)
    assert api.get("/audit", "admin", until=yesterday).json()["total"] == 0
    assert api.get("/audit", "admin", since=today, until=yesterday).status_code == 422
    read = newest(api, action="audit_read", limit=1)[0]
    assert read["detail"] == f"until={yesterday} (0)"
    assert read["key_id"] == key_id(api, "admin")


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory, sample_dir, sample_ingest):
    return small_store(tmp_path_factory.mktemp("cli-audit"), sample_dir, sample_ingest[1].today)


def test_the_commands_that_read_workers_are_logged_as_the_command_line(cli_store, tmp_path):
    assert lmt("timeline", "W0000003", "--db", cli_store).returncode == 0
    assert lmt("timeline", "W0000003", "--journey", "--db", cli_store).returncode == 0
    assert lmt("export", tmp_path / "out", "--db", cli_store).returncode == 0
    assert lmt("persons", "--out", tmp_path / "persons.csv", "--db", cli_store).returncode == 0
    db = AccessDB(cli_store / "access.sqlite3")
    _, entries = AuditLog(db).entries(worker_id="W0000003", limit=10)
    db.close()
    assert [e.action for e in entries] == ["persons", "export", "journey", "timeline"]
    assert {e.key_id for e in entries} == {f"cli:{getpass.getuser()}"}
    assert {e.role for e in entries} == {"admin"}
    assert [e.worker_id for e in entries] == ["*", "*", "W0000003", "W0000003"]
    assert entries[1].detail == f"lmt export {tmp_path / 'out'}"
    assert lmt("audit", "verify", "--db", cli_store).returncode == 0


def test_no_answer_leaves_before_its_entry_is_durable_kill_9(served_store, tmp_path):
    """Reads of four kinds from four threads; SIGKILL the moment the last answer is in;
    the file has an entry for every answer (the buffered log lost up to 0.2 s of them)."""
    field = new_key(served_store, "field")
    with served(served_store, log=tmp_path / "serve.log") as server:
        paths = [
            "/workers/W0000001/timeline",  # the plain route
            "/workers/W0000002/timeline?limit=5",  # FastAPI's
            "/workers/W0000003",
            "/workers?q=W0000004&limit=1",
        ]
        answered: list[int] = []

        def read(path: str) -> None:
            with httpx.Client(base_url=server.base, headers={"X-API-Key": field}) as client:
                for _ in range(25):
                    answered.append(client.get(path).status_code)

        threads = [threading.Thread(target=read, args=(p,)) for p in paths]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        server.process.kill()
        server.process.wait()
    assert answered.count(200) == 100
    db = AccessDB(served_store / "access.sqlite3")
    total, entries = AuditLog(db).entries(key_id=field.split("_")[1], limit=1000)
    db.close()
    asked = [e for e in entries if not (e.detail or "").startswith("via ")]  # not the person's
    assert len(asked) == 100 and total >= 100  # other ids (a timeline is the whole person's)
    by_worker = {w: sum(e.worker_id == w for e in asked) for w in ("W0000001", "W0000002")}
    assert by_worker == {"W0000001": 25, "W0000002": 25}
    assert sum(e.action == "search" and e.worker_id == "W0000004" for e in asked) == 25
    assert lmt("audit", "verify", "--db", served_store).returncode == 0
