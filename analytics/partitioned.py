"""Analytics partition by partition: the same functions on one machine and on Spark.

Every fact circuits are made of belongs to one worker, so a set of workers can be worked
on alone: a *partition* is the tables of a set of workers no other partition shares (a
bucket of the Parquet export, ``tracker.parquet``). Each analysis here is split in two:

* a pure function of one partition's tables (``circuit_partition``), which runs where the
  partition is: in this process, bucket after bucket, or in a Spark task
  (``analytics.spark``), and returns a small table;
* a combine step (``combine_circuits``) over those small tables, on one machine.

Both call the one implementation of each algorithm (``analytics.circuits``,
``analytics.corridors``): nothing is computed differently because it was partitioned, and
the results are the same, row for row and byte for byte, as a run over all workers at once.
What crosses from a partition to the combine step is the partition's circuits and the
counts the corridor views need (``corridors.CorridorCounts``), never its moves; memory
holds one partition's moves at a time.

The partition result is one *long* table with a ``kind`` column (``circuit``, ``year``,
``stay``, ``month``), the form Spark needs (one schema per task output): a ``circuit`` row
is a row of circuits.csv, the others rows of the corridor counts, their figures in
``value`` (year, stay in days, month) and ``count`` / ``count2``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from analytics.circuits import CIRCUIT_COLUMNS, circuits_of_journeys, find_circuits
from analytics.corridors import (
    CORRIDOR,
    CORRIDOR_KEY,
    CorridorCounts,
    add_counts,
    corridor_counts,
    corridor_view_of,
    seasonal_calendar_of,
)
from analytics.round_trips import MOVE_COLUMNS, journey_arrays
from tracker.parquet import ParquetExport

HOME_COLUMNS = ["worker_id", "home_district_code"]
"""What circuits read of the export's ``homes`` table (``circuits.homes_from_store``)."""

CIRCUIT_PART = pa.schema(
    [
        ("kind", pa.string()),
        ("worker_id", pa.string()),
        ("origin_district_code", pa.int64()),
        ("destination_district_code", pa.int64()),
        ("depart_month", pa.int64()),
        ("return_month", pa.int64()),
        ("seasons", pa.int64()),
        ("first_year", pa.int64()),
        ("last_year", pa.int64()),
        ("years", pa.int64()),
        ("median_stay_days", pa.float64()),
        ("value", pa.int64()),
        ("count", pa.int64()),
        ("count2", pa.int64()),
    ]
)
"""Schema of a circuits partition result (see module docstring)."""


@dataclass(frozen=True)
class CircuitResults:
    """circuits.csv and the counts its corridor view and calendar are made from."""

    table: pd.DataFrame
    counts: CorridorCounts

    def corridors(self) -> pd.DataFrame:
        return corridor_view_of(self.table, self.counts)

    def calendar(self) -> pd.DataFrame:
        return seasonal_calendar_of(self.table, self.counts)


def circuit_partition(moves: pd.DataFrame, homes: pd.DataFrame | None) -> pd.DataFrame:
    """Circuits and corridor counts of one partition's workers, as one long table.

    ``moves`` (``round_trips.MOVE_COLUMNS``) and ``homes`` (``HOME_COLUMNS``) hold the
    same workers' rows, all of them.
    """
    if moves.empty:
        return _long(_no_circuits(), None)
    circuits = circuits_of_journeys(journey_arrays(moves, homes))
    return _long(circuits.table, corridor_counts(circuits))


def combine_circuits(parts: Iterable[pd.DataFrame]) -> CircuitResults:
    """The circuits of all workers from their partitions' results (``circuit_partition``).

    Circuits are ordered as a run over all workers orders them: by worker, then departure
    month, a worker's circuits keeping the order they were found in (a stable sort: one
    worker's circuits all come from one partition, in that order).
    """
    frames = [p for p in parts if len(p)]
    joined = pd.concat(frames, ignore_index=True) if frames else _long(_no_circuits(), None)
    kind = joined["kind"]
    table = joined.loc[kind == "circuit", CIRCUIT_COLUMNS]
    table = table.astype(
        {
            "worker_id": "str",
            "origin_district_code": "Int64",
            "destination_district_code": "Int64",
            **{c: "int64" for c in CIRCUIT_COLUMNS[3:-1]},
            "median_stay_days": "float64",
        }
    )
    table = table.sort_values(["worker_id", "depart_month"], kind="stable", ignore_index=True)

    def rows(name: str, keys: list[str], figures: dict[str, str]) -> pd.DataFrame:
        part = joined.loc[kind == name, [*keys, *figures]].rename(columns=figures)
        return part.astype("int64").reset_index(drop=True)

    counts = add_counts(
        [
            CorridorCounts(
                rows("year", CORRIDOR_KEY, {"value": "year", "count": "workers"}),
                rows("stay", CORRIDOR_KEY, {"value": "stay_days", "count": "trips"}),
                rows(
                    "month",
                    CORRIDOR,
                    {"value": "month", "count": "departures", "count2": "returns"},
                ),
            )
        ]
    )
    return CircuitResults(table, counts)


def circuits_from_export(export: ParquetExport) -> CircuitResults:
    """Circuits over a Parquet export, bucket after bucket, on this machine."""
    return combine_circuits(
        circuit_partition(
            export.bucket("moves", bucket, MOVE_COLUMNS),
            export.bucket("homes", bucket, HOME_COLUMNS),
        )
        for bucket in range(export.buckets)
    )


# -- the long form ------------------------------------------------------------------------
def _no_circuits() -> pd.DataFrame:
    """An empty circuits.csv table, typed as ``find_circuits`` types it."""
    return find_circuits(pd.DataFrame(columns=MOVE_COLUMNS))


def _long(table: pd.DataFrame, counts: CorridorCounts | None) -> pd.DataFrame:
    """A partition's circuits and counts as one table of schema ``CIRCUIT_PART``."""
    pieces = [table.assign(kind="circuit")]
    if counts is not None:
        pieces += [
            counts.years.rename(columns={"year": "value", "workers": "count"}).assign(kind="year"),
            counts.stays.rename(columns={"stay_days": "value", "trips": "count"}).assign(
                kind="stay"
            ),
            counts.months.rename(
                columns={"month": "value", "departures": "count", "returns": "count2"}
            ).assign(kind="month"),
        ]
    out = pd.concat([p for p in pieces if len(p)] or pieces[:1], ignore_index=True)
    out = out.reindex(columns=CIRCUIT_PART.names)
    types = {
        f.name: (
            "str"
            if pa.types.is_string(f.type)
            else "float64"
            if pa.types.is_floating(f.type)
            else "Int64"
        )
        for f in CIRCUIT_PART
    }
    return out.astype(types)


def circuit_part_arrow(frame: pd.DataFrame) -> pa.Table:
    """A partition result as Arrow in ``CIRCUIT_PART`` (what a Spark task returns)."""
    return pa.Table.from_pandas(frame, schema=CIRCUIT_PART, preserve_index=False)
