"""The contractor network: who works with whom, as a whole and around one contractor.

Advocacy staff need to see who works with whom. Two views, both over the supply records
(``analytics.supply_graph``); workers are never nodes (see ``supply_graph``):

* the whole network (``contractor_network``, ``network_roles``): contractors and employers
  as nodes of an undirected graph, joined where a contractor supplies another or an
  employer (contractor links) or placed workers with an employer (recruitment). On it:

  - communities (Louvain modularity, seeded so a run is repeatable): contractors and
    employers that work mostly with each other. The network falls apart into many small
    separate pieces; modularity never joins separate pieces, so a small piece is one
    community as it is and Louvain runs only on the pieces larger than ``SMALL_PIECE``;
  - brokers: contractors many shortest paths between others run through (betweenness
    centrality). Paths never cross pieces, so it is computed piece by piece and normalised
    by the whole network's number of pairs. Exact betweenness costs one breadth-first
    search per node, hours on a network of 50,000 contractors in networkx; so when the
    exact figure would cost more than ``BETWEENNESS_WORK`` node and edge visits, every piece
    is given the same share of sampled sources (networkx's ``k``, at least ``MIN_SOURCES``),
    chosen to fit that budget, and the figures are estimates (unbiased, scaled by
    networkx). The share used is kept in ``graph.graph["betweenness_sources_share"]`` (1.0:
    exact). On networks like the sample's, many small pieces, it is exact.

  ``analytics.output`` writes it as GraphML and draws it coloured by risk.
* one contractor's chains (``NetworkIndex``, for the API): who it answers to (up to the
  principal employers that gain from the work) and who answers to it (down to the village
  recruiters), with how many workers each placed. It walks the directed supply graph
  around one contractor, depth-bounded and cycle-safe (a circle in the links is a data
  error, reported by ``supply_cycles``, and never walked twice). ``NetworkIndex`` builds
  the graph and the worker counts once per store state; ``network`` answers per contractor.
  Worker counts of fewer than 5 are suppressed for researcher and advocacy keys
  (``tracker.access.disclosure``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from analytics.supply_graph import (
    SupplyRecords,
    contractor_node,
    encode_ids,
    placements,
    read_supply_records,
    supply_graph,
)
from tracker.access.disclosure import EXACT, CountWords, suppressed
from tracker.store import GraphStore

SMALL_PIECE = 12
BETWEENNESS_WORK = 600_000
"""Node and edge visits betweenness may spend (about 4 s in networkx on the reference machine)."""
MIN_SOURCES = 4
BROKER_SHARE = 0.01
"""The top 1% of contractors by betweenness (and above zero) are called brokers."""
SEED = 6

ROLE_COLUMNS = ("node", "kind", "id", "community", "community_size", "betweenness", "broker")


def contractor_network(
    records: SupplyRecords, risk: pd.DataFrame | None = None, placed: pd.DataFrame | None = None
) -> nx.Graph:
    """Undirected network of contractors and employers (module docstring).

    Edge ``weight`` is 1 per contractor link plus the workers placed along that edge;
    contractor nodes carry ``risk_score``, ``flagged`` and ``workers_placed`` when ``risk``
    is given. ``placed`` may pass the records' ``placements`` when the caller has them.
    """
    records = encode_ids(records)
    if placed is None:
        placed = placements(records.employments, records.moves)
    links = records.links
    to_employer = (links["supplies_to_kind"] == "employer").to_numpy()
    upper = _node_names(records, links["supplies_to_id"])
    supply = pd.DataFrame(
        {
            "a": "contractor:" + _node_names(records, links["contractor_id"]),
            "b": np.where(to_employer, "employer:", "contractor:") + upper,
            "links": 1,
            "workers": 0,
        }
    )
    hired = (
        placed.loc[placed["employer_id"].notna(), ["contractor_id", "employer_id", "worker_id"]]
        .drop_duplicates()
        .groupby(["contractor_id", "employer_id"])
        .size()
        .rename("workers")
        .reset_index()
    )
    recruitment = pd.DataFrame(
        {
            "a": "contractor:" + _node_names(records, hired["contractor_id"]),
            "b": "employer:" + _node_names(records, hired["employer_id"]),
            "links": 0,
            "workers": hired["workers"].to_numpy(),
        }
    )
    edges = pd.concat([supply, recruitment], ignore_index=True)
    # one undirected edge per pair, whichever way round it was recorded
    a, b = edges["a"].to_numpy(dtype=object), edges["b"].to_numpy(dtype=object)
    edges["a"], edges["b"] = np.where(a < b, a, b), np.where(a < b, b, a)
    edges = edges.groupby(["a", "b"], as_index=False)[["links", "workers"]].sum()

    graph: nx.Graph[str] = nx.Graph()
    graph.add_edges_from(
        (a, b, {"weight": int(n + w), "links": int(n), "workers": int(w)})
        for a, b, n, w in edges.itertuples(index=False, name=None)
    )
    _add_nodes(graph, records, risk)
    return graph


def _node_names(records: SupplyRecords, codes: pd.Series) -> np.ndarray:
    return records.decode(codes).to_numpy(dtype=object)


def network_roles(
    graph: nx.Graph, *, seed: int = SEED, work: int = BETWEENNESS_WORK
) -> pd.DataFrame:
    """Each node's community, the community's size, betweenness and whether it is a broker."""
    pieces = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    community = _communities(graph, pieces, seed)
    betweenness = _betweenness(graph, pieces, seed, work)
    nodes = list(graph.nodes)
    roles = pd.DataFrame(
        {
            "node": nodes,
            "kind": [graph.nodes[n].get("kind", "") for n in nodes],
            "id": [graph.nodes[n].get("id", n) for n in nodes],
            "community": [community[n] for n in nodes],
            "betweenness": [betweenness.get(n, 0.0) for n in nodes],
        }
    )
    roles["community_size"] = roles.groupby("community")["node"].transform("size")
    roles["broker"] = _brokers(roles)
    for node, group, between, broker in zip(
        nodes, roles["community"], roles["betweenness"], roles["broker"], strict=True
    ):
        graph.nodes[node].update(
            community=int(group), betweenness=float(between), broker=bool(broker)
        )
    return roles[list(ROLE_COLUMNS)]


def _communities(graph: nx.Graph, pieces: list[set], seed: int) -> dict[str, int]:
    """Community number per node: Louvain on large pieces, small pieces whole."""
    community: dict[str, int] = {}
    next_id = 0
    for piece in pieces:
        if len(piece) <= SMALL_PIECE:
            groups = [piece]
        else:
            found = nx.community.louvain_communities(
                graph.subgraph(piece), weight="weight", seed=seed
            )
            groups = sorted(found, key=lambda c: (-len(c), min(c)))
        for group in groups:
            community.update(dict.fromkeys(group, next_id))
            next_id += 1
    return community


def _betweenness(graph: nx.Graph, pieces: list[set], seed: int, work: int) -> dict[str, float]:
    """Betweenness per node, exact or from sampled sources within ``work`` (module docstring)."""
    pairs = max(1.0, (len(graph) - 1) * (len(graph) - 2) / 2)
    costs = [(piece, len(piece) + graph.subgraph(piece).number_of_edges()) for piece in pieces]
    exact_cost = sum(len(piece) * size for piece, size in costs if len(piece) > 2)
    share = min(1.0, work / exact_cost) if exact_cost else 1.0
    graph.graph["betweenness_sources_share"] = share
    found: dict[str, float] = {}
    for piece, _ in costs:
        if len(piece) <= 2:  # nobody stands between anybody
            continue
        k = max(min(len(piece), MIN_SOURCES), round(share * len(piece)))
        sub = graph.subgraph(piece)
        raw = nx.betweenness_centrality(
            sub, k=None if k >= len(piece) else k, normalized=False, seed=seed
        )
        found.update({node: value / pairs for node, value in raw.items()})
    return found


# -- helpers ----------------------------------------------------------------------------


def _add_nodes(graph: nx.Graph, records: SupplyRecords, risk: pd.DataFrame | None) -> None:
    """Attributes for every contractor and employer (GraphML wants no missing values)."""
    employers = records.employers
    _add_table_nodes(
        graph,
        "employer",
        _node_names(records, employers["employer_id"]),
        {
            "name": employers["name"].map(_graphml_text),
            "sector": employers["sector"].map(_graphml_text),
            "district_code": employers["district_code"].map(_graphml_number),
        },
        {},
    )
    found: dict[str, dict] = {}
    if risk is not None:
        found = (
            risk.set_index("contractor_id")[["risk_score", "flagged", "workers_placed"]]
            .astype({"risk_score": float, "flagged": bool, "workers_placed": int})
            .to_dict("index")
        )
    contractors = records.contractors
    _add_table_nodes(
        graph,
        "contractor",
        _node_names(records, contractors["contractor_id"]),
        {
            "name": contractors["name"].map(_graphml_text),
            "district_code": contractors["base_district_code"].map(_graphml_number),
            "licensed": contractors["licence_no"].notna(),
        },
        found,
    )
    for node, data in graph.nodes(data=True):  # referenced but not in the node tables
        data.setdefault("kind", node.split(":", 1)[0])
        data.setdefault("id", node.split(":", 1)[1])


def _add_table_nodes(
    graph: nx.Graph, kind: str, ids, columns: dict[str, pd.Series], extra: dict[str, dict]
) -> None:
    """One node per id of a node table, ``kind:id``, with its columns as attributes (in
    the columns' order) and, last, what ``extra`` holds for that id."""
    values = [column.tolist() for column in columns.values()]
    for node_id, *row in zip(ids, *values, strict=True):
        attributes = {"kind": kind, "id": node_id, **dict(zip(columns, row, strict=True))}
        graph.add_node(f"{kind}:{node_id}", **attributes, **extra.get(node_id, {}))


def _brokers(roles: pd.DataFrame) -> pd.Series:
    contractors = roles[(roles["kind"] == "contractor") & (roles["betweenness"] > 0)]
    if contractors.empty:
        return pd.Series(False, index=roles.index)
    top = max(1, math.ceil(BROKER_SHARE * (roles["kind"] == "contractor").sum()))
    chosen = contractors.nlargest(top, "betweenness").index
    return pd.Series(roles.index.isin(chosen), index=roles.index)


def _graphml_text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _graphml_number(value: Any) -> int:  # a pandas cell: a number, None, NaN or NA
    return -1 if value is None or pd.isna(value) else int(value)


# -- one contractor's chains (the API) -----------------------------------------------------
MAX_DEPTH = 8
MAX_CHAINS = 500


class NetworkMember(BaseModel):
    id: str
    kind: str = Field(description="contractor or employer")
    name: str | None = None
    workers: int | None = Field(
        None,
        description="distinct workers it placed (contractors) or took on through "
        "contractors (employers); None when suppressed",
    )
    suppressed: bool = False
    licensed: bool | None = None
    risk_score: float | None = None
    flagged: bool | None = None
    reasons: str | None = None


class SupplyLink(BaseModel):
    link_id: str
    contractor_id: str
    supplies_to_kind: str
    supplies_to_id: str
    from_date: str | None = None
    to_date: str | None = None


class ContractorNetwork(BaseModel):
    contractor: NetworkMember
    up: list[list[str]] = Field(
        description="chains from this contractor up to a principal employer: node ids "
        "('contractor:ID' or 'employer:ID'), this contractor first"
    )
    down: list[list[str]] = Field(
        description="chains from this contractor down to recruiters, this contractor first"
    )
    members: list[NetworkMember]
    links: list[SupplyLink]
    truncated: bool = Field(False, description="more chains than shown (MAX_CHAINS)")
    count_words: str = Field(
        "exact",
        description="how counts of workers are written in the reasons: exact, or banded "
        "(counts below 5 written 'fewer than 5', for keys that get small counts suppressed)",
    )


@dataclass(frozen=True)
class NetworkIndex:
    graph: nx.DiGraph
    members: dict[str, NetworkMember]
    """graph node id -> member (with unsuppressed worker counts)"""
    count_words: str = "exact"
    """How the members' reasons write counts (``CountWords.name``)."""

    @classmethod
    def build(
        cls, store: GraphStore, risk: pd.DataFrame | None = None, words: CountWords = EXACT
    ) -> NetworkIndex:
        """``risk``: contractor_risk's table, its reasons written with ``words``."""
        records = read_supply_records(store)
        placed = placements(records.employments, records.moves)
        graph = supply_graph(records.links)
        by_contractor = placed.groupby("contractor_id").worker_id.nunique()
        by_employer = placed.groupby("employer_id").worker_id.nunique()
        risk_by_id = risk.set_index("contractor_id").to_dict("index") if risk is not None else {}
        members: dict[str, NetworkMember] = {}
        for row in records.contractors.itertuples(index=False):
            found = risk_by_id.get(row.contractor_id, {})
            members[contractor_node(row.contractor_id)] = NetworkMember(
                id=row.contractor_id,
                kind="contractor",
                name=row.name,
                workers=int(by_contractor.get(row.contractor_id, 0)),
                licensed=isinstance(row.licence_no, str) and bool(row.licence_no),
                risk_score=_float(found.get("risk_score")),
                flagged=_bool(found.get("flagged")),
                reasons=_text(found.get("reasons")),
            )
        for row in records.employers.itertuples(index=False):
            members[f"employer:{row.employer_id}"] = NetworkMember(
                id=row.employer_id,
                kind="employer",
                name=row.name,
                workers=int(by_employer.get(row.employer_id, 0)),
            )
        return cls(graph=graph, members=members, count_words=words.name)

    def network(self, contractor_id: str, suppress: bool = False) -> ContractorNetwork | None:
        """The contractor's chains, or None if there is no such contractor."""
        start = contractor_node(contractor_id)
        if start not in self.members:
            return None
        up, up_cut = self._chains(start, self.graph.successors)
        down, down_cut = self._chains(start, self.graph.predecessors)
        seen = dict.fromkeys(node for chain in up + down for node in chain)
        seen.setdefault(start)
        pairs = [(a, b) for chain in up for a, b in pairwise(chain)]
        pairs += [(b, a) for chain in down for a, b in pairwise(chain)]
        return ContractorNetwork(
            contractor=self._member(start, suppress),
            up=up,
            down=down,
            members=[self._member(node, suppress) for node in seen],
            links=[self._link(a, b) for a, b in dict.fromkeys(pairs)],
            truncated=up_cut or down_cut,
            count_words=self.count_words,
        )

    def _chains(self, start: str, step) -> tuple[list[list[str]], bool]:
        """Every simple path from ``start`` along ``step`` to its end (depth-bounded)."""
        chains: list[list[str]] = []
        stack: list[list[str]] = [[start]]
        while stack:
            path = stack.pop()
            nexts = [n for n in step(path[-1]) if n not in path]
            if not nexts or len(path) > MAX_DEPTH:
                if len(path) > 1:
                    chains.append(path)
                    if len(chains) >= MAX_CHAINS:
                        return sorted(chains), True
                continue
            stack.extend([*path, n] for n in sorted(nexts, reverse=True))
        return sorted(chains), False

    def _link(self, source: str, target: str) -> SupplyLink:
        edge = self.graph.edges[source, target]
        kind, _, target_id = target.partition(":")
        return SupplyLink(
            link_id=edge["link_id"],
            contractor_id=self.graph.nodes[source]["id"],
            supplies_to_kind=kind,
            supplies_to_id=target_id,
            from_date=edge["from_date"] or None,
            to_date=edge["to_date"] or None,
        )

    def _member(self, node: str, suppress: bool) -> NetworkMember:
        member = self.members.get(node)
        if member is None:  # a link to an id the store lacks
            kind, _, node_id = node.partition(":")
            member = NetworkMember(id=node_id, kind=kind)
        if suppress and member.workers is not None and suppressed(member.workers) is None:
            return member.model_copy(update={"workers": None, "suppressed": True})
        return member


def _float(value: Any) -> float | None:  # a pandas cell: a number, None, NaN or NA
    return None if value is None or pd.isna(value) else float(value)


def _bool(value: object) -> bool | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
