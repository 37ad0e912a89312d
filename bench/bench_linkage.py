"""Linking registrations into persons at scale: from scratch, then a batch of new ones.

On a copy of an ingested store (``--db``; e.g. ``lmt synth --workers 1000000`` ingested),
each step runs in its own process under ``/usr/bin/time -v`` (wall, user + system CPU,
peak resident memory):

1. ``link(store)`` from scratch (the copy's persons, pairs and model removed first): train
   the model, block, compare, cluster, write persons.
2. ``--new`` registrations, drawn at random, lose their person (their ``IS_PERSON`` edges
   are removed), so that they are new to the store; then ``link(store)`` again, as ingestion
   runs it after a batch: only they are blocked against the store and placed. The share of
   the other registrations whose person id did not change is reported (the issue asks all
   but the persons the batch merged). The first step kept the matcher's tables beside the
   store (``tracker.identity.cache``), so this one reads only what the batch touches.
3. With ``--check-cache``: step 2 again on a copy without the cache (the whole store read
   and keyed again); the persons must be the same.

The store is opened with the pool ``lmt persons`` reads with (``READ_BUFFER_POOL_MB``,
1 GiB) unless ``--pool-mb`` says otherwise (``lmt ingest`` links with its import pool,
``import_buffer_pool_mb``: LadybugDB keeps the pages it read, so the peak grows with it).

Targets (issue 12): from scratch <= 3 min and <= 6 GiB for 1,000,000 registrations; the
batch of 10,000 <= 20 s.

    .venv/bin/python -m bench.bench_linkage --db STORE --new 10000
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from bench.bench_ingest import timed
from bench.report import write_section


def _link_step(db: Path, pool_mb: int) -> None:
    from tracker.identity import link
    from tracker.stores.ladybug import LadybugStore

    store = LadybugStore(db, buffer_pool_mb=pool_mb)
    try:
        report = link(store)
    finally:
        store.close()
    print(json.dumps({k: v for k, v in report.__dict__.items()}))


def _persons_after(db: Path) -> None:
    """The persons a step left, read in a process of their own (not timed with the step)."""
    from graph_schema import IS_PERSON
    from tracker.stores.ladybug import LadybugStore

    store = LadybugStore(db, read_only=True)
    try:
        persons = store.edge_table(IS_PERSON)[["worker_id", "person_id"]]
    finally:
        store.close()
    persons.to_csv(db.parent / "persons-after.csv", index=False)


def _unlink(db: Path) -> None:
    """Make the copy a store never linked: no persons, pairs or model (``lmt ingest``
    links after importing; a Person node stays, as merged-away ones do)."""
    from graph_schema import IS_PERSON, MATCHES
    from tracker.identity import linkage
    from tracker.stores.ladybug import LadybugStore, import_buffer_pool_mb

    store = LadybugStore(db, buffer_pool_mb=import_buffer_pool_mb())
    try:
        for rel, key in ((IS_PERSON, ["worker_id"]), (MATCHES, ["worker_id", "pair_id"])):
            held = store.edge_table(rel)
            store.write_edges(rel, held.iloc[:0], remove=held[key])
        for setting in (
            linkage.MODEL_SETTING,
            linkage.TOKENS_SETTING,
            linkage.NEXT_PERSON_SETTING,
            linkage.DECISIONS_SEEN_SETTING,
        ):
            store.put_setting(setting, "")
    finally:
        store.close()


def _forget(db: Path, count: int, seed: int, rewrite: bool = False) -> list[str]:
    """Remove the person of ``count`` random registrations: they are new to the store.
    ``rewrite``: also write their worker records, moves and employments again, as a batch
    that brought them would (the cache must then read them from the store)."""
    from graph_schema import EMPLOYED_BY, IS_PERSON, MOVED, Worker
    from tracker.stores.ladybug.store import LadybugStore

    store = LadybugStore(db)
    try:
        edges = store.edge_table(IS_PERSON)
        rng = np.random.default_rng(seed)
        chosen = edges.iloc[np.sort(rng.choice(len(edges), count, replace=False))]
        store.write_edges(IS_PERSON, chosen.iloc[:0], remove=chosen[["worker_id"]])
        ids = chosen["worker_id"].tolist()
        if rewrite:
            store.write_nodes(Worker, store.node_table(Worker, ids))
            for rel in (MOVED, EMPLOYED_BY):
                held = store.edges_from(rel, ids)
                store.write_edges(rel, held, remove=held[["worker_id", "record_id"]])
    finally:
        store.close()
    return ids


def _run(db: Path, pool_mb: int) -> tuple[dict, dict]:
    done, figures = timed(
        [
            *("nice", "-n", "5"),
            *(sys.executable, "-m", "bench.bench_linkage", "--step", str(db)),
            *("--pool-mb", str(pool_mb)),
        ]
    )
    if done.returncode != 0:
        raise SystemExit(f"link failed ({done.returncode}):\n{done.stderr[-3000:]}")
    subprocess.run(
        [sys.executable, "-m", "bench.bench_linkage", "--persons-of", str(db)], check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1]), figures


def _stages(report: dict) -> str:
    peaks, cpu = report.get("peaks", {}), report.get("cpu", {})
    return ", ".join(
        f"{k} {v:.1f} s"
        + (f" / {cpu[k]:.1f} s CPU" if k in cpu else "")
        + (f" ({peaks[k]:.1f} GiB)" if k in peaks else "")
        for k, v in report["timings"].items()
    )


def _row(step: str, report: dict, figures: dict) -> str:
    stages = _stages(report)
    if not report["trained"]:
        stages += f"; matcher {report['matcher']}"
    return (
        f"| {step} | {report['registrations']:,} | {report['new_registrations']:,} | "
        f"{report['candidate_pairs']:,} | {report['persons']:,} | {figures['seconds']:.0f} s | "
        f"{figures['cpu_seconds']:.0f} s | {report['seconds']:.0f} s | "
        f"{figures['peak_gib']:.2f} GiB | "
        f"{figures['load_before']:.1f} | {stages} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an ingested store (copied, not changed)")
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--no-report", action="store_true")
    parser.add_argument("--pool-mb", type=int, default=None, help="default: the read pool")
    parser.add_argument("--check-cache", action="store_true")
    parser.add_argument(
        "--rewrite", action="store_true", help="write the batch's records again (see _forget)"
    )
    parser.add_argument("--step", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--persons-of", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    from tracker.stores.ladybug import READ_BUFFER_POOL_MB

    pool_mb = args.pool_mb or READ_BUFFER_POOL_MB
    if args.step:
        _link_step(args.step, pool_mb)
        return
    if args.persons_of:
        _persons_after(args.persons_of)
        return
    import pandas as pd

    from tracker.identity.cache import FOLDER

    work = Path(args.work or tempfile.mkdtemp(prefix="lmt-linkage-"))
    db = work / "db"
    shutil.rmtree(db, ignore_errors=True)
    shutil.copytree(args.db, db, ignore=shutil.ignore_patterns(FOLDER))
    _unlink(db)
    full, full_figures = _run(db, pool_mb)
    before = pd.read_csv(work / "persons-after.csv", dtype=str)
    forgotten = set(_forget(db, args.new, args.seed, args.rewrite))
    if args.check_cache:
        uncached = work / "uncached" / "db"
        shutil.rmtree(uncached.parent, ignore_errors=True)
        shutil.copytree(db, uncached, ignore=shutil.ignore_patterns(FOLDER))
    added, added_figures = _run(db, pool_mb)
    after = pd.read_csv(work / "persons-after.csv", dtype=str)
    checked = ""
    if args.check_cache:
        alone, alone_figures = _run(uncached, pool_mb)
        again = pd.read_csv(uncached.parent / "persons-after.csv", dtype=str)
        same = after.sort_values("worker_id", ignore_index=True).equals(
            again.sort_values("worker_id", ignore_index=True)
        )
        checked = (
            f"The same batch linked without the cache (the store read and keyed whole): "
            f"{alone_figures['seconds']:.0f} s wall, {alone_figures['cpu_seconds']:.0f} s CPU, "
            f"{alone_figures['peak_gib']:.2f} GiB ({_stages(alone)}); persons "
            f"{'the same' if same else 'DIFFERENT'} for all {len(after):,} registrations."
        )
    kept = before[~before["worker_id"].isin(forgotten)].merge(
        after, on="worker_id", suffixes=("", "_after")
    )
    unchanged = float((kept["person_id"] == kept["person_id_after"]).mean())
    merged = int(kept.loc[kept["person_id"] != kept["person_id_after"], "person_id"].nunique())
    text = "\n".join(
        [
            "| step | registrations | new | candidate pairs | persons | wall | CPU "
            "| in link() | peak | load before | stages (wall / CPU) |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
            _row("from scratch", full, full_figures),
            _row(
                f"+{args.new:,} new{' (rewritten)' if args.rewrite else ''}", added, added_figures
            ),
            "",
            f"After the batch, {unchanged:.4%} of the other registrations kept their person id "
            f"({merged:,} persons changed: merged by the batch's evidence).",
            *([checked] if checked else []),
            f"Pool: {pool_mb:,} MiB.",
        ]
    )
    print(text)
    if not args.no_report:
        write_section(
            "linkage",
            "Linking registrations into persons at scale (issue 12)",
            f"python -m bench.bench_linkage --db STORE --new {args.new}"
            + (" --check-cache" if args.check_cache else "")
            + (" --rewrite" if args.rewrite else "")
            + (f" --pool-mb {args.pool_mb}" if args.pool_mb else ""),
            text,
        )


if __name__ == "__main__":
    main()
