"""The key table of who is whom: the store's persons as analytics per person read them.

A light module (the store port, pandas): circuits, contractor risk, flows, journeys and
the Parquet export read the key table through it without importing the linkage.
"""

from __future__ import annotations

import pandas as pd

from graph_schema import IS_PERSON, Worker
from tracker.store import GraphStore

KEY_COLUMNS = ["worker_id", "person_id", "key"]
"""A persons key table: each placed worker id, its person, and the person's key, its first
registered worker id (analytics per person are keyed by it, ``analytics.persons``)."""


def linked_persons(store: GraphStore) -> pd.DataFrame:
    """``worker_id``, ``person_id`` of the registrations the store's linkage has placed
    (their IS_PERSON edges: the Worker table is not read)."""
    table = store.edge_table(IS_PERSON, columns=["worker_id", "person_id"])
    placed = table["person_id"].notna() & (table["person_id"].astype(str) != "")
    placed_rows = table[placed].astype(str).drop_duplicates("worker_id")
    return placed_rows.sort_values("worker_id", ignore_index=True)


def person_keys(persons: pd.DataFrame, workers: pd.DataFrame | None = None) -> pd.DataFrame:
    """The key table (``KEY_COLUMNS``) of a persons table (``worker_id``, ``person_id``).

    ``workers`` (``worker_id``, ``registered_on``) says which registration came first; a
    worker id it lacks, or with no date, comes after the dated ones, then by id.
    """
    table = persons[["worker_id", "person_id"]].astype(str).drop_duplicates("worker_id")
    if table.empty:
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in KEY_COLUMNS})
    if workers is not None and "registered_on" in workers.columns:
        dates = workers[["worker_id", "registered_on"]].astype({"worker_id": "str"})
        table = table.merge(dates.drop_duplicates("worker_id"), on="worker_id", how="left")
    else:
        table = table.assign(registered_on=pd.NaT)
    ordered = table.sort_values(
        ["person_id", "registered_on", "worker_id"], na_position="last", kind="stable"
    )
    first = ordered.drop_duplicates("person_id").set_index("person_id")["worker_id"]
    table["key"] = first.reindex(table["person_id"].to_numpy()).to_numpy()
    return table[KEY_COLUMNS].sort_values("worker_id", ignore_index=True)


def person_keys_from_store(store: GraphStore) -> pd.DataFrame:
    """The key table of the store's linkage (empty when no linkage has run)."""
    placed = linked_persons(store)
    if placed.empty:
        return person_keys(placed)
    workers = store.node_table(Worker)
    return person_keys(placed, workers[["worker_id", "registered_on"]])
