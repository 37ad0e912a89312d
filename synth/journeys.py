"""What workers really did: behaviours turned into journeys, before anyone reported them.

Every worker follows one behaviour, in the shares of the sample:

* ``seasonal_circuit``: the same round trip (home, one destination, home) every year for
  2-6 years, leaving in about the same month; some household members travel along with a
  relative (their circuit is a ``family_circuit``);
* ``two_circuits``: two such circuits a year, to two destinations in two seasons;
* ``circuit_with_gaps``: a circuit with a year skipped, or with one return never recorded
  (seasons count complete round trips only);
* ``long_term``: one departure, years away, maybe a change of workplace, maybe a return;
* ``irregular``: 2-6 trips whose departure months lie a multiple of 3 months apart, often to
  the same destination: near misses that are not circuits;
* ``single_season``: one seasonal round trip, never repeated;
* ``multi_stop_journey``: home, one district, on to another, home again, repeated yearly in
  the same months: not a circuit, because no round trip goes to one destination and back.

Circuits follow seasons whose sector fits the months (brick kilns November-June, harvests,
construction before the monsoon). A circuit's departures stay within ``DEPART_JITTER`` days
of its usual day, so they all fall in its usual month or the next or previous one, and
never in both of those: whichever way a reader compares months, the trips are one circuit.

All of it is vectorised over workers: each behaviour is a handful of numpy operations
whatever the number of workers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import get_args

import numpy as np

from graph_schema.types import Sector
from synth.dates import MISSING, day_of, ymd_days
from synth.people import People
from synth.places import World, sector_table

SECTORS: tuple[str, ...] = get_args(Sector)

BEHAVIOURS = (
    "seasonal_circuit",
    "two_circuits",
    "long_term",
    "irregular",
    "single_season",
    "circuit_with_gaps",
    "multi_stop_journey",
)
BEHAVIOUR_SHARES = np.array([0.4075, 0.049, 0.2045, 0.176, 0.0915, 0.043, 0.0285])
SEASONAL, TWO, LONG_TERM, IRREGULAR, SINGLE, GAPS, MULTI_STOP = range(len(BEHAVIOURS))

CIRCUIT_KINDS = (
    "seasonal_circuit",
    "two_circuits",
    "family_circuit",
    "circuit_return_missing",
    "circuit_year_skipped",
)
PLAIN, PAIRED, FAMILY, RETURN_MISSING, YEAR_SKIPPED = range(len(CIRCUIT_KINDS))
FAMILY_SHARE = 0.2
"""Of households whose first member travels a plain circuit, the share whose second member
travels along."""

# Seasons: (sector, usual departure month, usual return month), weighted as in the sample.
SEASONS = (
    ("agriculture", 6, 9),
    ("agriculture", 7, 10),
    ("agriculture", 10, 3),
    ("brick_kiln", 11, 5),
    ("brick_kiln", 11, 6),
    ("brick_kiln", 12, 5),
    ("brick_kiln", 12, 6),
    ("construction", 2, 6),
    ("construction", 11, 3),
    # the seasons of two-circuit years, in pairs that never overlap
    ("agriculture", 3, 5),
    ("agriculture", 9, 11),
    ("agriculture", 7, 10),
    ("brick_kiln", 12, 5),
    ("construction", 2, 5),
    ("agriculture", 10, 12),
)
SINGLE_SEASONS = np.arange(9)
SINGLE_WEIGHTS = np.array([50, 42, 159, 95, 67, 82, 60, 129, 217], np.float64)
SEASON_PAIRS = np.array([[9, 10], [11, 12], [13, 14]])
SEASON_SECTOR = np.array([SECTORS.index(s) for s, _, _ in SEASONS])
DEPART_MONTH = np.array([d for _, d, _ in SEASONS])
RETURN_MONTH = np.array([r for _, _, r in SEASONS])
CROSSES_YEAR = (RETURN_MONTH < DEPART_MONTH).astype(np.int64)

SECTOR_RANK_SHARES = np.array([0.6, 0.3, 0.1])
"""Work that is not seasonal goes to a district's first, second or third sector."""

FIRST_YEAR = 2017
FIRST_DAY = day_of(dt.date(FIRST_YEAR, 1, 1))
DEPART_JITTER = 9
MIN_STAY = 15
TRAVEL_DAYS = np.array([0.108, 0.327, 0.293, 0.132, 0.08, 0.04, 0.015, 0.005])
"""Days between leaving and arriving, as in the sample."""

OUT, MID, RET = 0, 1, 2
"""Legs: leaving home, moving on to another workplace, going home."""


@dataclass
class Journeys:
    behaviour: np.ndarray
    """Per worker: index into ``BEHAVIOURS``."""
    follower: np.ndarray
    """Per worker: True for a family member travelling along with a relative."""
    near_miss: np.ndarray
    """Per worker: an irregular worker whose trips go to one destination."""

    placement_worker: np.ndarray
    """A placement is one worker's job at one destination (reused by every trip of a
    circuit); family members travelling along share it."""
    placement_home: np.ndarray
    placement_destination: np.ndarray
    placement_sector: np.ndarray

    unit_worker: np.ndarray
    """A unit is one planned circuit of one worker."""
    unit_kind: np.ndarray
    unit_season: np.ndarray

    worker: np.ndarray
    """Legs: the moves as they really happened, in no particular order. A worker's journeys
    never overlap in time, so the legs of one journey are consecutive in the worker's
    history."""
    origin: np.ndarray
    destination: np.ndarray
    departed: np.ndarray
    arrived: np.ndarray
    leg: np.ndarray
    unit: np.ndarray
    placement: np.ndarray
    stay_end: np.ndarray
    """For OUT and MID legs: the day the worker left that place again (MISSING: not by
    the batch's last day)."""
    journey: np.ndarray

    @property
    def legs(self) -> int:
        return len(self.worker)

    def first_departures(self, workers: int) -> tuple[np.ndarray, np.ndarray]:
        """Per worker: the day and destination of the first journey (MISSING, -1: none)."""
        out = np.flatnonzero(self.leg == OUT)
        out = out[np.lexsort((self.departed[out], self.worker[out]))]
        first = out[np.r_[True, self.worker[out][1:] != self.worker[out][:-1]]] if len(out) else out
        day = np.full(workers, MISSING)
        destination = np.full(workers, -1)
        day[self.worker[first]] = self.departed[first]
        destination[self.worker[first]] = self.destination[first]
        return day, destination


class _Plan:
    """Collects placements, circuit units and journeys from each behaviour."""

    def __init__(self) -> None:
        self.placements: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.units: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.trips: list[dict[str, np.ndarray]] = []
        self.n_placements = 0
        self.n_units = 0

    def place(self, worker: np.ndarray, destination: np.ndarray, sector: np.ndarray) -> np.ndarray:
        self.placements.append((worker, destination, sector))
        ids = np.arange(self.n_placements, self.n_placements + len(worker))
        self.n_placements += len(worker)
        return ids

    def circuit(self, worker: np.ndarray, kind: np.ndarray, season: np.ndarray) -> np.ndarray:
        self.units.append((worker, kind, season))
        ids = np.arange(self.n_units, self.n_units + len(worker))
        self.n_units += len(worker)
        return ids

    def journeys(self, **columns: np.ndarray) -> dict[str, np.ndarray]:
        n = len(columns["worker"])
        full = {
            "unit": np.full(n, -1),
            "mid": np.full(n, MISSING),
            "stop2": np.full(n, -1),
            "place2": np.full(n, -1),
            "season": np.full(n, -1),
            **columns,
        }
        self.trips.append(full)
        return full


@dataclass(frozen=True)
class _Where:
    """Destinations and sectors that fit together."""

    world: World
    ranked: np.ndarray
    has: np.ndarray

    def destinations(
        self,
        rng: np.random.Generator,
        homes: np.ndarray,
        sector: np.ndarray | None = None,
        avoid: np.ndarray | None = None,
    ) -> np.ndarray:
        return self.world.pick_destinations(rng, homes, avoid, sector, self.has)

    def sector(self, rng: np.random.Generator, destination: np.ndarray) -> np.ndarray:
        rank = rng.choice(len(SECTOR_RANK_SHARES), size=len(destination), p=SECTOR_RANK_SHARES)
        return self.ranked[destination, rank]


def make_journeys(
    rng: np.random.Generator,
    people: People,
    world: World,
    district_sectors: np.ndarray,
    until: int,
    until_year: int,
) -> Journeys:
    """The journeys of every worker; ``district_sectors`` ranks each district's sectors
    (``places.district_sectors``): a job's sector is one its district has."""
    n = people.workers
    where = _Where(world, district_sectors, sector_table(district_sectors, len(SECTORS)))
    behaviour = rng.choice(len(BEHAVIOURS), size=n, p=BEHAVIOUR_SHARES)
    first_member = np.flatnonzero(people.member == 0)
    has_second = first_member + 1 < n
    has_second[has_second] &= people.member[first_member[has_second] + 1] == 1
    leaders = first_member[has_second]
    leaders = leaders[(behaviour[leaders] == SEASONAL) & (rng.random(len(leaders)) < FAMILY_SHARE)]
    followers = leaders + 1
    behaviour[followers] = SEASONAL
    follower = np.zeros(n, bool)
    follower[followers] = True

    plan = _Plan()
    last_start = _last_start_years(until, until_year)
    plain = np.flatnonzero((behaviour == SEASONAL) & ~follower)
    plain_trips = _seasonal(rng, plan, people, where, plain, last_start)
    _family(rng, plan, plain_trips, leaders, followers, n)
    _two_circuits(rng, plan, people, where, np.flatnonzero(behaviour == TWO), last_start)
    _with_gaps(rng, plan, people, where, np.flatnonzero(behaviour == GAPS), last_start)
    _single(rng, plan, people, where, np.flatnonzero(behaviour == SINGLE), last_start)
    near_miss = np.zeros(n, bool)
    _irregular(rng, plan, people, where, np.flatnonzero(behaviour == IRREGULAR), until, near_miss)
    _long_term(rng, plan, people, where, np.flatnonzero(behaviour == LONG_TERM), until)
    _multi_stop(rng, plan, people, where, np.flatnonzero(behaviour == MULTI_STOP), until_year)
    return _assemble(rng, plan, people, behaviour, follower, near_miss, until)


def _last_start_years(until: int, until_year: int) -> np.ndarray:
    """Per season: the last year a trip can leave and still be home by ``until``."""
    last = np.full(len(SEASONS), FIRST_YEAR, np.int64)
    for s in range(len(SEASONS)):
        for year in range(until_year, FIRST_YEAR - 1, -1):
            back = ymd_days(
                np.array([year + CROSSES_YEAR[s]]), np.array([RETURN_MONTH[s]]), np.array([28])
            )[0]
            if back + DEPART_JITTER + len(TRAVEL_DAYS) <= until:
                last[s] = year
                break
    return last


def _first_years(rng: np.random.Generator, last_start: np.ndarray, span: np.ndarray) -> np.ndarray:
    """A first year such that ``span`` years of trips end by the batch's last day."""
    room = np.maximum(last_start - span + 2 - FIRST_YEAR, 1)
    return FIRST_YEAR + (rng.random(len(span)) * room).astype(np.int64)


def _circuit_trips(
    rng: np.random.Generator,
    plan: _Plan,
    worker: np.ndarray,
    destination: np.ndarray,
    season: np.ndarray,
    kind: np.ndarray,
    first_year: np.ndarray,
    trips: np.ndarray,
    skip_at: np.ndarray | None = None,
    missing_at: np.ndarray | None = None,
    placement: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The yearly trips of circuits, one unit per row of the arguments."""
    units = len(worker)
    skip_at = np.full(units, -1) if skip_at is None else skip_at
    missing_at = np.full(units, -1) if missing_at is None else missing_at
    if placement is None:
        placement = plan.place(worker, destination, SEASON_SECTOR[season])
    unit = plan.circuit(worker, kind, season)
    usual_departure = rng.integers(1, 29, units)
    usual_return = rng.integers(1, 29, units)
    rep = np.repeat(np.arange(units), trips)
    j = np.arange(len(rep)) - np.repeat(np.cumsum(trips) - trips, trips)
    year = first_year[rep] + j + ((skip_at[rep] >= 0) & (j >= skip_at[rep]))
    s = season[rep]
    jitter = rng.integers(-DEPART_JITTER, DEPART_JITTER + 1, (2, len(rep)))
    dep = ymd_days(year, DEPART_MONTH[s], usual_departure[rep]) + jitter[0]
    ret = ymd_days(year + CROSSES_YEAR[s], RETURN_MONTH[s], usual_return[rep]) + jitter[1]
    ret = np.maximum(ret, dep + MIN_STAY)
    ret = np.where(missing_at[rep] == j, MISSING, ret)
    return plan.journeys(
        worker=worker[rep],
        dep=dep,
        stop1=destination[rep],
        place1=placement[rep],
        ret=ret,
        unit=unit[rep],
        season=s,
    )


SEASONS_COUNT = np.array([2, 3, 4, 5, 6])
SEASONS_SHARES = np.array([0.2, 0.22, 0.19, 0.22, 0.17])


def _seasonal(rng, plan, people, where, workers, last_start) -> dict[str, np.ndarray]:
    season = rng.choice(SINGLE_SEASONS, size=len(workers), p=SINGLE_WEIGHTS / SINGLE_WEIGHTS.sum())
    trips = rng.choice(SEASONS_COUNT, size=len(workers), p=SEASONS_SHARES)
    first_year = _first_years(rng, last_start[season], trips)
    destination = where.destinations(rng, people.home[workers], SEASON_SECTOR[season])
    kind = np.full(len(workers), PLAIN)
    return _circuit_trips(rng, plan, workers, destination, season, kind, first_year, trips)


def _family(rng, plan, plain_trips, leaders, followers, workers) -> None:
    """Followers take their relative's trips, each leg within two days of the relative's."""
    follower_of = np.full(workers, -1)
    follower_of[leaders] = followers
    rows = np.flatnonzero(follower_of[plain_trips["worker"]] >= 0)
    leader_units, first = np.unique(plain_trips["unit"][rows], return_index=True)
    kind = np.full(len(leader_units), FAMILY)
    season = plain_trips["season"][rows][first]
    units = plan.circuit(follower_of[plain_trips["worker"][rows][first]], kind, season)
    unit = units[np.searchsorted(leader_units, plain_trips["unit"][rows])]
    shift = rng.integers(0, 3, (2, len(rows)))
    ret = plain_trips["ret"][rows]
    plan.journeys(
        worker=follower_of[plain_trips["worker"][rows]],
        dep=plain_trips["dep"][rows] + shift[0],
        stop1=plain_trips["stop1"][rows],
        place1=plain_trips["place1"][rows],
        ret=np.where(ret >= 0, ret + shift[1], MISSING),
        unit=unit,
        season=season[np.searchsorted(leader_units, plain_trips["unit"][rows])],
    )


def _two_circuits(rng, plan, people, where, workers, last_start) -> None:
    pair = SEASON_PAIRS[rng.integers(0, len(SEASON_PAIRS), len(workers))]
    trips = rng.choice(SEASONS_COUNT[:4], size=len(workers), p=[0.3, 0.35, 0.2, 0.15])
    first_year = _first_years(
        rng, np.minimum(last_start[pair[:, 0]], last_start[pair[:, 1]]), trips
    )
    home = people.home[workers]
    first = where.destinations(rng, home, SEASON_SECTOR[pair[:, 0]])
    second = where.destinations(rng, home, SEASON_SECTOR[pair[:, 1]], avoid=first)
    kind = np.full(len(workers), PAIRED)
    for season, destination in ((pair[:, 0], first), (pair[:, 1], second)):
        _circuit_trips(rng, plan, workers, destination, season, kind, first_year, trips)


def _with_gaps(rng, plan, people, where, workers, last_start) -> None:
    n = len(workers)
    season = rng.choice(SINGLE_SEASONS, size=n, p=SINGLE_WEIGHTS / SINGLE_WEIGHTS.sum())
    destination = where.destinations(rng, people.home[workers], SEASON_SECTOR[season])
    skipped = rng.random(n) < 0.47
    complete = rng.choice(SEASONS_COUNT[:4], size=n)
    trips = np.where(skipped, complete, complete + 1)
    skip_at = np.where(skipped, 1 + (rng.random(n) * (complete - 1)).astype(np.int64), -1)
    missing_at = np.where(skipped, -1, (rng.random(n) * trips).astype(np.int64))
    span = trips + skipped
    first_year = _first_years(rng, last_start[season], span)
    kind = np.where(skipped, YEAR_SKIPPED, RETURN_MISSING)
    _circuit_trips(
        rng, plan, workers, destination, season, kind, first_year, trips, skip_at, missing_at
    )


def _single(rng, plan, people, where, workers, last_start) -> None:
    n = len(workers)
    season = rng.choice(SINGLE_SEASONS, size=n, p=SINGLE_WEIGHTS / SINGLE_WEIGHTS.sum())
    year = _first_years(rng, last_start[season], np.ones(n, np.int64))
    destination = where.destinations(rng, people.home[workers], SEASON_SECTOR[season])
    placement = plan.place(workers, destination, SEASON_SECTOR[season])
    dep = ymd_days(year, DEPART_MONTH[season], rng.integers(1, 29, n))
    ret = ymd_days(year + CROSSES_YEAR[season], RETURN_MONTH[season], rng.integers(1, 29, n))
    plan.journeys(
        worker=workers,
        dep=dep,
        stop1=destination,
        place1=placement,
        ret=np.maximum(ret, dep + MIN_STAY),
    )


def _irregular(rng, plan, people, where, workers, until, near_miss) -> None:
    """Trips whose departure months lie a multiple of three months apart. Trips i and i+4
    leave in the same month of the year, so they never go to the same destination; all
    the others may (a near miss: same destination, months three or more apart)."""
    n = len(workers)
    one_place = rng.random(n) < 0.45
    near_miss[workers[one_place]] = True
    trips = rng.choice([2, 3, 4, 5, 6], size=n, p=[0.25, 0.27, 0.22, 0.14, 0.12])
    trips = np.where(one_place, np.minimum(trips, 4), trips)
    rep = np.repeat(np.arange(n), trips)
    first_row = np.repeat(np.cumsum(trips) - trips, trips)
    i = np.arange(len(rep)) - first_row
    extra_year = (rng.random(len(rep)) < 0.35) & (i > 0)
    later = np.cumsum(extra_year)
    later = later - later[first_row] + extra_year[first_row]
    step = i + 4 * later
    span = np.zeros(n, np.int64)
    np.maximum.at(span, rep, 3 * step)
    room = np.maximum(_month_index(until) - 3 - span, 1)
    first_month = (rng.random(n) * room).astype(np.int64)
    month_index = first_month[rep] + 3 * step
    year, month = FIRST_YEAR + month_index // 12, month_index % 12 + 1
    dep = ymd_days(year, month, rng.integers(5, 25, len(rep)))
    ret = dep + rng.integers(20, 56, len(rep))
    home = people.home[workers][rep]
    destination = np.where(
        one_place[rep],
        where.destinations(rng, people.home[workers])[rep],
        where.destinations(rng, home),
    )
    same_month = np.flatnonzero(i >= 4)
    destination[same_month] = where.destinations(
        rng, home[same_month], avoid=destination[same_month - 4]
    )
    placement = plan.place(workers[rep], destination, where.sector(rng, destination))
    plan.journeys(worker=workers[rep], dep=dep, stop1=destination, place1=placement, ret=ret)


def _month_index(day: int) -> int:
    """Months since January of ``FIRST_YEAR``."""
    month = np.array([day]).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)[0]
    return int(month - (FIRST_YEAR - 1970) * 12)


def _long_term(rng, plan, people, where, workers, until) -> None:
    n = len(workers)
    start = FIRST_DAY
    dep = rng.integers(start, max(start + 1, until - 300), n)
    stay = rng.integers(365, 2200, n)
    outcome = rng.choice(3, size=n, p=[0.45, 0.2, 0.35])  # back home, moved on, still away
    home = people.home[workers]
    first = where.destinations(rng, home)
    second = where.destinations(rng, home, avoid=first)
    moved_on = outcome == 1
    place1 = plan.place(workers, first, where.sector(rng, first))
    place2 = np.full(n, -1)
    place2[moved_on] = plan.place(
        workers[moved_on], second[moved_on], where.sector(rng, second[moved_on])
    )
    mid = np.where(moved_on, dep + stay, MISSING)
    back_later = moved_on & (rng.random(n) < 0.5)
    ret = np.select(
        [outcome == 0, back_later], [dep + stay, mid + rng.integers(180, 1500, n)], MISSING
    )
    plan.journeys(
        worker=workers,
        dep=dep,
        stop1=first,
        place1=place1,
        mid=mid,
        stop2=np.where(moved_on, second, -1),
        place2=place2,
        ret=ret,
    )


def _multi_stop(rng, plan, people, where, workers, until_year) -> None:
    n = len(workers)
    years = rng.choice([2, 3, 4, 5], size=n, p=[0.25, 0.3, 0.25, 0.2])
    home = people.home[workers]
    first = where.destinations(rng, home)
    second = where.destinations(rng, home, avoid=first)
    place1 = plan.place(workers, first, where.sector(rng, first))
    place2 = plan.place(workers, second, where.sector(rng, second))
    month = rng.integers(1, 13, n)
    usual_day = rng.integers(1, 29, n)
    room = np.maximum(until_year - years - FIRST_YEAR + 1, 1)
    first_year = FIRST_YEAR + (rng.random(n) * room).astype(np.int64)
    rep = np.repeat(np.arange(n), years)
    j = np.arange(len(rep)) - np.repeat(np.cumsum(years) - years, years)
    dep = ymd_days(first_year[rep] + j, month[rep], usual_day[rep])
    dep = dep + rng.integers(-DEPART_JITTER, DEPART_JITTER + 1, len(rep))
    mid = dep + rng.integers(25, 61, len(rep))
    ret = mid + rng.integers(30, 101, len(rep))
    plan.journeys(
        worker=workers[rep],
        dep=dep,
        stop1=first[rep],
        place1=place1[rep],
        mid=mid,
        stop2=second[rep],
        place2=place2[rep],
        ret=ret,
    )


def _assemble(rng, plan, people, behaviour, follower, near_miss, until) -> Journeys:
    trips = {k: np.concatenate([t[k] for t in plan.trips]) for k in plan.trips[0]}
    journey = np.arange(len(trips["worker"]))
    home = people.home[trips["worker"]]
    has_mid = trips["stop2"] >= 0
    has_ret = trips["ret"] >= 0
    last_stop = np.where(has_mid, trips["stop2"], trips["stop1"])
    out_end = np.where(has_mid, trips["mid"], trips["ret"])

    def legs(rows, origin, destination, departed, leg, placement, end):
        return {
            "worker": trips["worker"][rows],
            "origin": origin[rows],
            "destination": destination[rows],
            "departed": departed[rows],
            "leg": np.full(len(rows), leg),
            "unit": trips["unit"][rows],
            "placement": placement[rows],
            "stay_end": end[rows],
            "journey": journey[rows],
        }

    none = np.full(len(journey), -1)
    parts = [
        legs(journey, home, trips["stop1"], trips["dep"], OUT, trips["place1"], out_end),
        legs(
            np.flatnonzero(has_mid),
            trips["stop1"],
            trips["stop2"],
            trips["mid"],
            MID,
            trips["place2"],
            trips["ret"],
        ),
        legs(np.flatnonzero(has_ret), last_stop, home, trips["ret"], RET, none, none),
    ]
    table = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    keep = table["departed"] <= until
    table = {k: v[keep] for k, v in table.items()}
    table["stay_end"] = np.where(table["stay_end"] <= until, table["stay_end"], MISSING)
    travel = rng.choice(len(TRAVEL_DAYS), size=len(keep), p=TRAVEL_DAYS / TRAVEL_DAYS.sum())

    p_worker, p_destination, p_sector = (
        np.concatenate([p[i] for p in plan.placements]) for i in range(3)
    )
    u_worker, u_kind, u_season = (np.concatenate([u[i] for u in plan.units]) for i in range(3))
    return Journeys(
        behaviour=behaviour,
        follower=follower,
        near_miss=near_miss,
        placement_worker=p_worker,
        placement_home=people.home[p_worker],
        placement_destination=p_destination,
        placement_sector=p_sector,
        unit_worker=u_worker,
        unit_kind=u_kind,
        unit_season=u_season,
        arrived=table["departed"] + travel[keep],
        **table,
    )
