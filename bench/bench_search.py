"""What a worker search costs in the service's own code, query by query, at scale.

The wrk benchmark (``bench.bench_timeline_wrk``) measures searches through the server, where
HTTP, keys and the audit share the CPU with other work on the machine; this one measures
``tracker.search.WorkerIndex`` alone, in one process: the index built from the workers
table (wall, CPU, memory), then each query's CPU time (``time.process_time``, steadier than
wall time on a shared machine) for the four kinds the wrk benchmark sends: a spelling
variant of a worker's name (``name_variant``: ee/i, oo/u, v/b), a phone, an e-Shram number,
a worker id; and the name variants once more, after their words have been read once (the
index keeps a word's rows: ``tracker.search.WorkerIndex._word_rows``). Each query is drawn
from a random worker, and the benchmark also reports how often that worker is on the first
page (20 hits): the speed must not cost the finding.

Targets (issue 16, through the server): search at 1M workers p50 <= 20 ms, p99 <= 100 ms.

    .venv/bin/python -m bench.bench_search --db STORE [--queries 500]
    .venv/bin/python -m bench.bench_search --batch BATCH_DIR   # workers.csv, no store
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.bench_timeline_wrk import name_variant
from bench.report import write_section

PAGE = 20
COLUMNS = ["worker_id", "name", "phone", "eshram_uan", "gender", "birth_year", "registered_on"]


def workers_table(db: str | None, batch: str | None) -> pd.DataFrame:
    if db:
        from graph_schema import Worker
        from tracker.stores.ladybug.store import LadybugStore

        store = LadybugStore(db, read_only=True)
        try:
            return store.node_table(Worker)
        finally:
            store.close()
    assert batch is not None
    table = pd.read_csv(
        Path(batch) / "workers.csv", dtype=str, keep_default_na=False, on_bad_lines="skip"
    )
    table = table.replace("", None)
    table["birth_year"] = pd.to_numeric(table["birth_year"], errors="coerce").astype("Int64")
    return table[[c for c in COLUMNS if c in table.columns]]


def measure(table: pd.DataFrame, queries: int, seed: int) -> dict:
    from tracker.search import WorkerIndex

    wall, cpu = time.monotonic(), time.process_time()
    index = WorkerIndex.from_table(table)
    built = {"wall": time.monotonic() - wall, "cpu": time.process_time() - cpu}
    rng = random.Random(seed)
    rows = [rng.randrange(len(index)) for _ in range(queries * 3)]
    variants = [(name_variant(index.names[r]), r) for r in rows if index.names[r]]
    asked = {
        "name variant": variants,
        # the same queries again: their words' rows are kept by the index once read
        "name variant, asked again": variants,
        "phone": [(index.workers["phone"].iloc[r], r) for r in rows],
        "e-Shram number": [(index.workers["eshram_uan"].iloc[r], r) for r in rows],
        "worker id": [(index.ids[r], r) for r in rows],
    }
    kinds: dict[str, dict] = {}
    out = {"workers": len(index), "build": built, "peak_gib": _peak_gib(), "kinds": kinds}
    for kind, pairs in asked.items():
        pairs = [(q, r) for q, r in pairs if isinstance(q, str) and q][:queries]
        times, found = [], 0
        for query, row in pairs:
            start = time.process_time()
            _total, hits = index.search(query, limit=PAGE)
            times.append(time.process_time() - start)
            found += any(h.worker_id == index.ids[row] for h in hits)
        ms = np.array(times) * 1000
        kinds[kind] = {
            "queries": len(pairs),
            "p50_ms": float(np.percentile(ms, 50)),
            "p99_ms": float(np.percentile(ms, 99)),
            "mean_ms": float(ms.mean()),
            "found": found / max(1, len(pairs)),
        }
        print(kind, kinds[kind], flush=True)
    return out


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def body(found: dict, label: str) -> str:
    lines = [
        f"Workers: {found['workers']:,} ({label}). Index built in {found['build']['wall']:.1f} s "
        f"wall, {found['build']['cpu']:.1f} s CPU; peak memory of the process "
        f"{found['peak_gib']:.2f} GiB.",
        "",
        "| query | queries | CPU p50 | CPU p99 | CPU mean | the worker on the first page |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, x in found["kinds"].items():
        lines.append(
            f"| {kind} | {x['queries']:,} | {x['p50_ms']:.2f} ms | {x['p99_ms']:.2f} ms "
            f"| {x['mean_ms']:.2f} ms | {x['found']:.1%} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--db", help="an embedded store (opened read-only)")
    source.add_argument("--batch", help="a batch folder: its workers.csv")
    parser.add_argument("--queries", type=int, default=500, help="queries of each kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--label", default="", help="what the workers are, for the report")
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    found = measure(workers_table(args.db, args.batch), args.queries, args.seed)
    text = body(found, args.label or (args.db or args.batch))
    print(text)
    if not args.no_report:
        source_option = f"--db {args.db}" if args.db else f"--batch {args.batch}"
        command = f"python -m bench.bench_search {source_option} --queries {args.queries}"
        write_section("search", "Worker search in the index, query by query", command, text)


if __name__ == "__main__":
    main()
