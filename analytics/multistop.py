"""Multi-stop circuits: home -> A -> B (-> C ...) -> home, found by bounded cycle search.

A multi-stop journey is not a seasonal circuit (the format's circuit has one destination),
but a worker who goes home -> brick kiln -> farm -> home every year follows a route worth
knowing. Such routes are cycles through home, and they are searched with networkx's
``simple_cycles(G, length_bound=...)``.

Where to search matters. On the district flow graph (all workers' trips pooled) a cycle
A -> B -> C -> A may splice one worker's A -> B onto another's B -> C: nobody need travel it,
and on a dense graph of 640 districts the number of short cycles explodes. So the search
runs on each worker's own movement graph: districts the worker was in, joined by the legs
of their multi-stop journeys. All those graphs are one networkx graph whose nodes are
(worker, district) pairs (disjoint pieces, one call, no Python loop over workers), which
only holds the few workers with multi-stop journeys. A cycle counts as a multi-stop circuit
if it passes through the worker's home, has at least two stops (a two-node cycle is an
ordinary round trip), and at least one journey followed it leg by leg; the legs of
different journeys can form cycles nobody travelled in one go, and those are dropped.
The length bound keeps the search polynomial; journeys longer than it are not reported.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from analytics.round_trips import KINDS, MULTI_STOP, Journeys
from analytics.seasons import count_distinct, day_of_year, month_of_day, typical_day

LENGTH_BOUND = 5
"""Districts in a cycle, home included: home and up to four stops."""

MULTI_STOP_COLUMNS = [
    "worker_id",
    "origin_district_code",
    "route",
    "stops",
    "journeys",
    "seasons",
    "first_year",
    "last_year",
    "depart_month",
    "return_month",
]


def multi_stop_circuits(journeys: Journeys, length_bound: int = LENGTH_BOUND) -> pd.DataFrame:
    """One row per worker and multi-stop route travelled (columns ``MULTI_STOP_COLUMNS``).

    ``route`` lists district codes from home back home (``"101>202>303>101"``); ``seasons``
    counts the different years the route was started in; months are circular medians.
    """
    chosen = np.flatnonzero(journeys.kind == KINDS.index(MULTI_STOP))
    if not len(chosen):
        return pd.DataFrame(columns=MULTI_STOP_COLUMNS)
    rows, owner = journeys.leg_rows(chosen)
    legs = journeys.trips
    worker = legs.worker[rows]
    frm, to = legs.frm[rows], legs.to[rows]

    who, here, there = worker.tolist(), frm.tolist(), to.tolist()
    graph: nx.DiGraph[tuple[int, int]] = nx.DiGraph()  # (worker, district) nodes
    graph.add_edges_from(((w, a), (w, b)) for w, a, b in zip(who, here, there, strict=True))
    home = journeys.origin
    home_of = dict(zip(journeys.worker[chosen].tolist(), home[chosen].tolist(), strict=False))
    cycles = set()
    for cycle in nx.simple_cycles(graph, length_bound=length_bound):
        who = cycle[0][0]
        places = [district for _, district in cycle]
        if len(places) < 3 or home_of[who] not in places:
            continue
        start = places.index(home_of[who])
        cycles.add((who, _route([*places[start:], *places[:start]])))

    # the route each journey followed, leg by leg: home, then each leg's destination
    frame = pd.DataFrame({"journey": owner, "to": to.astype(str)})
    followed = frame.groupby("journey", sort=True)["to"].agg(">".join)
    route = home[followed.index].astype(str) + ">" + followed.to_numpy()
    trips = pd.DataFrame(
        {
            "journey": followed.index.to_numpy(),
            "worker": journeys.worker[followed.index],
            "route": route,
        }
    )
    trips = trips[[k in cycles for k in zip(trips["worker"], trips["route"], strict=True)]]
    if trips.empty:
        return pd.DataFrame(columns=MULTI_STOP_COLUMNS)
    return _summarise(journeys, trips)


def _route(places: list[int]) -> str:
    return ">".join(str(p) for p in [*places, places[0]])


def _summarise(journeys: Journeys, trips: pd.DataFrame) -> pd.DataFrame:
    key, keys = pd.factorize(pd.MultiIndex.from_arrays([trips["worker"], trips["route"]]))
    n = len(keys)
    j = trips["journey"].to_numpy()
    departed = journeys.departed[j].astype("datetime64[D]")
    returned = journeys.returned[j].astype("datetime64[D]")
    year = departed.astype("datetime64[Y]").astype("int64") + 1970
    first = pd.Series(year).groupby(key).min().to_numpy()
    last = pd.Series(year).groupby(key).max().to_numpy()
    worker = keys.get_level_values(0).to_numpy()
    route = keys.get_level_values(1)
    out = pd.DataFrame(
        {
            "worker_id": journeys.workers.take(worker).astype("str"),
            "origin_district_code": pd.array(
                route.str.split(">").str[0].astype("int64"), dtype="Int64"
            ),
            "route": route,
            "stops": route.str.count(">") - 1,
            "journeys": np.bincount(key, minlength=n),
            "seasons": count_distinct(key, year, n),
            "first_year": first,
            "last_year": last,
            "depart_month": month_of_day(typical_day(day_of_year(departed), key, n)),
            "return_month": month_of_day(typical_day(day_of_year(returned), key, n)),
        }
    )
    return out.sort_values(["worker_id", "route"]).reset_index(drop=True)
