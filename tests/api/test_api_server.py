"""The real thing: `lmt serve` in its own process, a key made by `lmt keys create` while it
runs, and HTTP over loopback."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import httpx
from live_server import new_key, served


def test_lmt_serve_answers_over_http(served_store, tmp_path):
    with served(served_store, log=tmp_path / "serve.log") as server:
        base = server.base
        # keys are made by another process while the server holds the store
        key = new_key(served_store, "field")
        assert key.startswith("lmt_")
        assert httpx.get(f"{base}/workers/W0000001").status_code == 401
        response = httpx.get(
            f"{base}/workers/W0000001/timeline", headers={"Authorization": f"Bearer {key}"}
        )
        assert response.status_code == 200
        events = response.json()["events"]
        assert events and [e["date"] for e in events] == sorted(e["date"] for e in events)
        missing = httpx.get(f"{base}/workers/nobody", headers={"X-API-Key": key})
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        assert httpx.get(f"{base}/docs").status_code == 200


def children(pid: int) -> list[int]:
    """The server processes uvicorn started (not multiprocessing's resource tracker)."""
    found = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return [c for c in found if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def test_several_workers_serve_one_store_and_a_batch_shows_in_all(served_store, tmp_path):
    """`lmt serve --workers 2`: two processes, each holding the store read-only; a batch
    posted to one of them is seen at once by every request after it, whichever process
    answers (each request on a new connection), and every read is audited once."""
    db = tmp_path / "db"
    shutil.copytree(served_store, db)
    with served(db, "--workers", "2", log=tmp_path / "serve.log") as server:
        base = server.base
        deadline = time.monotonic() + 60
        while len(children(server.process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(children(server.process.pid)) == 2
        field = {"X-API-Key": new_key(db, "field")}
        admin = {"X-API-Key": new_key(db, "admin")}
        worker, path = "W0000007", "/workers/W0000007/timeline"
        before = [httpx.get(base + path, headers=field) for _ in range(20)]
        assert {r.status_code for r in before} == {200}
        assert len({r.content for r in before}) == 1
        total = before[0].json()["total"]
        assert httpx.get(f"{base}/workers/W9999999/timeline", headers=field).status_code == 404

        batch = {
            "workers.csv": (
                "worker_id,household_id,name,gender,birth_year,phone,registered_at,"
                "registered_on,eshram_uan\n"
                "W9999999,H000001,Sunita Kumari,female,1990,,SRC-459,2020-01-05,\n"
            ),
            "services.csv": (
                "record_id,worker_id,centre_id,service,delivered_on,outcome\n"
                f"SV-MULTI-1,{worker},SRC-459,legal_aid,2026-02-01,received\n"
            ),
        }
        files = [("files", (name, text, "text/csv")) for name, text in batch.items()]
        posted = httpx.post(f"{base}/batches", files=files, headers=admin, timeout=120)
        assert posted.status_code == 200, posted.text

        after = [httpx.get(base + path, headers=field) for _ in range(20)]
        assert {r.status_code for r in after} == {200}
        for response in after:
            page = response.json()
            assert page["total"] == total + 1
            assert any(e["record_ids"] == ["SV-MULTI-1"] for e in page["events"])
        new = [httpx.get(f"{base}/workers/W9999999/timeline", headers=field) for _ in range(10)]
        assert {r.status_code for r in new} == {200}
        found = httpx.get(f"{base}/workers", params={"q": "Suneeta Kumary"}, headers=field)
        assert "W9999999" in [hit["worker"] for hit in found.json()["items"]]
        assert httpx.get(f"{base}/health").json()["generation"] == 1

        time.sleep(1)  # each process writes its audit entries within 0.2 s
        audited = httpx.get(f"{base}/audit", params={"worker": worker}, headers=admin)
        assert audited.json()["total"] == 40
