"""The real thing: `lmt serve` in its own process, a key made by `lmt keys create` while it
runs, and HTTP over loopback."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

LMT = [sys.executable, "-m", "lmt.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_lmt_serve_answers_over_http(served_store):
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [*LMT, "serve", "--db", str(served_store), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stdout.read().decode()
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.2)
        # keys are made by another process while the server holds the store
        made = subprocess.run(
            [*LMT, "keys", "create", "--db", str(served_store), "--role", "field"],
            capture_output=True,
            text=True,
            check=True,
        )
        key = made.stdout.strip()
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
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def children(pid: int) -> list[int]:
    """The server processes uvicorn started (not multiprocessing's resource tracker)."""
    found = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return [c for c in found if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def wait_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert server.poll() is None, server.stdout.read().decode()
        assert time.monotonic() < deadline, "the server did not come up"
        time.sleep(0.2)


def make_key(db: Path, role: str) -> str:
    made = subprocess.run(
        [*LMT, "keys", "create", "--db", str(db), "--role", role],
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.strip()


def test_several_workers_serve_one_store_and_a_batch_shows_in_all(served_store, tmp_path):
    """`lmt serve --workers 2`: two processes, each holding the store read-only; a batch
    posted to one of them is seen at once by every request after it, whichever process
    answers (each request on a new connection), and every read is audited once."""
    db = tmp_path / "db"
    shutil.copytree(served_store, db)
    port = free_port()
    server = subprocess.Popen(
        [*LMT, "serve", "--db", str(db), "--port", str(port), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_up(base, server)
        deadline = time.monotonic() + 60
        while len(children(server.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(children(server.pid)) == 2
        field = {"X-API-Key": make_key(db, "field")}
        admin = {"X-API-Key": make_key(db, "admin")}
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
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
