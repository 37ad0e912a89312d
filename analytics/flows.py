"""The district flow graph: where workers go, as a networkx graph for Gephi and friends.

Nodes are Census 2011 districts (code, name, state) that any trip touches; a directed edge
A -> B aggregates every trip from A to B (a trip reported twice counts once). Edge
attributes: ``trips``, ``workers`` (distinct), ``first_year``/``last_year`` and ``years``
(calendar years of departure with at least one trip), and ``weight`` = trips per season,
i.e. ``trips / years``: a corridor travelled by 300 people in one year and one travelled by
100 people in each of three years both weigh 300 and 100 per season, which is what a
destination centre planning a season needs. Written as GraphML and GEXF (``write_graph``).

The counting is vectorised (packed integer keys, one sort); only the finished edge list,
at most one edge per pair of districts, goes into networkx.
"""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from analytics.round_trips import Trips
from analytics.seasons import count_distinct
from graph_schema.census import districts


def district_flow_graph(trips: Trips) -> nx.DiGraph:
    """The flow graph of all trips (``Journeys.trips`` or ``one_report_per_trip``)."""
    pair, pairs = pd.factorize((trips.frm.astype(np.int64) << 16) | trips.to)
    n = len(pairs)
    year = trips.departed.astype("datetime64[D]").astype("datetime64[Y]").astype("int64") + 1970
    count = np.bincount(pair, minlength=n)
    workers = count_distinct(pair, trips.worker, n)
    years = count_distinct(pair, year, n)
    first = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first, pair, year)
    last = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(last, pair, year)

    graph = nx.DiGraph(name="LMT district flows")
    frm, to = pairs >> 16, pairs & 0xFFFF
    used = set(frm.tolist()) | set(to.tolist())
    for district in districts():
        code = int(district["district_code"])  # type: ignore[call-overload]
        if code in used:
            graph.add_node(
                code,
                label=str(district["name"]),
                state=str(district["state"]),
                state_code=int(district["state_code"]),  # type: ignore[call-overload]
            )
    graph.add_edges_from(
        (
            int(a),
            int(b),
            {
                "trips": int(c),
                "workers": int(w),
                "years": int(y),
                "first_year": int(f),
                "last_year": int(la),
                "weight": round(float(c) / float(y), 3),
            },
        )
        for a, b, c, w, y, f, la in zip(frm, to, count, workers, years, first, last, strict=True)
    )
    for code, out_trips in graph.out_degree(weight="trips"):
        graph.nodes[code]["out_trips"] = int(out_trips)
    for code, in_trips in graph.in_degree(weight="trips"):
        graph.nodes[code]["in_trips"] = int(in_trips)
    return graph


def write_graph(
    graph: nx.DiGraph,
    graphml: str | os.PathLike | None = None,
    gexf: str | os.PathLike | None = None,
) -> list[Path]:
    """Write the graph as GraphML and/or GEXF (both open in Gephi)."""
    written = []
    for path, writer in ((graphml, nx.write_graphml), (gexf, nx.write_gexf)):
        if path is None:
            continue
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        writer(graph, path)
        written.append(path)
    return written
