"""Tiny hand-made move tables for the circuit tests.

Each table is a MOVED edge table in the canonical form (``tracker.tables``) with trip ids
marked by the ingestion rule (``tracker.trips``), as the store would hold it.
"""

from __future__ import annotations

import pandas as pd

from graph_schema import MOVED
from tracker.tables import edge_columns, typed
from tracker.trips import mark_trips

HOME, KILN, FARM, SITE = 101, 202, 303, 404


def moves(*rows: tuple, trip_ids: bool = True) -> pd.DataFrame:
    """Rows are (worker, from, to, departed[, arrived]); record ids are numbered in order."""
    frame = pd.DataFrame(
        [
            {
                "record_id": f"R{i:04d}",
                "worker_id": row[0],
                "from_district_code": row[1],
                "to_district_code": row[2],
                "departed_on": row[3],
                "arrived_on": row[4] if len(row) > 4 else row[3],
            }
            for i, row in enumerate(rows)
        ]
    )
    table = typed(frame, edge_columns(MOVED))
    if trip_ids:
        table["trip_id"] = mark_trips(table)
    else:
        table = table.drop(columns="trip_id")
    return table


def season(worker: str, year: int, out: str, back: str, dest: int = KILN, home: int = HOME):
    """One round trip: leave ``home`` on ``year-out``, come back on the ``back`` date."""
    back_year = year if back > out else year + 1
    return [
        (worker, home, dest, f"{year}-{out}"),
        (worker, dest, home, f"{back_year}-{back}"),
    ]


def seasons(worker: str, years, out: str, back: str, dest: int = KILN, home: int = HOME):
    return [row for year in years for row in season(worker, year, out, back, dest, home)]
