"""`lmt chains --out FILE`: contractor chains from principal employers down to recruiters.

Writes chains.csv as the format defines it (``analytics.chains``): one row per chain, its
contractor ids ``|``-separated from the contractor supplying the employer down to the
recruiter, how many workers it placed, and its risk from its members'. Circles in the
contractor links and chains longer than the depth bound are data errors: they are counted
on stderr and, with ``--errors FILE``, written out with the links involved so they can be
fixed at the source. They do not make the command fail.

With ``--input DIR`` (a Parquet export) chains are found bucket by bucket
(``analytics.partitioned``), here or with ``--engine spark`` on Spark.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lmt.commands.audience import add_audience_options, audience_of, audience_problem
from lmt.commands.engine import add_engine_options, engine_problem


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "chains", parents=[parent], help="write chains.csv (contractor chains and their risk)"
    )
    parser.add_argument("--out", required=True, metavar="FILE", help="chains.csv to write")
    parser.add_argument("--errors", metavar="FILE", help="data errors in the links, as CSV")
    add_engine_options(parser)
    add_audience_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from analytics.chains import chains_with_risk
    from analytics.supply_graph import read_supply_records
    from tracker.progress import progress_for
    from tracker.stores import open_store

    problem = engine_problem(args) or audience_problem(args)
    if problem:
        print(f"lmt chains: {problem}", file=sys.stderr)
        return 2
    if args.input:
        from lmt.commands.engine import chains_by_engine

        chains, errors = chains_by_engine(args)
    else:
        progress = progress_for()
        progress("reading records", 0, 2)
        with open_store(args.settings) as store:
            records = read_supply_records(store)
        progress("finding chains", 1, 2)
        chains, errors = chains_with_risk(records)
        progress("done", 2, 2)
    audience = audience_of(args)
    written = [audience.write(chains, Path(args.out), "chains")]
    if args.errors:
        written.append(audience.write(errors, Path(args.errors), "chain_errors"))

    print(
        f"{len(chains):,} chains, {int(chains['flagged'].sum()):,} with a flagged contractor",
        file=sys.stderr,
    )
    if len(errors):
        kinds = errors["kind"].value_counts()
        listed = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in kinds.items())
        hint = "" if args.errors else " (see --errors FILE)"
        print(f"data errors in the contractor links: {listed}{hint}", file=sys.stderr)
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    return 0
