"""Seasonal circuits: the round trips a person makes year after year.

Per person (``analytics.persons``): from the store, every worker id of a person is replaced
by the person's first registered worker id before anything below, so "worker" here is that
key and circuits.csv has one row per person and circuit (``person_id``, ``worker_id``).

The definition (docs/spec/field-records.md): a seasonal circuit is a round trip from a
worker's origin to one destination and back that the worker makes in at least two different
years, leaving in about the same month (within a month either way) each time.

How that is read here, all vectorised over every worker at once:

1. Round trips come from ``analytics.round_trips``: complete journeys home -> one district ->
   home, a trip reported twice counted once. A departure with no return record is not a
   round trip (the worker came back, but we do not know when), nor is a multi-stop journey.
2. A worker's round trips to one destination are binned by departure month. The circuit's
   month is the one whose window (that month and one either way, on a circle, so December
   and January are neighbours) holds the most of them; the round trips in the window belong
   to the circuit. Those left over are searched again, so a worker who goes to the same
   district in two seasons of a year has two circuits. Departures three months apart never
   share a window.
3. "In at least two different years" is read as the definition says it: the round trips in
   the window must leave in at least two different calendar years. A window whose trips all
   leave in one year is not a circuit (a single season, a long-term migrant's one trip; also
   a January and a December departure of the same year). Each complete round trip of the
   circuit is one season: ``seasons`` counts them (the answer keys count the same way),
   ``years`` counts the different years, ``first_year``/``last_year`` are the first and last
   years of departure.
4. ``depart_month`` and ``return_month`` are the circular medians of the circuit's departure
   and return days (so a circuit leaving around New Year gets December or January, whichever
   its trips lean to).

``find_circuits(moves, homes=None)`` works on DataFrames (any store, any source);
``circuits_from_store(store)`` reads just the columns it needs through the storage port.
``circuits_of_journeys`` also returns the round trips of each circuit, which the corridor
view and the seasonal calendar (``analytics.corridors``) summarise.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analytics.persons import homes_by_person, moves_by_person, person_ids, person_keys_from_store
from analytics.round_trips import (
    KINDS,
    MOVE_COLUMNS,
    ROUND_TRIP,
    Journeys,
    days_to_dates,
    journey_arrays,
    journeys_of_trips,
    one_report_per_trip,
)
from analytics.seasons import (
    count_distinct,
    day_of_year,
    group_median,
    month_distance,
    month_of_day,
    typical_day,
)
from graph_schema.relationships import HOME_IN, MEMBER_OF, MOVED
from tracker.store import GraphStore

CIRCUIT_COLUMNS = [
    "person_id",
    "worker_id",
    "origin_district_code",
    "destination_district_code",
    "depart_month",
    "return_month",
    "seasons",
    "first_year",
    "last_year",
    "years",
    "median_stay_days",
]
"""circuits.csv: the format's required columns first, then extras."""

MIN_YEARS = 2
WINDOW_MONTHS = 1
"""A departure belongs to a circuit if its month is within this many months of the circuit's."""
MAX_CIRCUITS_PER_DESTINATION = 4
"""Windows of three months: at most four disjoint ones fit in a year."""


@dataclass(frozen=True)
class Circuits:
    """Circuits and the round trips that make them up (for the corridor view and calendar).

    ``table`` is circuits.csv (columns ``CIRCUIT_COLUMNS``); ``trips`` has one row per round
    trip of a circuit: ``circuit`` (row of ``table``), ``year`` (of departure),
    ``departed_on``, ``returned_on``, ``stay_days``.
    """

    table: pd.DataFrame
    trips: pd.DataFrame


def find_circuits(moves: pd.DataFrame, homes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Seasonal circuits, one row per worker and circuit (columns ``CIRCUIT_COLUMNS``).

    ``moves`` is a MOVED edge table (at least ``round_trips.MOVE_COLUMNS``; ``trip_id`` is
    marked here if absent). ``homes`` (``worker_id``, ``home_district_code``), optional,
    gives each worker's origin; without it the origin comes from the moves.
    """
    if moves.empty:
        return _empty()
    return circuits_of_journeys(journey_arrays(moves, homes)).table


def circuits_of_journeys(journeys: Journeys) -> Circuits:
    """Circuits from journeys (``round_trips.journey_arrays``): only round trips count."""
    trip = journeys.kind == KINDS.index(ROUND_TRIP)
    worker, origin = journeys.worker[trip], journeys.origin[trip]
    destination = journeys.destination[trip]
    departed, returned = journeys.departed[trip], journeys.returned[trip]
    if not len(worker):
        return Circuits(_empty(), _empty_trips())
    dep_dates = departed.astype("datetime64[D]")
    month = dep_dates.astype("datetime64[M]").astype("int64") % 12  # 0 = January
    # a worker has one origin, so worker and destination name the route
    group, routes = pd.factorize((worker.astype(np.int64) << 16) | destination)
    circuit = _assign_windows(group, month, len(routes))
    member = circuit >= 0
    year = dep_dates[member].astype("datetime64[Y]").astype("int64") + 1970
    cid, circuits = pd.factorize(circuit[member])
    n = len(circuits)
    departed, returned, origin = departed[member], returned[member], origin[member]
    stay = returned - departed

    years = count_distinct(cid, year, n)
    first_year = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first_year, cid, year)
    last_year = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(last_year, cid, year)
    depart = month_of_day(typical_day(day_of_year(dep_dates[member]), cid, n))
    back = month_of_day(typical_day(day_of_year(returned.astype("datetime64[D]")), cid, n))

    one = np.empty(n, dtype=np.int64)  # a round trip of each circuit, for its origin
    one[cid] = np.arange(len(cid))
    route = routes[circuits // MAX_CIRCUITS_PER_DESTINATION]
    table = pd.DataFrame(
        {
            "worker_id": journeys.workers.take(route >> 16),
            "origin_district_code": pd.array(origin[one], dtype="Int64"),
            "destination_district_code": pd.array(route & 0xFFFF, dtype="Int64"),
            "depart_month": depart,
            "return_month": back,
            "seasons": np.bincount(cid, minlength=n),
            "first_year": first_year,
            "last_year": last_year,
            "years": years,
            "median_stay_days": group_median(stay, cid, n),
        }
    )[years >= MIN_YEARS]
    table["worker_id"] = table["worker_id"].astype("str")
    table.insert(0, "person_id", _person_ids(journeys.persons, table["worker_id"]))
    table = table.sort_values(["worker_id", "depart_month"], kind="stable")
    row = np.full(n, -1, dtype=np.int64)
    row[table.index.to_numpy()] = np.arange(len(table))
    trip_row = row[cid]
    kept = trip_row >= 0
    trips = pd.DataFrame(
        {
            "circuit": trip_row[kept],
            "year": year[kept],
            "departed_on": days_to_dates(departed[kept]),
            "returned_on": days_to_dates(returned[kept]),
            "stay_days": stay[kept],
        }
    )
    return Circuits(table.reset_index(drop=True), trips)


def _assign_windows(group: np.ndarray, month: np.ndarray, groups: int) -> np.ndarray:
    """Give each round trip a candidate circuit (``-1``: none).

    Candidate ids are ``group * MAX_CIRCUITS_PER_DESTINATION + round``. Each round takes, per
    group, the three-month window holding the most remaining departures (ties: the most in
    the centre month, then the earliest month); the loop is over rounds, never over workers.
    """
    circuit = np.full(len(group), -1, dtype=np.int64)
    left = np.ones(len(group), dtype=bool)
    for rnd in range(MAX_CIRCUITS_PER_DESTINATION):
        if not left.any():
            break
        hist = np.bincount(group[left] * 12 + month[left], minlength=groups * 12)
        hist = hist.reshape(groups, 12)
        window = hist.copy()
        for step in range(1, WINDOW_MONTHS + 1):
            window += np.roll(hist, step, axis=1) + np.roll(hist, -step, axis=1)
        best = np.argmax(window * (len(group) + 1) + hist, axis=1)
        taken = left & (month_distance(month, best[group]) <= WINDOW_MONTHS)
        ids = group[taken] * MAX_CIRCUITS_PER_DESTINATION + rnd
        circuit[taken] = ids
        left &= ~taken
    return circuit


def _empty_trips() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "circuit": pd.Series([], dtype="int64"),
            "year": pd.Series([], dtype="int64"),
            "departed_on": pd.Series([], dtype="datetime64[us]"),
            "returned_on": pd.Series([], dtype="datetime64[us]"),
            "stay_days": pd.Series([], dtype="int64"),
        }
    )


def _person_ids(persons: pd.Series | None, worker_ids: pd.Series) -> pd.Series:
    """Each circuit's ``person_id`` (empty where no linkage placed its worker id)."""
    if persons is None or persons.empty:
        found = np.full(len(worker_ids), None, dtype=object)
    else:
        found = persons.reindex(worker_ids.to_numpy()).to_numpy(dtype=object)
    return pd.Series(pd.array(found, dtype="str"), index=worker_ids.index)


def _empty() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([], dtype="int64") for c in CIRCUIT_COLUMNS})
    frame["worker_id"] = frame["worker_id"].astype("str")
    frame["person_id"] = frame["person_id"].astype("str")
    frame["median_stay_days"] = frame["median_stay_days"].astype("float64")
    return frame.astype({"origin_district_code": "Int64", "destination_district_code": "Int64"})


# -- through the storage port --------------------------------------------------------------
def homes_from_store(store: GraphStore) -> pd.DataFrame:
    """``worker_id`` -> ``home_district_code`` from MEMBER_OF and HOME_IN edges."""
    members = store.edge_table(MEMBER_OF, columns=["worker_id", "household_id"])
    homes = store.edge_table(HOME_IN, columns=["household_id", "home_district_code"])
    return members.merge(homes, on="household_id", how="inner")[["worker_id", "home_district_code"]]


def moves_from_store(store: GraphStore) -> pd.DataFrame:
    """The MOVED edge table with only the columns journeys are built from."""
    return store.edge_table(MOVED, columns=MOVE_COLUMNS)


def circuits_from_store(store: GraphStore) -> pd.DataFrame:
    """``find_circuits`` over everything in ``store``, per person (what ``lmt circuits`` and
    the API use)."""
    return circuits_of_journeys(journeys_from_store(store)).table


def journeys_from_store(store: GraphStore) -> Journeys:
    """Every person's journeys from the store, for the circuits, corridors and flows at once.

    Per person (``analytics.persons``): the moves and homes of a person's worker ids are
    relabelled with the person's key, its first registered worker id, before the reports of
    each trip are merged, so a trip reported under two of its ids is one trip and a
    departure under one id with the return under another is one round trip. The moves table
    is dropped as soon as its trips are merged (no name holds it), so at 10M moves the
    strings and the arrays built from them are not in memory together.
    """
    homes = homes_from_store(store)
    return person_journeys(moves_from_store(store), homes, person_keys_from_store(store))


def person_journeys(
    moves: pd.DataFrame, homes: pd.DataFrame | None, keys: pd.DataFrame | None
) -> Journeys:
    """``round_trips.journey_arrays`` per person: ``moves`` and ``homes`` relabelled by the
    key table ``keys`` (``analytics.persons``; None: no linkage), the trips merged across
    a person's worker ids. The moves table is let go once its trips are merged (the caller
    should hold no name for it either: ``journeys_from_store``)."""
    if homes is not None:
        homes = homes_by_person(homes, keys)
    trips = one_report_per_trip(moves_by_person(moves, keys))
    del moves  # not held while the journeys are cut (its id strings: 7M at 1M workers)
    return replace(journeys_of_trips(trips, homes), persons=person_ids(keys))
