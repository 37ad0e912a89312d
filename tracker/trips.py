"""One trip, however many times it was reported.

A transit point and the destination centre may both report the same trip under two
record ids. Both records are kept (nothing is lost), and both carry the same ``trip_id`` so
that timelines and analytics count the trip once.

The rule: reports of the same worker on the same corridor (same ``from_district_code`` and
``to_district_code``) whose departure dates lie within ``SAME_TRIP_DAYS`` days of the
previous report on that corridor are one trip. The trip's id is the ``record_id`` of its
earliest report (ties broken by record id), so it is stable when a batch is imported again.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

SAME_TRIP_DAYS = 3


def mark_trips(moves: pd.DataFrame) -> pd.Series:
    """``trip_id`` for every row of a moves edge table (index aligned with ``moves``).

    Vectorised: one sort and a few column comparisons, no loop over workers. The sort is
    Arrow's, on one integer per row (the corridor, then the day of departure) with the
    record id breaking ties: the corridors' own order does not matter, as a trip is
    judged within one corridor, so they are numbered unsorted. (Sorting the record ids
    and five columns with ``np.lexsort`` took 3.5 s for 1,500,000 moves, this 1.2 s.)
    """
    if moves.empty:
        return pd.Series([], index=moves.index, dtype="str")
    corridor = np.zeros(len(moves), dtype=np.int64)
    for column in ["worker_id", "from_district_code", "to_district_code"]:
        codes = pd.factorize(moves[column])[0] + 1  # a missing value (-1) is one more value
        corridor = pd.factorize(corridor * (int(codes.max()) + 1) + codes)[0]
    departed = moves["departed_on"].to_numpy(dtype="datetime64[us]").astype("int64")
    _, day = np.unique(departed, return_inverse=True)
    day = day.reshape(-1)
    record_ids = pa.array(moves["record_id"], from_pandas=True)
    by = pa.table({"key": corridor * (int(day.max()) + 1) + day, "record_id": record_ids})
    order = pc.sort_indices(by, [("key", "ascending"), ("record_id", "ascending")]).to_numpy()
    ranked = corridor[order]
    same_corridor = np.zeros(len(order), dtype=bool)
    same_corridor[1:] = ranked[1:] == ranked[:-1]
    microseconds = np.int64(86_400_000_000)
    ranked_departed = departed[order]
    close = np.zeros(len(order), dtype=bool)
    close[1:] = ranked_departed[1:] - ranked_departed[:-1] <= SAME_TRIP_DAYS * microseconds
    starts = ~(same_corridor & close)
    first_of_trip = order[np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))]
    first = np.empty(len(order), dtype=np.int64)
    first[order] = first_of_trip
    trip_ids = record_ids.take(pa.array(first)).to_pandas()
    return pd.Series(trip_ids.to_numpy(), index=moves.index, dtype="str")
