"""`lmt demo [DIR]`: the main job in one go, on the embedded store.

Makes a synthetic batch (or takes DIR), ingests it, runs the analytics (circuits with their
corridor view, calendar and flow graph; contractor risk with its network; chains), creates
one API key per role, and serves the API and pages. Every step is the `lmt` command of the
same name, so the demo shows exactly what the commands do.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.settings import Settings

ROLES = ("admin", "field", "researcher", "advocacy")


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "demo",
        parents=[parent],
        help="synthesise, ingest, analyse and serve, in one go",
        description="The main job on the embedded store: make a synthetic batch (or take "
        "DIR), ingest it, run the analytics, create API keys and serve the API and pages.",
    )
    parser.add_argument("folder", metavar="DIR", nargs="?", help="a batch to use instead")
    parser.add_argument("--workers", type=int, default=3000, help="synthetic workers (3000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (7)")
    parser.add_argument("--out", default="lmt-demo", help="folder for batch and results")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-serve", action="store_true", help="stop after the analytics")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from lmt.cli import main

    if args.neo4j:
        print("lmt demo runs on the embedded store; drop --neo4j", file=sys.stderr)
        return 2
    out = Path(args.out)
    results = out / "results"
    results.mkdir(parents=True, exist_ok=True)
    settings = args.settings.for_options(db=args.settings.embedded_folder)  # never Neo4j
    db = settings.embedded_folder
    store = ["--db", db]

    batch = Path(args.folder) if args.folder else out / "batch"
    if not args.folder:
        _step(f"1/5 making {args.workers:,} synthetic workers in {batch}")
        synth = ["synth", "--workers", str(args.workers), "--seed", str(args.seed), str(batch)]
        if main(synth) != 0:
            return 1
    _step(f"2/5 ingesting {batch} into {db}")
    if main(["ingest", str(batch), *store, "--rejects", str(out / "rejects")]) not in (0, 2):
        return 1
    _step(f"3/5 analysing: results in {results}")
    steps = [
        [
            "circuits", *store, "--out", str(results / "circuits.csv"),
            "--corridors", str(results / "corridors.csv"),
            "--calendar", str(results / "calendar.csv"),
            "--plot", str(results / "calendar.png"),
            "--graphml", str(results / "district_flows.graphml"),
            "--gexf", str(results / "district_flows.gexf"),
        ],
        [
            "contractors", *store, "--out", str(results / "contractor_risk.csv"),
            "--graphml", str(results / "contractor_network.graphml"),
            "--plot", str(results / "contractor_network.png"),
        ],
        ["chains", *store, "--out", str(results / "chains.csv")],
    ]  # fmt: skip
    for command in steps:
        if main(command) != 0:
            return 1
    _step("4/5 API keys, one per role (keep them: they are shown once)")
    keys = _create_keys(settings)
    for role, secret in keys.items():
        print(f"  {role:<11} {secret}")
    (out / "keys.txt").write_text("".join(f"{r} {s}\n" for r, s in keys.items()))
    print(f"  (also written to {out / 'keys.txt'})")
    if args.no_serve:
        _step("5/5 not serving (--no-serve); start later with: lmt serve --db " + db)
        return 0
    _step(f"5/5 serving: open http://{args.host}:{args.port}/ and sign in with a key above")
    print(f"  API docs at http://{args.host}:{args.port}/docs; stop with Ctrl-C", flush=True)
    return main(["serve", *store, "--host", args.host, "--port", str(args.port)])


def _create_keys(settings: Settings) -> dict[str, str]:
    from tracker.access import AccessDB, access_db_path
    from tracker.access.keys import KeyRing

    access = AccessDB(access_db_path(settings))
    try:
        ring = KeyRing(access)
        return {role: ring.create(role, label="lmt demo")[1] for role in ROLES}
    finally:
        access.close()


def _step(text: str) -> None:
    print(f"\n== {text}", flush=True)
