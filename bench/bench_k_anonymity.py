"""How many workers a researcher could single out from what their profile shows.

Target (privacy issue, finding 2): on a 100,000-worker `lmt synth` batch, the share of
workers whose researcher-visible quasi-identifiers are shared by at least 5 workers is at
least 99%, generalising further until it is met.

The quasi-identifiers are what a researcher key sees of a worker's profile (gender, birth
band, home district, kind of registering centre, registration year; ``tracker.access.
disclosure.QUASI_LEVELS``). For each fixed generalisation (every worker shown the same way)
the benchmark reports the share of workers in a class of 5 or more; then the local recoding
the API applies (``k_anonymous_levels``: each worker at the finest level where 5 or more
workers are shown alike), with the share of workers shown at each level.

Only the three files the profile reads from (centres, households, workers) are imported,
into a fresh embedded store, with `tracker.profile.quasi_identifiers` reading them back as
the API does.

Usage: python -m bench.bench_k_anonymity [--workers 100000] [--work DIR]
Writes the "k-anonymity" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np

from bench.bench_ingest import TODAY, batch_for, lmt
from bench.report import write_section
from graph_schema import REGISTERED_AT, Worker
from tracker.access.disclosure import (
    QUASI_LEVELS,
    SUPPRESS_BELOW,
    class_sizes,
    k_anonymous_levels,
    level_codes,
)
from tracker.catalog import Catalog
from tracker.profile import quasi_identifiers
from tracker.stores.ladybug.store import LadybugStore

TARGET = 0.99
FILES = ("centres.csv", "households.csv", "workers.csv")
FIXED = (
    ("exact registration day and centre", ("gender", "birth_years", "home_district_code",
                                           "registered_at", "registered_on")),
    ("registration month, centre kind", ("gender", "birth_years", "home_district_code",
                                         "centre_kind", "registered_month")),
    *((f"level {i}: {', '.join(c) or 'nothing'}", c) for i, c in enumerate(QUASI_LEVELS)),
)  # fmt: skip


def store_for(workers: int, work: Path) -> Path:
    batch = batch_for(workers, work)
    profiles = work / f"profiles-{workers}"
    db = work / f"profiles-store-{workers}"
    if not db.exists():
        profiles.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            shutil.copy(batch / name, profiles / name)
        subprocess.run(lmt("ingest", str(profiles), "--db", str(db), "--today", TODAY), check=True)
    return db


def measure(db: Path) -> dict:
    """The shares of the module docstring, and the time the local recoding takes."""
    with LadybugStore(db, read_only=True) as store:
        catalog = Catalog.load(store)
        table = quasi_identifiers(store, catalog)
        exact = store.node_table(Worker).set_index("worker_id")["registered_on"]
        centres = store.edge_table(REGISTERED_AT).set_index("worker_id")["registered_at"]
    days = exact.reindex(table.index).astype(str)
    detail = table.assign(
        registered_on=days,
        registered_month=days.str[:7],
        registered_at=centres.reindex(table.index),
    )
    fixed = []
    for label, columns in FIXED:
        codes = (
            detail.groupby(list(columns), dropna=False, sort=False).ngroup().to_numpy()
            if columns
            else np.zeros(len(detail), np.int64)
        )
        sizes = class_sizes(codes[None, :], np.zeros(len(detail), np.int64))
        fixed.append((label, float((sizes >= SUPPRESS_BELOW).mean())))
    started, cpu = time.perf_counter(), time.process_time()
    levels = k_anonymous_levels(table)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    sizes = class_sizes(level_codes(table), levels)
    return {
        "workers": len(table),
        "fixed": fixed,
        "recoded": float((sizes >= SUPPRESS_BELOW).mean()),
        "by_level": [float((levels == i).mean()) for i in range(len(QUASI_LEVELS))],
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
    }


def body(found: dict) -> str:
    lines = [
        f"{found['workers']:,} workers. Share of workers in a class of {SUPPRESS_BELOW} or more "
        "(workers shown with the same values):",
        "",
        "| what a researcher sees of every worker | share with k >= 5 |",
        "| --- | ---: |",
    ]
    lines += [f"| {label} | {share:.2%} |" for label, share in found["fixed"]]
    ok = found["recoded"] >= TARGET
    lines += [
        "",
        f"Local recoding as the API applies it (each worker at the finest level where at "
        f"least {SUPPRESS_BELOW} workers are shown alike): **{found['recoded']:.2%}** of "
        f"workers in a class of {SUPPRESS_BELOW} or more (target >= {TARGET:.0%}: "
        f"{'met' if ok else 'MISSED'}), computed in {found['seconds']:.2f} s "
        f"({found['cpu_seconds']:.2f} s CPU). Workers shown at each level:",
        "",
        "| level | columns shown | share of workers |",
        "| ---: | --- | ---: |",
    ]
    lines += [
        f"| {i} | {', '.join(QUASI_LEVELS[i]) or 'nothing'} | {share:.2%} |"
        for i, share in enumerate(found["by_level"])
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/lmt-bench"))
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    found = measure(store_for(args.workers, args.work))
    text = body(found)
    print(text)
    if not args.no_report:
        command = f"python -m bench.bench_k_anonymity --workers {args.workers}"
        write_section("k-anonymity", "Researchers' quasi-identifiers: k-anonymity", command, text)


if __name__ == "__main__":
    main()
