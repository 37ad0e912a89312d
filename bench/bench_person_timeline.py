"""Timelines per person: the person directory's memory and build time at scale, and the CPU
of a first (uncached) timeline read in the API's own process.

* ``--synthetic N``: a directory of N worker ids (a 35% share of persons registered twice,
  9% of those three times, as ``lmt synth`` plants them, and one review pair per 10
  registrations) built from tables (``PersonDirectory.from_tables``): its arrays' bytes,
  the Python heap it holds (tracemalloc), the build's CPU, and a lookup's.
* ``--db STORE``: ``api.state.ServiceState`` over the store with no timeline cache, then
  ``whole_timeline`` for ``--reads`` workers drawn at random (seed 1), each read once:
  CPU per read (process time) and the state's build time. Run it under the code to
  compare (``PYTHONPATH=/work/main`` for main's: the function names are the same).

Usage: python bench/bench_person_timeline.py --synthetic 1000000
       python bench/bench_person_timeline.py --db STORE --reads 2000
Figures go in docs/benchmarks.md ("person timelines") by hand, with the command.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path


def synthetic(n: int) -> None:
    import numpy as np
    import pandas as pd

    from tracker.identity.directory import PersonDirectory

    rng = np.random.default_rng(1)
    ids = [f"W{i:07d}" for i in range(n)]
    by_id = {w: i for i, w in enumerate(ids)}
    days = (np.datetime64("2018-01-01") + rng.integers(0, 3000, n)).astype("datetime64[D]")
    # persons: registrations in order, 35% of persons twice, 9% of those three times
    sizes: list[int] = []
    left = n
    while left > 0:
        size = 1 if rng.random() >= 0.35 else (3 if rng.random() < 0.09 else 2)
        sizes.append(min(size, left))
        left -= size
    person = np.repeat(np.arange(len(sizes)), sizes)
    links = pd.DataFrame({"worker_id": ids, "person_id": [f"P{p:07d}" for p in person]})
    pairs = n // 10
    review = pd.DataFrame(
        {
            "worker_id": [ids[i] for i in rng.integers(0, n, pairs)],
            "other_worker_id": [ids[i] for i in rng.integers(0, n, pairs)],
            "match_probability": rng.uniform(0.1, 0.4, pairs),
        }
    )
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    PersonDirectory.from_tables(ids, by_id, days, links, review)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    gc.collect()
    tracemalloc.start()  # once more for the memory: tracemalloc slows the build
    directory = PersonDirectory.from_tables(ids, by_id, days, links, review)
    del links, review
    gc.collect()
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    sample = random.Random(1).sample(ids, 100_000)
    start = time.process_time()
    for worker in sample:
        directory.of(worker)
    lookup = (time.process_time() - start) / len(sample)
    print(
        f"synthetic: {n:,} worker ids, {len(sizes):,} persons, {pairs:,} review pairs\n"
        f"build: {wall:.2f} s wall, {cpu:.2f} s CPU; arrays {directory.nbytes() / 2**20:.1f} MiB; "
        f"held after the build {held / 2**20:.1f} MiB, peak during it {peak / 2**20:.1f} MiB "
        f"(tracemalloc: the peak of what the build made; the ids and by_id are the search "
        f"index's)\n"
        f"lookup (PersonDirectory.of): {lookup * 1e6:.1f} us CPU"
    )


def first_reads(db: str, reads: int) -> None:
    from api.state import ServiceState
    from tracker.access import AccessDB
    from tracker.stores.ladybug.store import LadybugStore

    store = LadybugStore(db, buffer_pool_mb=1024)
    folder = Path(tempfile.mkdtemp(prefix="lmt-bench-person-"))
    cpu, wall = time.process_time(), time.perf_counter()
    state = ServiceState(store, AccessDB(folder / "access.sqlite3"), 0)
    built_cpu, built = time.process_time() - cpu, time.perf_counter() - wall
    ids = list(state.current.workers.ids)
    sample = random.Random(1).sample(ids, min(reads, len(ids)))
    persons = getattr(state.current, "persons", None)  # None: code from before persons
    events = 0
    spent: dict[bool, list[float]] = {False: [], True: []}  # by: several ids?
    cpu, wall = time.process_time(), time.perf_counter()
    for worker in sample:
        one = time.process_time()
        found = state.whole_timeline(worker)
        several = persons is not None and len(persons.of(worker).worker_ids) > 1
        spent[several].append(time.process_time() - one)
        events += found.total if found else 0
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    mean = {k: sum(v) / len(v) * 1e6 if v else 0.0 for k, v in spent.items()}
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(
        f"store: {len(ids):,} worker ids; state built in {built:.1f} s wall, "
        f"{built_cpu:.1f} s CPU; peak RSS {rss:.2f} GiB\n"
        f"{len(sample):,} first reads ({len(spent[True]):,} of a person with two or more ids, "
        f"{events / len(sample):.1f} events each): {cpu / len(sample) * 1e6:.0f} us CPU, "
        f"{wall / len(sample) * 1e6:.0f} us wall per read; one id {mean[False]:.0f} us CPU, "
        f"two or more {mean[True]:.0f} us CPU"
    )
    state.close()
    store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--synthetic", type=int, help="worker ids of a made-up directory")
    parser.add_argument("--db", help="a store folder (first reads through ServiceState)")
    parser.add_argument("--reads", type=int, default=2000)
    args = parser.parse_args()
    if args.synthetic:
        synthetic(args.synthetic)
    if args.db:
        first_reads(args.db, args.reads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
