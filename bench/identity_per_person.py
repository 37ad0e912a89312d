"""Circuits and contractor flags per person on the identity sample (issue 12, item 6).

    .venv/bin/python -m bench.identity_per_person [--no-report]

The identity sample (tests/data/identity-sample: 2,760 registrations of 2,000 persons, one
person's trips and complaints under several worker ids) is ingested into a new LadybugDB
store, its registrations linked into persons (``tracker.identity.link``, as ``lmt ingest``
does), and scored with the scorers of the other quality benchmarks
(``bench.circuits_quality.score_batch``, ``bench.contractor_quality.measure``) against its
answer key (``answers/circuits.csv``: one row per person and circuit under the person's
first worker id; ``answers/contractors.csv``). Beside it the naive baseline: no linkage,
every worker id its own person. The first sample (tests/data/sample, one registration per
person) is scored the same way, linked, to show what wrong links cost there. So are the
naive baselines' persons (exact name + birth year + home district; exact e-Shram number)
and the answer key's own persons. Writes the
"identity-per-person" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.circuits_quality import score_batch
from bench.contractor_quality import measure
from bench.report import write_section

ROOT = Path(__file__).resolve().parent.parent
IDENTITY = ROOT / "tests" / "data" / "identity-sample"
SAMPLE = ROOT / "tests" / "data" / "sample"


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def run(batch: Path, link: bool, tmp: Path) -> dict:
    """Circuit and contractor scores of one batch, with wall and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    work = Path(tempfile.mkdtemp(dir=tmp))
    circuits = score_batch(batch, work, link=link)
    flags, counting, _notes = measure(batch, Path(tempfile.mkdtemp(dir=tmp)), link=link)
    return {
        "circuits": circuits,
        "flags": flags,
        "counting": counting,
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
    }


def given_persons(batch: Path, tmp: Path) -> list[tuple[str, dict]]:
    """Scores with the naive baselines' persons (``bench.identity_baselines``) and with the
    answer key's own persons (the best any linkage can do), on one unlinked store: the
    same relabelling (``analytics.persons``), the same scorers."""
    import pandas as pd

    from analytics.circuit_scores import score
    from analytics.circuits import (
        circuits_of_journeys,
        homes_from_store,
        moves_from_store,
        person_journeys,
    )
    from analytics.contractor_risk import contractor_risk
    from analytics.flag_quality import flag_quality
    from analytics.supply_graph import read_supply_records, records_by_person
    from bench.circuits_quality import TODAY
    from bench.identity_baselines import baseline_persons
    from graph_schema import Worker
    from tracker.identity.keys import person_keys
    from tracker.ingest import ingest_folder
    from tracker.stores.ladybug.store import LadybugStore

    tables = baseline_persons(batch)
    del tables["no linkage"]  # measured through the store above
    tables["the answer key's persons"] = pd.read_csv(batch / "answers" / "persons.csv", dtype=str)
    circuit_key = pd.read_csv(batch / "answers" / "circuits.csv", dtype={"worker_id": "str"})
    contractor_key = pd.read_csv(batch / "answers" / "contractors.csv")
    work = Path(tempfile.mkdtemp(dir=tmp))
    store = LadybugStore(work / "db", buffer_pool_mb=512)
    out = []
    try:
        ingest_folder(store, batch, rejects_dir=work / "rejects", today=TODAY)
        workers = store.node_table(Worker)[["worker_id", "registered_on"]]
        moves, homes = moves_from_store(store), homes_from_store(store)
        records = read_supply_records(store)  # no linkage ran: worker by worker
        for name, persons in tables.items():
            wall, cpu = time.perf_counter(), time.process_time()
            keys = person_keys(persons[persons["worker_id"].isin(workers["worker_id"])], workers)
            circuits = circuits_of_journeys(person_journeys(moves, homes, keys)).table
            risk = contractor_risk(records_by_person(records, keys))
            flagged = risk["complainants"] >= 2
            out.append(
                (
                    f"identity sample, {name}",
                    {
                        "circuits": score(circuits, circuit_key),
                        "flags": flag_quality(risk, contractor_key),
                        "counting": {2: flag_quality(risk.assign(flagged=flagged), contractor_key)},
                        "wall": time.perf_counter() - wall,
                        "cpu": time.process_time() - cpu,
                    },
                )
            )
    finally:
        store.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-report", action="store_true", help="do not write benchmarks.md")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, batch, link in (
            ("identity sample, linked (per person)", IDENTITY, True),
            ("identity sample, no linkage (per worker id)", IDENTITY, False),
            ("first sample, linked (per person)", SAMPLE, True),
        ):
            found = run(batch, link, Path(tmp))
            print(name, found, flush=True)
            rows.append((name, found))
        for name, found in given_persons(IDENTITY, Path(tmp)):
            print(name, found, flush=True)
            rows.insert(-1, (name, found))
    lines = [
        "Each batch ingested into a new LadybugDB store, linked (`tracker.identity.link`, as "
        "`lmt ingest` does) or not, then scored with `bench.circuits_quality.score_batch` "
        "(match on the person's first worker id, origin and destination) and "
        "`bench.contractor_quality.measure` (flag: risk_score >= 0.5). Targets (issue 12): "
        "circuits per person F1 >= 0.97 with months right in >= 95% of matched rows; "
        "contractor flags F1 >= 0.95. Times: the whole run (ingest twice, link, score), "
        "wall / CPU (user+sys of this process) on the shared 2-core machine; for the rows "
        "with given persons (the naive baselines of `bench/identity_baselines.py` and the "
        "answer key's own persons, the best a linkage can do) the analytics alone, on one "
        "unlinked store relabelled by those persons.",
        "",
        "| batch | circuits: key / found | precision | recall | F1 | months right | "
        "seasons equal | flags: P / R | F1 | counting >= 2: P / R | wall / CPU |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in rows:
        c, q, n2 = r["circuits"], r["flags"], r["counting"][2]
        lines.append(
            f"| {name} | {c['key']:,} / {c['found']:,} | {c['precision']:.4f} | "
            f"{c['recall']:.4f} | {f1(c['precision'], c['recall']):.4f} | "
            f"{c['months_ok']:.1%} | {c['seasons_equal']:.1%} | "
            f"{q.precision:.3f} / {q.recall:.3f} | {f1(q.precision, q.recall):.3f} | "
            f"{n2.precision:.2f} / {n2.recall:.2f} | {r['wall']:.0f} s / {r['cpu']:.0f} s |"
        )
    if not args.no_report:
        write_section(
            "identity-per-person",
            "Circuits and contractor flags per person (issue 12)",
            ".venv/bin/python -m bench.identity_per_person",
            "\n".join(lines),
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
