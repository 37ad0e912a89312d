"""Circuits against answer keys: the sample batch and fresh `lmt synth` batches.

Each batch is ingested into a new LadybugDB store (the real path), circuits are found with
``circuits_from_store`` and scored with ``analytics.circuit_scores.score``: precision and
recall on (worker_id, origin, destination), and the share of matched rows whose departure
and return months are right within a month. Unseen batches made like the sample judge the
method, so the figures for seeds other than the sample's matter most.

    .venv/bin/python -m bench.circuits_quality --workers 20000 --seeds 11 12 13
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "sample"
TODAY = dt.date(2026, 11, 23)


def score_batch(batch: Path, work: Path, link: bool = False) -> dict:
    """Ingest ``batch`` into a new store under ``work`` and score its circuits; ``link``:
    link registrations into persons first, as ``lmt ingest`` does (circuits per person)."""
    from analytics.circuit_scores import score
    from analytics.circuits import circuits_from_store
    from tracker.identity import link as link_persons
    from tracker.ingest import ingest_folder
    from tracker.stores.ladybug.store import LadybugStore

    store = LadybugStore(work / "db", buffer_pool_mb=512)
    try:
        ingest_folder(store, batch, rejects_dir=work / "rejects", today=TODAY)
        if link:
            link_persons(store)
        found = circuits_from_store(store)
    finally:
        store.close()
    key = pd.read_csv(batch / "answers" / "circuits.csv", dtype={"worker_id": "str"})
    return score(found, key)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=20_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 12, 13])
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args(argv)

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "sample"
        work.mkdir()
        rows.append(("sample (2,000 workers, seed 7)", score_batch(SAMPLE, work)))
        print(rows[-1], flush=True)
        lmt = str(Path(sys.executable).with_name("lmt"))
        for seed in args.seeds:
            work = Path(tmp) / f"seed{seed}"
            batch = work / "batch"
            size = ["--workers", str(args.workers), "--seed", str(seed)]
            subprocess.run(
                [lmt, "synth", *size, "--split-share", "0", str(batch)],  # no linkage needed
                check=True,
                stdout=subprocess.DEVNULL,
            )
            rows.append(
                (f"`lmt synth` {args.workers:,} workers, seed {seed}", score_batch(batch, work))
            )
            print(rows[-1], flush=True)
    if not args.no_report:
        from bench.report import write_section

        lines = [
            "Found circuits against each batch's `answers/circuits.csv` (match on worker, "
            "origin and destination; one row per worker and circuit). The target is "
            "precision and recall >= 0.99 and months right within a month in >= 95% of "
            "matched rows.",
            "",
            "| batch | key rows | found | precision | recall | depart month ok | "
            "return month ok | seasons equal |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, s in rows:
            lines.append(
                f"| {name} | {s['key']:,} | {s['found']:,} | {s['precision']:.4f} | "
                f"{s['recall']:.4f} | {s['depart_ok']:.1%} | {s['return_ok']:.1%} | "
                f"{s['seasons_equal']:.1%} |"
            )
        command = (
            f".venv/bin/python -m bench.circuits_quality --workers {args.workers} "
            f"--seeds {' '.join(map(str, args.seeds))}"
        )
        write_section("circuits-quality", "Seasonal circuits: quality", command, "\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
