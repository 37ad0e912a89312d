"""Seasonal circuits on tiny hand-made move tables (``move_tables``): one test per edge case."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from move_tables import FARM, HOME, KILN, SITE, moves, season, seasons

from analytics.circuits import CIRCUIT_COLUMNS, find_circuits
from analytics.round_trips import journeys


def only(circuits: pd.DataFrame) -> pd.Series:
    assert len(circuits) == 1, circuits
    return circuits.iloc[0]


def test_a_circuit_three_years_running():
    found = find_circuits(moves(*seasons("W1", [2019, 2020, 2021], "07-10", "10-15")))
    assert list(found.columns) == CIRCUIT_COLUMNS
    row = only(found)
    assert (row.worker_id, row.origin_district_code, row.destination_district_code) == (
        "W1",
        HOME,
        KILN,
    )
    assert (row.depart_month, row.return_month) == (7, 10)
    assert (row.seasons, row.first_year, row.last_year, row.years) == (3, 2019, 2021, 3)
    assert row.median_stay_days == 97


def test_a_trip_reported_twice_counts_once():
    rows = seasons("W1", [2019, 2020], "07-10", "10-15")
    rows += [("W1", HOME, KILN, "2019-07-12"), ("W1", KILN, HOME, "2020-10-14")]  # duplicates
    row = only(find_circuits(moves(*rows)))
    assert (row.seasons, row.years) == (2, 2)


def test_duplicates_marked_here_when_the_table_has_no_trip_ids():
    rows = [*seasons("W1", [2019, 2020], "07-10", "10-15"), ("W1", HOME, KILN, "2019-07-12")]
    row = only(find_circuits(moves(*rows, trip_ids=False)))
    assert (row.seasons, row.years) == (2, 2)


def test_missing_arrival_dates_use_the_departure():
    rows = [
        ("W1", HOME, KILN, "2019-11-05", None),
        ("W1", KILN, HOME, "2020-05-30", None),
        ("W1", HOME, KILN, "2020-11-02", None),
        ("W1", KILN, HOME, "2021-05-28", None),
    ]
    row = only(find_circuits(moves(*rows)))
    assert (row.depart_month, row.return_month, row.seasons) == (11, 5, 2)


def test_a_missing_return_record_drops_that_season_only():
    rows = [*season("W1", 2019, "03-05", "06-20"), ("W1", HOME, KILN, "2020-03-08")]
    rows += season("W1", 2021, "03-02", "06-18") + season("W1", 2022, "03-10", "06-25")
    row = only(find_circuits(moves(*rows)))
    assert (row.seasons, row.first_year, row.last_year, row.years) == (3, 2019, 2022, 3)
    kinds = journeys(moves(*rows))["kind"].tolist()
    assert kinds == ["round_trip", "no_return", "round_trip", "round_trip"]


def test_one_complete_round_trip_and_open_departures_is_not_a_circuit():
    rows = season("W1", 2019, "03-05", "06-20")
    rows += [("W1", HOME, KILN, "2020-03-08"), ("W1", HOME, KILN, "2021-03-04")]
    assert find_circuits(moves(*rows)).empty


def test_trips_across_the_new_year_belong_to_the_year_they_start():
    rows = seasons("W1", [2018, 2019, 2020], "11-20", "04-10")
    row = only(find_circuits(moves(*rows)))
    assert (row.depart_month, row.return_month) == (11, 4)
    assert (row.seasons, row.first_year, row.last_year) == (3, 2018, 2020)


def test_december_and_january_departures_are_one_month_apart():
    rows = season("W1", 2019, "12-28", "05-01") + season("W1", 2021, "01-05", "05-03")
    rows += season("W1", 2021, "12-30", "05-02")
    row = only(find_circuits(moves(*rows)))
    assert row.depart_month in (12, 1)
    assert row.return_month == 5
    # three round trips (seasons), leaving in two different years
    assert (row.seasons, row.years, row.first_year, row.last_year) == (3, 2, 2019, 2021)


def test_january_and_december_of_one_year_are_not_two_years():
    """The definition asks for two different years; both trips leave in 2020."""
    rows = season("W1", 2020, "01-05", "04-20") + season("W1", 2020, "12-20", "04-10")
    assert find_circuits(moves(*rows)).empty


def test_a_december_and_the_next_january_are_two_years():
    rows = season("W1", 2019, "12-20", "12-31") + season("W1", 2020, "01-15", "03-01")
    row = only(find_circuits(moves(*rows)))
    assert (row.seasons, row.first_year, row.last_year) == (2, 2019, 2020)


def test_two_circuits_a_year_to_different_destinations():
    rows = seasons("W1", [2020, 2021, 2022], "02-05", "05-20", dest=FARM)
    rows += seasons("W1", [2020, 2021, 2022], "10-10", "12-05", dest=SITE)
    found = find_circuits(moves(*rows))
    assert found[["destination_district_code", "depart_month", "return_month"]].values.tolist() == [
        [FARM, 2, 5],
        [SITE, 10, 12],
    ]
    assert (found["seasons"] == 3).all()


def test_two_seasons_a_year_to_the_same_destination_are_two_circuits():
    rows = seasons("W1", [2020, 2021], "02-05", "04-20") + seasons(
        "W1", [2020, 2021], "08-10", "10-05"
    )
    found = find_circuits(moves(*rows))
    assert found["depart_month"].tolist() == [2, 8]
    assert (found["destination_district_code"] == KILN).all()


def test_rows_out_of_date_order_change_nothing():
    rows = seasons("W1", [2019, 2020, 2021], "07-10", "10-15")
    rows += seasons("W2", [2018, 2020], "11-01", "03-15", dest=FARM, home=SITE)
    ordered = find_circuits(moves(*rows))
    shuffled = [rows[i] for i in np.random.default_rng(5).permutation(len(rows))]
    pd.testing.assert_frame_equal(find_circuits(moves(*shuffled)), ordered)
    assert ordered["worker_id"].tolist() == ["W1", "W2"]


def test_near_miss_departures_three_months_apart_are_not_a_circuit():
    rows = season("W1", 2019, "03-10", "05-20") + season("W1", 2020, "06-12", "08-20")
    rows += season("W1", 2021, "09-08", "11-20") + season("W1", 2022, "12-10", "02-15")
    assert find_circuits(moves(*rows)).empty


def test_a_month_either_way_is_about_the_same_month():
    rows = season("W1", 2019, "06-28", "09-20") + season("W1", 2020, "07-30", "10-01")
    rows += season("W1", 2021, "08-02", "10-10")
    row = only(find_circuits(moves(*rows)))
    assert row.depart_month in (7, 8)
    assert row.seasons == 3


def test_a_skipped_year_is_still_a_circuit():
    rows = seasons("W1", [2018, 2019, 2021], "02-10", "06-20")
    row = only(find_circuits(moves(*rows)))
    assert (row.seasons, row.first_year, row.last_year) == (3, 2018, 2021)


def test_multi_stop_journeys_are_not_circuits():
    rows = []
    for year in (2019, 2020, 2021):
        rows += [
            ("W1", HOME, KILN, f"{year}-03-01"),
            ("W1", KILN, FARM, f"{year}-05-01"),
            ("W1", FARM, HOME, f"{year}-07-01"),
        ]
    assert find_circuits(moves(*rows)).empty
    trips = journeys(moves(*rows))
    assert (trips["kind"] == "multi_stop").all()
    assert (trips["stops"] == 2).all()


def test_a_long_term_migrant_is_not_a_circuit():
    rows = [
        ("W1", HOME, SITE, "2018-04-01"),
        ("W1", SITE, FARM, "2020-06-01"),
        ("W1", FARM, HOME, "2024-01-10"),
    ]
    assert find_circuits(moves(*rows)).empty
    assert find_circuits(moves(*rows[:1])).empty


def test_a_single_season_is_not_a_circuit():
    assert find_circuits(moves(*season("W1", 2022, "10-01", "03-01"))).empty


def test_home_from_the_household_beats_the_first_record():
    # the first departure was never recorded: the record starts with a return home
    rows = [("W1", KILN, HOME, "2018-10-12"), *seasons("W1", [2019, 2020], "07-10", "10-15")]
    homes = pd.DataFrame({"worker_id": ["W1"], "home_district_code": [HOME]})
    row = only(find_circuits(moves(*rows), homes))
    assert (row.origin_district_code, row.destination_district_code) == (HOME, KILN)
    assert (row.depart_month, row.return_month, row.seasons) == (7, 10, 2)


def test_without_homes_the_first_departure_gives_the_origin():
    rows = seasons("W1", [2019, 2020], "07-10", "10-15")
    homes = pd.DataFrame({"worker_id": ["someone else"], "home_district_code": [SITE]})
    row = only(find_circuits(moves(*rows), homes))
    assert row.origin_district_code == HOME


def test_a_home_the_moves_never_touch_gives_way_to_the_moves():
    rows = seasons("W1", [2019, 2020], "07-10", "10-15", home=SITE)
    homes = pd.DataFrame({"worker_id": ["W1"], "home_district_code": [HOME]})
    row = only(find_circuits(moves(*rows), homes))
    assert (row.origin_district_code, row.destination_district_code) == (SITE, KILN)


def test_no_moves_no_circuits():
    found = find_circuits(moves(*seasons("W1", [2019], "07-10", "10-15")).iloc[:0])
    assert found.empty
    assert list(found.columns) == CIRCUIT_COLUMNS


@pytest.mark.parametrize("departures", [["01-05", "12-20"], ["12-01", "01-30"]])
def test_window_wraps_round_the_year(departures):
    first, second = departures
    rows = season("W1", 2019, first, "03-01") + season("W1", 2021, second, "03-15")
    row = only(find_circuits(moves(*rows)))
    assert row.depart_month in (12, 1)
    assert row.seasons == 2
