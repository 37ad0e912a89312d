"""Time and memory of researchers' journey queries at scale (issue 17).

Targets: a cohort of 100,000 persons out of a 1,000,000-worker store answers in <= 3 s; a
typology of 10,000 sequences in <= 30 s, on this 2-core machine.

The store is opened **read-only** (``LadybugStore(read_only=True)``): the bench never
writes into it. Each part runs in a fresh process (nothing warm but the disk cache), and
reports wall time, CPU time (user + system of the process, all threads: steadier than wall
time when others share the machine) and the process's peak resident memory
(``ru_maxrss``, the LadybugDB buffer pool included):

* ``index``: what building the journey index costs, apart: reading the journey tables
  through the storage port (``tables_from_store``) and ``build_index`` (journeys, circuits,
  sectors of every person). A running server builds it once per store state, when it
  starts and after each batch; ``lmt journeys`` once per run;
* ``api``: the API itself (``api.app.create_app`` over the read-only store, keys in a
  throw-away file, a researcher key), through an in-process HTTP client: the first
  ``GET /journeys?<cohort>`` once the running server has built the journey index (it
  does when it starts: ``Settings.warm_journeys``; the time it takes is reported) and then
  ``--runs`` repeated
  queries of the same cohort and of other cohorts (the index kept). The answer is the
  route's: the cohort selected, its persons table and summary computed, counts below 5
  suppressed, one page of persons under pseudonyms;
* ``typology``: ``analytics.journeys.typology.typology`` (what ``GET /journeys/types`` and
  ``lmt journeys --types`` call) over a random 10,000 persons of the index, K = 7, with
  optimal matching (the default) and Hamming; the index is built first, not timed.

The cohort is chosen by ``--cohort`` (filters as the API's query parameters); the default
is the origin state that holds about a tenth of the persons in ``lmt synth`` batches
(Rajasthan: 9.9% of the sample).

    .venv/bin/python -m bench.bench_journeys --db /work/stores/m1/store
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COHORT_TARGET_S = 3.0
TYPOLOGY_TARGET_S = 30.0
DEFAULT_COHORT = {"origin_state": "Rajasthan"}
OTHER_COHORTS = (
    {"origin_state": "Jharkhand", "has_circuit": "true"},
    {"gender": "female", "destination_state": "Uttar Pradesh"},
    {"period_from": "2022-01", "period_to": "2023-12", "sector": "brick_kiln"},
)
SECRET = "bench-journeys-pseudonym-secret-0123456789"
"""A pseudonym key for the bench (given, so the read-only store is never asked to keep one)."""


class Clock:
    """Wall and CPU seconds since it was made."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.monotonic(), time.process_time()

    def read(self) -> dict:
        return {
            "wall": round(time.monotonic() - self.wall, 3),
            "cpu": round(time.process_time() - self.cpu, 3),
        }


def _peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _store(db: Path):
    from tracker.stores.ladybug.store import LadybugStore

    return LadybugStore(db, read_only=True)


def measure_index(db: Path) -> dict:
    from analytics.journeys.index import build_index
    from analytics.journeys.tables import tables_from_store

    clock = Clock()
    store = _store(db)
    opened = clock.read()
    clock = Clock()
    tables = tables_from_store(store)
    read = clock.read()
    clock = Clock()
    index = build_index(tables)
    built = clock.read()
    moves = len(tables.moves)
    store.close()
    return {
        "open": opened,
        "read": read,
        "build": built,
        "persons": index.persons,
        "trips": len(index.journeys.trips.worker),
        "moves": moves,
        "peak_bytes": _peak(),
    }


def measure_api(db: Path, cohort: dict, runs: int) -> dict:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tracker.settings import Settings

    store = _store(db)
    out: dict = {"cohort": cohort}
    with tempfile.TemporaryDirectory() as tmp:
        clock = Clock()
        settings = Settings(LMT_PSEUDONYM_SECRET=SECRET)
        app = create_app(store, access=Path(tmp) / "access.sqlite3", pages_dir=None,
                         settings=settings)  # fmt: skip
        _, key = app.state.service.keys.create("researcher", "bench")
        out["app"] = clock.read()
        headers = {"X-API-Key": key}
        with TestClient(app) as client:  # the server runs: it builds the journey index ahead
            clock = Clock()
            while not app.state.service.is_built("journeys"):
                time.sleep(0.05)
            out["ahead"] = clock.read()

            def ask(params: dict) -> tuple[dict, dict]:
                clock = Clock()
                response = client.get("/journeys", params=params, headers=headers)
                took = clock.read()
                response.raise_for_status()
                return took, response.json()

            out["first"], body = ask(cohort)
            out["persons"] = body["summary"]["persons"]
            out["total"] = body["total"]
            out["items"] = len(body["items"])
            out["repeated"] = [ask(cohort)[0] for _ in range(runs)]
            out["others"] = []
            for other in OTHER_COHORTS:
                took, found = ask(other)
                out["others"].append({"cohort": other, **took, "persons": found["total"]})
    store.close()
    out["peak_bytes"] = _peak()
    return out


def measure_typology(db: Path, sequences: int, seed: int) -> dict:
    import numpy as np

    from analytics.journeys import typology
    from analytics.journeys.index import build_index
    from analytics.journeys.tables import tables_from_store

    store = _store(db)
    index = build_index(tables_from_store(store))
    store.close()
    rng = np.random.default_rng(seed)
    persons = np.sort(rng.choice(index.persons, size=min(sequences, index.persons), replace=False))
    out: dict = {"sequences": len(persons), "runs": []}
    for distance in typology.DISTANCES[::-1]:  # om first, the default
        clock = Clock()
        result = typology.typology(index, persons, 7, distance)
        took = clock.read()
        out["runs"].append(
            {"distance": distance, **took, "shares": [round(float(s), 3) for s in result.shares]}
        )
    out["peak_bytes"] = _peak()
    return out


def _child(*args: str) -> dict:
    found = subprocess.run(
        [sys.executable, "-m", "bench.bench_journeys", *args],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(found.stdout.strip().splitlines()[-1])


def _parse_cohort(pairs: list[str] | None) -> dict:
    if not pairs:
        return dict(DEFAULT_COHORT)
    cohort = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        cohort[name] = value
    return cohort


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="the store (opened read-only)")
    parser.add_argument(
        "--cohort", nargs="+", metavar="FILTER=VALUE", help="origin_state=Rajasthan"
    )
    parser.add_argument("--runs", type=int, default=5, help="repeated cohort queries (5)")
    parser.add_argument("--sequences", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0, help="which persons the typology takes")
    parser.add_argument("--parts", nargs="+", choices=("index", "api", "typology"),
                        default=["index", "api", "typology"])  # fmt: skip
    parser.add_argument("--label", help="what the store holds (for the report)")
    parser.add_argument("--measure", choices=("index", "api", "typology"), help=argparse.SUPPRESS)
    parser.add_argument("--no-report", action="store_true", help="print, do not write docs")
    args = parser.parse_args(argv)
    cohort = _parse_cohort(args.cohort)
    if args.measure == "index":
        print(json.dumps(measure_index(args.db)))
        return 0
    if args.measure == "api":
        print(json.dumps(measure_api(args.db, cohort, args.runs)))
        return 0
    if args.measure == "typology":
        print(json.dumps(measure_typology(args.db, args.sequences, args.seed)))
        return 0

    pairs = [f"{k}={v}" for k, v in cohort.items()]
    common = ["--db", str(args.db), "--runs", str(args.runs), "--sequences", str(args.sequences),
              "--seed", str(args.seed), "--cohort", *pairs]  # fmt: skip
    found: dict = {}
    for part in args.parts:
        found[part] = _child("--measure", part, *common)
        print(part, json.dumps(found[part]), flush=True)
    if args.no_report:
        return 0
    from bench.report import write_section

    command = (
        f".venv/bin/python -m bench.bench_journeys --db {args.db} --runs {args.runs} "
        f"--sequences {args.sequences} --seed {args.seed} --parts {' '.join(args.parts)} "
        f"--cohort {' '.join(f'{k}={v}' for k, v in cohort.items())}"
    )
    if args.label:
        command += f" --label '{args.label}'"
    write_section("journeys", "Journey queries at scale (issue 17)", command,
                  report(found, args.label))  # fmt: skip
    return 0


def _gib(n: int) -> str:
    return f"{n / 1024**3:.2f} GiB"


def _verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def report(found: dict, label: str | None) -> str:
    lines = [
        "Targets: a cohort of 100,000 persons out of a 1,000,000-worker store answers in "
        "<= 3 s; a typology of 10,000 sequences in <= 30 s. The store is opened read-only; "
        "each part is a fresh process; CPU is user + system of that process (all threads); "
        "peak memory its `ru_maxrss` (LadybugDB's buffer pool, 1 GiB, included). See the "
        "docstring of `bench/bench_journeys.py` for what each part does.",
    ]
    if label:
        lines += ["", f"Store: {label}."]
    if "index" in found:
        x = found["index"]
        lines += [
            "",
            f"**Journey index** ({x['persons']:,} persons with a trip, {x['moves']:,} moves "
            f"read, {x['trips']:,} trips), built once per store state:",
            "",
            "| step | wall s | CPU s |",
            "| --- | ---: | ---: |",
            f"| open the store | {x['open']['wall']:.1f} | {x['open']['cpu']:.1f} |",
            f"| read the journey tables (`tables_from_store`) | {x['read']['wall']:.1f} | "
            f"{x['read']['cpu']:.1f} |",
            f"| `build_index` | {x['build']['wall']:.1f} | {x['build']['cpu']:.1f} |",
            "",
            f"Peak memory {_gib(x['peak_bytes'])}.",
        ]
    if "api" in found:
        x = found["api"]
        repeated = x["repeated"]
        worst = max(r["wall"] for r in repeated)
        cohort = "&".join(f"{k}={v}" for k, v in x["cohort"].items())
        lines += [
            "",
            f"**Cohort through the API** (`GET /journeys?{cohort}`, researcher key, in-process "
            f"HTTP client): {x['persons']:,} persons in the cohort, one page of "
            f"{x['items']} shown.",
            "",
            "| query | wall s | CPU s |",
            "| --- | ---: | ---: |",
            f"| the journey index, built when the server starts (before any query) | "
            f"{x['ahead']['wall']:.2f} | {x['ahead']['cpu']:.2f} |",
            f"| first query | {x['first']['wall']:.2f} | {x['first']['cpu']:.2f} |",
        ]
        for i, r in enumerate(repeated, 1):
            lines.append(f"| repeated {i} | {r['wall']:.2f} | {r['cpu']:.2f} |")
        for o in x["others"]:
            text = "&".join(f"{k}={v}" for k, v in o["cohort"].items())
            lines.append(
                f"| other cohort `{text}` ({o['persons'] or 0:,} persons) | {o['wall']:.2f} | "
                f"{o['cpu']:.2f} |"
            )
        lines += [
            "",
            f"Repeated queries: worst {worst:.2f} s wall, {_verdict(worst <= COHORT_TARGET_S)} "
            f"the 3 s target; the first query {x['first']['wall']:.1f} s "
            f"({_verdict(x['first']['wall'] <= COHORT_TARGET_S)} it): the server built the "
            "journey index when it started, before the first query (a query that comes during "
            "that build waits for it). Peak memory "
            f"{_gib(x['peak_bytes'])} (the API's worker search index and catalogue included).",
        ]
    if "typology" in found:
        x = found["typology"]
        lines += [
            "",
            f"**Typology** of {x['sequences']:,} sequences (random persons of the index), "
            "K = 7, `analytics.journeys.typology.typology`:",
            "",
            "| distance | wall s | CPU s | shares of the types |",
            "| --- | ---: | ---: | --- |",
        ]
        for r in x["runs"]:
            lines.append(
                f"| {r['distance']} | {r['wall']:.1f} | {r['cpu']:.1f} | "
                f"{', '.join(f'{s:.0%}' for s in r['shares'])} |"
            )
        worst = max(r["wall"] for r in x["runs"])
        lines += [
            "",
            f"Worst {worst:.1f} s wall: {_verdict(worst <= TYPOLOGY_TARGET_S)} the 30 s target. "
            f"Peak memory {_gib(x['peak_bytes'])} (the index included).",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
