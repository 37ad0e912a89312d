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

from dataclasses import dataclass, replace
from itertools import pairwise

import networkx as nx
import numpy as np
import pandas as pd

from analytics.persons import by_person, merges, person_keys_from_store
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
    names: pd.Index | None = None
    """Set by ``encode_ids``: contractor and employer ids by code (None: ids are strings)."""

    def decode(self, codes: pd.Series) -> pd.Series:
        """Contractor or employer ids back from their codes (as they are if not encoded)."""
        return decode_ids(codes, self.names)


def decode_ids(codes: pd.Series, names: pd.Index | None) -> pd.Series:
    """Ids from ``encode_ids`` codes (``names`` is ``SupplyRecords.names``; None: as is)."""
    if names is None:
        return codes
    values = codes.to_numpy(dtype="int64", na_value=-1)
    out = pd.Series(names.to_numpy()[values], index=codes.index, dtype="str")
    return out.where(values >= 0)


def read_supply_records(store: GraphStore) -> SupplyRecords:
    """Read what contractor analytics need through the storage port, nothing more: per
    person, as the store's linkage has them (``records_by_person``)."""
    contractors = store.node_table(Contractor).merge(
        store.edge_table(BASED_IN), on="contractor_id", how="left"
    )
    employers = store.node_table(Employer).merge(
        store.edge_table(OPERATES_IN), on="employer_id", how="left"
    )
    records = SupplyRecords(
        contractors=contractors,
        employers=employers,
        links=store.edge_table(SUPPLIES),
        employments=store.edge_table(EMPLOYED_BY, columns=list(EMPLOYMENT_COLUMNS)),
        moves=store.edge_table(MOVED, columns=list(MOVE_COLUMNS)),
        grievances=store.edge_table(COMPLAINED_AGAINST),
    )
    return records_by_person(records, person_keys_from_store(store))


def records_by_person(records: SupplyRecords, keys: pd.DataFrame | None) -> SupplyRecords:
    """The records with each worker id replaced by its person's key (``analytics.persons``):
    placed workers, complainants, advances and wages are counted per person, so one person
    who complained under two worker ids is one complainant (docs/spec/field-records.md)."""
    if records.names is not None:
        raise ValueError("records_by_person takes records before encode_ids")
    if not merges(keys):
        return records
    return replace(
        records,
        employments=by_person(records.employments, keys),
        moves=by_person(records.moves, keys),
        grievances=by_person(records.grievances, keys),
    )


def encode_ids(records: SupplyRecords) -> SupplyRecords:
    """The same records with every id column as integer codes, for speed at scale.

    Joins and group-bys over millions of string ids cost seconds each; over integers they
    cost a fraction of that. Contractor and employer ids share one vocabulary (a
    grievance's ``against_id`` may be either; ``records.names`` turns codes back into ids),
    worker ids another, so that any two id columns can be joined. Each vocabulary is made
    by one ``factorize`` over all the columns it covers. Codes are nullable integers
    (``Int64``), so a missing id stays missing. Encoded records are returned as they are.
    """
    if records.names is not None:
        return records
    tables = {name: getattr(records, name) for name in _ENTITY_IDS}
    entity, names = _encode([(t, tables[t], c) for t, cols in _ENTITY_IDS.items() for c in cols])
    worker, _ = _encode([(t, tables[t], c) for t, cols in _WORKER_IDS.items() for c in cols])
    coded = {name: frame.copy(deep=False) for name, frame in tables.items()}
    for (table, column), values in (entity | worker).items():
        coded[table][column] = values
    return SupplyRecords(**coded, names=names)


_ENTITY_IDS = {
    "contractors": ("contractor_id",),
    "employers": ("employer_id",),
    "links": ("contractor_id", "supplies_to_id"),
    "employments": ("contractor_id", "employer_id"),
    "moves": ("contractor_id", "employer_id"),
    "grievances": ("against_id",),
}
_WORKER_IDS = {"employments": ("worker_id",), "moves": ("worker_id",), "grievances": ("worker_id",)}


def _encode(
    columns: list[tuple[str, pd.DataFrame, str]],
) -> tuple[dict[tuple[str, str], pd.arrays.IntegerArray], pd.Index]:
    """Factorize several (table, frame, column) columns as one; split the codes back."""
    joined = pd.concat([frame[column] for _, frame, column in columns], ignore_index=True)
    codes, uniques = pd.factorize(joined)
    bounds = np.cumsum([len(frame) for _, frame, _ in columns])[:-1]
    coded = {
        (table, column): pd.arrays.IntegerArray(part.astype("int64"), part < 0)
        for (table, _, column), part in zip(columns, np.split(codes, bounds), strict=True)
    }
    return coded, pd.Index(uniques, dtype="str")


def placements(employments: pd.DataFrame, moves: pd.DataFrame) -> pd.DataFrame:
    """Every record in which a contractor placed a worker (in no particular order).

    An employment record gives the employer, district, wage and advance; a move that names
    a contractor gives the date the worker left with them (and the employer, when known).
    Both are kept: counts of workers use distinct worker ids, so a placement seen in both
    records is not counted twice; wages and advances come from employments only. Id
    columns keep the dtype they came with (strings, or categoricals from ``encode_ids``).
    """
    jobs = employments[employments["contractor_id"].notna()]
    trips = moves[moves["contractor_id"].notna()]
    n_jobs, n_trips = len(jobs), len(trips)
    out = pd.DataFrame(
        {
            "worker_id": _stack(jobs["worker_id"], trips["worker_id"]),
            "contractor_id": _stack(jobs["contractor_id"], trips["contractor_id"]),
            "employer_id": _stack(jobs["employer_id"], trips["employer_id"]),
            "placed_on": _stack(jobs["start_on"], trips["departed_on"]),
            "district_code": _stack(jobs["district_code"], trips["to_district_code"]),
            "daily_wage_inr": np.concatenate(
                [jobs["daily_wage_inr"].to_numpy(dtype=float), np.full(n_trips, np.nan)]
            ),
            "advance_inr": np.concatenate(
                [jobs["advance_inr"].to_numpy(dtype=float), np.full(n_trips, np.nan)]
            ),
            "source": pd.Categorical.from_codes(
                np.repeat([0, 1], [n_jobs, n_trips]), categories=["employment", "move"]
            ),
        }
    )
    return out.astype({"placed_on": "datetime64[us]", "district_code": "Int64"})


def _stack(first: pd.Series, second: pd.Series) -> pd.Series:
    return pd.concat([first, second], ignore_index=True)


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
    graph: nx.DiGraph[str] = nx.DiGraph()
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
    graph: nx.DiGraph[str] = nx.DiGraph()
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
