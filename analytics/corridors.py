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

import numpy as np
import pandas as pd

from analytics.circuits import Circuits
from graph_schema.census import district_names

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


def corridor_view(circuits: Circuits) -> pd.DataFrame:
    """Corridors by departure and return month, busiest first.

    Columns: the four key columns, names of both districts, ``workers``, ``circuits``,
    ``median_stay_days``, ``first_year``, ``last_year``, ``years_active``, ``workers_last_year``
    (in the corridor's ``last_year``), ``workers_year_before``, ``change_year_over_year``
    (``(last - before) / before``; empty when no one travelled the year before) and
    ``workers_by_year`` (``2019:12 2020:15 ...``).
    """
    table, trips = circuits.table, circuits.trips
    if table.empty:
        return _with_names(pd.DataFrame(columns=[*CORRIDOR_KEY, *VIEW_FIGURES]))
    key = table[CORRIDOR_KEY].astype("int64")
    corridor, corridors = pd.factorize(pd.MultiIndex.from_frame(key))
    per_trip = pd.DataFrame(
        {
            "corridor": corridor[trips["circuit"].to_numpy()],
            "worker": table["worker_id"].to_numpy()[trips["circuit"].to_numpy()],
            "year": trips["year"].to_numpy(),
            "stay": trips["stay_days"].to_numpy(),
        }
    )
    view = corridors.to_frame(index=False, name=CORRIDOR_KEY)
    by_corridor = per_trip.groupby("corridor")
    view["workers"] = table.groupby(corridor)["worker_id"].nunique().to_numpy()
    view["circuits"] = np.bincount(corridor, minlength=len(view))
    view["median_stay_days"] = by_corridor["stay"].median().to_numpy()
    view["first_year"] = by_corridor["year"].min().to_numpy()
    view["last_year"] = by_corridor["year"].max().to_numpy()
    view["years_active"] = by_corridor["year"].nunique().to_numpy()

    yearly = per_trip.groupby(["corridor", "year"])["worker"].nunique().rename("workers")
    yearly = yearly.reset_index()
    last = view["last_year"].to_numpy()[yearly["corridor"].to_numpy()]
    in_last = yearly[yearly["year"].to_numpy() == last].set_index("corridor")["workers"]
    before = yearly[yearly["year"].to_numpy() == last - 1].set_index("corridor")["workers"]
    view["workers_last_year"] = in_last.reindex(view.index).to_numpy()
    view["workers_year_before"] = before.reindex(view.index, fill_value=0).to_numpy()
    change = (view["workers_last_year"] - view["workers_year_before"]) / view[
        "workers_year_before"
    ].where(view["workers_year_before"] > 0)
    view["change_year_over_year"] = change.round(3)
    text = yearly["year"].astype(str) + ":" + yearly["workers"].astype(str)
    view["workers_by_year"] = (
        text.groupby(yearly["corridor"]).agg(" ".join).reindex(view.index).to_numpy()
    )
    view = view.sort_values(["workers", *CORRIDOR_KEY], ascending=[False, True, True, True, True])
    return _with_names(view.reset_index(drop=True))


def seasonal_calendar(circuits: Circuits) -> pd.DataFrame:
    """Departures and returns of circuit round trips by corridor and calendar month.

    Columns: origin and destination (codes and names), ``month`` (1-12), ``departures``,
    ``returns``, ``workers`` (of the corridor, for ranking). Every month of every corridor
    has a row, zeros included, so the table reads as a calendar.
    """
    table, trips = circuits.table, circuits.trips
    if table.empty:
        return _with_names(pd.DataFrame(columns=[*CORRIDOR, *CALENDAR_FIGURES]))
    key = table[CORRIDOR].astype("int64")
    corridor, corridors = pd.factorize(pd.MultiIndex.from_frame(key))
    of_trip = corridor[trips["circuit"].to_numpy()]
    n = len(corridors)
    leave = trips["departed_on"].dt.month.to_numpy() - 1
    back = trips["returned_on"].dt.month.to_numpy() - 1
    departures = np.bincount(of_trip * 12 + leave, minlength=n * 12)
    returns = np.bincount(of_trip * 12 + back, minlength=n * 12)
    workers = table.groupby(corridor)["worker_id"].nunique().to_numpy()
    frame = corridors.to_frame(index=False, name=CORRIDOR).loc[np.repeat(np.arange(n), 12)]
    frame["month"] = np.tile(np.arange(1, 13), n)
    frame["departures"] = departures
    frame["returns"] = returns
    frame["workers"] = np.repeat(workers, 12)
    frame = frame.sort_values(["workers", *CORRIDOR, "month"], ascending=[False, True, True, True])
    return _with_names(frame.reset_index(drop=True))


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
