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
  centrality). Paths never cross pieces, so it is computed piece by piece and normalised
  by the whole network's number of pairs. Exact betweenness costs one breadth-first search
  per node, hours on a network of 50,000 contractors in networkx; so when the exact figure
  would cost more than ``BETWEENNESS_WORK`` node and edge visits, every piece is given the
  same share of sampled sources (networkx's ``k``, at least ``MIN_SOURCES``), chosen to fit
  that budget, and the figures are estimates (unbiased, scaled by networkx). The share used
  is kept in ``graph.graph["betweenness_sources_share"]`` (1.0: exact). On networks like the
  sample's, many small pieces, it is exact.
"""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from analytics.contractor_risk import contractor_risk
from analytics.supply_graph import SupplyRecords, encode_ids, placements, read_supply_records
from tracker.store import GraphStore

SMALL_PIECE = 12
BETWEENNESS_WORK = 600_000
"""Node and edge visits betweenness may spend (about 4 s in networkx on the reference machine)."""
MIN_SOURCES = 4
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

    graph = nx.Graph()
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
    employers = records.employers
    for employer_id, name, sector, district in zip(
        _node_names(records, employers["employer_id"]),
        employers["name"],
        employers["sector"],
        employers["district_code"],
        strict=True,
    ):
        graph.add_node(
            f"employer:{employer_id}",
            kind="employer",
            id=employer_id,
            name=_text(name),
            sector=_text(sector),
            district_code=_number(district),
        )
    found: dict[str, dict] = {}
    if risk is not None:
        found = (
            risk.set_index("contractor_id")[["risk_score", "flagged", "workers_placed"]]
            .astype({"risk_score": float, "flagged": bool, "workers_placed": int})
            .to_dict("index")
        )
    contractors = records.contractors
    for contractor_id, name, district, licence in zip(
        _node_names(records, contractors["contractor_id"]),
        contractors["name"],
        contractors["base_district_code"],
        contractors["licence_no"],
        strict=True,
    ):
        graph.add_node(
            f"contractor:{contractor_id}",
            kind="contractor",
            id=contractor_id,
            name=_text(name),
            district_code=_number(district),
            licensed=not pd.isna(licence),
            **found.get(contractor_id, {}),
        )
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
