"""Journey typologies against the planted behaviours of fresh `lmt synth` batches.

Each batch (``lmt synth --workers N --seed S``, N the sample's size as in the test
``test_typology_recovers_the_planted_behaviours``) is ingested into a new LadybugDB store
(the real path), its journey index built with ``tables_from_store`` and ``build_index`` (as
the API and ``lmt journeys`` do), and every person given one of K types by
``analytics.journeys.typology.typology``, K the number of behaviours planted
(``answers/behaviours.csv``). Scored with the adjusted Rand index of types against
behaviours (issue 17 asks >= 0.6), and the table of types against behaviours (persons).
A person's behaviour is that of their first registered worker id.

    .venv/bin/python -m bench.journeys_quality --seeds 1 2 3 4 5 --distances om hamming
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.journeys.index import JourneyIndex

WORKERS = 2000
"""The sample's size (tests/data/sample), as the test uses."""


def planted_journeys(work: Path, workers: int, seed: int) -> tuple[JourneyIndex, pd.Series]:
    """A fresh ``lmt synth`` batch ingested into a new store under ``work``: its journey
    index, and the planted behaviour of each worker id (``answers/behaviours.csv``)."""
    from analytics.journeys.index import build_index
    from analytics.journeys.tables import tables_from_store
    from synth import generate
    from tracker.ingest import ingest_folder
    from tracker.stores.ladybug.store import LadybugStore

    batch = work / "batch"
    generate(batch, workers, seed, split_share=0.0)  # one worker id per person: no linkage
    store = LadybugStore(work / "db", buffer_pool_mb=256)
    try:
        ingest_folder(store, batch, rejects_dir=work / "rejects")
        index = build_index(tables_from_store(store))
    finally:
        store.close()
    key = pd.read_csv(batch / "answers" / "behaviours.csv").set_index("worker_id")["behaviour"]
    return index, key


def score_seed(seed: int, workers: int, distances: list[str], work: Path) -> list[dict]:
    from analytics.journeys import typology

    index, key = planted_journeys(work, workers, seed)
    behaviour = key.reindex(index.first_worker).to_numpy()
    k = key.nunique()
    rows = []
    for distance in distances:
        started, cpu = time.monotonic(), time.process_time()
        result = typology.typology(index, np.arange(index.persons), k, distance)
        rows.append(
            {
                "seed": seed,
                "distance": distance,
                "persons": index.persons,
                "k": k,
                "ari": typology.adjusted_rand_index(result.types, behaviour),
                "seconds": time.monotonic() - started,
                "cpu_seconds": time.process_time() - cpu,
                "table": pd.crosstab(
                    pd.Series(result.types, name="type"),
                    pd.Series(behaviour, name="behaviour"),
                ),
                "descriptions": result.descriptions,
            }
        )
    return rows


def _table_md(table: pd.DataFrame, descriptions: list[str]) -> str:
    columns = list(table.columns)
    lines = [
        "| type | " + " | ".join(c.replace("_", " ") for c in columns) + " | medoid |",
        "| ---: | " + " | ".join("---:" for _ in columns) + " | --- |",
    ]
    for t, row in table.iterrows():
        medoid = descriptions[int(t) - 1].split("typical pattern ")[-1]
        lines.append(f"| {t} | " + " | ".join(str(int(v)) for v in row) + f" | {medoid} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--distances", nargs="+", choices=("om", "hamming"), default=["om"])
    parser.add_argument("--no-report", action="store_true", help="print, do not write docs")
    args = parser.parse_args(argv)

    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            work = Path(tmp) / f"seed{seed}"
            work.mkdir()
            for row in score_seed(seed, args.workers, args.distances, work):
                rows.append(row)
                print(
                    f"seed {seed} {row['distance']}: ARI {row['ari']:.3f} "
                    f"({row['persons']} persons, {row['seconds']:.1f} s)",
                    flush=True,
                )
                print(row["table"].to_string(), flush=True)
    if args.no_report:
        return 0
    from bench.report import write_section

    lines = [
        f"Issue 17: on `lmt synth` batches of the sample's size ({args.workers:,} workers), "
        "the typology with as many types as behaviours (7) recovers the planted behaviours "
        "(`answers/behaviours.csv`) with an adjusted Rand index (ARI) >= 0.6. Each batch is "
        "ingested into a fresh LadybugDB store, the journey index built from it as the API "
        "and `lmt journeys` do, and `analytics.journeys.typology.typology` run over every "
        "person (defaults: 24 months from the first departure, the documented costs).",
        "",
        "| seed | distance | persons | ARI | wall s | CPU s | >= 0.6 |",
        "| ---: | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['seed']} | {r['distance']} | {r['persons']:,} | {r['ari']:.3f} | "
            f"{r['seconds']:.1f} | {r['cpu_seconds']:.1f} | "
            f"{'yes' if r['ari'] >= 0.6 else 'NO'} |"
        )
    for distance in args.distances:
        found = [r["ari"] for r in rows if r["distance"] == distance]
        lines += ["", f"{distance}: ARI from {min(found):.3f} to {max(found):.3f}."]
    lines += [
        "",
        "Types against behaviours (persons; types numbered by share, largest first; the "
        "medoid's spells from the first departure):",
    ]
    for r in rows:
        lines += [
            "",
            f"Seed {r['seed']}, {r['distance']} (ARI {r['ari']:.3f}):",
            "",
            _table_md(r["table"], r["descriptions"]),
        ]
    command = (
        f".venv/bin/python -m bench.journeys_quality --workers {args.workers} "
        f"--seeds {' '.join(map(str, args.seeds))} --distances {' '.join(args.distances)}"
    )
    write_section("journeys-quality", "Journey typologies: quality (issue 17)", command,
                  "\n".join(lines))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
