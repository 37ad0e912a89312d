"""The corridor view and the seasonal calendar of circuits.

Programme staff plan by corridor: from this origin district, to that destination, people
leave in this month and come back in that one. Both tables summarise the seasonal circuits
(``analytics.circuits``) and their round trips, so a worker's irregular or one-off trips do
not blur the seasons:

* ``corridor_view``: one row per origin, destination, departure month and return month:
  how many workers travel it, their median stay, the years it was active, workers per year
  and the change from the year before its last year;
* ``seasonal_calendar``: one row per corridor (origin, destination) and calendar month:
  round trips of circuits leaving and coming back in that month, over all years.

Both are group-bys on integer columns (no loop over workers or corridors) and carry the
district and state names of the Census 2011 list.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.circuits import Circuits
from analytics.seasons import histogram_median
from graph_schema.census import district_names
from tracker.access.disclosure import EXACT, CountWords

CORRIDOR = ["origin_district_code", "destination_district_code"]
CORRIDOR_KEY = [*CORRIDOR, "depart_month", "return_month"]
VIEW_FIGURES = [
    "workers",
    "circuits",
    "median_stay_days",
    "first_year",
    "last_year",
    "years_active",
    "workers_last_year",
    "workers_year_before",
    "change_year_over_year",
    "workers_by_year",
]
CALENDAR_FIGURES = ["month", "departures", "returns", "workers"]


@dataclass(frozen=True)
class CorridorCounts:
    """What the corridor view and the calendar need of circuits' round trips, as counts.

    Counts add up: the counts of two sets of workers with no worker in common are the sum
    of each set's counts, so circuits found partition by partition (``analytics.partitioned``)
    give their counts per partition and ``add_counts`` sums them; the views read only these
    and the circuits table. Medians come from the ``stays`` histogram, exactly.

    * ``years``: ``CORRIDOR_KEY``, ``year``, ``workers`` (different workers travelling it);
    * ``stays``: ``CORRIDOR_KEY``, ``stay_days``, ``trips``;
    * ``months``: ``CORRIDOR``, ``month`` (1-12), ``departures``, ``returns``.
    """

    years: pd.DataFrame
    stays: pd.DataFrame
    months: pd.DataFrame


def corridor_counts(circuits: Circuits) -> CorridorCounts:
    """The counts of ``CorridorCounts`` for one set of circuits."""
    table, trips = circuits.table, circuits.trips
    circuit = trips["circuit"].to_numpy()
    key = table[CORRIDOR_KEY].astype("int64").to_numpy()[circuit]
    per_trip = pd.DataFrame(key, columns=CORRIDOR_KEY)
    per_trip["worker"] = table["worker_id"].to_numpy()[circuit]
    per_trip["year"] = trips["year"].to_numpy()
    per_trip["stay_days"] = trips["stay_days"].to_numpy()
    years = per_trip.groupby([*CORRIDOR_KEY, "year"])["worker"].nunique()
    years = years.rename("workers").reset_index()
    stays = per_trip.groupby([*CORRIDOR_KEY, "stay_days"]).size().rename("trips").reset_index()
    leave = pd.DataFrame(key[:, :2], columns=CORRIDOR).assign(
        month=trips["departed_on"].dt.month.to_numpy(), departures=1, returns=0
    )
    back = pd.DataFrame(key[:, :2], columns=CORRIDOR).assign(
        month=trips["returned_on"].dt.month.to_numpy(), departures=0, returns=1
    )
    months = pd.concat([leave, back]).groupby([*CORRIDOR, "month"]).sum().reset_index()
    return CorridorCounts(years, stays, months)


def add_counts(parts: list[CorridorCounts]) -> CorridorCounts:
    """The counts of several sets of circuits with no worker in common, summed."""

    def add(frames: list[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
        joined = pd.concat(frames, ignore_index=True)
        return joined.groupby(keys, sort=True).sum().reset_index().astype("int64")

    return CorridorCounts(
        add([p.years for p in parts], [*CORRIDOR_KEY, "year"]),
        add([p.stays for p in parts], [*CORRIDOR_KEY, "stay_days"]),
        add([p.months for p in parts], [*CORRIDOR, "month"]),
    )


def corridor_view(circuits: Circuits, words: CountWords = EXACT) -> pd.DataFrame:
    """Corridors by departure and return month, busiest first (see ``corridor_view_of``)."""
    return corridor_view_of(circuits.table, corridor_counts(circuits), words)


def corridor_view_of(
    table: pd.DataFrame, counts: CorridorCounts, words: CountWords = EXACT
) -> pd.DataFrame:
    """Corridors by departure and return month, busiest first.

    ``table`` is circuits.csv, ``counts`` its round trips' ``CorridorCounts``. Columns: the
    four key columns, names of both districts, ``workers``, ``circuits``,
    ``median_stay_days``, ``first_year``, ``last_year``, ``years_active``, ``workers_last_year``
    (in the corridor's ``last_year``), ``workers_year_before``, ``change_year_over_year``
    (``(last - before) / before``; empty when no one travelled the year before) and
    ``workers_by_year`` (``2019:12 2020:15 ...``, the counts written by ``words``:
    ``tracker.access.disclosure.CountWords``; the table's ``attrs["count_words"]``).
    """
    if table.empty:
        empty = _with_names(pd.DataFrame(columns=[*CORRIDOR_KEY, *VIEW_FIGURES]))
        empty.attrs["count_words"] = words.name
        return empty
    key = table[CORRIDOR_KEY].astype("int64")
    corridor, corridors = pd.factorize(pd.MultiIndex.from_frame(key))
    view = corridors.to_frame(index=False, name=CORRIDOR_KEY)
    view["workers"] = table.groupby(corridor)["worker_id"].nunique().to_numpy()
    view["circuits"] = np.bincount(corridor, minlength=len(view))
    stays = counts.stays
    view["median_stay_days"] = histogram_median(
        _corridor_of(stays, corridors, CORRIDOR_KEY),
        stays["stay_days"].to_numpy(),
        stays["trips"].to_numpy(),
        len(view),
    )
    yearly = counts.years.assign(corridor=_corridor_of(counts.years, corridors, CORRIDOR_KEY))
    yearly = yearly.sort_values(["corridor", "year"], kind="stable", ignore_index=True)
    by_corridor = yearly.groupby("corridor")["year"]
    view["first_year"] = by_corridor.min().to_numpy()
    view["last_year"] = by_corridor.max().to_numpy()
    view["years_active"] = by_corridor.size().to_numpy()

    last = view["last_year"].to_numpy()[yearly["corridor"].to_numpy()]
    in_last = yearly[yearly["year"].to_numpy() == last].set_index("corridor")["workers"]
    before = yearly[yearly["year"].to_numpy() == last - 1].set_index("corridor")["workers"]
    view["workers_last_year"] = in_last.reindex(view.index).to_numpy()
    view["workers_year_before"] = before.reindex(view.index, fill_value=0).to_numpy()
    change = (view["workers_last_year"] - view["workers_year_before"]) / view[
        "workers_year_before"
    ].where(view["workers_year_before"] > 0)
    view["change_year_over_year"] = change.round(3)
    text = yearly["year"].astype(str) + ":" + yearly["workers"].map(words.number)
    view["workers_by_year"] = (
        text.groupby(yearly["corridor"]).agg(" ".join).reindex(view.index).to_numpy()
    )
    view = view.sort_values(["workers", *CORRIDOR_KEY], ascending=[False, True, True, True, True])
    named = _with_names(view.reset_index(drop=True))
    named.attrs["count_words"] = words.name
    return named


def seasonal_calendar(circuits: Circuits) -> pd.DataFrame:
    """Departures and returns of circuit round trips by corridor and calendar month."""
    return seasonal_calendar_of(circuits.table, corridor_counts(circuits))


def seasonal_calendar_of(table: pd.DataFrame, counts: CorridorCounts) -> pd.DataFrame:
    """Departures and returns of circuit round trips by corridor and calendar month.

    Columns: origin and destination (codes and names), ``month`` (1-12), ``departures``,
    ``returns``, ``workers`` (of the corridor, for ranking). Every month of every corridor
    has a row, zeros included, so the table reads as a calendar.
    """
    if table.empty:
        return _with_names(pd.DataFrame(columns=[*CORRIDOR, *CALENDAR_FIGURES]))
    key = table[CORRIDOR].astype("int64")
    corridor, corridors = pd.factorize(pd.MultiIndex.from_frame(key))
    n = len(corridors)
    months = counts.months
    cell = _corridor_of(months, corridors, CORRIDOR) * 12 + months["month"].to_numpy() - 1
    departures = np.bincount(cell, months["departures"].to_numpy(), minlength=n * 12)
    returns = np.bincount(cell, months["returns"].to_numpy(), minlength=n * 12)
    workers = table.groupby(corridor)["worker_id"].nunique().to_numpy()
    frame = corridors.to_frame(index=False, name=CORRIDOR).loc[np.repeat(np.arange(n), 12)]
    frame["month"] = np.tile(np.arange(1, 13), n)
    frame["departures"] = departures.astype("int64")
    frame["returns"] = returns.astype("int64")
    frame["workers"] = np.repeat(workers, 12)
    frame = frame.sort_values(["workers", *CORRIDOR, "month"], ascending=[False, True, True, True])
    return _with_names(frame.reset_index(drop=True))


def _corridor_of(frame: pd.DataFrame, corridors: pd.MultiIndex, keys: list[str]) -> np.ndarray:
    """Row of ``corridors`` for each row of ``frame`` (every key is among them)."""
    found = corridors.get_indexer(pd.MultiIndex.from_frame(frame[keys].astype("int64")))
    if (found < 0).any():
        raise ValueError("corridor counts name a corridor that no circuit travels")
    return found


def corridor_label(origin: int, destination: int) -> str:
    """``Origin (State) → Destination (State)`` for plots and pages."""
    names = district_names()
    o = names.get(int(origin), (str(origin), "?"))
    d = names.get(int(destination), (str(destination), "?"))
    return f"{o[0]} ({o[1]}) → {d[0]} ({d[1]})"


def _with_names(frame: pd.DataFrame) -> pd.DataFrame:
    """Add district and state names after the two codes (a lookup, not a loop)."""
    names = pd.DataFrame(
        [(code, name, state) for code, (name, state) in district_names().items()],
        columns=["code", "district", "state"],
    ).set_index("code")
    out = frame.copy()
    at = list(out.columns).index("destination_district_code") + 1
    for offset, side in enumerate(("origin", "destination")):
        found = names.reindex(pd.to_numeric(out[f"{side}_district_code"]).to_numpy())
        out.insert(at + 2 * offset, f"{side}_district", found["district"].to_numpy())
        out.insert(at + 2 * offset + 1, f"{side}_state", found["state"].to_numpy())
    return out
