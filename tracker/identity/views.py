"""Reading persons and scored pairs back, and explaining a pair.

These are the functions other code builds on (timelines per person, circuits per person,
the review page): they read the store only, never re-run the linkage.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from graph_schema import IDENTITY_DECIDED, IS_PERSON, MATCHES, Household, Worker
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
COMPARED = {
    "name": "name",
    "birth_year": "birth_year",
    "gender": "gender",
    "phone": "phone",
    "eshram_uan": "eshram_uan",
    "household": "household_id",
    "village": "village",
    "home_district": "home_district_code",
    "registered_by": "registered_at",
}
"""The registrations' column each field comparison looks at (``explain``'s ``values``);
the other comparisons (where each was seen, employers) are findings about the pair."""


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


def candidates(
    store: GraphStore, status: str | None = None, undecided: bool = False
) -> pd.DataFrame:
    """Scored pairs: worker_id, other_worker_id, match_probability, status (``linked`` or
    ``review``), strongest first; only ``status`` ones when given. ``undecided`` leaves out
    the pairs a person has decided (either way round): what is left to review."""
    table = store.edge_table(MATCHES)
    if status:
        table = table[table["status"] == status]
    if undecided:
        decided = store.edge_table(IDENTITY_DECIDED)
        done = set(zip(decided["worker_id"], decided["other_worker_id"], strict=True))
        done |= {(b, a) for a, b in done}
        pairs = zip(table["worker_id"], table["other_worker_id"], strict=True)
        keep = np.fromiter((pair not in done for pair in pairs), dtype=bool, count=len(table))
        table = table[keep]
    return table.sort_values("match_probability", ascending=False, kind="stable").reset_index(
        drop=True
    )


def explain(store: GraphStore, worker_id: str, other_worker_id: str) -> dict[str, object]:
    """A pair's match probability and each comparison's share of it (a waterfall): the
    prior, then per comparison its level, whether it agrees, disagrees or is missing, and
    the match weight (bits) it adds; a field comparison also gives ``values``, what the two
    registrations hold (as recorded; the home district is the one the matcher used, which
    for a registration without a household comes from its moves)."""
    params = stored_model(store)
    if params is None:
        raise LookupError("no linkage has run on this store yet (lmt persons)")
    if not params.fits():
        raise LookupError("the linkage model is of an earlier version (lmt persons --relink)")
    regs = read_registrations(store, [worker_id, other_worker_id])
    at = regs.positions([worker_id, other_worker_id])
    for wid, pos in zip((worker_id, other_worker_id), at, strict=True):
        if pos < 0:
            raise KeyError(wid)
    a, b = np.array([at[0]]), np.array([at[1]])
    levels = compare(regs, a, b)
    tf = pair_frequencies(regs, a, b, stored_token_shares(store))
    weights = contributions(params, levels, tf).iloc[0]
    shown = _compared_values(store, regs.table.iloc[list(at)])
    steps: list[dict[str, Any]] = [
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
        step: dict[str, Any] = {
            "comparison": c.name,
            "description": c.description,
            "level": c.levels[level],
            "outcome": outcome,
            "weight": round(weight, 3),
        }
        if c.name in shown:
            step["values"] = shown[c.name]
        steps.append(step)
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


def _compared_values(store: GraphStore, two: pd.DataFrame) -> dict[str, list[object]]:
    """Per field comparison, the two registrations' values as plain Python (None when
    missing); the village as the household recorded it (the matcher compares it folded)."""
    households = [h for h in two["household_id"] if isinstance(h, str)]
    village = (
        store.node_table(Household, households).set_index("household_id")["village"]
        if households
        else pd.Series(dtype=object)
    )
    rows = two.to_dict("records")
    out: dict[str, list[object]] = {}
    for name, column in COMPARED.items():
        values: list[object] = []
        for row in rows:
            value = row[column]
            if name == "village":
                home = row["household_id"]
                value = village.get(home) if isinstance(home, str) else None
            if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
                values.append(None)
            elif name in ("birth_year", "home_district"):
                values.append(int(value))
            else:
                values.append(str(value))
        out[name] = values
    return out
