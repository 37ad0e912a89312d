"""A quick random MOVED edge table for timing the circuit analytics at scale.

Not a realistic batch (``lmt synth`` makes those): just the shapes that cost time and memory
in ``analytics.circuits``: one home and one or two destinations per worker, a few seasons
each, with duplicate reports, missing arrivals, missing returns and rows in random order.
Vectorised, so 10 million moves take seconds to make.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph_schema.relationships import MOVED
from tracker.tables import edge_columns, typed


def random_moves(workers: int, seed: int = 0, seasons: int = 5) -> pd.DataFrame:
    """About ``2 * seasons * workers`` moves (plus ~10% duplicate reports) as an edge table."""
    rng = np.random.default_rng(seed)
    worker = np.repeat(np.arange(workers), seasons)
    season = np.tile(np.arange(seasons), workers)
    home = rng.integers(1, 641, workers)[worker]
    dest = (home + rng.integers(1, 640, workers)[worker] - 1) % 640 + 1
    month = rng.integers(0, 12, workers)[worker]
    start = np.datetime64("2018-01-01") + (
        (season * 365.25 + month * 30.44 + rng.normal(15, 7, len(worker))).astype("int64")
    ).astype("timedelta64[D]")
    stay = rng.integers(60, 200, len(worker)).astype("timedelta64[D]")

    n = len(worker)
    out = pd.DataFrame(
        {
            "worker": np.concatenate([worker, worker]),
            "from_district_code": np.concatenate([home, dest]),
            "to_district_code": np.concatenate([dest, home]),
            "departed_on": np.concatenate([start, start + stay]),
        }
    )
    out["arrived_on"] = out["departed_on"] + rng.integers(0, 4, 2 * n).astype("timedelta64[D]")
    out = out[rng.random(2 * n) > 0.02]  # missing records: a lost return or departure
    out.loc[rng.random(len(out)) < 0.1, "arrived_on"] = pd.NaT
    out["trip"] = np.arange(len(out))
    dupes = out[rng.random(len(out)) < 0.1].copy()
    dupes["departed_on"] += rng.integers(0, 3, len(dupes)).astype("timedelta64[D]")
    out = pd.concat([out, dupes], ignore_index=True)
    out = out.iloc[rng.permutation(len(out))].reset_index(drop=True)
    out["worker_id"] = "W" + pd.Series(out["worker"].to_numpy()).astype(str).str.zfill(8)
    out["record_id"] = "MV" + pd.Series(np.arange(len(out))).astype(str).str.zfill(9)
    out["trip_id"] = "MV" + pd.Series(out["trip"].to_numpy()).astype(str).str.zfill(9)
    out["reason"] = "work"
    return typed(out, edge_columns(MOVED))


def workers_of(moves: pd.DataFrame) -> pd.DataFrame:
    """Worker nodes for the moves' workers (names are placeholders)."""
    ids = pd.unique(moves["worker_id"])
    return pd.DataFrame({"worker_id": ids, "name": "worker"})
