"""`lmt serve` in its own process over loopback, for the tests that need the real thing (a
server process, a key made while it runs, an access log, several worker processes).

Shared by tests/api and tests/privacy (``tests/`` is on the import path of every test)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx

from tracker.ingest import ingest_folder
from tracker.stores.ladybug.store import LadybugStore

LMT = [sys.executable, "-m", "lmt.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def small_store(folder: Path, sample_dir: Path, today) -> Path:
    """The sample's workers and moves in a fresh store at ``folder/db``."""
    batch = folder / "batch"
    batch.mkdir(parents=True)
    for name in ("centres.csv", "households.csv", "workers.csv", "moves.csv"):
        shutil.copy(sample_dir / name, batch / name)
    store = LadybugStore(folder / "db", buffer_pool_mb=128)
    ingest_folder(store, batch, rejects_dir=folder / "rejects", today=today)
    store.close()
    return folder / "db"


def lmt(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([*LMT, *map(str, args)], capture_output=True, text=True, check=check)


def new_key(db: Path, role: str) -> str:
    """A key made by ``lmt keys create`` (in its own process, as an operator would)."""
    return lmt("keys", "create", "--db", db, "--role", role).stdout.strip()


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def served(db: Path, *extra: str, log: Path, env: dict[str, str] | None = None) -> Iterator[Server]:
    """``lmt serve --db DB EXTRA...`` until the block ends (SIGINT, then kill), once it
    answers ``/health``; its output goes to ``log``, ``env`` is added to the environment."""
    port = free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [*LMT, "serve", "--db", str(db), "--port", str(port), *extra],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            start_new_session=True,  # its own process group: its children go with it
        )
    server = Server(port, process, log)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{server.base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, server.output()
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        with suppress(ProcessLookupError):  # the workers of a server killed -9
            os.killpg(process.pid, signal.SIGKILL)
