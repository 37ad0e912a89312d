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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from analytics.chains import chain_paths, chain_risk, chain_workers, finish_chains
from analytics.circuits import CIRCUIT_COLUMNS, circuits_of_journeys, find_circuits, person_journeys
from analytics.contractor_risk import (
    Evidence,
    add_evidence,
    add_wage_counts,
    contractor_evidence,
    going_rates,
    risk_of_evidence,
    wage_counts,
)
from analytics.corridors import (
    CORRIDOR,
    CORRIDOR_KEY,
    CorridorCounts,
    add_counts,
    corridor_counts,
    corridor_view_of,
    seasonal_calendar_of,
)
from analytics.persons import by_person
from analytics.round_trips import MOVE_COLUMNS
from analytics.supply_graph import (
    EMPLOYMENT_COLUMNS,
    SupplyRecords,
    placements,
    records_by_person,
)
from analytics.supply_graph import MOVE_COLUMNS as SUPPLY_MOVE_COLUMNS
from tracker.access.disclosure import EXACT, CountWords
from tracker.parquet import ParquetExport

HOME_COLUMNS = ["worker_id", "home_district_code"]
"""What circuits read of the export's ``homes`` table (``circuits.homes_from_store``)."""

CIRCUIT_PART = pa.schema(
    [
        ("kind", pa.string()),
        ("person_id", pa.string()),
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


def circuit_partition(
    moves: pd.DataFrame, homes: pd.DataFrame | None, persons: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Circuits and corridor counts of one partition's persons, as one long table.

    ``moves`` (``round_trips.MOVE_COLUMNS``), ``homes`` (``HOME_COLUMNS``) and ``persons``
    (the linkage's key table, ``analytics.persons``; None: no linkage) hold the same
    persons' rows, all of them (the export buckets by person).
    """
    if moves.empty:
        return _long(_no_circuits(), None)
    circuits = circuits_of_journeys(person_journeys(moves, homes, persons))
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
            "person_id": "str",
            "worker_id": "str",
            "origin_district_code": "Int64",
            "destination_district_code": "Int64",
            **{c: "int64" for c in CIRCUIT_COLUMNS[4:-1]},
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
            export.bucket("persons", bucket),
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
    return _typed_long(out, CIRCUIT_PART)


# -- contractor risk and chains -----------------------------------------------------------
#
# Contractor risk runs in two passes over the partitions: the going wage of each market
# cell needs every worker's wages (``contractor_risk.wage_counts``: counts that add up),
# then each partition's ``Evidence`` is judged against those rates and summed. Chains take
# a third: their paths need only the (contractor, employer) pairs of the evidence, and
# their workers are counted partition by partition (``chains.chain_workers``).

SUPPLY_COLUMNS = {
    "moves": list(SUPPLY_MOVE_COLUMNS),
    "employments": list(EMPLOYMENT_COLUMNS),
    "grievances": None,
    "persons": None,
}
"""What contractor analytics read of each worker-keyed table (None: every column); the
``persons`` key table relabels the others by person (``supply_graph.records_by_person``)."""


@dataclass(frozen=True)
class SupplyTables:
    """The small global tables contractor analytics read once: contractors with their base
    district, employers with their district, and the contractor links."""

    contractors: pd.DataFrame
    employers: pd.DataFrame
    links: pd.DataFrame

    @classmethod
    def of_export(cls, export: ParquetExport) -> SupplyTables:
        return cls(export.table("contractors"), export.table("employers"), export.table("links"))

    def records(self, tables: dict[str, pd.DataFrame]) -> SupplyRecords:
        """One partition's records: its worker-keyed ``tables`` and the global ones, per
        person (its ``persons`` table, when there is one)."""
        records = SupplyRecords(
            contractors=self.contractors,
            employers=self.employers,
            links=self.links,
            employments=tables["employments"],
            moves=tables["moves"],
            grievances=tables["grievances"],
        )
        return records_by_person(records, tables.get("persons"))


def wage_partition(employments: pd.DataFrame, supply: SupplyTables) -> pd.DataFrame:
    """Pass 1: one partition's wage counts (``contractor_risk.wage_counts``)."""
    return wage_counts(employments, supply.employers)


def evidence_partition(
    tables: dict[str, pd.DataFrame], supply: SupplyTables, rates: pd.DataFrame
) -> Evidence:
    """Pass 2: one partition's ``Evidence`` against every worker's going rates."""
    records = supply.records(tables)
    placed = placements(records.employments, records.moves)
    return contractor_evidence(records, placed, rates)


def chain_worker_partition(tables: dict[str, pd.DataFrame], paths: pd.DataFrame) -> pd.Series:
    """Pass 3: the workers (persons) of each chain (rows of ``paths``) among one
    partition's."""
    keys = tables.get("persons")
    employments, moves = by_person(tables["employments"], keys), by_person(tables["moves"], keys)
    return chain_workers(paths, placements(employments, moves))


@dataclass(frozen=True)
class ContractorResults:
    """contractor_risk.csv, and what chains need of the evidence behind it."""

    risk: pd.DataFrame
    evidence: Evidence


def supply_buckets(export: ParquetExport) -> Iterator[dict[str, pd.DataFrame]]:
    """Each bucket's worker-keyed supply tables, one bucket in memory at a time."""
    for bucket in range(export.buckets):
        yield {
            name: export.bucket(name, bucket, columns) for name, columns in SUPPLY_COLUMNS.items()
        }


def contractors_from_export(export: ParquetExport, words: CountWords = EXACT) -> ContractorResults:
    """Contractor risk over a Parquet export, bucket after bucket, on this machine, its
    text written with ``words`` (``analytics.contractor_risk``)."""
    supply = SupplyTables.of_export(export)
    rates = going_rates(
        add_wage_counts(
            [
                wage_partition(
                    export.bucket("employments", b, SUPPLY_COLUMNS["employments"]), supply
                )
                for b in range(export.buckets)
            ]
        )
    )
    evidence = add_evidence(
        [evidence_partition(tables, supply, rates) for tables in supply_buckets(export)]
    )
    risk = risk_of_evidence(supply.contractors, supply.links, evidence, words=words)
    return ContractorResults(risk, evidence)


def chains_from_export(
    export: ParquetExport, contractors: ContractorResults | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Chains with their risk, and the data errors, over a Parquet export."""
    contractors = contractors or contractors_from_export(export)
    paths, errors = chain_paths(
        SupplyTables.of_export(export).links,
        pd.MultiIndex.from_frame(contractors.evidence.recruits),
    )
    counts = [chain_worker_partition(tables, paths) for tables in supply_buckets(export)]
    return combine_chains(paths, counts, contractors.risk), errors


def combine_chains(
    paths: pd.DataFrame, counts: list[pd.Series], risk: pd.DataFrame
) -> pd.DataFrame:
    """chains.csv from the paths, the partitions' worker counts and contractor risk."""
    workers = sum(counts) if counts else pd.Series(0, index=paths.index, dtype="int64")
    return chain_risk(finish_chains(paths, workers), risk)


# -- long forms for Spark -----------------------------------------------------------------
EVIDENCE_PART = pa.schema(
    [
        ("kind", pa.string()),
        ("contractor_id", pa.string()),
        ("worker_id", pa.string()),
        ("employer_id", pa.string()),
        ("indicator", pa.string()),
        ("status", pa.string()),
        ("via_employer", pa.bool_()),
        ("value", pa.float64()),
        ("count", pa.int64()),
        ("count2", pa.int64()),
    ]
)
"""One partition's ``Evidence`` as one table: ``kind`` is ``complaint`` (a
``complaint_rows`` row), ``advance`` / ``wage`` (a worker's ``value``),
``licence`` (``count``, ``count2``, ``value``: ``licence_lapses``) or ``recruit``."""
WAGE_PART = pa.schema(
    [
        ("sector", pa.int64()),
        ("district_code", pa.int64()),
        ("state_code", pa.int64()),
        ("peer", pa.string()),
        ("daily_wage_inr", pa.float64()),
        ("jobs", pa.int64()),
    ]
)
"""One partition's ``wage_counts``."""
CHAIN_PART = pa.schema([("row", pa.int64()), ("workers", pa.int64())])
"""One partition's ``chain_workers``: workers per row of the chain paths."""


def evidence_to_long(evidence: Evidence) -> pd.DataFrame:
    """``Evidence`` as one table of schema ``EVIDENCE_PART``."""
    pieces = [
        evidence.complaints.assign(kind="complaint"),
        evidence.advances.rename("value").reset_index().assign(kind="advance"),
        evidence.wages.rename("value").reset_index().assign(kind="wage"),
        evidence.licences.rename(
            columns={
                "licence_workers": "count",
                "unlicensed_workers": "count2",
                "lapse_sum": "value",
            }
        )
        .reset_index()
        .assign(kind="licence"),
        evidence.recruits.assign(kind="recruit"),
    ]
    out = pd.concat([p for p in pieces if len(p)] or pieces[:1], ignore_index=True)
    return _typed_long(out, EVIDENCE_PART)


def evidence_of_long(frame: pd.DataFrame) -> Evidence:
    """``Evidence`` back from ``EVIDENCE_PART`` rows (of any number of partitions)."""
    frame = _typed_long(frame, EVIDENCE_PART)
    kind = frame["kind"]

    def rows(name: str, columns: list[str]) -> pd.DataFrame:
        return frame.loc[kind == name, columns].reset_index(drop=True)

    def per_worker(name: str) -> pd.Series:
        part = rows(name, ["contractor_id", "worker_id", "value"])
        return part.set_index(["contractor_id", "worker_id"])["value"]

    licences = rows("licence", ["contractor_id", "count", "count2", "value"])
    licences = licences.rename(
        columns={"count": "licence_workers", "count2": "unlicensed_workers", "value": "lapse_sum"}
    ).astype({"licence_workers": "int64", "unlicensed_workers": "int64"})
    complaints = rows(
        "complaint", ["contractor_id", "worker_id", "indicator", "status", "via_employer"]
    )
    return Evidence(
        complaints=complaints.astype({"via_employer": bool}),
        advances=per_worker("advance").rename("days"),
        wages=per_worker("wage").rename("relative"),
        licences=licences.groupby("contractor_id").sum(),
        recruits=rows("recruit", ["contractor_id", "employer_id"]).drop_duplicates(
            ignore_index=True
        ),
    )


def wage_counts_of_long(frame: pd.DataFrame) -> pd.DataFrame:
    """``wage_counts`` back from ``WAGE_PART`` rows, summed over partitions."""
    typed = frame.astype(
        {"sector": "int64", "district_code": "int64", "state_code": "int64", "jobs": "int64"}
    )
    return add_wage_counts([typed.astype({"peer": "str", "daily_wage_inr": "float64"})])


def _typed_long(frame: pd.DataFrame, schema: pa.Schema) -> pd.DataFrame:
    out = frame.reindex(columns=schema.names)
    types = {}
    for field in schema:
        if pa.types.is_string(field.type):
            types[field.name] = "str"
        elif pa.types.is_floating(field.type):
            types[field.name] = "float64"
        elif pa.types.is_boolean(field.type):
            types[field.name] = "boolean"
        else:
            types[field.name] = "Int64"
    return out.astype(types)


def long_arrow(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """A partition result as Arrow in ``schema`` (what a Spark task returns)."""
    return pa.Table.from_pandas(
        frame.reindex(columns=schema.names), schema=schema, preserve_index=False
    )
