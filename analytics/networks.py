"""The contractor network: communities, brokers, a GraphML export and a picture by risk.

Advocacy staff need to see who works with whom. The network has contractors and employers
as nodes, joined where a contractor supplies another or an employer (contractor links) or
placed workers with an employer (recruitment); workers are not nodes (see
``supply_graph``). On it:

* communities (Louvain modularity, seeded so a run is repeatable): contractors and
  employers that work mostly with each other. The network falls apart into many small
  separate pieces; modularity never joins separate pieces, so a small piece is one
  community as it is and Louvain runs only on the pieces larger than ``SMALL_PIECE``;
* brokers: contractors many shortest paths between others run through (betweenness
  centrality). Exact on each piece up to ``EXACT_BETWEENNESS`` nodes; on larger pieces it
  is estimated from ``BETWEENNESS_SAMPLES`` sampled sources (networkx's ``k``), since exact
  betweenness on 50,000 nodes takes hours. Paths never cross pieces, so per-piece figures
  are the whole network's, normalised by the whole network's number of pairs.
"""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import pandas as pd

from analytics.contractor_risk import contractor_risk
from analytics.supply_graph import (
    SupplyRecords,
    contractor_node,
    employer_node,
    placements,
    read_supply_records,
)
from tracker.store import GraphStore

SMALL_PIECE = 12
EXACT_BETWEENNESS = 1000
BETWEENNESS_SAMPLES = 200
BROKER_SHARE = 0.01
"""The top 1% of contractors by betweenness (and above zero) are called brokers."""
SEED = 6
PLOT_NODES = 450
"""Most nodes drawn: the riskiest pieces of the network first."""

ROLE_COLUMNS = ("node", "kind", "id", "community", "community_size", "betweenness", "broker")


def network_from_store(store: GraphStore) -> tuple[nx.Graph, pd.DataFrame]:
    """The network with risk on its contractors, and each node's community and brokerage."""
    records = read_supply_records(store)
    risk = contractor_risk(records)
    graph = contractor_network(records, risk)
    return graph, network_roles(graph)


def contractor_network(records: SupplyRecords, risk: pd.DataFrame | None = None) -> nx.Graph:
    """Undirected network of contractors and employers (module docstring).

    Edge ``weight`` is 1 per contractor link plus the workers placed along that edge;
    contractor nodes carry ``risk_score`` and ``flagged`` when ``risk`` is given.
    """
    placed = placements(records.employments, records.moves)
    links = records.links
    to_employer = links["supplies_to_kind"] == "employer"
    sources = links["contractor_id"].map(contractor_node)
    targets = links["supplies_to_id"].where(~to_employer).map(contractor_node, na_action="ignore")
    targets = targets.fillna(links["supplies_to_id"].where(to_employer).map(employer_node))
    supply = pd.DataFrame({"a": sources, "b": targets, "links": 1, "workers": 0})
    hired = (
        placed[placed["employer_id"].notna()]
        .groupby(["contractor_id", "employer_id"])["worker_id"]
        .nunique()
        .reset_index()
    )
    recruitment = pd.DataFrame(
        {
            "a": hired["contractor_id"].map(contractor_node),
            "b": hired["employer_id"].map(employer_node),
            "links": 0,
            "workers": hired["worker_id"].to_numpy(),
        }
    )
    edges = pd.concat([supply, recruitment], ignore_index=True)
    # one undirected edge per pair, whichever way round it was recorded
    low = edges[["a", "b"]].min(axis=1)
    high = edges[["a", "b"]].max(axis=1)
    edges = (
        edges.assign(a=low, b=high).groupby(["a", "b"], as_index=False)[["links", "workers"]].sum()
    )
    edges["weight"] = edges["links"] + edges["workers"]

    graph = nx.Graph()
    graph.add_weighted_edges_from(edges[["a", "b", "weight"]].itertuples(index=False, name=None))
    nx.set_edge_attributes(
        graph,
        {
            (a, b): {"links": int(n), "workers": int(w)}
            for a, b, n, w in edges[["a", "b", "links", "workers"]].itertuples(
                index=False, name=None
            )
        },
    )
    _add_nodes(graph, records, risk)
    return graph


def network_roles(
    graph: nx.Graph,
    *,
    seed: int = SEED,
    exact_up_to: int = EXACT_BETWEENNESS,
    samples: int = BETWEENNESS_SAMPLES,
) -> pd.DataFrame:
    """Each node's community, the community's size, betweenness and whether it is a broker."""
    community: dict[str, int] = {}
    betweenness: dict[str, float] = {}
    pairs = max(1, (len(graph) - 1) * (len(graph) - 2) / 2)
    next_id = 0
    pieces = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    for piece in pieces:
        sub = graph.subgraph(piece)
        if len(piece) <= SMALL_PIECE:
            groups = [piece]
        else:
            groups = nx.community.louvain_communities(sub, weight="weight", seed=seed)
            groups = sorted(groups, key=lambda c: (-len(c), min(c)))
        for group in groups:
            for node in group:
                community[node] = next_id
            next_id += 1
        if len(piece) > 2:
            k = None if len(piece) <= exact_up_to else min(samples, len(piece))
            raw = nx.betweenness_centrality(sub, k=k, normalized=False, seed=seed)
            betweenness.update({node: value / pairs for node, value in raw.items()})
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
    for row in roles.itertuples(index=False):
        graph.nodes[row.node].update(
            community=int(row.community), betweenness=float(row.betweenness), broker=row.broker
        )
    return roles[list(ROLE_COLUMNS)]


def write_graphml(graph: nx.Graph, path: str | Path) -> Path:
    """Write the network as GraphML (Gephi, Cytoscape, yEd read it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(graph, path)
    return path


def plot_network(graph: nx.Graph, path: str | Path, *, max_nodes: int = PLOT_NODES) -> Path:
    """Draw the riskiest pieces of the network, contractors coloured by risk score.

    Pieces holding the highest-risk contractors come first until ``max_nodes`` are drawn;
    employers are grey squares, flagged contractors are ringed in black. PNG or SVG by the
    file's extension.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = graph.subgraph(_riskiest_pieces(graph, max_nodes))
    layout = nx.spring_layout(shown, seed=SEED, k=1.5 / math.sqrt(max(len(shown), 1)))
    contractors = [n for n, kind in shown.nodes(data="kind") if kind == "contractor"]
    employers = [n for n, kind in shown.nodes(data="kind") if kind == "employer"]
    flagged = [n for n in contractors if shown.nodes[n].get("flagged")]

    figure, axes = plt.subplots(figsize=(12, 10), dpi=110)
    nx.draw_networkx_edges(shown, layout, ax=axes, edge_color="#bbbbbb", width=0.6)
    nx.draw_networkx_nodes(
        shown, layout, nodelist=employers, node_shape="s", node_color="#9e9e9e",
        node_size=28, ax=axes, label="employer",
    )  # fmt: skip
    drawn = nx.draw_networkx_nodes(
        shown,
        layout,
        nodelist=contractors,
        node_color=[shown.nodes[n].get("risk_score", 0.0) for n in contractors],
        cmap="YlOrRd",
        vmin=0.0,
        vmax=1.0,
        node_size=[30 + 4 * min(shown.nodes[n].get("workers_placed", 0), 60) for n in contractors],
        edgecolors="#666666",
        linewidths=0.3,
        ax=axes,
        label="contractor",
    )
    nx.draw_networkx_nodes(
        shown, layout, nodelist=flagged, node_color="none", edgecolors="black",
        linewidths=1.6, node_size=160, ax=axes, label="flagged contractor",
    )  # fmt: skip
    figure.colorbar(drawn, ax=axes, shrink=0.7, label="contractor risk score")
    axes.legend(loc="lower left", fontsize=8)
    axes.set_title(
        f"Contractor network, riskiest parts ({len(shown)} of {len(graph)} nodes); "
        "size = workers placed"
    )
    axes.axis("off")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, bbox_inches="tight")
    plt.close(figure)
    return path


# -- helpers ----------------------------------------------------------------------------


def _add_nodes(graph: nx.Graph, records: SupplyRecords, risk: pd.DataFrame | None) -> None:
    """Attributes for every contractor and employer (GraphML wants no missing values)."""
    for row in records.employers.itertuples(index=False):
        graph.add_node(
            employer_node(row.employer_id),
            kind="employer",
            id=row.employer_id,
            name=_text(row.name),
            sector=_text(row.sector),
            district_code=_number(row.district_code),
        )
    scores = risk.set_index("contractor_id") if risk is not None else None
    for row in records.contractors.itertuples(index=False):
        attributes = {
            "kind": "contractor",
            "id": row.contractor_id,
            "name": _text(row.name),
            "district_code": _number(row.base_district_code),
            "licensed": not pd.isna(row.licence_no),
        }
        if scores is not None and row.contractor_id in scores.index:
            found = scores.loc[row.contractor_id]
            attributes.update(
                risk_score=float(found["risk_score"]),
                flagged=bool(found["flagged"]),
                workers_placed=int(found["workers_placed"]),
            )
        graph.add_node(contractor_node(row.contractor_id), **attributes)
    for node, data in graph.nodes(data=True):  # referenced but not in the node tables
        data.setdefault("kind", node.split(":", 1)[0])
        data.setdefault("id", node.split(":", 1)[1])


def _brokers(roles: pd.DataFrame) -> pd.Series:
    contractors = roles[(roles["kind"] == "contractor") & (roles["betweenness"] > 0)]
    if contractors.empty:
        return pd.Series(False, index=roles.index)
    top = max(1, math.ceil(BROKER_SHARE * (roles["kind"] == "contractor").sum()))
    chosen = contractors.nlargest(top, "betweenness").index
    return pd.Series(roles.index.isin(chosen), index=roles.index)


def _riskiest_pieces(graph: nx.Graph, max_nodes: int) -> set[str]:
    pieces = sorted(
        nx.connected_components(graph),
        key=lambda piece: (
            -max((graph.nodes[n].get("risk_score", 0.0) for n in piece), default=0.0),
            -len(piece),
        ),
    )
    chosen: set[str] = set()
    for piece in pieces:
        if len(chosen) + len(piece) > max_nodes:
            if not chosen:  # one piece larger than the budget: its riskiest nodes
                ranked = sorted(piece, key=lambda n: -graph.nodes[n].get("risk_score", 0.0))
                chosen.update(ranked[:max_nodes])
            continue
        chosen.update(piece)
    return chosen


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _number(value: object) -> int:
    return -1 if value is None or pd.isna(value) else int(value)
