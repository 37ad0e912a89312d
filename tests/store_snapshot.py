"""Every node and edge table of a store, in a fixed row order, to compare two stores."""

from __future__ import annotations

import pandas as pd

from graph_schema import NODE_TYPES, REL_TYPES
from tracker.store import GraphStore


def snapshot(store: GraphStore) -> dict[str, pd.DataFrame]:
    tables = {node.label: store.node_table(node) for node in NODE_TYPES}
    tables.update({rel.name: store.edge_table(rel) for rel in REL_TYPES})
    return {
        name: frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)
        for name, frame in tables.items()
    }


def assert_same_store(one: GraphStore, other: GraphStore) -> None:
    mine, theirs = snapshot(one), snapshot(other)
    for name, frame in mine.items():
        pd.testing.assert_frame_equal(frame, theirs[name], obj=name)
