"""Cohorts of persons and what researchers ask of them: trips, time away, returns, flows.

A cohort is chosen by ``CohortFilter``: where persons come from (origin state or
district), where they went (destination state or district, and the sector worked in: the
same trip must match both), who they are (gender, birth band), when (a period of months:
only trips leaving in it count, for the destination and sector too) and whether they
have a seasonal circuit. Every filter left empty selects everyone: persons with at least
one trip (``analytics.journeys.index``).

What is answered, months not days, districts not places:

* ``cohort_persons``: one row per person: first registered worker id, gender, birth band,
  origin, journeys, months away, journeys back home, return rate, circuits;
* ``cohort_journeys``: one row per journey: its kind, origin and destinations, month left,
  month back, months away (days away / 30.44, rounded, at least 1), its season (the months
  of the year it spans);
* ``transitions``: the origin-destination table: persons and journeys per (origin,
  destination) district pair, with names;
* ``summary``: the cohort in numbers, and departures by month of the year.

Counts of persons are to be shown only from 5 up (``tracker.access.disclosure``):
``disclose`` applies the one disclosure rule to every count column of these tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field, field_validator

from analytics.journeys.index import GENDERS, SECTORS, STATES, JourneyIndex, state_of
from analytics.journeys.sequences import Period
from analytics.round_trips import KINDS, NO_DAY, days_to_dates
from graph_schema.census import district_names
from tracker.access.disclosure import birth_band, suppressed

DAYS_PER_MONTH = 30.4375
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class CohortFilter(BaseModel):
    """Who is in the cohort; every field left empty selects everyone."""

    origin_state: str | None = Field(None, description="state of the origin district")
    origin_district: int | None = Field(None, description="origin Census 2011 district code")
    destination_state: str | None = Field(None, description="state of a destination")
    destination_district: int | None = Field(None, description="a destination district code")
    sector: str | None = Field(None, description="sector worked in on that trip")
    gender: str | None = Field(None, description="female, male or other")
    birth_band: str | None = Field(None, description="5-year band, e.g. 1985-1989")
    period_from: str | None = Field(None, description="first month, YYYY-MM")
    period_to: str | None = Field(None, description="last month, YYYY-MM")
    has_circuit: bool | None = Field(None, description="has a seasonal circuit (or has none)")

    @field_validator("origin_state", "destination_state")
    @classmethod
    def _known_state(cls, value: str | None) -> str | None:
        if value is not None and value not in STATES:
            raise ValueError(f"unknown state {value!r}")
        return value

    @field_validator("sector")
    @classmethod
    def _known_sector(cls, value: str | None) -> str | None:
        if value is not None and value not in SECTORS:
            raise ValueError(f"unknown sector {value!r} (one of {', '.join(SECTORS)})")
        return value

    @field_validator("gender")
    @classmethod
    def _known_gender(cls, value: str | None) -> str | None:
        if value is not None and value not in GENDERS:
            raise ValueError(f"unknown gender {value!r} (one of {', '.join(GENDERS)})")
        return value

    @field_validator("birth_band")
    @classmethod
    def _band(cls, value: str | None) -> str | None:
        if value is None:
            return None
        start = value.split("-")[0]
        if not start.isdigit() or birth_band(int(start)) != value:
            raise ValueError(f"a birth band reads like 1985-1989, not {value!r}")
        return value

    @field_validator("period_from", "period_to")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            np.datetime64(value, "M")
        except ValueError as error:
            raise ValueError(f"a month reads YYYY-MM, not {value!r}") from error
        if len(value) != 7:
            raise ValueError(f"a month reads YYYY-MM, not {value!r}")
        return value

    def period(self) -> Period | None:
        """The period of months asked for (open ends: the index's first or last month)."""
        if self.period_from is None and self.period_to is None:
            return None
        return Period.parse(self.period_from or "1900-01", self.period_to or "2199-12")


@dataclass(frozen=True)
class Cohort:
    persons: np.ndarray
    """Person codes of the index, sorted."""
    period: Period | None
    trips: np.ndarray
    """Rows of ``index.journeys.trips`` of these persons, in the period."""


def select_cohort(index: JourneyIndex, chosen: CohortFilter) -> Cohort:
    """The persons ``chosen`` selects (array masks over all persons and trips)."""
    keep = np.ones(index.persons, dtype=bool)
    if chosen.origin_district is not None:
        keep &= index.origin == chosen.origin_district
    if chosen.origin_state is not None:
        keep &= state_of(index.origin) == STATES.index(chosen.origin_state)
    if chosen.gender is not None:
        keep &= index.gender == GENDERS.index(chosen.gender)
    if chosen.birth_band is not None:
        start = int(chosen.birth_band.split("-")[0])
        keep &= (index.birth_year >= start) & (index.birth_year <= start + 4)
    if chosen.has_circuit is not None:
        keep &= index.has_circuit == chosen.has_circuit

    trips = index.journeys.trips
    period = chosen.period()
    in_period = _in_period(trips.departed, period)
    matching = in_period.copy()
    by_trip = period is not None
    if chosen.destination_district is not None:
        matching &= trips.to == chosen.destination_district
        by_trip = True
    if chosen.destination_state is not None:
        matching &= state_of(trips.to) == STATES.index(chosen.destination_state)
        by_trip = True
    if chosen.sector is not None:
        matching &= index.trip_sector == SECTORS.index(chosen.sector)
        by_trip = True
    if by_trip:
        away = trips.to != index.origin[trips.worker]
        has = np.zeros(index.persons, dtype=bool)
        has[trips.worker[matching & away]] = True
        keep &= has
    persons = np.flatnonzero(keep)
    rows = np.flatnonzero(in_period & keep[trips.worker])
    return Cohort(persons=persons, period=period, trips=rows)


def _in_period(days: np.ndarray, period: Period | None) -> np.ndarray:
    if period is None:
        return np.ones(len(days), dtype=bool)
    month = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return (month >= period.first) & (month <= period.last)


def _cohort_journeys_mask(index: JourneyIndex, cohort: Cohort) -> np.ndarray:
    """The journeys of the cohort that leave in its period."""
    j = index.journeys
    mask = np.zeros(len(j.worker), dtype=bool)
    mask[index.trip_journey[cohort.trips]] = True
    return mask & _in_period(j.departed, cohort.period)


def cohort_journeys(index: JourneyIndex, cohort: Cohort) -> pd.DataFrame:
    """One row per journey of the cohort (see the module docstring)."""
    j = index.journeys
    chosen = np.flatnonzero(_cohort_journeys_mask(index, cohort))
    back = j.returned[chosen] != NO_DAY
    days = np.where(back, j.returned[chosen].astype(np.int64) - j.departed[chosen], -1)
    months = np.where(back, np.maximum(np.rint(days / DAYS_PER_MONTH), 1), np.nan)
    left = _months(j.departed[chosen])
    came = _months(np.where(back, j.returned[chosen], j.departed[chosen]))
    rows, owner = j.leg_rows(chosen)
    legs = j.trips
    away = legs.to[rows] != j.origin[owner]
    route = (
        pd.DataFrame({"journey": owner[away], "to": legs.to[rows][away].astype(str)})
        .groupby("journey", sort=True)["to"]
        .agg(">".join)
    )
    sector = pd.Series(index.trip_sector[rows][away], index=owner[away]).groupby(level=0).first()
    frame = pd.DataFrame(
        {
            "person_id": index.person_ids[j.worker[chosen]].astype(str),
            "journey": j.number[chosen],
            "kind": np.asarray(KINDS, dtype=object)[j.kind[chosen]],
            "origin_district_code": j.origin[chosen],
            "destination_district_code": j.destination[chosen],
            "route": route.reindex(chosen).fillna("").to_numpy(),
            "sector": np.asarray(SECTORS, dtype=object)[
                sector.reindex(chosen).fillna(len(SECTORS) - 1).to_numpy(dtype=np.int64)
            ],
            "departed_month": left.astype(str),
            "returned_month": np.where(back, came.astype(str), ""),
            "months_away": pd.array(months, dtype="Int64"),
            "season": np.where(back, _seasons(left, came), ""),
        }
    )
    return _named(frame, ["origin", "destination"])


def cohort_persons(index: JourneyIndex, cohort: Cohort) -> pd.DataFrame:
    """One row per person of the cohort (see the module docstring)."""
    j = index.journeys
    mask = _cohort_journeys_mask(index, cohort)
    p = cohort.persons
    n = index.persons
    back = mask & (j.returned != NO_DAY)
    days = np.where(back, j.returned.astype(np.int64) - j.departed, 0)
    journeys = np.bincount(j.worker[mask], minlength=n)[p]
    returns = np.bincount(j.worker[back], minlength=n)[p]
    months = np.bincount(j.worker[back], weights=days[back], minlength=n)[p] / DAYS_PER_MONTH
    frame = pd.DataFrame(
        {
            "person_id": index.person_ids[p].astype(str),
            "worker_id": index.first_worker[p],
            "gender": np.asarray((*GENDERS, None), dtype=object)[index.gender[p]],
            "birth_band": _bands(index.birth_year[p]),
            "origin_district_code": index.origin[p],
            "journeys": journeys,
            "returns": returns,
            "return_rate": np.where(journeys > 0, returns / np.maximum(journeys, 1), np.nan).round(
                3
            ),
            "months_away": np.rint(months).astype(np.int64),
            "circuits": index.circuit_count[p],
        }
    )
    return _named(frame, ["origin"])


def transitions(index: JourneyIndex, cohort: Cohort) -> pd.DataFrame:
    """Origin-destination table: persons and journeys per district pair, busiest first."""
    j = index.journeys
    mask = _cohort_journeys_mask(index, cohort)
    frame = pd.DataFrame(
        {
            "origin_district_code": j.origin[mask],
            "destination_district_code": j.destination[mask],
            "person": j.worker[mask],
        }
    )
    table = (
        frame.groupby(["origin_district_code", "destination_district_code"])
        .agg(persons=("person", "nunique"), journeys=("person", "size"))
        .reset_index()
        .sort_values(["persons", "journeys"], ascending=False, kind="stable")
        .reset_index(drop=True)
    )
    return _named(table, ["origin", "destination"])


def summary(index: JourneyIndex, cohort: Cohort) -> dict:
    """The cohort in numbers: persons, journeys, returns, months away, circuits, and
    departures by month of the year (January first)."""
    j = index.journeys
    mask = _cohort_journeys_mask(index, cohort)
    back = mask & (j.returned != NO_DAY)
    days = (j.returned[back].astype(np.int64) - j.departed[back]) / DAYS_PER_MONTH
    month = _months(j.departed[mask]).astype(np.int64) % 12
    return {
        "persons": len(cohort.persons),
        "journeys": int(mask.sum()),
        "returns": int(back.sum()),
        "return_rate": round(float(back.sum() / mask.sum()), 3) if mask.any() else None,
        "median_months_away": round(float(np.median(days)), 1) if len(days) else None,
        "persons_with_circuit": int(index.has_circuit[cohort.persons].sum()),
        "departures_by_month": np.bincount(month, minlength=12).tolist(),
    }


# -- disclosure ----------------------------------------------------------------------------
COUNT_COLUMNS = ("persons", "journeys", "returns", "persons_with_circuit")


def disclose(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Counts below 5 (``tracker.access.disclosure``) in every count column emptied; the
    number of cells emptied."""
    out = frame.copy()
    hidden = 0
    for column in COUNT_COLUMNS:
        if column not in out.columns:
            continue
        # the one rule, applied to each distinct count (a look-up, not a call per row)
        values, at = np.unique(out[column].to_numpy(dtype=np.int64), return_inverse=True)
        kept = np.array([suppressed(int(v)) is not None for v in values], dtype=bool)[at.ravel()]
        shown = pd.array(out[column].to_numpy(dtype=np.int64), dtype="Int64")
        shown[~kept] = pd.NA
        hidden += int((~kept).sum())
        out[column] = shown
    return out, hidden


def disclose_summary(numbers: dict) -> tuple[dict, int]:
    """``summary`` with its counts below 5 suppressed."""
    out = dict(numbers)
    hidden = 0
    for key in COUNT_COLUMNS:
        if key in out:
            out[key] = suppressed(out[key])
            hidden += out[key] is None and numbers[key] != 0
    months = [suppressed(c) for c in numbers["departures_by_month"]]
    hidden += sum(m is None for m in months)
    out["departures_by_month"] = months
    if out["persons"] is None:  # a cohort too small to show: no rates either
        out.update(return_rate=None, median_months_away=None)
    return out, int(hidden)


# -- helpers -------------------------------------------------------------------------------
def _bands(years: np.ndarray) -> np.ndarray:
    """Birth band of each year (``0``: unknown, None), the rule applied per distinct year."""
    values, at = np.unique(years, return_inverse=True)
    bands = np.array([birth_band(int(y)) if y else None for y in values], dtype=object)
    return bands[at.ravel()]


def _months(days: np.ndarray) -> np.ndarray:
    return days_to_dates(np.asarray(days)).astype("datetime64[M]")


def _seasons(left: np.ndarray, back: np.ndarray) -> np.ndarray:
    """``Nov-May``: the months of the year a journey left and came back in."""
    names = np.asarray(MONTH_NAMES, dtype=object)
    return names[left.astype(np.int64) % 12] + "-" + names[back.astype(np.int64) % 12]


def _name_arrays() -> tuple[np.ndarray, np.ndarray]:
    district = np.full(1025, None, dtype=object)
    state = np.full(1025, None, dtype=object)
    for code, (name, state_name) in district_names().items():
        district[code], state[code] = name, state_name
    return district, state


def _named(frame: pd.DataFrame, sides: list[str]) -> pd.DataFrame:
    """District and state names after each side's code (an array look-up)."""
    district, state = _name_arrays()
    for side in sides:
        codes = frame[f"{side}_district_code"].to_numpy(dtype=np.int64)
        codes = np.where((codes >= 0) & (codes < 1024), codes, 1024)
        at = list(frame.columns).index(f"{side}_district_code") + 1
        frame.insert(at, f"{side}_district", district[codes])
        frame.insert(at + 1, f"{side}_state", state[codes])
    return frame
