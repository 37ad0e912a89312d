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
import pytest

from tracker.ingest import ingest_folder
from tracker.stores.ladybug.store import LadybugStore

LMT = [sys.executable, "-m", "lmt.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served_store(tmp_path_factory, sample_dir, sample_ingest) -> Path:
    folder = tmp_path_factory.mktemp("served")
    batch = folder / "batch"
    batch.mkdir()
    for name in ("centres.csv", "households.csv", "workers.csv", "moves.csv"):
        shutil.copy(sample_dir / name, batch / name)
    store = LadybugStore(folder / "db", buffer_pool_mb=128)
    ingest_folder(store, batch, rejects_dir=folder / "rejects", today=sample_ingest[1].today)
    store.close()
    return folder / "db"


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
