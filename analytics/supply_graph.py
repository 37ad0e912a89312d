"""The labour supply graph: who supplies whom, and which contractor placed which worker.

Workers rarely know the firm they end up working for; they know the recruiter from their
village, who answers to a sub-contractor, who answers to a contractor of a principal
employer. Two kinds of record describe that network:

* contractor links (the SUPPLIES edge table, from ``contractor_links.csv``): a contractor
  supplies workers to another contractor or to an employer, over a period;
* recruitment: a move or an employment record that names the contractor (and often the
  employer) through whom a worker went to work. ``placements`` turns both into one table.

Everything here works on edge and node tables read through the storage port, so the
analytics give the same answer on every store. ``read_supply_records`` is the one place
that reads them (only the columns analytics use: a store may hold 10M moves).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import networkx as nx
import pandas as pd

from graph_schema import (
    BASED_IN,
    COMPLAINED_AGAINST,
    EMPLOYED_BY,
    MOVED,
    OPERATES_IN,
    SUPPLIES,
    Contractor,
    Employer,
)
from tracker.store import GraphStore
from tracker.tables import edge_columns, typed

EMPLOYMENT_COLUMNS = (
    "worker_id",
    "employer_id",
    "contractor_id",
    "district_code",
    "start_on",
    "end_on",
    "daily_wage_inr",
    "advance_inr",
)
MOVE_COLUMNS = ("worker_id", "to_district_code", "contractor_id", "employer_id", "departed_on")

PLACEMENT_COLUMNS = {
    "worker_id": "str",
    "contractor_id": "str",
    "employer_id": "str",
    "placed_on": "datetime64[us]",
    "district_code": "Int64",
    "daily_wage_inr": "float64",
    "advance_inr": "float64",
    "source": "str",
}
"""One row per record that says a contractor placed a worker (see ``placements``)."""


@dataclass(frozen=True)
class SupplyRecords:
    """The tables contractor analytics read, in the form ``tracker.tables`` fixes.

    ``contractors`` is the Contractor node table plus ``base_district_code``; ``employers``
    the Employer node table plus ``district_code``; the rest are edge tables, possibly with
    only the columns analytics use (``EMPLOYMENT_COLUMNS``, ``MOVE_COLUMNS``).
    """

    contractors: pd.DataFrame
    employers: pd.DataFrame
    links: pd.DataFrame
    employments: pd.DataFrame
    moves: pd.DataFrame
    grievances: pd.DataFrame


def read_supply_records(store: GraphStore) -> SupplyRecords:
    """Read what contractor analytics need through the storage port, nothing more."""
    contractors = store.node_table(Contractor).merge(
        store.edge_table(BASED_IN), on="contractor_id", how="left"
    )
    employers = store.node_table(Employer).merge(
        store.edge_table(OPERATES_IN), on="employer_id", how="left"
    )
    return SupplyRecords(
        contractors=contractors,
        employers=employers,
        links=store.edge_table(SUPPLIES),
        employments=store.edge_table(EMPLOYED_BY, columns=list(EMPLOYMENT_COLUMNS)),
        moves=store.edge_table(MOVED, columns=list(MOVE_COLUMNS)),
        grievances=store.edge_table(COMPLAINED_AGAINST),
    )


def empty_edge_table(rel, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """An edge table with no rows (for a batch that lacks a file)."""
    types = edge_columns(rel)
    wanted = {name: types[name] for name in (columns or types)}
    return typed(pd.DataFrame(), wanted)


def placements(employments: pd.DataFrame, moves: pd.DataFrame) -> pd.DataFrame:
    """Every record in which a contractor placed a worker, oldest first.

    An employment record gives the employer, district, wage and advance; a move that names
    a contractor gives the date the worker left with them (and the employer, when known).
    Both are kept: counts of workers use distinct worker ids, so a placement seen in both
    records is not counted twice; wages and advances come from employments only.
    """
    jobs = employments[employments["contractor_id"].notna()]
    from_jobs = pd.DataFrame(
        {
            "worker_id": jobs["worker_id"],
            "contractor_id": jobs["contractor_id"],
            "employer_id": jobs["employer_id"],
            "placed_on": jobs["start_on"],
            "district_code": jobs["district_code"],
            "daily_wage_inr": jobs["daily_wage_inr"],
            "advance_inr": jobs["advance_inr"],
            "source": "employment",
        }
    )
    trips = moves[moves["contractor_id"].notna()]
    from_moves = pd.DataFrame(
        {
            "worker_id": trips["worker_id"],
            "contractor_id": trips["contractor_id"],
            "employer_id": trips["employer_id"],
            "placed_on": trips["departed_on"],
            "district_code": trips["to_district_code"],
            "daily_wage_inr": float("nan"),
            "advance_inr": float("nan"),
            "source": "move",
        }
    )
    frames = [f for f in (from_jobs, from_moves) if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in PLACEMENT_COLUMNS.items()})
    out = pd.concat(frames, ignore_index=True).astype(PLACEMENT_COLUMNS)
    return out.sort_values(["placed_on", "worker_id"], kind="stable", ignore_index=True)


def links_active_on(links: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """The contractor links in force on ``day`` (an open end means still in force)."""
    started = links["from_date"].isna() | (links["from_date"] <= day)
    not_ended = links["to_date"].isna() | (links["to_date"] >= day)
    return links[started & not_ended]


def contractor_node(contractor_id: str) -> str:
    """Graph node name of a contractor: ids of contractors and employers may collide."""
    return f"contractor:{contractor_id}"


def employer_node(employer_id: str) -> str:
    return f"employer:{employer_id}"


def supply_graph(
    links: pd.DataFrame,
    placed: pd.DataFrame | None = None,
    *,
    on: pd.Timestamp | None = None,
) -> nx.DiGraph:
    """The supply network as a directed graph, edges pointing up the chain.

    Nodes are ``contractor:<id>`` and ``employer:<id>`` with a ``kind`` attribute. A
    ``supplies`` edge runs from a contractor to the contractor or employer it supplies
    (``link_id``, ``from_date``, ``to_date``; with ``on``, only links in force that day).
    With ``placed`` (a ``placements`` table), a ``placed`` edge runs from a contractor to
    each employer it placed workers with, ``workers`` being how many different workers:
    workers themselves are not nodes, as a million of them would add nothing to the shape
    of the network and much to its cost.
    """
    graph = nx.DiGraph()
    if on is not None:
        links = links_active_on(links, on)
    for row in links.itertuples(index=False):
        source = contractor_node(row.contractor_id)
        to_employer = row.supplies_to_kind == "employer"
        target = (employer_node if to_employer else contractor_node)(row.supplies_to_id)
        graph.add_node(source, kind="contractor", id=row.contractor_id)
        graph.add_node(
            target, kind="employer" if to_employer else "contractor", id=row.supplies_to_id
        )
        graph.add_edge(
            source,
            target,
            relation="supplies",
            link_id=row.link_id,
            from_date=_iso(row.from_date),
            to_date=_iso(row.to_date),
        )
    if placed is not None:
        with_employer = placed[placed["employer_id"].notna()]
        counts = with_employer.groupby(["contractor_id", "employer_id"]).worker_id.nunique()
        for (contractor_id, employer_id), workers in counts.items():
            source, target = contractor_node(contractor_id), employer_node(employer_id)
            graph.add_node(source, kind="contractor", id=contractor_id)
            graph.add_node(target, kind="employer", id=employer_id)
            if graph.has_edge(source, target):
                graph.edges[source, target]["workers"] = int(workers)
            else:
                graph.add_edge(source, target, relation="placed", workers=int(workers))
    return graph


def supply_cycles(links: pd.DataFrame, max_length: int = 12) -> pd.DataFrame:
    """Contractors who, by the links, supply each other in a circle: a data error.

    A contractor cannot be its own sub-contractor. Strongly connected components find every
    circle in linear time; each circle is then listed (at most ``max_length`` contractors
    long, so a badly tangled batch cannot take forever) with the links that make it.
    """
    between = links[links["supplies_to_kind"] == "contractor"]
    graph = nx.DiGraph()
    graph.add_edges_from(
        (a, b, {"link_id": link})
        for a, b, link in zip(
            between["contractor_id"], between["supplies_to_id"], between["link_id"], strict=True
        )
    )
    rows = []
    for component in nx.strongly_connected_components(graph):
        if len(component) == 1:
            (only,) = component
            if not graph.has_edge(only, only):
                continue
        sub = graph.subgraph(component)
        for cycle in nx.simple_cycles(sub, length_bound=max_length):
            ring = [*cycle, cycle[0]]
            rows.append(
                {
                    "contractor_ids": "|".join(cycle),
                    "link_ids": "|".join(sub.edges[a, b]["link_id"] for a, b in pairwise(ring)),
                    "reason": "contractors supply each other in a circle",
                }
            )
    return pd.DataFrame(rows, columns=["contractor_ids", "link_ids", "reason"])


def _iso(value: object) -> str:
    """GraphML keeps strings, not dates; an open end is an empty string."""
    return "" if pd.isna(value) else pd.Timestamp(value).date().isoformat()
