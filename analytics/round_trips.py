"""Workers' journeys away from home, rebuilt from the MOVED edge table.

A move is one leg; a *journey* is what a worker does between leaving home and coming back:
the legs from a move that leaves the origin up to the first move that reaches it again. A
journey with exactly one district away (home -> A, A -> home) is a *round trip*, the raw
material of seasonal circuits (``analytics.circuits``); one that visits two or more districts
is a multi-stop journey (``analytics.flows``).

Field records are noisy, and the rules below say how each kind of noise is read:

* the same trip reported twice (one ``trip_id``, see ``tracker.trips``) counts once: the
  earliest report gives the departure, the first known arrival among its reports the arrival;
* rows out of date order: everything is sorted by departure first;
* a missing arrival date: the return's departure date stands in for the day the worker got
  home (travel takes a day or two, far less than the month the analytics reason in);
* a missing return record: a new departure from home while away closes the open journey
  as ``no_return`` (the worker evidently came home, but we do not know when), so it never
  counts as a round trip and never swallows the next one;
* a missing departure record: legs that start away from home after the worker was home
  form a ``no_departure`` journey, also not a round trip;
* trips that cross the new year are one journey: years play no part in building journeys.

A worker's *origin* is their household's home district (MEMBER_OF + HOME_IN). Where that
is unknown, it is the district the worker's earliest recorded move left from: in field
records a worker's history starts at home, where they were registered.

Everything is vectorised: one sort and a few column operations over all workers at once,
never a Python loop over workers, so 10 million moves take seconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.trips import mark_trips

MOVE_COLUMNS = [
    "worker_id",
    "from_district_code",
    "to_district_code",
    "departed_on",
    "arrived_on",
    "trip_id",
]
"""The columns of the MOVED edge table that journeys are built from (read only these)."""

ROUND_TRIP = "round_trip"
MULTI_STOP = "multi_stop"
NO_RETURN = "no_return"
NO_DEPARTURE = "no_departure"

JOURNEY_COLUMNS = [
    "worker_id",
    "journey",
    "origin_district_code",
    "destination_district_code",
    "kind",
    "legs",
    "stops",
    "departed_on",
    "returned_on",
]


def one_report_per_trip(moves: pd.DataFrame) -> pd.DataFrame:
    """One row per trip: the earliest report, with the first arrival any report knows.

    ``trip_id`` is used when the edge table carries it (ingestion stores it on every MOVED
    edge); where it is missing it is marked here with the same rule (``tracker.trips``).
    """
    moves = moves.reset_index(drop=True)
    trips = moves[[c for c in MOVE_COLUMNS if c in moves.columns]].copy()
    if "trip_id" not in trips.columns:
        trips["trip_id"] = mark_trips(moves)
    elif trips["trip_id"].isna().any():  # edges written before trips were marked
        trips["trip_id"] = trips["trip_id"].fillna(mark_trips(moves))
    trip = pd.factorize(trips["trip_id"])[0]
    order = np.lexsort((trips["departed_on"].to_numpy(), trip))
    first = np.ones(len(order), dtype=bool)
    first[1:] = trip[order][1:] != trip[order][:-1]
    arrival = trips["arrived_on"].groupby(trip, sort=False).transform("min")
    trips["arrived_on"] = arrival
    return trips.iloc[order[first]].reset_index(drop=True)


def worker_origins(trips: pd.DataFrame, homes: pd.DataFrame | None = None) -> pd.Series:
    """Origin district per worker (index ``worker_id``): home if known, else first departure.

    ``homes`` has columns ``worker_id`` and ``home_district_code`` (see
    ``analytics.circuits.homes_from_store``); workers it lacks fall back to their moves.
    """
    earliest = trips.sort_values(["worker_id", "departed_on"], kind="stable")
    first_from = earliest.drop_duplicates("worker_id").set_index("worker_id")["from_district_code"]
    if homes is None or homes.empty:
        return first_from.rename("origin_district_code")
    home = (
        homes.dropna(subset=["home_district_code"])
        .drop_duplicates("worker_id")
        .set_index("worker_id")["home_district_code"]
    )
    home = home.reindex(first_from.index)
    return home.fillna(first_from).astype("Int64").rename("origin_district_code")


def journeys(moves: pd.DataFrame, homes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every worker's journeys, one row each, oldest first (columns ``JOURNEY_COLUMNS``).

    ``kind`` is ``round_trip`` (home -> one district -> home), ``multi_stop`` (home -> two or
    more districts -> home), ``no_return`` (left home, no record of coming back) or
    ``no_departure`` (came back, no record of leaving). ``destination_district_code`` is the
    first district reached (for ``no_departure``, the one the first leg left from);
    ``stops`` counts the districts visited away from home; ``returned_on`` is the day the
    worker got home (arrival, else departure of the last leg). ``journey`` numbers a
    worker's journeys from 0.
    """
    if moves.empty:
        return _empty_journeys()
    trips = one_report_per_trip(moves)
    trips = trips[trips["from_district_code"] != trips["to_district_code"]]
    origin = worker_origins(trips, homes)
    worker, workers = pd.factorize(trips["worker_id"])
    frm = trips["from_district_code"].to_numpy("int64", na_value=-1)
    to = trips["to_district_code"].to_numpy("int64", na_value=-1)
    home = origin.reindex(workers).to_numpy("int64", na_value=-1)[worker]
    departed = trips["departed_on"].to_numpy("datetime64[us]")
    arrived = trips["arrived_on"].to_numpy("datetime64[us]")

    order = np.lexsort((arrived, departed, worker))
    worker, frm, to, home = worker[order], frm[order], to[order], home[order]
    departed, arrived = departed[order], arrived[order]

    from_home = frm == home
    to_home = to == home
    starts = np.ones(len(worker), dtype=bool)
    starts[1:] = (worker[1:] != worker[:-1]) | from_home[1:] | to_home[:-1]
    first = np.flatnonzero(starts)
    last = np.append(first[1:] - 1, len(worker) - 1)
    legs = last - first + 1

    stops = _stops_per_journey(np.cumsum(starts) - 1, to, to_home, len(first))
    leaves = from_home[first]
    returns = to_home[last]
    kind = np.full(len(first), NO_DEPARTURE, dtype=object)
    kind[leaves & ~returns] = NO_RETURN
    kind[leaves & returns] = MULTI_STOP
    simple = leaves & returns & (stops == 1) & (frm[last] == to[first])
    kind[simple] = ROUND_TRIP

    returned = np.where(np.isnat(arrived[last]), departed[last], arrived[last])
    returned[~returns] = np.datetime64("NaT")
    reached = np.where(leaves, to[first], frm[first])  # no_departure: where they came from
    journey_worker = worker[first]
    number = np.arange(len(first)) - np.searchsorted(journey_worker, journey_worker)
    return pd.DataFrame(
        {
            "worker_id": workers[journey_worker],
            "journey": number,
            "origin_district_code": pd.array(home[first], dtype="Int64"),
            "destination_district_code": pd.array(reached, dtype="Int64"),
            "kind": kind,
            "legs": legs,
            "stops": stops,
            "departed_on": departed[first],
            "returned_on": returned,
        }
    )


def round_trips(moves: pd.DataFrame, homes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Only the complete round trips (home -> one district -> home) of ``journeys``."""
    trips = journeys(moves, homes)
    return trips[trips["kind"] == ROUND_TRIP].reset_index(drop=True)


def _stops_per_journey(
    journey: np.ndarray, to: np.ndarray, to_home: np.ndarray, n: int
) -> np.ndarray:
    """How many different districts away from home each journey reached."""
    away = ~to_home
    pairs = pd.DataFrame({"j": journey[away], "d": to[away]}).drop_duplicates()
    return np.bincount(pairs["j"].to_numpy(), minlength=n)


def _empty_journeys() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "worker_id": pd.Series([], dtype="str"),
            "journey": pd.Series([], dtype="int64"),
            "origin_district_code": pd.Series([], dtype="Int64"),
            "destination_district_code": pd.Series([], dtype="Int64"),
            "kind": pd.Series([], dtype=object),
            "legs": pd.Series([], dtype="int64"),
            "stops": pd.Series([], dtype="int64"),
            "departed_on": pd.Series([], dtype="datetime64[us]"),
            "returned_on": pd.Series([], dtype="datetime64[us]"),
        }
    )
