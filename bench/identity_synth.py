"""Linking registrations into persons on fresh `lmt synth` batches with split registrations.

    .venv/bin/python -m bench.identity_synth --workers 2000 20000 --seeds 1 2 3

Each batch (``lmt synth --workers N --seed S``: the identity sample's share of persons
registered again, and its look-alikes) is ingested into a new LadybugDB store and linked
as ``lmt ingest`` does (``tracker.identity.link``), then scored with
``tracker.identity.quality.pairwise`` against its ``answers/persons.csv``; beside it the
naive baselines of ``bench.identity_baselines``. Prints one markdown row per batch (the
figures in docs/benchmarks.md, "Linking registrations into persons").
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import pandas as pd

TODAY = dt.date(2026, 11, 1)


def link_batch(batch: Path, work: Path) -> tuple[pd.DataFrame, float, float]:
    """The persons ``lmt ingest`` finds in ``batch``, with the linkage's wall and CPU seconds."""
    from tracker.identity import link, persons
    from tracker.ingest import ingest_folder
    from tracker.stores.ladybug.store import LadybugStore

    store = LadybugStore(work / "db", buffer_pool_mb=512)
    try:
        ingest_folder(store, batch, rejects_dir=work / "rejects", today=TODAY)
        wall, cpu = time.perf_counter(), time.process_time()
        link(store)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        return persons(store), wall, cpu
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    from bench.identity_baselines import baselines
    from synth import generate
    from tracker.identity.quality import pairwise

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args(argv)
    print(
        "| batch | registrations | precision | recall | exact name + birth year + district "
        "(P / R) | exact e-Shram (P / R) | linkage wall / CPU s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for workers in args.workers:
        for seed in args.seeds:
            with tempfile.TemporaryDirectory() as tmp:
                batch = Path(tmp) / "batch"
                generate(batch, workers, seed)
                found, wall, cpu = link_batch(batch, Path(tmp))
                truth = pd.read_csv(batch / "answers" / "persons.csv", dtype=str)
                precision, recall = pairwise(found, truth)
                naive = baselines(batch)
                name = naive["exact name + birth year + home district"]
                eshram = naive["exact e-Shram number"]
            print(
                f"| `lmt synth --workers {workers} --seed {seed}` | {len(truth):,} | "
                f"{precision:.3f} | {recall:.3f} | {name[0]:.3f} / {name[1]:.3f} | "
                f"{eshram[0]:.3f} / {eshram[1]:.3f} | {wall:.1f} / {cpu:.1f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
