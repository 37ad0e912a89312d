"""One contractor's network: its chains up to principal employers and down to recruiters.

Advocacy staff who hear of a contractor need to see who it answers to (up to the firms
that gain from the work) and who answers to it (down to the village recruiters), with how
many workers each placed. The supply graph is the contractor-risk engineer's
(``analytics.supply_graph``: contractor links, and placements from moves and employments
for the worker counts); this module only walks it around one contractor, depth-bounded and
cycle-safe (a circle in the links is a data error, reported by ``supply_cycles``, and never
walked twice).

``NetworkIndex`` builds the graph and the worker counts once per store state; ``network``
answers per contractor. Worker counts of fewer than 5 are suppressed for researcher and
advocacy keys (``tracker.access.disclosure``).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import networkx as nx
import pandas as pd
from pydantic import BaseModel, Field

from analytics.supply_graph import (
    contractor_node,
    placements,
    read_supply_records,
    supply_graph,
)
from tracker.access.disclosure import suppressed
from tracker.store import GraphStore

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


@dataclass(frozen=True)
class NetworkIndex:
    graph: nx.DiGraph
    members: dict[str, NetworkMember]
    """graph node id -> member (with unsuppressed worker counts)"""

    @classmethod
    def build(cls, store: GraphStore, risk: pd.DataFrame | None = None) -> NetworkIndex:
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
        return cls(graph=graph, members=members)

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


def _float(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _bool(value: object) -> bool | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
