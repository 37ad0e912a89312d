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

import pandas as pd

SAME_TRIP_DAYS = 3


def mark_trips(moves: pd.DataFrame) -> pd.Series:
    """``trip_id`` for every row of a moves edge table (index aligned with ``moves``).

    Vectorised: one sort and a few column comparisons, no loop over workers.
    """
    if moves.empty:
        return pd.Series([], index=moves.index, dtype="str")
    keys = ["worker_id", "from_district_code", "to_district_code"]
    ordered = moves.sort_values([*keys, "departed_on", "record_id"], kind="stable")
    same_corridor = pd.Series(True, index=ordered.index)
    for key in keys:
        same_corridor &= ordered[key].eq(ordered[key].shift())
    gap = ordered["departed_on"] - ordered["departed_on"].shift()
    continues = same_corridor & (gap <= pd.Timedelta(days=SAME_TRIP_DAYS))
    first_report = ordered["record_id"].where(~continues).ffill()
    return first_report.reindex(moves.index).astype("str")
