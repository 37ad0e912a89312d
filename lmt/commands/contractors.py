"""`lmt contractors --out FILE`: exploitation risk per contractor, and the network picture.

``--out`` writes contractor_risk.csv as the format defines it (``analytics.contractor_risk``:
risk_score 0 to 1, flagged at 0.5, the indicators complained of and the reasons in plain
words). The network outputs come from the same reading of the store:

* ``--graphml FILE``: contractors and employers with their risk, community and betweenness,
  for Gephi, Cytoscape or yEd;
* ``--plot FILE``: the riskiest parts of the network as a picture (``.png`` or ``.svg``);
* ``--roles FILE``: each contractor's and employer's community and betweenness, as CSV.

With any of them, contractor_risk.csv also gets ``community`` and ``broker`` columns.

With ``--input DIR`` (a Parquet export) the risk is scored bucket by bucket
(``analytics.partitioned``), here or with ``--engine spark`` on Spark; the network
outputs read the store and are not among them.
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
        "contractors",
        parents=[parent],
        help="write contractor_risk.csv (and the contractor network)",
    )
    parser.add_argument("--out", required=True, metavar="FILE", help="contractor_risk.csv to write")
    parser.add_argument("--graphml", metavar="FILE", help="contractor network as GraphML")
    parser.add_argument("--plot", metavar="FILE", help="network picture coloured by risk")
    parser.add_argument("--roles", metavar="FILE", help="communities and brokers CSV")
    add_engine_options(parser)
    add_audience_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.plot and Path(args.plot).suffix.lower() not in PLOT_SUFFIXES:
        print("lmt contractors: --plot takes a .png or .svg file", file=sys.stderr)
        return 2
    problem = engine_problem(args) or audience_problem(args, "graphml", "plot")
    if problem is None and args.input and (args.graphml or args.plot or args.roles):
        problem = "--graphml, --plot and --roles read the store, not --input"
    if problem:
        print(f"lmt contractors: {problem}", file=sys.stderr)
        return 2
    if args.input:
        from lmt.commands.engine import contractors_by_engine

        audience = audience_of(args)
        risk = contractors_by_engine(args, audience.words).risk
        _summary(risk, [audience.write(risk, Path(args.out), "contractors")])
        return 0

    from analytics.contractor_risk import contractor_risk
    from analytics.supply_graph import encode_ids, placements, read_supply_records
    from tracker.progress import progress_for
    from tracker.stores import open_store

    audience = audience_of(args)
    network = bool(args.graphml or args.plot or args.roles)
    progress = progress_for()
    steps = 4 if network else 2
    progress("reading records", 0, steps)
    with open_store(args.settings) as store:
        records = encode_ids(read_supply_records(store))
    progress("scoring contractors", 1, steps)
    placed = placements(records.employments, records.moves)
    risk = contractor_risk(records, placed, audience.words)
    written: list[Path] = []
    if network:
        from analytics.contractor_network import contractor_network, network_roles

        progress("building the network", 2, steps)
        graph = contractor_network(records, risk, placed)
        progress("communities, brokers", 3, steps)
        roles = network_roles(graph)
        written += _network_outputs(args, graph, roles)
        mine = roles[roles["kind"] == "contractor"].set_index("id")
        risk["community"] = risk["contractor_id"].map(mine["community"]).astype("Int64")
        risk["broker"] = risk["contractor_id"].map(mine["broker"]).fillna(False).astype(bool)
    progress("done", steps, steps)
    written.insert(0, audience.write(risk, Path(args.out), "contractors"))

    _summary(risk, written)
    return 0


def _summary(risk, written: list[Path]) -> None:
    from analytics.contractor_risk import RISK_THRESHOLD

    flagged = int(risk["flagged"].sum())
    print(
        f"{len(risk):,} contractors, {flagged:,} flagged (risk_score >= {RISK_THRESHOLD})",
        file=sys.stderr,
    )
    for path in written:
        print(f"wrote {path}", file=sys.stderr)


def _network_outputs(args: argparse.Namespace, graph, roles) -> list[Path]:
    from analytics.output.files import write_graph
    from analytics.output.plots import plot_network

    written = []
    if args.graphml:
        written += write_graph(graph, graphml=args.graphml)
    if args.plot:
        written.append(plot_network(graph, args.plot))
    if args.roles:
        written.append(audience_of(args).write(roles, Path(args.roles), "network_roles"))
    return written
