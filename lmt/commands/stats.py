"""`lmt stats [--json]`: node counts by label and edge counts by type."""

from __future__ import annotations

import argparse
import json


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "stats", parents=[parent], help="node counts by label, edge counts by type"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from tracker.stores import open_store

    with open_store(args.settings) as store:
        counts = store.counts()
    if args.json:
        print(json.dumps(counts, indent=2))
        return 0
    for group, title in (("nodes", "label"), ("edges", "type")):
        print(f"{title:<22}{'count':>12}")
        for name, count in counts[group].items():
            print(f"{name:<22}{count:>12,}")
        print()
    return 0
