"""`lmt serve` on loopback and `wrk` against it: what the API benchmarks share
(``bench_api``, ``bench_timeline_wrk``).

The server runs in its own process as an operator runs it; a key is made by ``lmt keys
create``; wrk (Debian package ``wrk``) sends the requests a Lua script makes from a list of
paths, and its report is read into figures (latency percentiles in ms, requests/s, ...).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from bench.report import must_find

LMT = [sys.executable, "-m", "lmt.cli"]
DRAW = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
wrk.headers["X-API-Key"] = "%(key)s"
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""
"""wrk script: each request for a path drawn at random from the list."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def new_key(db: str, role: str = "field") -> str:
    """A key made by ``lmt keys create`` (labelled ``bench`` in the access database)."""
    return subprocess.run(
        [*LMT, "keys", "create", "--db", db, "--role", role, "--label", "bench"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def wait_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit("lmt serve exited")
        time.sleep(0.3)
    raise SystemExit("lmt serve did not come up")


@contextmanager
def served(db: str, *extra: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """``lmt serve --db DB EXTRA...`` on a free port until the block ends: (base URL, the
    server's process), once it answers ``/health``. The journey index is not built ahead
    (``LMT_WARM_JOURNEYS=0``): these benchmarks time timelines and searches, and a minute of
    index building in each server process would share their CPU (``bench_journeys``
    measures that build)."""
    port = free_port()
    server = subprocess.Popen(
        [*LMT, "serve", "--db", db, "--port", str(port), *extra],
        env={**os.environ, "PYTHONUNBUFFERED": "1", "LMT_WARM_JOURNEYS": "0"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_up(base, server)
        yield base, server
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)


def lua_script(work: Path, name: str, template: str, paths: Sequence[str], key: str) -> Path:
    """``work/NAME.lua``: ``template`` (``DRAW``, say) over ``paths``, sending ``key``."""
    (work / f"{name}.txt").write_text("\n".join(paths) + "\n")
    lua = work / f"{name}.lua"
    lua.write_text(template % {"paths": work / f"{name}.txt", "key": key})
    return lua


def run_wrk(
    base: str,
    script: Path,
    connections: int,
    seconds: int,
    threads: int = 1,
    percentiles: Sequence[str] = ("50", "99"),
) -> dict:
    """One bounded wrk run: ``p50`` ... (ms), ``rps``, ``requests``, ``non2xx``,
    ``socket_errors``, and wrk's report as ``raw``."""
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    figures: dict = {"raw": out}
    for pct in percentiles:
        found = must_find(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, "wrk", re.M)
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]
        figures[f"p{pct}"] = float(found.group(1)) * scale
    figures["rps"] = float(must_find(r"Requests/sec:\s+([\d.]+)", out, "wrk").group(1))
    figures["requests"] = int(must_find(r"(\d+) requests in", out, "wrk").group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    figures["non2xx"] = int(errors.group(1)) if errors else 0
    socket_errors = re.search(r"Socket errors: (.*)", out)
    figures["socket_errors"] = socket_errors.group(1) if socket_errors else ""
    return figures
