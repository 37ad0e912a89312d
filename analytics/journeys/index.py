"""Every person's journeys, prepared once so that cohort queries are array look-ups.

Journeys are rebuilt from moves by ``analytics.round_trips`` and circuits found by
``analytics.circuits`` (nothing of that is repeated here), on tables relabelled by person
(``analytics.journeys.tables``). What this adds, per person: the origin district and state,
gender, birth year, whether the person has a seasonal circuit; per trip (a leg of a
journey): the destination state and the *sector* worked in there.

A trip's sector is the sector of the employer named for the person at that destination:
on a move arriving there (``employer_id``) or on an employment in that district, the most
often named one (ties: the first in employer id order). Where none is named it is
``unknown``: field records often leave the employer out.

Built once per store state (the API keeps it, ``lmt journeys`` builds it once per run);
everything is numpy over all persons at once, as in ``analytics.round_trips``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

import numpy as np
import pandas as pd

from analytics.circuits import circuits_of_journeys
from analytics.journeys.tables import JourneyTables, person_tables
from analytics.round_trips import Journeys, journey_arrays
from graph_schema.census import districts
from graph_schema.types import Sector

SECTORS: tuple[str, ...] = (*get_args(Sector), "unknown")
UNKNOWN_SECTOR = len(SECTORS) - 1
GENDERS = ("female", "male", "other")


@dataclass(frozen=True)
class JourneyIndex:
    """Persons (codes ``0..n-1``, the order of ``journeys.workers``) and their journeys."""

    journeys: Journeys
    """Person-level journeys (``journeys.workers`` holds person ids)."""
    first_worker: np.ndarray
    """Per person: the first registered worker id (str objects)."""
    origin: np.ndarray
    """Per person: origin district code (``-1`` unknown)."""
    gender: np.ndarray
    """Per person: index into ``GENDERS`` (``-1`` unknown)."""
    birth_year: np.ndarray
    """Per person: birth year (``0`` unknown)."""
    has_circuit: np.ndarray
    """Per person: has at least one seasonal circuit."""
    circuit_count: np.ndarray
    """Per person: how many seasonal circuits."""
    circuits: pd.DataFrame
    """The persons' circuits (``analytics.circuits.CIRCUIT_COLUMNS``; ``worker_id`` holds
    the person id)."""
    trip_sector: np.ndarray
    """Per trip (row of ``journeys.trips``): index into ``SECTORS``."""
    trip_journey: np.ndarray
    """Per trip: the journey it is a leg of."""

    @property
    def persons(self) -> int:
        return len(self.journeys.workers)

    @property
    def person_ids(self) -> pd.Index:
        return self.journeys.workers


def build_index(tables: JourneyTables) -> JourneyIndex:
    """Journeys of every person with at least one move (see the module docstring)."""
    by_person = person_tables(tables)
    journeys = journey_arrays(by_person.moves, by_person.homes)
    circuits = circuits_of_journeys(journeys).table
    persons = journeys.workers
    people = by_person.people.set_index("person_id").reindex(persons.astype(str))
    gender = pd.Categorical(people["gender"], categories=list(GENDERS)).codes.astype(np.int8)
    circuit_count = np.bincount(persons.get_indexer(circuits["worker_id"]), minlength=len(persons))

    n_trips = len(journeys.trips.worker)
    trip_journey = np.repeat(np.arange(len(journeys.worker)), journeys.legs)
    assert len(trip_journey) == n_trips, "every trip is a leg of one journey"
    return JourneyIndex(
        journeys=journeys,
        first_worker=people["worker_id"].to_numpy(dtype=object),
        origin=_person_origin(journeys),
        gender=gender,
        birth_year=people["birth_year"].fillna(0).to_numpy(dtype=np.int32),
        has_circuit=circuit_count > 0,
        circuit_count=circuit_count,
        circuits=circuits,
        trip_sector=_trip_sectors(tables, by_person, journeys),
        trip_journey=trip_journey,
    )


def _person_origin(journeys: Journeys) -> np.ndarray:
    origin = np.full(len(journeys.workers), -1, dtype=np.int32)
    origin[journeys.worker] = journeys.origin  # a person has one origin
    return origin


def _trip_sectors(tables: JourneyTables, by_person, journeys: Journeys) -> np.ndarray:
    """Sector of each trip's destination for its person (see the module docstring)."""
    sector_of = pd.Series(
        pd.Categorical(tables.employers["sector"], categories=list(SECTORS[:-1])).codes,
        index=tables.employers["employer_id"].astype(str).to_numpy(),
    )
    parts = []
    moves = by_person.moves
    if "employer_id" in moves.columns:
        parts.append(
            moves[["worker_id", "to_district_code", "employer_id"]].set_axis(
                ["person", "district", "employer"], axis=1
            )
        )
    jobs = by_person.employments
    if len(jobs):
        parts.append(
            jobs[["worker_id", "district_code", "employer_id"]].set_axis(
                ["person", "district", "employer"], axis=1
            )
        )
    trips = journeys.trips
    out = np.full(len(trips.worker), UNKNOWN_SECTOR, dtype=np.int8)
    if not parts:
        return out
    named = pd.concat(parts, ignore_index=True).dropna()
    if named.empty:
        return out
    sector = sector_of.reindex(named["employer"].astype(str).to_numpy()).to_numpy()
    person = journeys.workers.get_indexer(named["person"].astype(str))
    ok = (person >= 0) & ~pd.isna(sector) & (sector >= 0)
    key = (person[ok].astype(np.int64) << 10) | named["district"].to_numpy("int64")[ok]
    sector = sector[ok].astype(np.int64)
    # the most often named sector per (person, district); ties: the lowest code
    pair, count = np.unique((key << 4) | sector, return_counts=True)
    order = np.lexsort((pair & 0xF, -count, pair >> 4))
    pair = pair[order]
    first = np.r_[True, (pair[1:] >> 4) != (pair[:-1] >> 4)]
    keys, best = pair[first] >> 4, pair[first] & 0xF
    wanted = (trips.worker.astype(np.int64) << 10) | np.maximum(trips.to, 0)
    at = np.searchsorted(keys, wanted)
    at = np.minimum(at, len(keys) - 1)
    hit = keys[at] == wanted
    out[hit] = best[at[hit]]
    return out


# -- districts and states -------------------------------------------------------------------
def _census_arrays() -> tuple[np.ndarray, tuple[str, ...]]:
    names = sorted({d["state"] for d in districts()})
    state = np.full(1024, -1, dtype=np.int16)
    for d in districts():
        state[d["district_code"]] = names.index(d["state"])
    return state, tuple(names)


DISTRICT_STATE, STATES = _census_arrays()
"""State (index into ``STATES``) of each district code (``-1``: none); state names A-Z."""


def state_of(districts_codes: np.ndarray) -> np.ndarray:
    """State index of district codes (``-1`` for unknown codes)."""
    codes = np.asarray(districts_codes)
    return np.where((codes >= 0) & (codes < 1024), DISTRICT_STATE[np.clip(codes, 0, 1023)], -1)
