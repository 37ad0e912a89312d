"""Cached timelines through the ASGI app in one process: the service's own CPU a request.

wrk through `lmt serve` (``bench.bench_timeline_wrk``, ``bench.bench_audit_ab``) measures
what a client gets, but on this shared 2-core machine its runs vary by 2x, and HTTP and wrk
share the CPU. This calls the app as uvicorn would (an ASGI scope per request, no socket),
``--concurrency`` requests at once in one event loop, over ``--workers`` workers whose
timelines are cached first, and reports the process's CPU time per request (all threads:
the audit writer's included) and requests a second, for ``--rounds`` rounds.

``--without-audit`` answers without waiting for the audit's commit (the entries are made,
not written): not a way to run the service, a way to see the audit's share of the cost.

    .venv/bin/python -m bench.bench_asgi_timelines --db STORE [--without-audit]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from pathlib import Path


def _app(db: str, without_audit: bool):
    from api.app import create_app
    from tracker.settings import Settings
    from tracker.stores.ladybug.store import LadybugStore

    store = LadybugStore(db, read_only=True)
    settings = Settings(LMT_PSEUDONYM_SECRET="b" * 40, LMT_WARM_JOURNEYS=False)
    access = Path(tempfile.mkdtemp(prefix="lmt-bench-asgi-")) / "access.sqlite3"
    app = create_app(store, access=access, pages_dir=None, settings=settings)
    if without_audit:

        def committed(rows):
            done = asyncio.get_running_loop().create_future()
            done.set_result(None)
            return done

        app.state.service.audit.logging_rows = committed
    return store, app


async def _call(app, path: str, key: bytes) -> int:
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": [(b"x-api-key", key), (b"host", b"bench")],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
    }  # fmt: skip
    status: list[int] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    return status[0]


async def _run(app, paths: list[str], key: bytes, concurrency: int) -> None:
    waiting = list(paths)

    async def client() -> None:
        while waiting:
            path = waiting.pop()
            status = await _call(app, path, key)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")

    await asyncio.gather(*[client() for _ in range(concurrency)])


async def measure(args: argparse.Namespace) -> list[dict]:
    from graph_schema import Worker

    store, app = _app(args.db, args.without_audit)
    ids = [w for w in store.node_table(Worker)["worker_id"].tolist() if "/" not in w]
    ids = random.Random(1).sample(ids, min(args.workers, len(ids)))
    key = app.state.service.keys.create("field", "bench")[1].encode()
    paths = [f"/workers/{w}/timeline" for w in ids]
    rounds = []
    async with app.router.lifespan_context(app):
        await _run(app, paths, key, args.concurrency)  # every timeline cached
        for _ in range(args.rounds):
            cpu, wall = time.process_time(), time.monotonic()
            await _run(app, paths * args.repeat, key, args.concurrency)
            n = len(paths) * args.repeat
            rounds.append(
                {
                    "us_per_request": 1e6 * (time.process_time() - cpu) / n,
                    "requests_per_s": n / (time.monotonic() - wall),
                }
            )
            print(rounds[-1], flush=True)
    store.close()
    return rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="an embedded store (opened read-only)")
    parser.add_argument("--workers", type=int, default=2000, help="timelines cached and read")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=2, help="reads of each timeline a round")
    parser.add_argument("--without-audit", action="store_true")
    args = parser.parse_args()
    rounds = asyncio.run(measure(args))
    best = min(r["us_per_request"] for r in rounds)
    print(f"best round: {best:.0f} us CPU a request")


if __name__ == "__main__":
    main()
