"""The answer key: circuits, contractors, bad rows and counts, in the sample's layout.

Circuits are found from the journeys as they happened, dated as the good records date them
(a trip reported twice counts once, from its earliest report), by the format's own
definition, not read off the plan: a round trip is a journey from home
to one destination and straight back; a circuit is the round trips of one worker to one
destination whose departure months lie within a month of each other, made in at least two
different years; seasons are its complete round trips. The plan is then used only to name
each circuit (its kind and sector) and to check itself: a circuit found where none was
planned, or a planned circuit whose months stray, is a bug of the generator and stops it.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from synth.dates import month_of, year_of
from synth.journeys import (
    CIRCUIT_KINDS,
    DEPART_MONTH,
    MID,
    OUT,
    RET,
    RETURN_MONTH,
    SEASON_SECTOR,
    SECTORS,
    Journeys,
)


@cache
def month_components() -> np.ndarray:
    """(12-bit set of months, month) -> the first month of the run of neighbouring months
    (within one month either way, round the year) that the month belongs to."""
    table = np.full((4096, 12), -1, np.int64)
    for mask in range(1, 4096):
        months = [m for m in range(12) if mask >> m & 1]
        label: dict[int, int] = {}
        for m in months:
            if m in label:
                continue
            run, todo = [], [m]
            while todo:
                x = todo.pop()
                if x in label or not mask >> x & 1:
                    continue
                label[x] = -1
                run.append(x)
                todo += [(x + 1) % 12, (x - 1) % 12]
            for x in run:
                label[x] = min(run)
        for m in months:
            table[mask, m] = label[m]
    return table


def circular_gap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    gap = np.abs(np.asarray(a) - np.asarray(b)) % 12
    return np.minimum(gap, 12 - gap)


def round_trips(journeys: Journeys, departed: np.ndarray) -> dict[str, np.ndarray]:
    """Journeys with a leg out and a leg straight back, and nothing in between;
    ``departed`` is each leg's departure as the records give it."""
    n = int(journeys.journey.max(initial=-1)) + 1
    legs = {
        k: np.bincount(journeys.journey[journeys.leg == k], minlength=n) for k in (OUT, MID, RET)
    }
    round_trip = (legs[OUT] == 1) & (legs[RET] == 1) & (legs[MID] == 0)
    out = np.flatnonzero((journeys.leg == OUT) & round_trip[journeys.journey])
    back = np.flatnonzero((journeys.leg == RET) & round_trip[journeys.journey])
    out = out[np.argsort(journeys.journey[out], kind="stable")]
    back = back[np.argsort(journeys.journey[back], kind="stable")]
    return {
        "worker": journeys.worker[out],
        "origin": journeys.origin[out],
        "destination": journeys.destination[out],
        "departed": departed[out],
        "returned": departed[back],
        "unit": journeys.unit[out],
    }


def circuits(journeys: Journeys, departed: np.ndarray) -> dict[str, np.ndarray]:
    """One row per worker and circuit, with the columns of ``answers/circuits.csv``.

    ``departed`` is each leg's departure as the good records give it: the earliest of its
    reports (``tracker.trips``: a trip's earliest report stands for it). A second report
    may say the worker left up to three days earlier than they did, which can carry a
    departure on 2 January into the old year; the key follows the records."""
    trips = round_trips(journeys, departed)
    month = month_of(trips["departed"]) - 1
    year = year_of(trips["departed"])
    group_keys, group = np.unique(
        trips["worker"] * 1024 + trips["destination"], return_inverse=True
    )
    mask = np.zeros(len(group_keys), np.int64)
    np.bitwise_or.at(mask, group, 1 << month)
    component = month_components()[mask[group], month]
    keys, circuit = np.unique(group * 12 + component, return_inverse=True)
    trips_in = np.bincount(circuit, minlength=len(keys))
    years = np.unique(circuit * 4096 + (year - 2000))
    distinct_years = np.bincount(years // 4096, minlength=len(keys))
    found = distinct_years >= 2
    first_year = np.full(len(keys), 9999)
    last_year = np.zeros(len(keys), np.int64)
    np.minimum.at(first_year, circuit, year)
    np.maximum.at(last_year, circuit, year)
    unit_low = np.full(len(keys), 1 << 40)
    unit_high = np.full(len(keys), -1)
    np.minimum.at(unit_low, circuit, trips["unit"])
    np.maximum.at(unit_high, circuit, trips["unit"])
    if (found & ((unit_low < 0) | (unit_low != unit_high))).any():
        raise AssertionError("a circuit was found where none was planned")
    rows = np.flatnonzero(found)
    unit = unit_low[rows]
    season = journeys.unit_season[unit]
    depart_month = DEPART_MONTH[season]
    member = found[circuit]
    if (
        circular_gap(month[member] + 1, DEPART_MONTH[journeys.unit_season[trips["unit"][member]]])
        > 1
    ).any():
        raise AssertionError("a circuit's departures stray more than a month from its month")
    first_trip = np.full(len(keys), len(circuit))
    np.minimum.at(first_trip, circuit, np.arange(len(circuit)))
    worker = group_keys[keys[rows] // 12] // 1024
    table = {
        "worker": worker,
        "origin": trips["origin"][first_trip[rows]],
        "destination": group_keys[keys[rows] // 12] % 1024,
        "depart_month": depart_month,
        "return_month": RETURN_MONTH[season],
        "seasons": trips_in[rows],
        "first_year": first_year[rows],
        "last_year": last_year[rows],
        "sector": SEASON_SECTOR[season],
        "kind": journeys.unit_kind[unit],
    }
    order = np.lexsort((table["destination"], table["depart_month"], table["worker"]))
    return {k: v[order] for k, v in table.items()}


def circuit_summary(table: dict[str, np.ndarray]) -> dict:
    seasons, counts = np.unique(table["seasons"], return_counts=True)
    kinds = np.bincount(table["kind"], minlength=len(CIRCUIT_KINDS))
    return {
        "rows": len(table["worker"]),
        "workers": len(np.unique(table["worker"])),
        "by_kind": {
            CIRCUIT_KINDS[k]: int(c)
            for k, c in sorted(enumerate(kinds), key=lambda kc: CIRCUIT_KINDS[kc[0]])
            if c
        },
        "seasons": {str(int(s)): int(c) for s, c in zip(seasons, counts, strict=True)},
        "by_sector": {
            SECTORS[s]: int(c)
            for s, c in enumerate(np.bincount(table["sector"], minlength=len(SECTORS)))
            if c
        },
    }
