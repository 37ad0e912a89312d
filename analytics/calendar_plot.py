"""The seasonal calendar as a picture: when people leave and come back, corridor by corridor.

Two heat maps side by side share the corridor rows (busiest corridors first): departures by
month on the left, returns on the right. Read across a row to see a season: the months a
source centre must be open for people leaving, and those for people coming back. PNG or
SVG, by the file's extension; matplotlib's Agg backend, so no screen is needed.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.corridors import CORRIDOR, corridor_label

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
TOP_CORRIDORS = 25


def plot_calendar(
    calendar: pd.DataFrame, path: str | os.PathLike, top: int = TOP_CORRIDORS
) -> Path:
    """Draw ``seasonal_calendar`` output for its ``top`` busiest corridors into ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if calendar.empty:  # say so rather than draw empty axes
        fig = plt.figure(figsize=(6, 1.5))
        fig.text(0.5, 0.5, "No seasonal circuits in the store", ha="center", va="center")
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return path
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
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _grid(calendar: pd.DataFrame, corridors: np.ndarray, column: str) -> np.ndarray:
    """A corridors x 12 array of ``column`` in the order of ``corridors``."""
    wide = calendar.pivot_table(index=CORRIDOR, columns="month", values=column, aggfunc="sum")
    wide = wide.reindex(columns=range(1, 13), fill_value=0)
    index = pd.MultiIndex.from_arrays([corridors[:, 0], corridors[:, 1]])
    return wide.reindex(index).fillna(0).to_numpy()
