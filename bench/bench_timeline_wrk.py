"""Timelines and worker search over HTTP under wrk: first reads (cold), cached (warm), search.

`lmt serve --workers N` runs over a store on loopback; `wrk` (Debian package `wrk`, one
thread, closed loop) sends requests with a field key from 1 and 20 connections:

* cold: the paths of workers in a random order, each worker once (a Lua script walks the
  list; the list is longer than a run can read, so no worker is read twice and no timeline
  comes from the cache; the store's pages may be in the OS's or LadybugDB's memory);
* warm: workers drawn at random from a set read once before (every answer from the cache);
* search: `GET /workers?q=...` by a spelling variant of a worker's name, a phone number,
  an e-Shram number, a worker id (queries drawn at random from lists made from the store).

Every request checks its key and appends its audit entry. Reported per run: p50, p99,
requests/s, requests, non-2xx, the server's CPU time (all its processes, from /proc) per
request, and the load average before the run (other work shares this machine).

Usage: python -m bench.bench_timeline_wrk --db STORE [--workers 2] [--seconds 20]
[--runs cold,warm,search] (some of the runs only)
(STORE: `lmt synth --workers 1000000 --seed 1 B && lmt ingest B --db STORE`).
Writes the "timeline-wrk" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.processes import descendants, tree_cpu_seconds
from bench.report import write_section
from bench.serving import DRAW, lua_script, new_key, run_wrk, served

WALK = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local i = 0
wrk.headers["X-API-Key"] = "%(key)s"
request = function()
  i = i + 1
  if i > #paths then i = 1 end
  return wrk.format("GET", paths[i])
end
"""
MAX_WARM_UP = 180
"""Seconds of reading the warm set before the warm runs, at most."""
RUNS = ("cold", "warm", "search")
COLD_RATE = 500.0
"""First reads a second assumed for the warm set's reading when the cold runs are not run."""


def settle(pid: int, processes: int, timeout: float = 900) -> None:
    """Wait until the server's worker processes are all there and idle (each builds its
    search index and names before it takes a request)."""
    deadline = time.monotonic() + timeout
    last = tree_cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(1)
        now = tree_cpu_seconds(pid)
        if len(descendants(pid)) >= processes and now - last < 0.05:
            return
        last = now
    raise SystemExit("the server's processes did not settle")


def wrk(base: str, script: Path, connections: int, seconds: int, server: int) -> dict:
    """One bounded wrk run; latency percentiles, throughput, and the CPU both sides used."""
    load = os.getloadavg()[0]
    cpu_before = tree_cpu_seconds(server)
    wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures = run_wrk(base, script, connections, seconds)
    wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    del figures["raw"]
    figures.update(connections=connections, load=load)
    figures["server_cpu"] = tree_cpu_seconds(server) - cpu_before
    figures["wrk_cpu"] = (wrk_after.ru_utime + wrk_after.ru_stime) - (
        wrk_before.ru_utime + wrk_before.ru_stime
    )
    print({k: v for k, v in figures.items()}, flush=True)
    return figures


def store_workers(db: str) -> list[tuple[str, str | None, str | None, str | None]]:
    """(worker id, name, phone, e-Shram number) of every worker in the store."""
    from graph_schema import Worker
    from tracker.stores.ladybug.store import LadybugStore

    store = LadybugStore(db, read_only=True)
    try:
        table = store.node_table(Worker)
    finally:
        store.close()
    return list(
        zip(
            table["worker_id"].tolist(),
            table["name"].tolist(),
            table["phone"].tolist(),
            table["eshram_uan"].tolist(),
            strict=True,
        )
    )


def name_variant(name: str) -> str:
    """A spelling of ``name`` as another hand might write it (ee/i, oo/u, v/b, y/i)."""
    words = []
    for word in name.split():
        lower = word.lower()
        for a, b in (("ee", "i"), ("oo", "u"), ("i", "ee"), ("u", "oo"), ("v", "b")):
            if a in lower:
                lower = lower.replace(a, b, 1)
                break
        words.append(lower.capitalize())
    return " ".join(words)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="store folder")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seconds", type=int, default=20, help="length of each run")
    parser.add_argument("--warm-set", type=int, default=20_000, help="workers read before warm")
    parser.add_argument("--warm-passes", type=int, default=5, help="reads of each before warm")
    parser.add_argument("--cold-list", type=int, default=200_000, help="workers per cold run")
    parser.add_argument("--search-queries", type=int, default=2_000)
    parser.add_argument(
        "--search-rounds",
        type=int,
        default=1,
        help="runs of each kind of search, one after the other (the first meets each "
        "query word for the first time in each server process)",
    )
    parser.add_argument(
        "--runs",
        default=",".join(RUNS),
        help="which runs, comma-separated, of: cold, warm, search (default: all)",
    )
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    runs = set(args.runs.split(","))
    if not runs or runs - set(RUNS):
        parser.error(f"--runs takes some of {', '.join(RUNS)}")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    rng = random.Random(1)
    workers = store_workers(args.db)
    rng.shuffle(workers)
    ids = [w[0] for w in workers]
    cold = {1: ids[: args.cold_list], 20: ids[args.cold_list : 2 * args.cold_list]}
    warm = ids[2 * args.cold_list : 2 * args.cold_list + args.warm_set]
    picked = workers[: args.search_queries * 4]
    searches = {
        "name variant": [name_variant(w[1]) for w in picked if isinstance(w[1], str)],
        "phone": [w[2] for w in picked if isinstance(w[2], str)],
        "e-Shram number": [w[3] for w in picked if isinstance(w[3], str)],
        "worker id": [w[0] for w in picked],
    }

    work = Path(tempfile.mkdtemp(prefix="lmt-bench-wrk-"))
    results: list[tuple[str, dict, int]] = []
    try:
        key = new_key(args.db)

        def script(name: str, template: str, paths: list[str]) -> Path:
            return lua_script(work, name, template, paths, key)

        started = time.monotonic()
        with served(args.db, "--workers", str(args.workers)) as (base, server):
            settle(server.pid, args.workers if args.workers > 1 else 0)
            up = time.monotonic() - started
            timeline = "/workers/{}/timeline"
            cold_rate = COLD_RATE
            for connections in (1, 20) if "cold" in runs else ():
                lua = script(
                    f"cold{connections}", WALK, [timeline.format(w) for w in cold[connections]]
                )
                found = wrk(base, lua, connections, args.seconds, server.pid)
                found["list"] = len(cold[connections])
                results.append(("timeline, cold (first read)", found, connections))
                cold_rate = max(1.0, found["rps"])
            passes = 0.0
            if "warm" in runs:
                # each worker read --warm-passes times before: a read goes to either process,
                # each with its own cache, so after k passes a process misses a worker with a
                # chance of about 2**-k; the first pass is at the cold rate, so this lasts
                # longer than it needs to
                lua = script("warm", WALK, [timeline.format(w) for w in warm])
                reading = min(MAX_WARM_UP, max(5, round(args.warm_passes * len(warm) / cold_rate)))
                found = wrk(base, lua, 20, reading, server.pid)
                passes = found["requests"] / max(1, len(warm))
                lua = script("warm-draw", DRAW, [timeline.format(w) for w in warm])
                for connections in (1, 20):
                    found = wrk(base, lua, connections, args.seconds, server.pid)
                    results.append(("timeline, warm (cached)", found, connections))
            for kind, queries in searches.items() if "search" in runs else ():
                paths = [f"/workers?q={quote(q)}&limit=20" for q in queries]
                lua = script(f"search-{kind.split()[0]}", DRAW, paths)
                for round_ in range(1, args.search_rounds + 1):
                    found = wrk(base, lua, 20, args.seconds, server.pid)
                    again = f" (round {round_})" if args.search_rounds > 1 else ""
                    results.append((f"search: {kind}{again}", found, 20))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    body = report(args, len(ids), up, results, passes)
    print(body)
    if not args.no_report:
        command = (
            f"python -m bench.bench_timeline_wrk --db STORE --workers {args.workers} "
            f"--seconds {args.seconds} --warm-set {args.warm_set}"
        ) + ("" if runs == set(RUNS) else f" --runs {args.runs}")
        if args.search_rounds > 1:
            command += f" --search-rounds {args.search_rounds}"
        write_section("timeline-wrk", "API: timelines and search under wrk", command, body)
    return 0


def report(args: argparse.Namespace, total: int, up: float, results: list, passes: float) -> str:
    rows = []
    for what, f, connections in results:
        per_request = 1e6 * f["server_cpu"] / max(1, f["requests"])
        note = ""
        if "list" in f and f["requests"] > f["list"]:
            note = " (list wrapped: some reads warm)"
        rows.append(
            f"| {what}{note} | {connections} | {f['p50']:.2f} ms | {f['p99']:.2f} ms "
            f"| {f['rps']:,.0f} | {f['requests']:,} | {f['non2xx']} "
            f"| {f['server_cpu']:.1f} s ({per_request:.0f} us/req) | {f['wrk_cpu']:.1f} s "
            f"| {f['load']:.1f} |"
        )
    table = "\n".join(
        [
            "| run | connections | p50 | p99 | requests/s | requests | non-2xx "
            "| server CPU | wrk CPU | load before |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            *rows,
        ]
    )
    return (
        f"Store: {total:,} workers. `lmt serve --workers {args.workers}` (each process holds "
        "the store read-only, 256 MB of timeline cache each), started and ready in "
        f"{up:.0f} s; wrk, one thread, {args.seconds} s per run, on the same 2-core machine. "
        "Cold: each worker once, in a random order (a Lua script walks a list longer than "
        "the run reads), so every timeline is built from the store; warm: workers drawn at "
        f"random from {args.warm_set:,} read {passes:.1f} times each before (on average; "
        "each process keeps its own cache). Search: `GET /workers?q=...&limit=20` "
        "with queries drawn at random from lists made from the store. Every request checks "
        "its key and appends an audit entry. Server CPU: user + system time of all the "
        "server's processes during the run (from /proc); load before: the 1-minute load "
        "average when the run started (other work shares the machine).\n\n"
        f"{table}"
    )


if __name__ == "__main__":
    sys.exit(main())
