"""Reading persons and scored pairs back, and explaining a pair.

These are the functions other code builds on (timelines per person, circuits per person,
the review page): they read the store only, never re-run the linkage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph_schema import IS_PERSON, MATCHES, Worker
from tracker.identity.comparisons import COMPARISONS, compare
from tracker.identity.linkage import stored_model, stored_token_shares
from tracker.identity.model import (
    NAMES_DIFFER_CAP,
    capped,
    contributions,
    pair_frequencies,
    prior_weight,
)
from tracker.identity.records import read_registrations
from tracker.store import GraphStore

PERSON_COLUMNS = ("worker_id", "person_id", "linked_by", "match_probability")


def persons(store: GraphStore) -> pd.DataFrame:
    """One row per worker_id: person_id, linked_by, match_probability (persons.csv).

    A worker the linkage has not seen yet (none ran since its batch) is its own person
    under its worker id's row with an empty person_id."""
    links = store.edge_table(IS_PERSON)
    workers = store.node_table(Worker)[["worker_id"]]
    table = workers.merge(links, on="worker_id", how="left")
    return (
        table[list(PERSON_COLUMNS)].sort_values("worker_id", kind="stable").reset_index(drop=True)
    )


def person_of(store: GraphStore, worker_id: str) -> pd.DataFrame:
    """The registrations of the person that ``worker_id`` belongs to (itself included)."""
    mine = store.edges_from(IS_PERSON, [worker_id])
    if mine.empty:
        return mine
    table = store.edge_table(IS_PERSON)
    return table[table["person_id"] == mine["person_id"].iloc[0]].reset_index(drop=True)


def candidates(store: GraphStore, status: str | None = None) -> pd.DataFrame:
    """Scored pairs: worker_id, other_worker_id, match_probability, status (``linked`` or
    ``review``), strongest first; only ``status`` ones when given."""
    table = store.edge_table(MATCHES)
    if status:
        table = table[table["status"] == status]
    return table.sort_values("match_probability", ascending=False, kind="stable").reset_index(
        drop=True
    )


def explain(store: GraphStore, worker_id: str, other_worker_id: str) -> dict[str, object]:
    """A pair's match probability and each comparison's share of it (a waterfall): the
    prior, then per comparison its level, whether it agrees, disagrees or is missing, and
    the match weight (bits) it adds."""
    params = stored_model(store)
    if params is None:
        raise LookupError("no linkage has run on this store yet (lmt persons)")
    regs = read_registrations(store, [worker_id, other_worker_id])
    at = regs.positions([worker_id, other_worker_id])
    for wid, pos in zip((worker_id, other_worker_id), at, strict=True):
        if pos < 0:
            raise KeyError(wid)
    a, b = np.array([at[0]]), np.array([at[1]])
    levels = compare(regs, a, b)
    tf = pair_frequencies(regs, a, b, stored_token_shares(store))
    weights = contributions(params, levels, tf).iloc[0]
    steps = [
        {"comparison": "prior", "level": None, "outcome": None, "weight": prior_weight(params)}
    ]
    for c in COMPARISONS:
        level = int(levels[c.name].iloc[0])
        weight = float(weights[c.name])
        outcome = (
            "missing"
            if level == c.missing
            else ("agrees" if weight > 0 else "disagrees" if weight < 0 else "neutral")
        )
        steps.append(
            {
                "comparison": c.name,
                "description": c.description,
                "level": c.levels[level],
                "outcome": outcome,
                "weight": round(weight, 3),
            }
        )
    total = sum(float(s["weight"] or 0.0) for s in steps)
    probability = float(1 / (1 + 2 ** (-total)))
    held_down = bool(capped(levels)[0])
    if held_down:
        probability = min(probability, NAMES_DIFFER_CAP)
    return {
        "worker_id": worker_id,
        "other_worker_id": other_worker_id,
        "match_weight": round(total, 3),
        "match_probability": probability,
        "names_differ_cap": held_down,
        "contributions": steps,
    }
