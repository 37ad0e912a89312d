"""Workers' journeys away from home, rebuilt from the MOVED edge table.

A move is one leg; a *journey* is what a worker does between leaving home and coming back:
the legs from a move that leaves the origin up to the first move that reaches it again. A
journey with exactly one district away (home -> A, A -> home) is a *round trip*, the raw
material of seasonal circuits (``analytics.circuits``); one that visits two or more districts
is a multi-stop journey (``analytics.flows``).

Field records are noisy, and the rules below say how each kind of noise is read:

* the same trip reported twice (one ``trip_id``, see ``tracker.trips``) counts once: its
  earliest reported departure and earliest known arrival;
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

Everything is vectorised over all workers at once, never a Python loop over workers: worker
and trip ids are turned into integer codes once, and the rest is numpy on integer arrays
(days since 1970 for dates), so 10 million moves take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.seasons import count_distinct
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
KINDS = (ROUND_TRIP, MULTI_STOP, NO_RETURN, NO_DEPARTURE)

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

NO_DAY = np.iinfo(np.int32).max
"""The day of an unknown date in day arrays (sorts after every real day)."""


@dataclass(frozen=True)
class Trips:
    """One row per trip (reports merged), sorted by worker then departure, as arrays.

    ``worker`` indexes ``workers`` (the worker ids); districts are codes; dates are whole
    days since 1970 (``NO_DAY`` for an unknown arrival). All int32: 10M trips take 200 MB.
    """

    workers: pd.Index
    worker: np.ndarray
    frm: np.ndarray
    to: np.ndarray
    departed: np.ndarray
    arrived: np.ndarray


@dataclass(frozen=True)
class Journeys:
    """``journeys`` as arrays, for the analytics that build on them (see ``journeys``)."""

    workers: pd.Index
    worker: np.ndarray
    number: np.ndarray
    origin: np.ndarray
    destination: np.ndarray
    kind: np.ndarray
    """Index into ``KINDS``."""
    legs: np.ndarray
    stops: np.ndarray
    departed: np.ndarray
    returned: np.ndarray
    """Days since 1970; ``NO_DAY`` when the worker is not known to have come back."""
    trips: Trips
    """The legs; journey ``j`` is ``trips[first_leg[j] : first_leg[j] + legs[j]]``."""
    first_leg: np.ndarray
    persons: pd.Series | None = None
    """``person_id`` by worker id, when the worker ids are persons' keys
    (``analytics.persons``); None, or an id it lacks: not placed by any linkage."""

    def leg_rows(self, journeys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows of ``trips`` for the legs of the given journeys, in order, and their journey."""
        legs = self.legs[journeys].astype(np.int64)
        owner = np.repeat(journeys, legs)
        step = np.arange(legs.sum()) - np.repeat(np.cumsum(legs) - legs, legs)
        return self.first_leg[owner] + step, owner

    def frame(self) -> pd.DataFrame:
        """The journeys as a DataFrame (columns ``JOURNEY_COLUMNS``)."""
        return pd.DataFrame(
            {
                "worker_id": pd.Categorical.from_codes(self.worker, categories=self.workers),
                "journey": self.number,
                "origin_district_code": pd.array(self.origin, dtype="Int64"),
                "destination_district_code": pd.array(self.destination, dtype="Int64"),
                "kind": pd.Categorical.from_codes(self.kind, categories=list(KINDS)),
                "legs": self.legs,
                "stops": self.stops,
                "departed_on": days_to_dates(self.departed),
                "returned_on": days_to_dates(self.returned),
            }
        )


def one_report_per_trip(moves: pd.DataFrame) -> Trips:
    """Merge the reports of each trip, drop moves that go nowhere, sort.

    ``trip_id`` is used when the edge table carries it (ingestion stores it on every MOVED
    edge); where it is missing it is marked here with the same rule (``tracker.trips``).
    All reports of a trip share worker and corridor (that is the rule), so only the dates
    need merging: the earliest departure and the earliest known arrival.
    """
    trip_ids = moves["trip_id"] if "trip_id" in moves.columns else None
    if trip_ids is None or trip_ids.isna().any():
        marked = mark_trips(moves)
        trip_ids = marked if trip_ids is None else trip_ids.fillna(marked)
    trip = pd.factorize(trip_ids)[0]
    n = int(trip.max()) + 1 if len(trip) else 0
    worker, workers = pd.factorize(moves["worker_id"])

    departed = np.full(n, NO_DAY, dtype=np.int32)
    np.minimum.at(departed, trip, _days(moves["departed_on"]))
    arrived = np.full(n, NO_DAY, dtype=np.int32)
    np.minimum.at(arrived, trip, _days(moves["arrived_on"]))
    per_trip = np.empty(n, dtype=np.int32)
    per_trip[trip] = worker
    del worker
    frm = np.empty(n, dtype=np.int32)
    frm[trip] = moves["from_district_code"].to_numpy("int32", na_value=-1)
    to = np.empty(n, dtype=np.int32)
    to[trip] = moves["to_district_code"].to_numpy("int32", na_value=-2)
    del trip

    goes = frm != to
    per_trip, frm, to, departed, arrived = (a[goes] for a in (per_trip, frm, to, departed, arrived))
    # One sort on a packed key: worker, then departure day, then days to arrive.
    day = np.clip(departed.astype(np.int64) - _EPOCH_SHIFT, 0, 0xFFFF)
    travel = np.where(arrived == NO_DAY, 0xFFFF, np.clip(arrived - departed, 0, 0xFFFE))
    order = np.argsort((per_trip.astype(np.int64) << 32) | (day << 16) | travel, kind="stable")
    del day, travel
    return Trips(
        workers=pd.Index(workers),
        worker=per_trip[order],
        frm=frm[order],
        to=to[order],
        departed=departed[order],
        arrived=arrived[order],
    )


def worker_origins(trips: Trips, homes: pd.DataFrame | None = None) -> np.ndarray:
    """Origin district per worker code: home if known, else the first departure's district.

    ``homes`` has columns ``worker_id`` and ``home_district_code`` (see
    ``analytics.circuits.homes_from_store``). Workers it lacks fall back to their moves, and
    so do workers none of whose trips touch their recorded home (a household registered in
    one district while its worker travels from another): a home the worker never leaves
    from or comes back to cannot anchor a journey.
    """
    origin = np.full(len(trips.workers), -1, dtype=np.int32)
    if not len(trips.worker):
        return origin
    first = np.flatnonzero(np.r_[True, trips.worker[1:] != trips.worker[:-1]])
    origin[trips.worker[first]] = trips.frm[first]
    if homes is not None and not homes.empty:
        known = homes.dropna(subset=["home_district_code"])
        code = trips.workers.get_indexer(known["worker_id"])
        found = code >= 0
        home = origin.copy()
        home[code[found]] = known["home_district_code"].to_numpy("int32")[found]
        at_home = home[trips.worker]
        touched = (trips.frm == at_home) | (trips.to == at_home)
        used = np.bincount(trips.worker[touched], minlength=len(origin)) > 0
        origin = np.where(used, home, origin)
    return origin


def journey_arrays(moves: pd.DataFrame, homes: pd.DataFrame | None = None) -> Journeys:
    """Every worker's journeys as arrays (see ``journeys`` for what the fields mean)."""
    return journeys_of_trips(one_report_per_trip(moves), homes)


def journeys_of_trips(trips: Trips, homes: pd.DataFrame | None = None) -> Journeys:
    """Cut each worker's trips into journeys: a journey starts where a trip leaves home, or
    where the previous trip came home, or with the worker's first trip."""
    home = worker_origins(trips, homes)[trips.worker]
    worker, frm, to = trips.worker, trips.frm, trips.to
    from_home = frm == home
    to_home = to == home
    starts = np.ones(len(worker), dtype=bool)
    starts[1:] = (worker[1:] != worker[:-1]) | from_home[1:] | to_home[:-1]
    first = np.flatnonzero(starts)
    last = np.append(first[1:] - 1, len(worker) - 1)[: len(first)]  # none when no trips

    stops = _stops_per_journey(np.cumsum(starts) - 1, to, to_home, len(first))
    del starts
    leaves = from_home[first]
    returns = to_home[last]
    del from_home, to_home
    kind = np.full(len(first), KINDS.index(NO_DEPARTURE), dtype=np.int8)
    kind[leaves & ~returns] = KINDS.index(NO_RETURN)
    kind[leaves & returns] = KINDS.index(MULTI_STOP)
    simple = leaves & returns & (stops == 1) & (frm[last] == to[first])
    kind[simple] = KINDS.index(ROUND_TRIP)

    arrived, departed = trips.arrived[last], trips.departed[last]
    returned = np.where(arrived == NO_DAY, departed, arrived)
    returned[~returns] = NO_DAY
    journey_worker = worker[first]
    return Journeys(
        workers=trips.workers,
        worker=journey_worker,
        number=(np.arange(len(first)) - np.searchsorted(journey_worker, journey_worker)).astype(
            np.int32
        ),
        origin=home[first],
        destination=np.where(leaves, to[first], frm[first]),
        kind=kind,
        legs=(last - first + 1).astype(np.int32),
        stops=stops.astype(np.int32),
        departed=trips.departed[first],
        returned=returned,
        trips=trips,
        first_leg=first,
    )


def journeys(moves: pd.DataFrame, homes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every worker's journeys, one row each, oldest first (columns ``JOURNEY_COLUMNS``).

    ``kind`` is ``round_trip`` (home -> one district -> home), ``multi_stop`` (home -> two or
    more districts -> home), ``no_return`` (left home, no record of coming back) or
    ``no_departure`` (came back, no record of leaving). ``destination_district_code`` is the
    first district reached (for ``no_departure``, the one the first leg left from);
    ``stops`` counts the districts visited away from home; ``returned_on`` is the day the
    worker got home (arrival, else departure of the last leg). ``journey`` numbers a
    worker's journeys from 0. ``worker_id`` and ``kind`` are categorical (cheap at 10M rows).
    """
    return journey_arrays(moves, homes).frame()


def round_trips(moves: pd.DataFrame, homes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Only the complete round trips (home -> one district -> home) of ``journeys``."""
    trips = journeys(moves, homes)
    return trips[trips["kind"] == ROUND_TRIP].reset_index(drop=True)


# -- helpers ------------------------------------------------------------------------------
_EPOCH_SHIFT = -(1 << 15)
"""Days are packed into 16 bits of the sort key as ``day - _EPOCH_SHIFT`` (1880 to 2059)."""


def _days(dates: pd.Series) -> np.ndarray:
    """Whole days since 1970 as int32 (``NO_DAY`` for a missing date)."""
    days = dates.to_numpy("datetime64[D]")
    out = days.astype(np.int32)
    out[np.isnat(days)] = NO_DAY
    return out


def days_to_dates(days: np.ndarray) -> np.ndarray:
    """Days since 1970 back to ``datetime64[us]`` (``NO_DAY`` -> NaT)."""
    out = days.astype("datetime64[D]")
    out[days == NO_DAY] = np.datetime64("NaT")
    return out.astype("datetime64[us]")


def _stops_per_journey(
    journey: np.ndarray, to: np.ndarray, to_home: np.ndarray, n: int
) -> np.ndarray:
    """How many different districts away from home each journey reached."""
    away = ~to_home
    return count_distinct(journey[away], to[away], n)
