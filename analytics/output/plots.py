"""Pictures of analytics results: PNG or SVG by the file's extension.

matplotlib's Agg backend, so no screen is needed; this is the only module that imports
matplotlib, and only when a picture is drawn.

* ``plot_calendar``: the seasonal calendar, when people leave and come back, corridor by
  corridor. Two heat maps side by side share the corridor rows (busiest corridors first):
  departures by month on the left, returns on the right. Read across a row to see a
  season: the months a source centre must be open for people leaving, and those for
  people coming back.
* ``plot_network``: the riskiest pieces of the contractor network, contractors coloured by
  risk score.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pandas as pd

from analytics.contractor_network import SEED
from analytics.corridors import CORRIDOR, corridor_label

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
TOP_CORRIDORS = 25
PLOT_NODES = 450
"""Most nodes ``plot_network`` draws: the riskiest pieces of the network first."""


def plot_calendar(
    calendar: pd.DataFrame, path: str | os.PathLike, top: int = TOP_CORRIDORS
) -> Path:
    """Draw ``seasonal_calendar`` output for its ``top`` busiest corridors into ``path``."""
    plt = _pyplot()
    if calendar.empty:  # say so rather than draw empty axes
        fig = plt.figure(figsize=(6, 1.5))
        fig.text(0.5, 0.5, "No seasonal circuits in the store", ha="center", va="center")
        return _save(fig, path, dpi=110)
    ranked = calendar.drop_duplicates(CORRIDOR).sort_values("workers", ascending=False)
    corridors = ranked.head(top)[CORRIDOR].to_numpy()
    labels = [
        f"{corridor_label(o, d)}  ({w})"
        for (o, d), w in zip(corridors, ranked.head(top)["workers"], strict=True)
    ]
    departures = _grid(calendar, corridors, "departures")
    returns = _grid(calendar, corridors, "returns")

    height = max(2.5, 0.32 * len(corridors) + 1.6)
    fig, axes = plt.subplots(1, 2, figsize=(14, height), sharey=True, layout="constrained")
    for ax, grid, title, cmap in (
        (axes[0], departures, "Departures from home", "Oranges"),
        (axes[1], returns, "Returns home", "Blues"),
    ):
        image = ax.imshow(grid, aspect="auto", cmap=cmap, interpolation="nearest")
        ax.set_xticks(range(12), MONTHS)
        ax.set_title(title)
        fig.colorbar(image, ax=ax, shrink=0.8, label="round trips (all years)")
    axes[0].set_yticks(range(len(labels)), labels, fontsize=8)
    fig.suptitle("Seasonal calendar of circuits: busiest corridors (workers)")
    return _save(fig, path, dpi=110)


def _grid(calendar: pd.DataFrame, corridors: np.ndarray, column: str) -> np.ndarray:
    """A corridors x 12 array of ``column`` in the order of ``corridors``."""
    wide = calendar.pivot_table(index=CORRIDOR, columns="month", values=column, aggfunc="sum")
    wide = wide.reindex(columns=range(1, 13), fill_value=0)
    index = pd.MultiIndex.from_arrays([corridors[:, 0], corridors[:, 1]])
    return wide.reindex(index).fillna(0).to_numpy()


def plot_network(graph: nx.Graph, path: str | os.PathLike, *, max_nodes: int = PLOT_NODES) -> Path:
    """Draw the riskiest pieces of the network, contractors coloured by risk score.

    Pieces holding the highest-risk contractors come first until ``max_nodes`` are drawn;
    employers are grey squares, flagged contractors are ringed in black.
    """
    plt = _pyplot()
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
    return _save(figure, path, bbox_inches="tight")


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


# -- matplotlib, imported only here and only when a picture is drawn ---------------------------
def _pyplot() -> Any:
    """``matplotlib.pyplot`` on the Agg backend (no screen needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(figure: Figure, path: str | os.PathLike, **savefig: Any) -> Path:
    """Save ``figure`` to ``path`` (PNG or SVG by its extension) and free it."""
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, **savefig)
    plt.close(figure)
    return path


# -- journey sequences -------------------------------------------------------------------------
STATE_COLOURS = {"unknown": "#d9d9d9", "home": "#4c78a8"}
SECTOR_COLOURS = (
    "#f58518",
    "#e45756",
    "#72b7b2",
    "#54a24b",
    "#eeca3b",
    "#b279a2",
    "#ff9da6",
    "#9d755d",
    "#bab0ac",
    "#8c564b",
    "#17becf",
)


def _state_colours(labels: list[str]) -> list[str]:
    return [
        STATE_COLOURS.get(label, SECTOR_COLOURS[(i - 2) % len(SECTOR_COLOURS)])
        for i, label in enumerate(labels)
    ]


def plot_chronogram(chronogram: pd.DataFrame, path: str | os.PathLike) -> Path:
    """The share of the cohort in each state by month, stacked (TraMineR's ``seqdplot``);
    ``chronogram`` is ``Sequences.chronogram()``. States nobody is in are left out."""
    plt = _pyplot()
    shown = chronogram.loc[:, chronogram.sum(axis=0) > 0]
    labels = list(shown.columns)
    figure, axes = plt.subplots(figsize=(max(6, len(shown) / 8), 4))
    x = np.arange(len(shown))
    axes.stackplot(
        x, shown.to_numpy().T, labels=labels, colors=_state_colours_of(shown, chronogram)
    )
    _month_ticks(axes, list(shown.index))
    axes.set_ylim(0, 1)
    axes.set_ylabel("share of persons")
    axes.set_title(f"Where the cohort was, month by month ({len(labels)} states)")
    axes.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=7, frameon=False)
    return _save(figure, path, bbox_inches="tight", dpi=120)


def plot_index(
    codes: np.ndarray, labels: tuple[str, ...], months: list[str], path: str | os.PathLike
) -> Path:
    """One row per person, one cell per month coloured by state (TraMineR's ``seqIplot``);
    ``codes, labels`` are ``Sequences.by_sector()``, rows sorted by their sequence."""
    plt = _pyplot()
    from matplotlib.colors import ListedColormap

    order = np.lexsort(codes.T[::-1]) if codes.size else np.arange(len(codes))
    figure, axes = plt.subplots(figsize=(max(6, len(months) / 8), 5))
    colours = ListedColormap(_state_colours(list(labels)))
    axes.imshow(
        codes[order],
        aspect="auto",
        interpolation="nearest",
        cmap=colours,
        vmin=-0.5,
        vmax=len(labels) - 0.5,
    )
    _month_ticks(axes, months)
    axes.set_ylabel(f"persons ({len(codes):,})")
    axes.set_yticks([])
    present = np.unique(codes)
    from matplotlib.patches import Patch

    axes.legend(
        handles=[Patch(color=colours(int(c)), label=labels[c]) for c in present],
        loc="upper left",
        bbox_to_anchor=(1, 1),
        fontsize=7,
        frameon=False,
    )
    axes.set_title("Each person's months: index plot")
    return _save(figure, path, bbox_inches="tight", dpi=120)


def _state_colours_of(shown: pd.DataFrame, full: pd.DataFrame) -> list[str]:
    colours = _state_colours(list(full.columns))
    return [colours[list(full.columns).index(c)] for c in shown.columns]


def _month_ticks(axes: Any, months: list[str]) -> None:
    step = max(1, len(months) // 12)
    axes.set_xticks(np.arange(0, len(months), step))
    axes.set_xticklabels(months[::step], rotation=90, fontsize=7)
