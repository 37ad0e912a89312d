"""Warm timelines and searches before and after a change, back to back: server CPU per
request beside throughput, several alternating runs (the machine is shared).

For each code tree given (``--tree NAME=DIR``: a checkout whose ``lmt`` serves, e.g. main
unpacked by ``git archive`` and this branch), in turn, ``--rounds`` times: ``lmt serve``
(``--workers`` processes) from that tree over its own copy of the store, the warm set read
once, then wrk (one thread, 20 connections, ``--seconds``) on warm timelines (every answer
from the cache) and on searches by worker id (``limit=20``). The server's CPU (user +
system of all its processes, from /proc) per request is the figure least moved by the
other work on the machine; the load average is printed beside each run.

Usage: python -m bench.bench_audit_ab --db STORE --tree before=/path/main --tree after=.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.bench_timeline_wrk import WALK, settle, store_workers, wrk
from bench.serving import DRAW, lua_script, new_key, served


def one_round(tree: Path, db: str, args: argparse.Namespace, ids: list[str]) -> dict:
    os.environ["PYTHONPATH"] = str(tree)  # lmt serve and lmt keys run from ``tree``
    os.chdir(tree)  # ``python -m`` puts the working folder first on the path
    work = Path(tempfile.mkdtemp(prefix="lmt-bench-ab-"))
    try:
        key = new_key(db)
        warm = [f"/workers/{w}/timeline" for w in ids]
        walk = lua_script(work, "walk", WALK, warm, key)
        draw = lua_script(work, "draw", DRAW, warm, key)
        search = lua_script(work, "search", DRAW, [f"/workers?q={w}&limit=20" for w in ids], key)
        with served(db, "--workers", str(args.workers)) as (base, server):
            settle(server.pid, args.workers if args.workers > 1 else 0)
            wrk(base, walk, 20, max(3, args.seconds // 2), server.pid)  # read each once
            wrk(base, walk, 20, max(3, args.seconds // 2), server.pid)
            timeline = wrk(base, draw, 20, args.seconds, server.pid)
            found = wrk(base, search, 20, args.seconds, server.pid)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"timeline": timeline, "search": found}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="store folder (copied once per tree)")
    parser.add_argument("--tree", action="append", required=True, metavar="NAME=DIR")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--warm-set", type=int, default=5_000)
    args = parser.parse_args()
    trees = dict(t.split("=", 1) for t in args.tree)
    # ids with a "/" (a destination centre's DST-357/000075) are left out: code before
    # a8f9018 answered them 404 without reading, which would flatter it
    ids = [w[0] for w in store_workers(args.db) if "/" not in w[0]]
    ids = random.Random(1).sample(ids, min(args.warm_set, len(ids)))
    copies = {}
    for name in trees:
        copies[name] = f"{args.db.rstrip('/')}-{name}"
        if not Path(copies[name]).exists():
            subprocess.run(["cp", "-r", args.db, copies[name]], check=True)
    results: dict[str, list[dict]] = {name: [] for name in trees}
    for n in range(args.rounds):
        for name, tree in trees.items():
            print(f"round {n + 1} {name} load {os.getloadavg()}", flush=True)
            results[name].append(one_round(Path(tree).resolve(), copies[name], args, ids))
    print(
        "| code | run | round | requests/s | p50 | p99 | non-2xx | server CPU per request "
        "| load before |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, rounds in results.items():
        for kind in ("timeline", "search"):
            for n, found in enumerate(rounds, 1):
                f = found[kind]
                us = 1e6 * f["server_cpu"] / max(1, f["requests"])
                print(
                    f"| {name} | {kind} | {n} | {f['rps']:,.0f} | {f['p50']:.2f} ms "
                    f"| {f['p99']:.2f} ms | {f['non2xx']} | {us:.0f} us | {f['load']:.1f} |"
                )
    for kind in ("timeline", "search"):
        for name, rounds in results.items():
            rps = statistics.median(r[kind]["rps"] for r in rounds)
            us = statistics.median(
                1e6 * r[kind]["server_cpu"] / max(1, r[kind]["requests"]) for r in rounds
            )
            print(f"median {kind} {name}: {rps:,.0f} requests/s, {us:.0f} us CPU per request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
