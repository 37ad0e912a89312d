"""Time and memory of seasonal circuits at scale, read from the embedded store.

Target: 1,000,000 workers with about 10,000,000 moves in at most 60 s and at most
4 GiB on this 2-core machine, reading from LadybugDB included.

What is measured, in a fresh process per run so that nothing is warm but the disk cache:
open the store, ``circuits_from_store`` (read the six MOVED columns and the homes through
the storage port, merge trip reports, cut journeys, find circuits), close. Wall time, CPU
time (user + system: steadier than wall time when other work shares the machine) and peak
resident memory of that process (``ru_maxrss``, the LadybugDB buffer pool included).

Stores (built once in ``--work``, reused by later runs; building is reported, not judged):

* ``synth``: ``lmt synth --workers N --seed S`` ingested with ``lmt ingest``: the real
  thing. At 1,000,000 workers ``lmt synth`` writes about 7 million moves;
* ``random``: ``bench.random_moves`` written straight through the storage port: about
  10.8 million moves for 1,000,000 workers (five seasons each, 10% reported twice), to
  reach the target's 10 million moves.

    .venv/bin/python -m bench.bench_circuits --stores synth random --workers 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 60.0
TARGET_BYTES = 4 * 1024**3
SAMPLE_TODAY = dt.date(2026, 11, 23)


def measure(db: Path) -> dict:
    """One timed run in this process (called in a child process by ``main``)."""
    started, cpu = time.monotonic(), time.process_time()
    from analytics.circuits import circuits_from_store
    from tracker.stores.ladybug.store import LadybugStore

    store = LadybugStore(db)
    circuits = circuits_from_store(store)
    moves = store.counts()["edges"]["MOVED"]
    store.close()
    return {
        "seconds": time.monotonic() - started,
        "cpu_seconds": time.process_time() - cpu,
        "peak_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "circuits": len(circuits),
        "moves": moves,
    }


def build_synth(work: Path, workers: int, seed: int) -> dict:
    batch, db = work / "batch", work / "db"
    lmt = str(Path(sys.executable).with_name("lmt"))
    started = time.monotonic()
    subprocess.run(
        # --split-share 0: the batch measured before split registrations, byte for byte
        [
            lmt,
            "synth",
            "--workers",
            str(workers),
            "--seed",
            str(seed),
            "--split-share",
            "0",
            str(batch),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    made = time.monotonic() - started
    started = time.monotonic()
    env = {**os.environ, "LMT_TODAY": SAMPLE_TODAY.isoformat()}
    # setup only: at 1M workers ingestion filled the default 1 GiB buffer pool;
    # the timed runs use the default pool
    env.setdefault("LMT_BUFFER_POOL_MB", "6000")
    status = subprocess.run(
        # --no-link: with no split registrations each worker is one person; the linkage
        # is timed by bench_linkage
        [
            lmt,
            "ingest",
            "--db",
            str(db),
            str(batch),
            "--rejects",
            str(work / "rejects"),
            "--no-link",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    ).returncode
    if status not in (0, 2):  # 2: rows were rejected, as the batch plants them
        raise SystemExit(f"lmt ingest failed with status {status}")
    return {"synth_seconds": made, "ingest_seconds": time.monotonic() - started}


def build_random(work: Path, workers: int, seed: int) -> dict:
    from bench.random_moves import random_moves, workers_of
    from graph_schema import MOVED, Worker
    from tracker.stores.ladybug.store import LadybugStore

    started = time.monotonic()
    moves = random_moves(workers, seed)
    # setup only, as for the synth store: 10M random edges overfill the default pool's
    # post-commit checkpoint; the timed runs use the default pool
    store = LadybugStore(work / "db", buffer_pool_mb=6000)
    store.write_nodes(Worker, workers_of(moves))
    step = 1_000_000
    for start in range(0, len(moves), step):
        store.write_edges(MOVED, moves.iloc[start : start + step], moves.iloc[:0])
    store.close()
    return {"build_seconds": time.monotonic() - started}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--stores", nargs="+", choices=("synth", "random"), default=["synth", "random"]
    )
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=5, help="lmt synth seed (5)")
    parser.add_argument("--random-seed", type=int, default=0, help="random_moves seed (0)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp"), help="stores are built here")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-report", action="store_true", help="print, do not write docs")
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0

    parts = []
    for kind in args.stores:
        seed = args.seed if kind == "synth" else args.random_seed
        work = args.work / f"lmt-bench-circuits-{kind}-{args.workers}-{seed}"
        work.mkdir(parents=True, exist_ok=True)
        built: dict = {}
        if not (work / "db").exists():
            builder = build_synth if kind == "synth" else build_random
            built = builder(work, args.workers, seed)
            print(f"built {work / 'db'}: {built}", flush=True)
        runs = []
        for _ in range(args.runs):
            child = subprocess.run(
                [sys.executable, "-m", "bench.bench_circuits", "--measure", str(work / "db")],
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
            runs.append(json.loads(child.stdout.strip().splitlines()[-1]))
            print(kind, runs[-1], flush=True)
        parts.append(_table(kind, args.workers, seed, runs, built))
    if not args.no_report:
        from bench.report import write_section

        command = (
            f".venv/bin/python -m bench.bench_circuits --stores {' '.join(args.stores)} "
            f"--workers {args.workers} --seed {args.seed} --random-seed {args.random_seed} "
            f"--runs {args.runs}"
        )
        body = "\n\n".join([INTRO, *parts])
        write_section("circuits", "Seasonal circuits at scale", command, body)
    return 0


INTRO = (
    "Target: 1,000,000 workers with about 10,000,000 moves in at most 60 s and 4 GiB, "
    "reading from the embedded store included. Each run is a fresh process: open the "
    "LadybugDB store, `analytics.circuits.circuits_from_store` (reads the six MOVED columns "
    "and the homes through the storage port, merges trip reports, cuts journeys, finds "
    "circuits), close. Peak memory is the process's `ru_maxrss` (LadybugDB's buffer pool "
    "included); CPU time is user + system, steadier than wall time when other work shares "
    "the two cores."
)


def _table(kind: str, workers: int, seed: int, runs: list[dict], built: dict) -> str:
    worst_s = max(r["seconds"] for r in runs)
    worst_b = max(r["peak_bytes"] for r in runs)
    source = (
        "`lmt synth` batch ingested with `lmt ingest`"
        if kind == "synth"
        else "`bench.random_moves` written through the storage port"
    )
    lines = [
        f"**{kind}** store ({source}, seed {seed}): {workers:,} workers, "
        f"{runs[0]['moves']:,} moves, "
        f"{runs[0]['circuits']:,} circuits found.",
        "",
        "| run | wall s | CPU s | peak memory |",
        "| --- | ---: | ---: | ---: |",
    ]
    for i, r in enumerate(runs, 1):
        lines.append(
            f"| {i} | {r['seconds']:.1f} | {r['cpu_seconds']:.1f} | "
            f"{r['peak_bytes'] / 1024**3:.2f} GiB |"
        )
    verdict = "meets" if worst_s <= TARGET_SECONDS and worst_b <= TARGET_BYTES else "MISSES"
    lines += [
        "",
        f"Median wall time {statistics.median(r['seconds'] for r in runs):.1f} s, worst "
        f"{worst_s:.1f} s; worst peak {worst_b / 1024**3:.2f} GiB: {verdict} the target.",
    ]
    if built:
        lines.append(
            "Building the store (not part of the target), seconds: "
            + ", ".join(f"{k.removesuffix('_seconds')} {v:.0f}" for k, v in built.items())
            + "."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
