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

SAME_TRIP_DAYS = 3


def mark_trips(moves: pd.DataFrame) -> pd.Series:
    """``trip_id`` for every row of a moves edge table (index aligned with ``moves``).

    Vectorised: one sort and a few column comparisons, no loop over workers.
    """
    if moves.empty:
        return pd.Series([], index=moves.index, dtype="str")
    keys = ["worker_id", "from_district_code", "to_district_code"]
    codes = {c: pd.factorize(moves[c], sort=True)[0] for c in [*keys, "record_id"]}
    departed = moves["departed_on"].to_numpy(dtype="datetime64[us]").astype("int64")
    # Sort on integer codes (np.lexsort: last key first): sorting the id strings took 4x longer.
    order = np.lexsort((codes["record_id"], departed, *(codes[k] for k in reversed(keys))))
    same_corridor = np.ones(len(order), dtype=bool)
    for key in keys:
        ranked = codes[key][order]
        same_corridor[1:] &= ranked[1:] == ranked[:-1]
    same_corridor[0] = False
    day = np.int64(86_400_000_000)  # microseconds
    ranked_departed = departed[order]
    close = np.zeros(len(order), dtype=bool)
    close[1:] = ranked_departed[1:] - ranked_departed[:-1] <= SAME_TRIP_DAYS * day
    starts = ~(same_corridor & close)
    first_of_trip = order[np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))]
    trip_ids = moves["record_id"].to_numpy()[first_of_trip]
    out = np.empty(len(order), dtype=object)
    out[order] = trip_ids
    return pd.Series(out, index=moves.index, dtype="str")
