"""Analytics per person: a person's registrations under several worker ids read as one.

A person may be registered by several centres, each under its own ``worker_id``
(docs/spec/field-records.md, version 1.1); the store's linkage (``tracker.identity``) says
which worker ids are one person. Circuits, corridors, the calendar, district flows and
contractor risk count persons, not worker ids. They all do it the same way, here: before
anything is counted, each worker id of a person is replaced by the person's *key*, its first
registered worker id (the earliest ``registered_on``, then the smallest id), and the
analytics run as they always did, keyed by ``worker_id``. So a worker id no linkage has
joined to another is its own key, and on a store with no links every result is what it was
worker by worker.

Moves need one more step: the reports of one trip under two worker ids of a person (the
source centre's and the destination centre's) are one trip, so trips are marked again over
the person's moves with the ingestion's own rule (``tracker.trips``).

The key table is the small table of who is whom (``worker_id``, ``person_id``, ``key``) of
the registrations the linkage has placed; ``tracker.identity.views.person_keys_from_store``
reads it through the storage port (the Parquet export buckets by it too).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.identity.keys import KEY_COLUMNS, linked_persons, person_keys, person_keys_from_store
from tracker.trips import mark_trips

__all__ = [
    "KEY_COLUMNS",
    "by_person",
    "homes_by_person",
    "linked_persons",
    "merges",
    "moves_by_person",
    "person_ids",
    "person_keys",
    "person_keys_from_store",
]


def merges(keys: pd.DataFrame | None) -> bool:
    """Whether any person of ``keys`` (None: no linkage) has more than one worker id."""
    return keys is not None and bool(len(keys)) and bool((keys["key"] != keys["worker_id"]).any())


def by_person(
    frame: pd.DataFrame, keys: pd.DataFrame | None, column: str = "worker_id"
) -> pd.DataFrame:
    """``frame`` with each worker id in ``column`` replaced by its person's key (a copy;
    ``frame`` itself when no person has two worker ids)."""
    if keys is None or not merges(keys) or frame.empty:
        return frame
    joined = keys[keys["key"] != keys["worker_id"]]
    to_key = pd.Series(joined["key"].to_numpy(), index=joined["worker_id"].to_numpy())
    ids = frame[column]
    codes, uniques = pd.factorize(ids)  # look each id up once, not once per row
    found = to_key.reindex(uniques.astype(str)).to_numpy(dtype=object)
    keyed = np.where(pd.isna(found), uniques.to_numpy(dtype=object), found)
    dtype = ids.dtype if ids.dtype != object else "str"
    out = frame.copy(deep=False)
    out[column] = pd.Series(
        pd.array(keyed, dtype=dtype).take(codes, allow_fill=True), index=frame.index
    )
    return out


def moves_by_person(moves: pd.DataFrame, keys: pd.DataFrame | None) -> pd.DataFrame:
    """A MOVED edge table by person: worker ids replaced by keys (``by_person``), and the
    trips of every person with two or more worker ids marked again over all of them.

    Trips already marked (``trip_id``) are kept as units: the earliest report's id stands
    for the trip, so a trip is never split, only joined to its reports under the person's
    other worker ids (and those within ``tracker.trips.SAME_TRIP_DAYS`` of them).
    """
    out = by_person(moves, keys)
    if out is moves or keys is None:
        return moves
    trip_ids = out["trip_id"] if "trip_id" in out.columns else None
    if trip_ids is None or trip_ids.isna().any():
        if "record_id" not in moves.columns:
            return out  # nothing to mark trips with: each report stays its own trip
        marked = mark_trips(moves)
        trip_ids = marked if trip_ids is None else trip_ids.fillna(marked)
    joined = keys.loc[keys["key"] != keys["worker_id"], "key"]
    rows = out["worker_id"].astype(str).isin(joined).to_numpy()
    part = out.loc[
        rows, ["worker_id", "from_district_code", "to_district_code", "departed_on"]
    ].assign(record_id=trip_ids[rows])
    trip_ids = trip_ids.astype(object).copy()
    trip_ids[rows] = mark_trips(part).to_numpy(dtype=object)
    out["trip_id"] = trip_ids.astype("str")
    return out


def homes_by_person(homes: pd.DataFrame, keys: pd.DataFrame | None) -> pd.DataFrame:
    """``worker_id``, ``home_district_code`` by person: the home of the person's first
    registration that has one (a later registration seldom names a household)."""
    out = by_person(homes, keys)
    if out is homes or keys is None:
        return homes
    merged = keys.loc[keys["person_id"].duplicated(keep=False), "worker_id"]
    mine = homes["worker_id"].astype(str).isin(merged).to_numpy()
    rest, theirs = out[~mine], out[mine]
    first = homes.loc[mine, "worker_id"].astype(str).isin(keys["key"]).to_numpy()
    known = theirs["home_district_code"].notna().to_numpy()
    order = np.lexsort((~first, ~known))  # known homes first, a key's own before others
    return pd.concat([rest, theirs.iloc[order].drop_duplicates("worker_id")]).sort_index()


def person_ids(keys: pd.DataFrame | None) -> pd.Series | None:
    """``person_id`` by key (the worker id analytics by person are keyed by)."""
    if keys is None:
        return None
    firsts = keys[keys["key"] == keys["worker_id"]]
    return pd.Series(firsts["person_id"].to_numpy(), index=pd.Index(firsts["key"], name="key"))
