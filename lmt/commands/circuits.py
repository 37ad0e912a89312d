"""`lmt circuits --out FILE`: seasonal circuits, and the views built on them.

``--out`` writes circuits.csv as the format defines it (``analytics.circuits``). The other
outputs come from the same reading of the store, so asking for all of them costs one read:

* ``--corridors FILE``: the corridor view (origin, destination, departure and return month:
  workers, median stay, years active, change year over year);
* ``--calendar FILE``: the seasonal calendar (departures and returns by corridor and month),
  and ``--plot FILE`` the same as a picture (``.png`` or ``.svg``);
* ``--graphml FILE`` / ``--gexf FILE``: the district flow graph for Gephi;
* ``--multistop FILE``: multi-stop routes (home -> A -> B -> home) by bounded cycle search.

With ``--input DIR`` (a Parquet export) circuits, corridors and the calendar are computed
bucket by bucket (``analytics.partitioned``), here or with ``--engine spark`` on Spark
(``lmt.commands.engine``); the flow graph and multi-stop routes are not (yet) among them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lmt.commands.audience import add_audience_options, audience_of, audience_problem
from lmt.commands.engine import add_engine_options, engine_problem

PLOT_SUFFIXES = (".png", ".svg")


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "circuits", parents=[parent], help="write circuits.csv and corridor views"
    )
    parser.add_argument("--out", required=True, metavar="FILE", help="circuits.csv to write")
    parser.add_argument("--corridors", metavar="FILE", help="corridor view CSV")
    parser.add_argument("--calendar", metavar="FILE", help="seasonal calendar CSV")
    parser.add_argument("--plot", metavar="FILE", help="seasonal calendar picture (.png/.svg)")
    parser.add_argument(
        "--top", type=int, default=25, metavar="N", help="corridors in the plot (25)"
    )
    parser.add_argument("--graphml", metavar="FILE", help="district flow graph as GraphML")
    parser.add_argument("--gexf", metavar="FILE", help="district flow graph as GEXF")
    parser.add_argument("--multistop", metavar="FILE", help="multi-stop routes CSV")
    parser.add_argument(
        "--length-bound",
        type=int,
        default=5,
        metavar="N",
        help="most districts in a multi-stop route, home included (5)",
    )
    add_engine_options(parser)
    add_audience_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.plot and Path(args.plot).suffix.lower() not in PLOT_SUFFIXES:
        print("lmt circuits: --plot takes a .png or .svg file", file=sys.stderr)
        return 2
    if args.top < 1 or args.length_bound < 3:
        print("lmt circuits: --top must be >= 1 and --length-bound >= 3", file=sys.stderr)
        return 2
    problem = engine_problem(args) or audience_problem(args, "plot", "graphml", "gexf")
    if problem is None and args.input and (args.graphml or args.gexf or args.multistop):
        problem = "--graphml, --gexf and --multistop read the store, not --input"
    if problem:
        print(f"lmt circuits: {problem}", file=sys.stderr)
        return 2
    if args.input:
        return _by_partition(args)

    from analytics.circuits import circuits_of_journeys, journeys_from_store
    from tracker.progress import progress_for
    from tracker.stores import open_store

    audience = audience_of(args)
    audience.audit(args, "circuits")
    write_sheet = audience.write
    progress = progress_for()
    steps = 2 + sum(
        bool(x) for x in (args.corridors, args.calendar or args.plot, args.graphml or args.gexf)
    )
    steps += bool(args.multistop)
    done = 0

    def step(name: str) -> None:
        nonlocal done
        progress(name, done, steps)
        done += 1

    step("reading moves")
    with open_store(args.settings) as store:
        journeys = journeys_from_store(store)
    step("finding circuits")
    circuits = circuits_of_journeys(journeys)
    written = [write_sheet(circuits.table, Path(args.out), "circuits")]

    if args.corridors:
        from analytics.corridors import corridor_view

        step("corridors")
        written.append(write_sheet(corridor_view(circuits), Path(args.corridors), "corridors"))
    if args.calendar or args.plot:
        from analytics.corridors import seasonal_calendar

        step("calendar")
        calendar = seasonal_calendar(circuits)
        if args.calendar:
            written.append(write_sheet(calendar, Path(args.calendar), "calendar"))
        if args.plot:
            from analytics.output.plots import plot_calendar

            written.append(plot_calendar(calendar, args.plot, top=args.top))
    if args.graphml or args.gexf:
        from analytics.district_flows import district_flow_graph
        from analytics.output.files import write_graph

        step("flow graph")
        written += write_graph(district_flow_graph(journeys.trips), args.graphml, args.gexf)
    if args.multistop:
        from analytics.multistop import multi_stop_circuits

        step("multi-stop routes")
        routes = multi_stop_circuits(journeys, length_bound=args.length_bound)
        written.append(write_sheet(routes, Path(args.multistop), "multistop"))
    progress("done", steps, steps)

    _summary(circuits.table, written)
    return 0


def _by_partition(args: argparse.Namespace) -> int:
    """Circuits, corridors and calendar over a Parquet export, bucket by bucket."""
    from lmt.commands.engine import circuits_by_engine

    audience = audience_of(args)
    audience.audit(args, "circuits")
    write_sheet = audience.write
    results = circuits_by_engine(args)
    written = [write_sheet(results.table, Path(args.out), "circuits")]
    if args.corridors:
        written.append(write_sheet(results.corridors(), Path(args.corridors), "corridors"))
    if args.calendar or args.plot:
        calendar = results.calendar()
        if args.calendar:
            written.append(write_sheet(calendar, Path(args.calendar), "calendar"))
        if args.plot:
            from analytics.output.plots import plot_calendar

            written.append(plot_calendar(calendar, args.plot, top=args.top))
    _summary(results.table, written)
    return 0


def _summary(table, written: list[Path]) -> None:
    print(
        f"{len(table):,} circuits of {table['worker_id'].nunique():,} persons "
        f"({int(table['seasons'].sum()):,} seasons)"
    )
    for path in written:
        print(f"wrote {path}")
