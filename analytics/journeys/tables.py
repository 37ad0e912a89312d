"""The tables journey queries are computed from, and persons in place of worker ids.

Researchers ask about *persons*: one person may be registered by several centres, each
under its own worker id (docs/spec/field-records.md). Every function of this package takes
an optional persons table (``worker_id``, ``person_id``; the identity work's ``persons.csv``
has these columns). Without one, each worker is its own person (``person_id = worker_id``).
With one, the moves of all of a person's worker ids are one history: they are relabelled
with the person id before journeys are rebuilt (``analytics.round_trips``, not repeated
here), and trips reported under two worker ids of the same person are marked as one trip
with the ingestion's own rule (``tracker.trips``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analytics.circuits import homes_from_store
from analytics.round_trips import MOVE_COLUMNS
from graph_schema import Employer, Worker
from graph_schema.relationships import EMPLOYED_BY, MOVED
from tracker.identity.keys import linked_persons
from tracker.store import GraphStore
from tracker.trips import mark_trips

JOURNEY_MOVE_COLUMNS = ["record_id", *MOVE_COLUMNS, "employer_id"]
"""What journey queries read of the MOVED table: the circuits' columns, the record id (to
mark trips again across a person's worker ids) and the employer (for the sector)."""
WORKER_COLUMNS = ["worker_id", "gender", "birth_year", "registered_on"]
"""What is read of workers: never a name, phone or e-Shram number."""


@dataclass(frozen=True)
class JourneyTables:
    """Edge and node tables, as the storage port gives them (``tracker.tables``)."""

    moves: pd.DataFrame
    """MOVED edges: ``JOURNEY_MOVE_COLUMNS`` (``record_id`` and ``employer_id`` optional)."""
    homes: pd.DataFrame
    """``worker_id``, ``home_district_code``."""
    workers: pd.DataFrame
    """``WORKER_COLUMNS`` (any may be missing but ``worker_id``)."""
    employers: pd.DataFrame
    """``employer_id``, ``sector``."""
    employments: pd.DataFrame
    """EMPLOYED_BY edges: ``worker_id``, ``employer_id``, ``district_code``."""
    persons: pd.DataFrame | None = None
    """``worker_id``, ``person_id``; None: each worker is its own person."""


def tables_from_store(store: GraphStore, persons: pd.DataFrame | None = None) -> JourneyTables:
    """Read just the columns journey queries use through the storage port.

    Without a ``persons`` table the store's own linkage decides who is one person (a
    person's trips under several worker ids make one journey); a worker the linkage has
    not seen yet stays its own person."""
    workers = store.node_table(Worker)
    if persons is None:
        persons = linked_persons(store)
    return JourneyTables(
        moves=store.edge_table(MOVED, columns=JOURNEY_MOVE_COLUMNS),
        homes=homes_from_store(store),
        workers=workers[[c for c in WORKER_COLUMNS if c in workers.columns]],
        employers=store.node_table(Employer)[["employer_id", "sector"]],
        employments=store.edge_table(
            EMPLOYED_BY, columns=["worker_id", "employer_id", "district_code"]
        ),
        persons=persons,
    )


@dataclass(frozen=True)
class PersonTables:
    """The tables with ``worker_id`` replaced by the person id (column ``worker_id`` still,
    so that ``analytics.round_trips`` reads them as it is), and who each person is."""

    moves: pd.DataFrame
    homes: pd.DataFrame
    employments: pd.DataFrame
    people: pd.DataFrame
    """One row per person: ``person_id``, ``worker_id`` (the first registered), ``gender``,
    ``birth_year``."""


def person_tables(tables: JourneyTables) -> PersonTables:
    """Relabel every table by person (see the module docstring)."""
    workers = _workers(tables)
    persons = _persons(tables, workers)
    to_person = pd.Series(persons["person_id"].to_numpy(), index=persons["worker_id"].to_numpy())
    merged = persons["person_id"].duplicated(keep=False).any()

    moves = tables.moves.copy()
    moves["worker_id"] = _relabel(moves["worker_id"], to_person)
    if merged and "record_id" in moves.columns:
        moves["trip_id"] = mark_trips(moves)
    homes = tables.homes.copy()
    homes["worker_id"] = _relabel(homes["worker_id"], to_person)
    homes = homes.dropna(subset=["home_district_code"]).drop_duplicates("worker_id")
    employments = tables.employments.copy()
    employments["worker_id"] = _relabel(employments["worker_id"], to_person)
    return PersonTables(moves, homes, employments, _people(persons, workers))


def _workers(tables: JourneyTables) -> pd.DataFrame:
    """Every worker id seen anywhere, with its attributes (missing ones empty)."""
    workers = tables.workers.copy()
    for column in WORKER_COLUMNS[1:]:
        if column not in workers.columns:
            workers[column] = pd.NA
    seen = pd.Index(tables.moves["worker_id"].astype(str).unique())
    extra = seen.difference(pd.Index(workers["worker_id"].astype(str)))
    if len(extra):
        workers = pd.concat([workers, pd.DataFrame({"worker_id": extra})], ignore_index=True)
    workers["worker_id"] = workers["worker_id"].astype(str)
    return workers.drop_duplicates("worker_id")


def _persons(tables: JourneyTables, workers: pd.DataFrame) -> pd.DataFrame:
    ids = workers["worker_id"]
    if tables.persons is None or tables.persons.empty:
        return pd.DataFrame({"worker_id": ids, "person_id": ids})
    given = tables.persons[["worker_id", "person_id"]].astype(str).drop_duplicates("worker_id")
    alone = ids[~ids.isin(given["worker_id"])]
    return pd.concat(
        [given, pd.DataFrame({"worker_id": alone, "person_id": alone})], ignore_index=True
    )


def _relabel(worker_ids: pd.Series, to_person: pd.Series) -> pd.Series:
    ids = worker_ids.astype(str)
    found = to_person.reindex(ids.to_numpy()).to_numpy()
    return pd.Series(np.where(pd.isna(found), ids.to_numpy(), found), index=worker_ids.index)


def _people(persons: pd.DataFrame, workers: pd.DataFrame) -> pd.DataFrame:
    """One row per person: the first registered worker id (earliest ``registered_on``,
    then the smallest id) and its gender and birth year (the first known one)."""
    frame = persons.merge(workers, on="worker_id", how="left")
    frame = frame.sort_values(["person_id", "registered_on", "worker_id"], na_position="last")
    first = frame.groupby("person_id", sort=True).first()
    return pd.DataFrame(
        {
            "person_id": first.index.astype(str),
            "worker_id": frame.groupby("person_id", sort=True)["worker_id"].first().to_numpy(),
            "gender": first["gender"].to_numpy(),
            "birth_year": pd.array(first["birth_year"].to_numpy(), dtype="Int64"),
        }
    )


def without_persons(tables: JourneyTables) -> JourneyTables:
    """The same tables read worker by worker (each worker its own person)."""
    return replace(tables, persons=None)
