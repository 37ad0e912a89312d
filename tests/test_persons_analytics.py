"""Analytics per person (issue 12, item 6) on hand-made tables: what counts as one.

A person registered under two worker ids (``A1`` by the source centre, ``A2`` by the
destination centre) is one traveller: a trip reported under both ids is one trip, a
departure under one and the return under the other is one round trip, and a complaint
under each id about one contractor is one complainant. The figures on the identity sample
are in tests/test_identity.py.
"""

from __future__ import annotations

import pandas as pd
from move_tables import HOME, KILN, moves
from supply_batch import Batch, workers

from analytics.circuits import circuits_of_journeys, person_journeys
from analytics.contractor_risk import contractor_risk
from analytics.persons import by_person, homes_by_person, moves_by_person, person_keys
from analytics.supply_graph import records_by_person

PERSONS = pd.DataFrame({"worker_id": ["A1", "A2", "B1"], "person_id": ["P1", "P1", "P2"]})
REGISTERED = pd.DataFrame(
    {
        "worker_id": ["A1", "A2", "B1"],
        "registered_on": pd.to_datetime(["2019-01-05", "2020-03-04", "2019-02-01"]),
    }
)


def keys() -> pd.DataFrame:
    return person_keys(PERSONS, REGISTERED)


def test_the_key_is_the_first_registered_worker_id():
    table = keys().set_index("worker_id")
    assert table["key"].to_dict() == {"A1": "A1", "A2": "A1", "B1": "B1"}
    later_first = REGISTERED.assign(
        registered_on=pd.to_datetime(["2021-01-01", *["2019-01-01"] * 2])
    )
    assert person_keys(PERSONS, later_first).set_index("worker_id").loc["A1", "key"] == "A2"


def split_seasons() -> pd.DataFrame:
    """Two seasons: each leaves under A1 (the source centre) and returns under A2 (the
    destination centre registered her); the 2020 departure reported under both ids."""
    return moves(
        ("A1", HOME, KILN, "2020-10-03"),
        ("A2", HOME, KILN, "2020-10-04"),  # the same trip, told at the destination
        ("A2", KILN, HOME, "2021-04-20"),
        ("A1", HOME, KILN, "2021-10-10"),
        ("A2", KILN, HOME, "2022-04-15"),
    )


def test_a_trip_reported_under_two_ids_is_one_trip():
    by = moves_by_person(split_seasons(), keys())
    assert set(by["worker_id"]) == {"A1"}
    assert by["trip_id"].nunique() == 4
    assert split_seasons()["trip_id"].nunique() == 5  # worker by worker: five trips


def test_departures_under_one_id_and_returns_under_another_make_a_circuit():
    circuits = circuits_of_journeys(person_journeys(split_seasons(), None, keys())).table
    assert circuits[["person_id", "worker_id", "seasons", "first_year", "last_year"]].to_dict(
        "records"
    ) == [
        {"person_id": "P1", "worker_id": "A1", "seasons": 2, "first_year": 2020, "last_year": 2021}
    ]
    assert circuits.loc[0, "depart_month"] == 10 and circuits.loc[0, "return_month"] == 4
    # worker by worker there is no round trip at all, and no person id
    alone = circuits_of_journeys(person_journeys(split_seasons(), None, None)).table
    assert alone.empty


def test_the_home_of_the_first_registration_is_the_persons():
    homes = pd.DataFrame(
        {"worker_id": ["A2", "A1", "B1"], "home_district_code": pd.array([999, HOME, 5], "Int64")}
    )
    by = homes_by_person(homes, keys()).set_index("worker_id")["home_district_code"]
    assert by.to_dict() == {"A1": HOME, "B1": 5}


def test_one_person_complaining_under_two_ids_is_one_complainant():
    batch = Batch().with_market()
    batch.employer("E-1").contractor("C-X").link("C-X", "E-1")
    batch.hire("C-X", "E-1", ["A1", "A2", "B1", *workers("X", 3)])
    batch.complain("C-X", ["A1", "A2", "B1"], "debt_bondage")
    records = batch.records()
    by_id = contractor_risk(records).set_index("contractor_id").loc["C-X"]
    per_person = contractor_risk(records_by_person(records, keys())).set_index("contractor_id")
    found = per_person.loc["C-X"]
    assert (by_id["complainants"], found["complainants"]) == (3, 2)
    assert (by_id["workers_placed"], found["workers_placed"]) == (6, 5)
    assert found["complaint_points"] < by_id["complaint_points"]
    assert "debt_bondage:2" in found["indicators"]


def test_without_links_nothing_changes():
    frame = split_seasons()
    alone = person_keys(pd.DataFrame({"worker_id": ["A1", "A2"], "person_id": ["P1", "P2"]}))
    assert by_person(frame, alone) is frame
    assert moves_by_person(frame, alone) is frame
