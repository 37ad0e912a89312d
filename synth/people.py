"""Households and workers: who they are, where home is, how they registered.

Household sizes, genders, birth years and how often a phone or an e-Shram number is known
follow the sample. Members of a household are numbered one after another (W0000001,
W0000002, ... in H000001) and share its surname; some share a phone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from synth.places import Centres, World
from synth.vocab import FEMALE_NAMES, MALE_NAMES, SOURCE_STATES, VILLAGES

HOUSEHOLD_SIZES = np.array([0.496, 0.348, 0.156])
"""Share of households with 1, 2, 3 migrant members."""
GENDERS = ("female", "male", "other")
GENDER_SHARES = np.array([0.1255, 0.87, 0.0045])
FIRST_NAMES = MALE_NAMES + FEMALE_NAMES
SURNAMES = tuple(name for names in SOURCE_STATES.values() for name in names)
SURNAME_START = np.cumsum([0, *(len(v) for v in SOURCE_STATES.values())])
PHONE_KNOWN, SHARED_PHONE, ESHRAM_KNOWN = 0.92, 0.2, 0.19


@dataclass
class People:
    household_home: np.ndarray
    household_village: np.ndarray
    household_surname: np.ndarray
    worker_household: np.ndarray
    member: np.ndarray
    """A worker's place in their household: 0 for the first member."""
    home: np.ndarray
    gender: np.ndarray
    first_name: np.ndarray
    birth_year: np.ndarray
    phone: np.ndarray
    eshram: np.ndarray
    registered_on: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    """Day each worker was registered: set by ``register``, once journeys are known."""
    registered_at: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    """Centre each worker was registered at: set by ``register``."""

    @property
    def workers(self) -> int:
        return len(self.worker_household)

    @property
    def households(self) -> int:
        return len(self.household_home)


def make_people(rng: np.random.Generator, workers: int, world: World, until_year: int) -> People:
    sizes = rng.choice(3, size=workers, p=HOUSEHOLD_SIZES) + 1
    ends = np.cumsum(sizes)
    households = int(np.searchsorted(ends, workers)) + 1
    sizes = sizes[:households]
    sizes[-1] -= ends[households - 1] - workers
    worker_household = np.repeat(np.arange(households), sizes)
    first_of = np.cumsum(sizes) - sizes
    member = np.arange(workers) - first_of[worker_household]

    household_home = world.pick_homes(rng, households)
    state = world.state_of[household_home]
    surname_count = np.diff(SURNAME_START)[state]
    household_surname = SURNAME_START[state] + (rng.random(households) * surname_count).astype(
        np.int64
    )
    household_village = rng.integers(0, len(VILLAGES), households)

    gender = rng.choice(3, size=workers, p=GENDER_SHARES)
    male = rng.integers(0, len(MALE_NAMES), workers)
    female = len(MALE_NAMES) + rng.integers(0, len(FEMALE_NAMES), workers)
    anyone = rng.integers(0, len(FIRST_NAMES), workers)
    first_name = np.select([gender == 0, gender == 1], [female, male], anyone)
    birth_year = np.clip(np.rint(rng.normal(1989.5, 8.9, workers)), 1958, until_year - 17)

    phone = 6_000_000_000 + rng.integers(0, 4_000_000_000, workers)
    shares = (member > 0) & (rng.random(workers) < SHARED_PHONE)
    phone = np.where(shares, phone[first_of[worker_household]], phone)
    phone = np.where(rng.random(workers) < PHONE_KNOWN, phone, -1)
    eshram = rng.integers(100_000_000_000, 1_000_000_000_000, workers)
    eshram = np.where(rng.random(workers) < ESHRAM_KNOWN, eshram, -1)
    return People(
        household_home=household_home,
        household_village=household_village,
        household_surname=household_surname,
        worker_household=worker_household,
        member=member,
        home=household_home[worker_household],
        gender=gender,
        first_name=first_name,
        birth_year=birth_year.astype(np.int64),
        phone=phone,
        eshram=eshram,
    )


def register(
    rng: np.random.Generator,
    people: People,
    first_departure: np.ndarray,
    first_destination: np.ndarray,
    centres: Centres,
    start: int,
    until: int,
) -> None:
    """When and where each worker was registered: around their first journey, mostly at the
    source centre at home; met at a destination centre when registered after leaving; a few
    by a helpline or at a railway help desk."""
    n = people.workers
    known = first_departure >= 0
    anchor = np.where(known, first_departure, rng.integers(start, until + 1, n))
    registered_on = np.clip(anchor + rng.integers(-90, 31, n), start, until)
    at_source = centres.source_at[people.home]
    at_destination = centres.destination_at[np.where(known, first_destination, 0)]
    away = known & (registered_on > first_departure) & (at_destination >= 0)
    registered_at = np.where(away & (rng.random(n) < 0.7), at_destination, at_source)
    elsewhere = rng.random(n)
    registered_at = np.select(
        [elsewhere < 0.03, elsewhere < 0.08],
        [
            centres.helplines[rng.integers(0, len(centres.helplines), n)],
            centres.transit[rng.integers(0, len(centres.transit), n)],
        ],
        registered_at,
    )
    people.registered_on = registered_on
    people.registered_at = registered_at
