"""Graph files (GraphML and GEXF, which Gephi, Cytoscape and yEd open) and journey
sequences (Parquet or CSV).

CSV tables go through ``tracker.csvio.write_table``, the format's one CSV writer.
"""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import pandas as pd

from tracker.csvio import write_table


def write_graph(
    graph: nx.Graph,
    graphml: str | os.PathLike | None = None,
    gexf: str | os.PathLike | None = None,
) -> list[Path]:
    """Write ``graph`` as GraphML and/or GEXF (each only if its path is given)."""
    written = []
    for path, writer in ((graphml, nx.write_graphml), (gexf, nx.write_gexf)):
        if path is None:
            continue
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        writer(graph, path)
        written.append(path)
    return written


def write_sequences(wide: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write the wide sequence table (``analytics.journeys.sequences.Sequences.wide``) as
    Parquet (``.parquet``) or CSV (anything else); docs/journeys.md gives the schema."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        path.parent.mkdir(parents=True, exist_ok=True)
        wide.to_parquet(path, index=False)
        return path
    return write_table(wide, path)
