"""Rows that break the format's rules, planted where an answer key can name them.

About 1% of each event file's rows are extra copies of good rows with one rule broken: an
unparseable date, a date in the future, an unknown district code, an unknown worker id,
an arrival before the departure, an unknown indicator. A copy gets its own record id, so
the good row it came from is untouched: the batch's good rows tell the same story with or
without the bad ones, and the answer key's circuits hold either way.
"""

from __future__ import annotations

import numpy as np

from graph_schema.types import INDICATORS
from synth.dates import split, ymd_days
from synth.events import Events

BAD_SHARE = 0.01
UNKNOWN_DISTRICTS = np.array([0, 649, 700, 888, 999, 1000])
UNKNOWN_INDICATORS = ("wage_delay", "unpaid_overtime", "forced_labour")

# file -> [(kind, column as stored, column in the file, share)]
BAD_KINDS: dict[str, list[tuple[str, str, str, float]]] = {
    "moves.csv": [
        ("arrival_before_departure", "arrived", "arrived_on", 0.23),
        ("future", "departed", "departed_on", 0.15),
        ("unparseable", "departed", "departed_on", 0.19),
        ("unparseable", "arrived", "arrived_on", 0.07),
        ("unknown_district", "from", "from_district_code", 0.08),
        ("unknown_district", "to", "to_district_code", 0.06),
        ("unknown_worker", "worker", "worker_id", 0.22),
    ],
    "employments.csv": [
        ("unknown_district", "district", "district_code", 0.25),
        ("unparseable", "end", "end_on", 0.11),
        ("future", "start", "start_on", 0.25),
        ("unparseable", "start", "start_on", 0.18),
        ("unknown_worker", "worker", "worker_id", 0.21),
    ],
    "grievances.csv": [
        ("unknown_indicator", "indicator", "indicator", 0.25),
        ("unknown_worker", "worker", "worker_id", 0.45),
        ("unparseable", "reported", "reported_on", 0.15),
        ("future", "reported", "reported_on", 0.15),
    ],
    "services.csv": [
        ("future", "delivered", "delivered_on", 0.26),
        ("unparseable", "delivered", "delivered_on", 0.63),
        ("unknown_worker", "worker", "worker_id", 0.11),
    ],
}
FUTURE_SHIFTED = {
    "moves.csv": ("departed", "arrived", "recorded_on"),
    "employments.csv": ("start", "end", "recorded_on"),
    "grievances.csv": ("reported",),
    "services.csv": ("delivered",),
}
"""Dates moved into the future together, so that only the named column's rule breaks first
(an arrival moved along with its departure stays after it)."""


def reason_text(kind: str, column: str) -> str:
    return {
        "arrival_before_departure": "arrived_on before departed_on",
        "future": f"date in the future in {column}",
        "unparseable": f"unparseable date in {column}",
        "unknown_district": f"unknown district code in {column}",
        "unknown_worker": "unknown worker_id",
        "unknown_indicator": "unknown indicator",
    }[kind]


def plant_bad_rows(
    rng: np.random.Generator, events: Events, workers: int, future_year: int
) -> None:
    """Append about ``BAD_SHARE`` of ``events``' rows as broken copies (``events.bad``)."""
    kinds = BAD_KINDS[events.name]
    rows = events.rows
    count = round(BAD_SHARE * rows)
    if not count:
        return
    shares = np.array([k[3] for k in kinds])
    kind_of = rng.choice(len(kinds), size=count, p=shares / shares.sum())
    for k, (kind, column, file_column, _) in enumerate(kinds):
        wanted = int((kind_of == k).sum())
        candidates = np.arange(rows)
        if kind in ("arrival_before_departure", "unparseable"):
            candidates = candidates[events.columns[column][:rows] >= 0]
        if not wanted or not len(candidates):
            continue
        source = rng.choice(candidates, size=wanted, replace=len(candidates) < wanted)
        start = events.rows
        for name, values in events.columns.items():
            events.columns[name] = np.concatenate([values, values[source]])
        new = np.arange(start, start + wanted)
        _break(rng, events, kind, column, new, workers, future_year)
        events.bad.append((new, file_column, reason_text(kind, file_column)))


def _break(
    rng: np.random.Generator,
    events: Events,
    kind: str,
    column: str,
    rows: np.ndarray,
    workers: int,
    future_year: int,
) -> None:
    values = events.columns
    if kind == "unknown_worker":
        top = max(min(10 * workers, 9_999_999), workers + 1000)
        values["worker"][rows] = rng.integers(workers, top, len(rows))
    elif kind == "unknown_district":
        values[column][rows] = rng.choice(UNKNOWN_DISTRICTS, size=len(rows))
    elif kind == "unknown_indicator":
        values[column][rows] = len(INDICATORS) + rng.integers(0, len(UNKNOWN_INDICATORS), len(rows))
    elif kind == "arrival_before_departure":
        values[column][rows] = values["departed"][rows] - rng.integers(5, 41, len(rows))
    elif kind == "future":
        _, month, day = split(values[column][rows])
        target = future_year + rng.integers(0, 10, len(rows))
        shift = ymd_days(target, month, np.minimum(day, 28)) - values[column][rows]
        for name in FUTURE_SHIFTED[events.name]:
            known = values[name][rows] >= 0
            values[name][rows] = np.where(known, values[name][rows] + shift, values[name][rows])
    elif kind == "unparseable":
        year, month, day = split(values[column][rows])
        variant = rng.integers(0, len(GARBLED), len(rows))
        texts = [
            GARBLED[v].format(y=y, m=m, d=d)
            for y, m, d, v in zip(year, month, day, variant, strict=True)
        ]
        old_rows, old_texts = events.broken.get(column, (np.zeros(0, np.int64), []))
        events.broken[column] = (np.r_[old_rows, rows], [*old_texts, *texts])


GARBLED = (
    "{y}.{m:02d}.{d:02d}",
    "{d:02d}-{m:02d}-{y}",
    "{d:02d}/{m:02d}/{y}",
    "{y}-{m:02d}-{d:02d}x",
    "{y}-13-{d:02d}",
    "{y}-{m:02d}-00",
    "{y}-{m:02d}-32",
    "{y}-02-30",
)
"""Dates as field teams sometimes write them, which are not ISO 8601 or not dates."""


def shuffle(rng: np.random.Generator, events: Events) -> tuple[np.ndarray, np.ndarray]:
    """File order (rows out of date order, as batches arrive) and record numbers (record ids
    carry no order either): ``order[i]`` is the row written at position i."""
    return rng.permutation(events.rows), rng.permutation(events.rows) + 1
