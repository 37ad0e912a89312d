"""Timeline latency and throughput of the HTTP API under a real load generator.

`lmt serve` runs in its own process on loopback over a store of 100,000 workers; `wrk`
(Debian package `wrk`) drives GET /workers/{id}/timeline with a field key from 20
concurrent connections, each request for a worker drawn at random from 20,000 of the
store's workers, and reports latency percentiles and throughput. Every request is a real
timeline request: key check, audit append, and either the timeline's JSON kept from an
earlier read (the default server, ``--timeline-cache-mb 256``) or a read from the store and
JSON built (``--cache-mb 0``); both are measured and reported.

Usage: python bench/bench_api.py --db STORE [--connections 20] [--seconds 30] [--cache-mb 256 0]
(STORE: a store folder, e.g. `lmt synth --workers 100000 B && lmt ingest B --db STORE`).
Writes the "api" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import write_section
from bench.serving import DRAW, lua_script, new_key, run_wrk, served

PERCENTILES = ("50", "75", "90", "99")


def worker_ids(db: str, count: int) -> tuple[int, list[str]]:
    from graph_schema import Worker
    from tracker.stores.ladybug.store import LadybugStore

    store = LadybugStore(db)
    try:
        ids = store.node_table(Worker)["worker_id"].tolist()
    finally:
        store.close()
    return len(ids), random.Random(1).sample(ids, min(count, len(ids)))


def serve_and_load(args: argparse.Namespace, work: Path, cache_mb: int) -> list[dict]:
    """One `lmt serve` with ``cache_mb`` of timeline cache: wrk at ``--connections``
    after a warm-up, then at 1 connection (the time of one request when nothing queues)."""
    extra = ["--threads", str(args.server_threads), "--timeline-cache-mb", str(cache_mb)]
    with served(args.db, *extra) as (base, _):
        script = work / "timeline.lua"
        run_wrk(base, script, args.connections, args.warmup, args.wrk_threads)
        threads = args.wrk_threads
        loaded = run_wrk(base, script, args.connections, args.seconds, threads, PERCENTILES)
        alone = run_wrk(base, script, 1, args.seconds, threads, PERCENTILES)
    for figures, connections in ((loaded, args.connections), (alone, 1)):
        print(figures.pop("raw"))
        figures.update(cache_mb=cache_mb, connections=connections)
    return [loaded, alone]


def row(f: dict, drawn: int) -> str:
    cache = (
        f"{f['cache_mb']} MB timeline cache, {drawn:,} workers drawn"
        if f["cache_mb"]
        else "no cache: every request reads the store"
    )
    return (
        f"| {cache} | {f['connections']} | {f['p50']:.2f} ms | {f['p75']:.2f} ms "
        f"| {f['p90']:.2f} ms | {f['p99']:.2f} ms | {f['rps']:,.0f} req/s "
        f"| {f['requests']:,} | {f['non2xx']} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="store folder with the benchmark batch")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=10, help="seconds of load not measured")
    parser.add_argument("--workers-drawn", type=int, default=20_000)
    parser.add_argument(
        "--cache-mb", type=int, nargs="+", default=[256, 0], help="server configurations"
    )
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--server-threads", type=int, default=40)
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    total, ids = worker_ids(args.db, args.workers_drawn)
    work = Path(tempfile.mkdtemp(prefix="lmt-bench-api-"))
    try:
        paths = [f"/workers/{worker}/timeline" for worker in ids]
        lua_script(work, "timeline", DRAW, paths, new_key(args.db))
        results = [f for mb in args.cache_mb for f in serve_and_load(args, work, mb)]
    finally:
        shutil.rmtree(work, ignore_errors=True)

    judged = results[0]
    met = judged["p50"] <= 5 and judged["p99"] <= 25
    table = "\n".join(
        [
            "| server | connections | p50 | p75 | p90 | p99 | throughput | requests | non-2xx |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            *(row(f, len(ids)) for f in results),
        ]
    )
    body = (
        f"GET /workers/{{id}}/timeline with a field key, each request for a worker drawn at "
        f"random from {len(ids):,} of the {total:,} workers in the store; wrk "
        f"({args.wrk_threads} thread, closed loop) for {args.seconds} s after a "
        f"{args.warmup} s warm-up, on loopback; `lmt serve` with one process and "
        f"{args.server_threads} request threads, on the same 2-core machine as wrk. Every "
        "request checks the key and appends an audit entry; with the cache, a timeline read "
        "before is sent from its JSON kept in memory (emptied by every batch), without it "
        "every request reads the worker from LadybugDB and builds the JSON.\n\n"
        f"{table}\n\n"
        f"Target p50 <= 5 ms and p99 <= 25 ms with {args.connections} concurrent clients "
        f"(first row, the server as `lmt serve` runs by default): "
        f"{'met' if met else 'MISSED'} (p50 {judged['p50']:.2f} ms, p99 "
        f"{judged['p99']:.2f} ms). With a closed loop, latency under load is about the "
        "number of connections divided by the throughput (Little's law), so the rows without "
        "the cache show what one Python process on these 2 cores serves when no timeline "
        "was read before."
    )
    print(body)
    if not args.no_report:
        command = (
            f"python bench/bench_api.py --db STORE --connections {args.connections} "
            f"--seconds {args.seconds} --cache-mb {' '.join(map(str, args.cache_mb))}"
        )
        write_section("api", "API: timeline latency under load", command, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
