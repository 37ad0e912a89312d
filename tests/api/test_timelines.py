"""Timelines and journeys (tracker.timeline), on the sample and on hand-made records."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from graph_schema import MOVED
from tracker.catalog import Catalog
from tracker.timeline import WorkerRecord, journey, read_worker, timeline

D = dt.date


def catalog() -> Catalog:
    return Catalog(
        employers={"E1": ("Brick Co", "brick_kiln")},
        contractors={"C1": ("Ramesh Mukadam",)[0]},
        centres={"S1": ("Source centre", "source_centre")},
        districts={1: ("Home", "State A"), 2: ("Kiln", "State B"), 3: ("Farm", "State C")},
    )


def move(record_id, trip_id, src, dst, departed, arrived=None, **extra):
    return {
        "worker_id": "W1",
        "record_id": record_id,
        "trip_id": trip_id,
        "from_district_code": src,
        "to_district_code": dst,
        "departed_on": departed,
        "arrived_on": arrived,
        "reason": extra.get("reason"),
        "contractor_id": extra.get("contractor_id"),
        "employer_id": None,
        "recorded_by": None,
        "recorded_on": None,
        "source": extra.get("source"),
    }


def record(moves, **rest) -> WorkerRecord:
    worker = {"worker_id": "W1", "name": "Sita Devi", "registered_on": D(2019, 1, 5)}
    return WorkerRecord(worker=worker, registered_at="S1", moves=moves, **rest)


def test_events_are_oldest_first_and_a_trip_reported_twice_is_one_event():
    moves = [
        move("M3", "M3", 2, 1, D(2020, 5, 1), D(2020, 5, 2)),
        move("M2", "M1", 1, 2, D(2020, 1, 12), None, source="destination_centre"),
        move(
            "M1",
            "M1",
            1,
            2,
            D(2020, 1, 10),
            D(2020, 1, 11),
            contractor_id="C1",
            source="transit_point",
        ),
    ]
    jobs = [
        {
            "record_id": "J1",
            "employer_id": "E1",
            "contractor_id": "C1",
            "district_code": 2,
            "start_on": D(2020, 1, 12),
            "end_on": D(2020, 4, 30),
            "daily_wage_inr": 300.0,
            "advance_inr": 20000.0,
        },
    ]
    found = timeline(record(moves, employments=jobs), catalog())
    kinds = [e.kind for e in found.events]
    assert kinds == ["registration", "move", "employment", "move"]
    dates = [e.date for e in found.events]
    assert dates == sorted(dates)
    trip = found.events[1]
    assert trip.record_ids == ["M1", "M2"]
    assert trip.departed_on == D(2020, 1, 10) and trip.arrived_on == D(2020, 1, 11)
    assert trip.to_place.district == "Kiln" and trip.to_place.state == "State B"
    assert trip.contractor.name == "Ramesh Mukadam"
    assert trip.sources == ["transit_point", "destination_centre"]
    assert found.events[2].employer.name == "Brick Co" and found.events[2].sector == "brick_kiln"
    assert found.events[0].centre.name == "Source centre"


def test_a_date_range_keeps_the_events_inside_it():
    moves = [
        move("M1", "M1", 1, 2, D(2020, 1, 10), D(2020, 1, 11)),
        move("M2", "M2", 2, 1, D(2021, 5, 1), D(2021, 5, 2)),
    ]
    found = timeline(record(moves), catalog(), since=D(2020, 1, 10), until=D(2020, 12, 31))
    assert [e.record_ids for e in found.events] == [["M1"]]


def test_journey_days_and_missing_dates():
    moves = [
        move("M1", "M1", 1, 2, D(2020, 1, 10), D(2020, 1, 12)),
        move("M2", "M2", 2, 1, D(2020, 5, 1)),  # no arrival: taken as the departure day
        move("M3", "M3", 1, 2, D(2020, 11, 1), D(2020, 11, 3)),
        move("M4", "M4", 3, 1, D(2021, 4, 1), D(2021, 4, 2)),  # 2 -> 3 went unrecorded
    ]
    stays = journey(record(moves), catalog()).stays
    assert [s.place.district_code for s in stays] == [1, 2, 1, 2, 3, 1]
    assert stays[0].arrived_on is None and stays[0].days is None
    assert stays[1].days == (D(2020, 5, 1) - D(2020, 1, 12)).days
    assert stays[2].arrival_estimated and stays[2].arrived_on == D(2020, 5, 1)
    assert stays[2].days == (D(2020, 11, 1) - D(2020, 5, 1)).days
    assert stays[3].left_on is None and stays[3].days is None  # left on an unknown day
    assert stays[4].arrived_on is None and stays[4].days is None
    assert stays[5].ongoing and stays[5].days is None


def test_sample_timeline_counts_each_trip_once(api_store, sample_dir):
    moves = pd.read_csv(sample_dir / "moves.csv", dtype=str)
    stored = api_store.edge_table(MOVED)
    twice = stored.groupby("trip_id").record_id.nunique()
    trip_id = twice[twice == 2].index[0]
    worker_id = stored.loc[stored.trip_id == trip_id, "worker_id"].iloc[0]
    found = timeline(read_worker(api_store, worker_id), Catalog.load(api_store))
    trips = [e for e in found.events if e.kind == "move"]
    assert len(trips) == stored[stored.worker_id == worker_id].trip_id.nunique()
    assert sorted(next(e for e in trips if e.trip_id == trip_id).record_ids) == sorted(
        stored.loc[stored.trip_id == trip_id, "record_id"]
    )
    assert len(moves[moves.worker_id == worker_id]) >= len(trips)
    assert [e.date for e in found.events if e.date] == sorted(
        e.date for e in found.events if e.date
    )


def test_unknown_worker_reads_none(api_store):
    assert read_worker(api_store, "no-such-worker") is None
