"""`lmt persons --out FILE`: link each person's registrations and write persons.csv.

Links the registrations no linkage has seen yet (and applies new identity decisions), then
writes one row per worker_id: person_id, linked_by, match_probability (docs/spec). With
``--relink`` the model is trained again on the whole store and every pair re-scored; person
ids stay wherever a person's registrations stay together. ``--candidates FILE`` also writes
the scored pairs (linked and for review).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "persons",
        parents=[parent],
        help="link each person's registrations and write persons.csv",
    )
    parser.add_argument("--out", required=True, metavar="FILE", help="persons.csv to write")
    parser.add_argument("--candidates", metavar="FILE", help="also write the scored pairs")
    parser.add_argument(
        "--relink", action="store_true", help="train the model again and re-cluster the store"
    )
    parser.add_argument("--link-at", type=float, metavar="P", help="link threshold (0.4)")
    parser.add_argument("--review-at", type=float, metavar="P", help="review threshold (0.1)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from lmt.audited import log_read
    from tracker.access.disclosure import disclose_table
    from tracker.access.roles import Role
    from tracker.csvio import write_table
    from tracker.identity import Thresholds, candidates, link, persons
    from tracker.stores import open_store

    given = {"link_at": args.link_at, "review_at": args.review_at}
    thresholds = Thresholds(**{k: v for k, v in given.items() if v is not None})
    log_read(args.settings, "persons", detail=f"lmt persons --out {args.out}")
    with open_store(args.settings) as store:
        report = link(store, full=args.relink, thresholds=thresholds)
        table = persons(store)
        pairs = candidates(store) if args.candidates else None
    # through the one disclosure step, for the one who holds the store (admin): it fails
    # on a column nobody declared (graph_schema.disclosure)
    write_table(disclose_table(table, "persons", Role.ADMIN)[0], Path(args.out))
    split = int((table.groupby("person_id").size() > 1).sum())
    print(
        f"{len(table):,} registrations, {table['person_id'].nunique():,} persons "
        f"({split:,} registered more than once); linkage {report.seconds:.1f} s",
        file=sys.stderr,
    )
    print(f"wrote {args.out}", file=sys.stderr)
    if pairs is not None:
        write_table(disclose_table(pairs, "candidates", Role.ADMIN)[0], Path(args.candidates))
        print(f"wrote {args.candidates}", file=sys.stderr)
    return 0
