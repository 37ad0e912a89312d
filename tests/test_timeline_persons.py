"""Timelines per person (issue 12, item 6) on the linked identity sample, through the store
functions and the command line: any of a person's worker ids gives the whole person, each
event under the worker id that recorded it; a trip reported under two ids is one event;
candidate links are suggestions, never merged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analytics.persons import moves_by_person
from graph_schema import MOVED
from tracker.catalog import Catalog
from tracker.identity import candidates, persons
from tracker.identity.directory import PersonDirectory
from tracker.identity.keys import person_keys_from_store
from tracker.stores.ladybug.store import LadybugStore
from tracker.timeline import Timeline, journey, read_person, read_worker, timeline

SAMPLE = Path(__file__).parent / "data" / "identity-sample"
ANSWERS = pd.read_csv(SAMPLE / "answers" / "persons.csv", dtype=str)


@pytest.fixture(scope="module")
def linked(copy_identity):
    store = LadybugStore(copy_identity(), buffer_pool_mb=256)
    yield store
    store.close()


@pytest.fixture(scope="module")
def directory(linked) -> PersonDirectory:
    return PersonDirectory.build(linked)


def person_timeline(store, directory: PersonDirectory, worker_id: str) -> Timeline:
    person = directory.of(worker_id)
    assert person is not None
    records = read_person(store, person.worker_ids)
    return timeline(records, Catalog.load(store), person=person, worker=worker_id)


def two_id_persons(store) -> list[list[str]]:
    """Persons the linkage placed under two or more worker ids (as the answer key has them
    too: a linked pair that is one person), with events under each id."""
    table = persons(store)
    linked = table[table["person_id"].notna()].groupby("person_id")["worker_id"].apply(list)
    truth = ANSWERS.set_index("worker_id")["person_id"]
    return [sorted(ids) for ids in linked if len(ids) == 2 and truth[ids[0]] == truth[ids[1]]]


def test_either_worker_id_gives_the_whole_person(linked, directory):
    catalog = Catalog.load(linked)
    shown = 0
    for ids in two_id_persons(linked):
        alone = {w: timeline(read_worker(linked, w), catalog) for w in ids}
        if not all(len(t.events) > 1 for t in alone.values()):
            continue  # a registration and nothing else under one of the ids
        first, second = (person_timeline(linked, directory, w) for w in ids)
        assert first.worker == ids[0] and second.worker == ids[1]
        assert first.events == second.events and first.person_id == second.person_id
        assert sorted(first.worker_ids) == ids and first.person_id is not None
        # every record of either id, once; each event under the id that recorded it
        records = {w: {r for e in t.events for r in e.record_ids} for w, t in alone.items()}
        merged = [r for e in first.events for r in e.record_ids]
        assert sorted(merged) == sorted(records[ids[0]] | records[ids[1]])
        for event in first.events:
            assert set(event.record_ids) <= records[event.worker_id] | set().union(
                *(records[w] for w in getattr(event, "worker_ids", []))
            )
        registrations = [e for e in first.events if e.kind == "registration"]
        assert sorted(e.worker_id for e in registrations) == ids
        centres = ANSWERS.set_index("worker_id")["registered_at"]
        assert all(e.centre and e.centre.id == centres[e.worker_id] for e in registrations)
        days = [e.date for e in first.events if e.date is not None]
        assert days == sorted(days)
        assert {e.worker_id for e in first.events} == set(ids)
        shown += 1
        if shown == 20:
            break
    assert shown == 20


def test_a_trip_under_two_ids_is_one_event_as_in_the_analytics(linked, directory):
    """The person's trips are those ``analytics.persons.moves_by_person`` counts, and some
    trips of the sample are reported under two ids and shown once."""
    keys = person_keys_from_store(linked)
    by_person = moves_by_person(linked.edge_table(MOVED), keys)
    trips = by_person.groupby("worker_id")["trip_id"].nunique()
    catalog = Catalog.load(linked)
    joined = 0
    for key in keys.loc[keys["person_id"].duplicated(keep=False), "key"].unique():
        person = directory.of(key)
        found = journey(read_person(linked, person.worker_ids), catalog)
        moves = [e for e in person_timeline(linked, directory, key).events if e.kind == "move"]
        assert len(moves) == trips.get(key, 0) == len([s for s in found.stays if s.trip_id])
        joined += sum(len(e.worker_ids) > 1 for e in moves)
        assert all(e.worker_id == e.worker_ids[0] for e in moves)
    assert joined > 0


def test_a_review_pair_is_a_suggestion_not_merged(linked, directory):
    review = candidates(linked, status="review", undecided=True)
    person = persons(linked).set_index("worker_id")["person_id"]
    apart = review[
        review["worker_id"].map(person).to_numpy() != review["other_worker_id"].map(person)
    ]
    pair = apart.iloc[0]
    found = person_timeline(linked, directory, pair["worker_id"])
    offered = {(s.worker_id, s.other_worker_id): s.match_probability for s in found.suggestions}
    assert offered[(pair["worker_id"], pair["other_worker_id"])] == pytest.approx(
        pair["match_probability"]
    )
    assert pair["other_worker_id"] not in found.worker_ids
    assert all(e.worker_id != pair["other_worker_id"] for e in found.events)
    probabilities = [s.match_probability for s in found.suggestions]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(0.1 <= p < 0.4 for p in probabilities)


def lmt_timeline(db: Path, *args: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("LMT_DB", "NEO4J_URI")}
    done = subprocess.run(
        [sys.executable, "-m", "lmt.cli", "timeline", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_lmt_timeline_shows_the_whole_person_with_the_id_per_event(linked, copy_identity):
    ids = next(
        ids
        for ids in two_id_persons(linked)
        if all(len(linked.edge_records(MOVED, w)) for w in ids)
    )
    db = copy_identity()
    text = lmt_timeline(db, ids[1]).stdout
    lines = text.splitlines()
    assert lines[0].startswith(ids[1])
    assert lines[1].startswith("person P") and lines[1].endswith(f"{ids[1]}, {ids[0]}")
    for worker in ids:  # each id's registration and trips, marked with the id
        assert any(line.split()[1].startswith(worker) and "registered at" in line for line in lines)
        assert any(worker in line.split()[1] and "trip" in line for line in lines)
    answer = json.loads(lmt_timeline(db, ids[0], "--json").stdout)
    assert answer["worker"] == ids[0] and sorted(answer["worker_ids"]) == ids
    assert {e["worker_id"] for e in answer["events"]} == set(ids)
    stays = json.loads(lmt_timeline(db, ids[0], "--journey", "--json").stdout)
    assert sorted(stays["worker_ids"]) == ids
