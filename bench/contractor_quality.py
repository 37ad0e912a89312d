"""Contractor flags against answer keys: the sample and a few ``lmt synth`` batches.

    .venv/bin/python -m bench.contractor_quality [--workers N] [--seeds 1 2 3] [--no-report]

Each batch goes the way a real one would: ``lmt synth`` writes it, ``tracker.ingest``
imports it into a fresh LadybugDB store, ``contractor_risk_from_store`` scores it; the flags
are compared with ``answers/contractors.csv``. Beside the score, the table shows what
counting complainants alone would give (flag at 2 or more different complainants, and at
3 or more), which falls short on batches with harder cases. Writes the
"contractor-quality" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

import pandas as pd

from analytics.contractor_risk import contractor_risk_from_store
from analytics.flag_quality import FlagQuality, flag_quality
from bench.report import write_section
from tracker.identity import link as link_persons
from tracker.ingest import ingest_folder
from tracker.stores.ladybug.store import LadybugStore

SAMPLE = Path(__file__).resolve().parent.parent / "tests" / "data" / "sample"
TODAY = dt.date(2026, 11, 23)


def measure(
    batch: Path, work: Path, link: bool = False
) -> tuple[FlagQuality, dict[int, FlagQuality], dict]:
    """Quality of the flags on one batch, of complainant counting, and pattern counts;
    ``link``: link registrations into persons first, as ``lmt ingest`` does (complainants
    and placed workers counted as persons)."""
    store = LadybugStore(work / "db", buffer_pool_mb=512)
    try:
        ingest_folder(store, batch, rejects_dir=work / "rejects", today=TODAY)
        if link:
            link_persons(store)
        risk = contractor_risk_from_store(store)
    finally:
        store.close()
    key = pd.read_csv(batch / "answers" / "contractors.csv")
    counting = {
        n: flag_quality(risk.assign(flagged=risk["complainants"] >= n), key) for n in (2, 3)
    }
    found = risk.merge(key, on="contractor_id")
    missed = found[~found["flagged"] & found["exploitative"].astype(str).str.lower().eq("true")]
    wrong = found[found["flagged"] & ~found["exploitative"].astype(str).str.lower().eq("true")]
    notes = {
        "missed": missed["pattern"].value_counts().to_dict(),
        "wrongly flagged": wrong["pattern"].value_counts().to_dict(),
    }
    return flag_quality(risk, key), counting, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--no-report", action="store_true", help="do not write benchmarks.md")
    args = parser.parse_args(argv)

    from lmt.cli import main as lmt

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        batches = [("sample", SAMPLE)]
        for seed in args.seeds:
            out = Path(tmp) / f"synth-{seed}"
            size = ["synth", "--workers", str(args.workers), "--seed", str(seed)]
            if lmt([*size, "--split-share", "0", str(out)]):  # one worker id per person
                print(f"lmt synth failed for seed {seed}", file=sys.stderr)
                return 1
            batches.append((f"synth seed {seed}", out))
        for name, batch in batches:
            work = Path(tempfile.mkdtemp(dir=tmp))
            quality, counting, notes = measure(batch, work)
            print(name, quality, notes, file=sys.stderr)
            rows.append((name, quality, counting, notes))

    lines = [
        "| batch | exploitative | flagged | precision | recall | AUC "
        "| counting >= 2: P / R | counting >= 3: P / R | missed / wrongly flagged |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, q, counting, notes in rows:
        two, three = counting[2], counting[3]
        errors = "; ".join(f"{k}: {v}" for k, v in notes.items() if v) or "none"
        lines.append(
            f"| {name} | {q.truly_positive} | {q.flagged} | {q.precision:.3f} | "
            f"{q.recall:.3f} | {q.auc:.3f} | {two.precision:.2f} / {two.recall:.2f} | "
            f"{three.precision:.2f} / {three.recall:.2f} | {errors} |"
        )
    body = "\n".join(
        [
            f"Synthetic batches of {args.workers:,} workers from `lmt synth`, ingested into "
            "LadybugDB and scored by `analytics.contractor_risk` (flag: risk_score >= 0.5). "
            "Target: precision and recall >= 0.95. The counting columns flag a "
            "contractor on the number of different workers who complained, alone.",
            "",
            *lines,
        ]
    )
    print(body)
    if not args.no_report:
        command = "python -m bench.contractor_quality"
        if args.workers != 2000 or args.seeds != [1, 2, 3, 4, 5]:
            command += f" --workers {args.workers} --seeds {' '.join(map(str, args.seeds))}"
        write_section("contractor-quality", "Contractor flags against answer keys", command, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
