"""Where workers come from and go to, and the centres that see them pass.

Home districts come from the eight large source states, weighted by population.
Destinations per origin state follow the Census 2011 counts of inter-state migrants by
district of enumeration (``origin_state_to_district.csv``), limited to each state's
``TOP_DESTINATIONS`` districts: seasonal migrants concentrate on a few hubs, and the sample
shows no destination beyond about the 50th of its origin state.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

import numpy as np

from graph_schema.census import CENSUS_DIR, districts
from synth.vocab import HELPLINES, ORGANISATIONS, SOURCE_STATES, TRANSIT_POINTS

TOP_DESTINATIONS = 50
CODES = 641
"""District codes run 1-640; arrays indexed by code have this length."""


@dataclass(frozen=True)
class World:
    homes: np.ndarray
    """District codes a household may live in."""
    home_weights: np.ndarray
    state_of: np.ndarray
    """Source-state index (into ``SOURCE_STATES``) by district code, -1 elsewhere."""
    census_state: np.ndarray
    """Census state code by district code (licence numbers carry it)."""
    names: tuple[str, ...]
    """District name by code (index 0 unused)."""
    destinations: tuple[np.ndarray, ...]
    """Per source state: destination district codes."""
    destination_weights: tuple[np.ndarray, ...]

    def pick_homes(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return _pick(rng, self.homes, self.home_weights, n)

    def pick_destinations(
        self,
        rng: np.random.Generator,
        homes: np.ndarray,
        avoid: np.ndarray | None = None,
        sector: np.ndarray | None = None,
        sectors_at: np.ndarray | None = None,
    ) -> np.ndarray:
        """A destination for each home, by its state's migration. With ``sector``, only
        districts where ``sectors_at[code, sector]`` holds (if the state has any); never
        ``avoid`` (if given)."""
        state = self.state_of[homes]
        out = np.zeros(len(homes), np.int64)
        wanted = np.zeros(len(homes), np.int64) if sector is None else sector
        for s in range(len(self.destinations)):
            in_state = state == s
            for k in np.unique(wanted[in_state]):
                rows = np.flatnonzero(in_state & (wanted == k))
                weights = self.destination_weights[s]
                if sector is not None and sectors_at is not None:
                    fitting = weights * sectors_at[self.destinations[s], k]
                    weights = fitting if fitting.sum() > 0 else weights
                out[rows] = _pick(rng, self.destinations[s], weights, len(rows))
        if avoid is not None:
            for _ in range(20):
                clash = np.flatnonzero(out == avoid)
                if not len(clash):
                    break
                out[clash] = self.pick_destinations(
                    rng,
                    homes[clash],
                    sector=None if sector is None else sector[clash],
                    sectors_at=sectors_at,
                )
            # a last resort that cannot clash: the state's first or second destination
            first = np.array([d[0] for d in self.destinations])[state]
            second = np.array([d[1] for d in self.destinations])[state]
            out = np.where(out != avoid, out, np.where(first != avoid, first, second))
        return out


def _pick(rng: np.random.Generator, values: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    cumulative = np.cumsum(weights, dtype=np.float64)
    at = np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right")
    return values[np.minimum(at, len(values) - 1)]


@cache
def world() -> World:
    rows = districts()
    states = list(SOURCE_STATES)
    state_of = np.full(CODES, -1, np.int64)
    census_state = np.zeros(CODES, np.int64)
    names = [""] * CODES
    homes, weights = [], []
    for d in rows:
        code = d["district_code"]
        names[code] = d["name"]
        census_state[code] = d["state_code"]
        if d["state"] in SOURCE_STATES:
            state_of[code] = states.index(d["state"])
            homes.append(code)
            weights.append(d["population"])
    by_state: dict[str, list[tuple[int, int]]] = {s: [] for s in states}
    with open(CENSUS_DIR / "origin_state_to_district.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            migrants = int(row["migrants_total"])
            if row["origin_state"] in by_state and migrants > 0:
                by_state[row["origin_state"]].append(
                    (migrants, int(row["destination_district_code"]))
                )
    destinations, destination_weights = [], []
    for s in states:
        top = sorted(by_state[s], key=lambda mc: (-mc[0], mc[1]))[:TOP_DESTINATIONS]
        destinations.append(np.array([c for _, c in top], np.int64))
        destination_weights.append(np.array([m for m, _ in top], np.float64))
    return World(
        homes=np.array(homes, np.int64),
        home_weights=np.array(weights, np.float64),
        state_of=state_of,
        census_state=census_state,
        names=tuple(names),
        destinations=tuple(destinations),
        destination_weights=tuple(destination_weights),
    )


@dataclass(frozen=True)
class Centres:
    """The centres of a batch, in file order, and lookups by district code."""

    ids: list[str]
    names: list[str]
    kinds: list[str]
    districts: np.ndarray
    organisations: list[str]
    source_at: np.ndarray
    """Centre index of the source centre in each district (by code), -1 if none."""
    destination_at: np.ndarray
    """Centre index of the destination centre in each district (by code), -1 if none."""
    transit: np.ndarray
    helplines: np.ndarray
    control_room: int


def centre_counts(workers: int) -> int:
    """How many destination centres: 40 for the sample's 2,000 workers, more for more."""
    return int(np.clip(round(40 * (workers / 2000) ** 0.3), 10, 200))


def make_centres(
    rng: np.random.Generator, home_codes: np.ndarray, stays_by_code: np.ndarray, workers: int
) -> Centres:
    """Source centres in every home district, destination centres in the busiest
    destinations, the railway help desks, the helplines and the control room."""
    names = world().names
    ids: list[str] = []
    titles: list[str] = []
    kinds: list[str] = []
    codes: list[int] = []
    source_at = np.full(CODES, -1, np.int64)
    destination_at = np.full(CODES, -1, np.int64)
    for code in np.unique(home_codes):
        source_at[code] = len(ids)
        ids.append(f"SRC-{code:03d}")
        titles.append(f"Shramik Sahayata Kendra, {names[code]}")
        kinds.append("source_centre")
        codes.append(int(code))
    busiest = np.argsort(-stays_by_code, kind="stable")[: centre_counts(workers)]
    for code in np.sort(busiest[stays_by_code[busiest] > 0]):
        destination_at[code] = len(ids)
        ids.append(f"DST-{code:03d}")
        titles.append(f"Migrant Resource Centre, {names[code]}")
        kinds.append("destination_centre")
        codes.append(int(code))
    organisations = [ORGANISATIONS[i] for i in rng.integers(0, len(ORGANISATIONS), len(ids))]
    transit = []
    for i, (station, code) in enumerate(TRANSIT_POINTS, start=1):
        transit.append(len(ids))
        ids.append(f"TRN-{i:02d}")
        titles.append(f"Transit help desk, {station} railway station")
        kinds.append("transit_point")
        codes.append(code)
        organisations.append("Railway Migrant Help Desk Network")
    helplines = []
    for centre_id, title, kind, code, organisation in HELPLINES:
        if kind == "helpline":
            helplines.append(len(ids))
        ids.append(centre_id)
        titles.append(title)
        kinds.append(kind)
        codes.append(code)
        organisations.append(organisation)
    return Centres(
        ids=ids,
        names=titles,
        kinds=kinds,
        districts=np.array(codes, np.int64),
        organisations=organisations,
        source_at=source_at,
        destination_at=destination_at,
        transit=np.array(transit, np.int64),
        helplines=np.array(helplines, np.int64),
        control_room=len(ids) - 1,
    )


SECTOR_WEIGHTS = {
    "construction": 87,
    "agriculture": 62,
    "brick_kiln": 48,
    "hospitality": 39,
    "manufacturing": 34,
    "textile_garment": 28,
    "domestic_work": 20,
    "mining": 18,
    "other": 16,
    "fishing": 10,
}
"""How common each sector is among employers (the sample's employers)."""
SECTORS_PER_DISTRICT = 3


def district_sectors(rng: np.random.Generator, sectors: tuple[str, ...]) -> np.ndarray:
    """The sectors that employ migrants in each district, best first: (code, 3) sector
    indices. A district's work is what it is (kilns here, mills there), so employers of a
    district cluster in a few sectors, as the sample's do (three on average)."""
    weights = np.array([SECTOR_WEIGHTS[s] for s in sectors], np.float64)
    keys = np.log(weights) + rng.gumbel(size=(CODES, len(sectors)))
    return np.argsort(-keys, axis=1)[:, :SECTORS_PER_DISTRICT]


def sector_table(ranked: np.ndarray, sectors: int) -> np.ndarray:
    """(code, sector) -> True where the district has that sector."""
    table = np.zeros((CODES, sectors), bool)
    np.put_along_axis(table, ranked, True, axis=1)
    return table
