"""Each person's monthly state sequence: at home, away in a state and sector, or unknown.

This is the object of sequence analysis (TraMineR's ``seqdef``; ``sequenzo`` in Python):
one state per person and month over a period. How months are read from trips (the trips
of ``analytics.round_trips``, reports of one trip merged):

* after each trip the person *stays* at its destination, from the day they left for it to
  the day they leave again (the next trip's departure), or to the period's end after the
  last trip: the last known place is carried forward;
* where the next trip does not leave from where the last one arrived (a return or a
  departure never recorded), the person's whereabouts between the two are *unknown*, but
  for the day of arrival;
* a stay at the person's origin is *home*; any other is *away* in the destination's state
  and the trip's sector (``analytics.journeys.index``);
* a month is away when the person spent at least ``AWAY_DAYS`` days of it away, and a trip
  too short for that marks the one month holding most of it (so no trip is lost); else it
  is home when some of it is known to be spent at home; else unknown. Months before a
  person's first trip are unknown.

States are small integers: ``UNKNOWN`` 0, ``HOME`` 1, then one code per (state, sector)
pair away, labelled ``away:State:sector``. Everything is vectorised: the stays of all
persons are expanded into (person, month) cells and the best state of each cell is found
with one sort.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.journeys.index import SECTORS, STATES, JourneyIndex, state_of
from analytics.round_trips import NO_DAY

UNKNOWN, HOME = 0, 1
AWAY_DAYS = 10
"""Days away that make a month away (a third of it)."""


@dataclass(frozen=True)
class Period:
    """Months ``first`` to ``last`` inclusive, as months since January 1970."""

    first: int
    last: int

    @property
    def months(self) -> int:
        return self.last - self.first + 1

    def labels(self) -> list[str]:
        return [str(m) for m in np.arange(self.first, self.last + 1).astype("datetime64[M]")]

    @classmethod
    def parse(cls, first: str, last: str) -> Period:
        """``Period.parse("2019-01", "2024-12")``."""
        a, b = (int(np.datetime64(x, "M").astype(np.int64)) for x in (first, last))
        if b < a:
            raise ValueError(f"the period ends ({last}) before it starts ({first})")
        return cls(a, b)


@dataclass(frozen=True)
class Sequences:
    """One row per person of a cohort, one column per month of ``period``."""

    persons: np.ndarray
    """Person codes of the index, in row order."""
    states: np.ndarray
    """(persons, months) int16 state codes."""
    period: Period
    alphabet: tuple[str, ...]
    """Label of each state code: ``unknown``, ``home``, ``away:State:sector``..."""

    def wide(self, person_ids: pd.Index | np.ndarray) -> pd.DataFrame:
        """The wide table (TraMineR-ready): ``person_id`` then one column per month."""
        labels = np.asarray(self.alphabet, dtype=object)[self.states]
        frame = pd.DataFrame(labels, columns=self.period.labels())
        frame.insert(0, "person_id", np.asarray(person_ids, dtype=object))
        return frame

    def by_sector(self) -> tuple[np.ndarray, tuple[str, ...]]:
        """States with the away states pooled by sector (``away:sector``), for pictures:
        (codes, their labels)."""
        codes = np.where(self.states >= 2, 2 + (self.states - 2) % len(SECTORS), self.states)
        return codes.astype(np.int8), ("unknown", "home", *(f"away:{s}" for s in SECTORS))

    def chronogram(self) -> pd.DataFrame:
        """Share of the persons in each state (away pooled by sector) by month: rows are
        months, columns ``unknown``, ``home``, ``away:SECTOR`` ... (each row sums to 1)."""
        codes, labels = self.by_sector()
        n = max(len(self.persons), 1)
        counts = np.zeros((self.period.months, len(labels)))
        if codes.size:
            month = np.broadcast_to(np.arange(self.period.months), codes.shape)
            np.add.at(counts, (month.ravel(), codes.ravel().astype(np.int64)), 1)
        return pd.DataFrame(counts / n, columns=list(labels), index=self.period.labels())


def away_codes() -> tuple[str, ...]:
    """Every away state's label, by code - 2: ``away:State:sector`` for all states, sectors."""
    return tuple(f"away:{s}:{sector}" for s in STATES for sector in SECTORS)


ALPHABET: tuple[str, ...] = ("unknown", "home", *away_codes())
"""The fixed alphabet: codes are the same in every cohort (``2 + state * sectors + sector``)."""


def default_period(index: JourneyIndex, persons: np.ndarray) -> Period:
    """From the month of the cohort's first departure to that of its last known day."""
    trips = index.journeys.trips
    mine = np.isin(trips.worker, persons)
    if not mine.any():
        return Period(0, 0)
    departed = trips.departed[mine]
    arrived = trips.arrived[mine]
    last = max(int(departed.max()), int(arrived[arrived != NO_DAY].max(initial=0)))
    return Period(_month(departed.min()), _month(last))


def monthly_sequences(
    index: JourneyIndex, persons: np.ndarray, period: Period | None = None
) -> Sequences:
    """The monthly state sequences of ``persons`` (codes of ``index``, sorted)."""
    persons = np.asarray(persons, dtype=np.int64)
    period = period or default_period(index, persons)
    trips = index.journeys.trips
    to = trips.to
    code = 2 + state_of(to).astype(np.int64) * len(SECTORS) + index.trip_sector
    code[state_of(to) < 0] = UNKNOWN
    states = monthly_states(index, persons, period, code)
    return Sequences(persons, states, period, ALPHABET)


def monthly_states(
    index: JourneyIndex, persons: np.ndarray, period: Period, away_code: np.ndarray
) -> np.ndarray:
    """(persons, months) states, reading stays as the module docstring says; a stay away
    takes ``away_code`` of its trip (codes >= 2), a stay at home ``HOME``."""
    states = np.zeros((len(persons), period.months), dtype=np.int16)
    trips = index.journeys.trips
    rows = np.flatnonzero(np.isin(trips.worker, persons))
    if not len(rows) or not len(persons):
        return states

    worker, frm, to = trips.worker[rows], trips.frm[rows], trips.to[rows]
    start = trips.departed[rows].astype(np.int64)
    last_day = int(_month_start(period.last + 1))
    same_next = np.r_[worker[1:] == worker[:-1], False]
    end = np.where(same_next, np.r_[start[1:], 0], max(last_day, int(start.max()) + 1))
    end = np.maximum(end, start + 1)
    chained = ~same_next | np.r_[frm[1:] == to[:-1], True]
    # a broken chain: known on the day of arrival only, unknown until the next departure
    known_end = np.where(chained, end, start + 1)
    home = index.origin[worker]
    code = np.where(to != home, away_code[rows], HOME)
    row_of = np.searchsorted(persons, worker)

    cells = _cells(row_of, start, known_end, code, period)
    gap = ~chained
    gaps = _cells(row_of[gap], start[gap] + 1, end[gap], np.full(gap.sum(), UNKNOWN), period)
    row, month, state, days, best = (np.concatenate(x) for x in zip(cells, gaps, strict=True))
    # priority: away (>= AWAY_DAYS, or the trip's best month) > home > unknown
    is_away = state >= 2
    priority = np.where(is_away & ((days >= AWAY_DAYS) | best), 3, np.where(state == HOME, 2, 0))
    take = priority > 0
    row, month, state, days, priority = (a[take] for a in (row, month, state, days, priority))
    key = (row * period.months + month).astype(np.int64)
    order = np.lexsort((days, priority, key))
    key, state = key[order], state[order]
    last = np.r_[key[1:] != key[:-1], True]
    states.reshape(-1)[key[last]] = state[last]
    return states


def _cells(
    row: np.ndarray, start: np.ndarray, end: np.ndarray, code: np.ndarray, period: Period
) -> tuple[np.ndarray, ...]:
    """Expand stays [start, end) (days) into the months of ``period`` they touch:
    (row, month offset, state, days in that month, is the stay's fullest month)."""
    first = np.maximum(_months_of(start), period.first)
    last = np.minimum(_months_of(end - 1), period.last)
    count = np.maximum(last - first + 1, 0)
    stay = np.repeat(np.arange(len(row)), count)
    month = first[stay] + (np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count))
    lo = np.maximum(start[stay], _month_start(month))
    hi = np.minimum(end[stay], _month_start(month + 1))
    days = (hi - lo).astype(np.int32)
    best = np.zeros(len(stay), dtype=bool)
    if len(stay):
        order = np.lexsort((-days, stay))
        head = order[np.r_[True, stay[order][1:] != stay[order][:-1]]]
        best[head] = True
    return row[stay], (month - period.first), code[stay], days, best


def _month(day: int) -> int:
    return int(np.array(day, dtype="datetime64[D]").astype("datetime64[M]").astype(np.int64))


def _months_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _month_start(months: np.ndarray | int) -> np.ndarray:
    return np.asarray(months).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
