"""Corridor view, seasonal calendar, district flow graph, multi-stop routes and `lmt circuits`."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pandas as pd
import pytest
from move_tables import FARM, HOME, KILN, SITE, moves, seasons

from analytics.circuits import circuits_of_journeys
from analytics.corridors import corridor_view, seasonal_calendar
from analytics.district_flows import district_flow_graph
from analytics.multistop import multi_stop_circuits
from analytics.output.files import write_graph
from analytics.round_trips import journey_arrays
from lmt.cli import main

PATNA, SOUTH_WEST_DELHI = 230, 97


def circuits_of(rows):
    return circuits_of_journeys(journey_arrays(moves(*rows)))


def test_corridor_view_counts_workers_years_and_change():
    rows = seasons("W1", [2019, 2020, 2021], "10-05", "03-10", dest=KILN)
    rows += seasons("W2", [2020, 2021], "10-20", "03-01", dest=KILN)
    rows += seasons("W3", [2020, 2021], "10-12", "03-05", dest=KILN)
    rows += seasons("W4", [2019, 2021], "02-01", "05-01", dest=FARM)
    view = corridor_view(circuits_of(rows))
    top = view.iloc[0]
    assert (top.origin_district_code, top.destination_district_code) == (HOME, KILN)
    assert (top.depart_month, top.return_month) == (10, 3)
    assert (top.workers, top.circuits, top.years_active) == (3, 3, 3)
    assert (top.first_year, top.last_year) == (2019, 2021)
    assert (top.workers_last_year, top.workers_year_before) == (3, 3)
    assert top.change_year_over_year == 0.0
    assert top.workers_by_year == "2019:1 2020:3 2021:3"
    farm = view.iloc[1]
    assert (farm.workers, farm.workers_last_year, farm.workers_year_before) == (1, 1, 0)
    assert pd.isna(farm.change_year_over_year)  # nobody the year before: no ratio


def test_corridor_view_names_districts():
    rows = seasons("W1", [2019, 2020], "10-05", "03-10", dest=SOUTH_WEST_DELHI, home=PATNA)
    row = corridor_view(circuits_of(rows)).iloc[0]
    assert (row.origin_district, row.origin_state) == ("Patna", "Bihar")
    assert (row.destination_district, row.destination_state) == ("South West", "NCT of Delhi")


def test_seasonal_calendar_has_every_month_of_every_corridor():
    rows = seasons("W1", [2019, 2020, 2021], "10-05", "03-10", dest=KILN)
    rows += seasons("W2", [2019, 2020], "02-01", "05-20", dest=FARM)
    calendar = seasonal_calendar(circuits_of(rows))
    assert len(calendar) == 24
    kiln = calendar[calendar["destination_district_code"] == KILN].set_index("month")
    assert kiln["departures"].to_dict() == {m: 3 if m == 10 else 0 for m in range(1, 13)}
    assert kiln["returns"].to_dict() == {m: 3 if m == 3 else 0 for m in range(1, 13)}


def test_flow_graph_weights_trips_per_season_and_counts_a_duplicate_once(tmp_path):
    rows = seasons("W1", [2019, 2020], "10-05", "03-10", dest=KILN)
    rows += seasons("W2", [2020], "10-20", "03-01", dest=KILN)
    rows += [("W2", HOME, KILN, "2020-10-21")]  # the same trip reported again
    graph = district_flow_graph(journey_arrays(moves(*rows)).trips)
    out = graph.edges[HOME, KILN]
    assert (out["trips"], out["workers"], out["years"]) == (3, 2, 2)
    assert out["weight"] == 1.5
    back = graph.edges[KILN, HOME]
    assert (back["trips"], back["first_year"], back["last_year"]) == (3, 2020, 2021)

    paths = write_graph(graph, tmp_path / "flows.graphml", tmp_path / "flows.gexf")
    assert [p.name for p in paths] == ["flows.graphml", "flows.gexf"]
    again = nx.read_graphml(paths[0])
    assert again.nodes[str(HOME)]["label"] == graph.nodes[HOME]["label"]
    assert nx.read_gexf(paths[1]).number_of_edges() == 2


def test_multi_stop_routes_are_cycles_someone_travelled():
    rows = []
    for year in (2019, 2020):
        rows += [
            ("W1", HOME, KILN, f"{year}-03-01"),
            ("W1", KILN, FARM, f"{year}-05-01"),
            ("W1", FARM, HOME, f"{year}-07-01"),
        ]
    # the next year another route shares KILN: with the legs above, the legs of this
    # journey also close HOME>SITE>KILN>FARM>HOME, which nobody travelled in one go
    rows += [
        ("W1", HOME, SITE, "2021-03-01"),
        ("W1", SITE, KILN, "2021-05-01"),
        ("W1", KILN, HOME, "2021-07-01"),
    ]
    routes = multi_stop_circuits(journey_arrays(moves(*rows)))
    assert routes["route"].tolist() == [
        f"{HOME}>{KILN}>{FARM}>{HOME}",
        f"{HOME}>{SITE}>{KILN}>{HOME}",
    ]
    assert routes["journeys"].tolist() == [2, 1]
    assert routes["seasons"].tolist() == [2, 1]
    assert routes["stops"].tolist() == [2, 2]
    assert routes.iloc[0].depart_month == 3 and routes.iloc[0].return_month == 7


def test_a_broken_chain_is_no_multi_stop_route():
    rows = [("W1", HOME, KILN, "2019-03-01"), ("W1", FARM, HOME, "2019-07-01")]  # no KILN>FARM
    assert multi_stop_circuits(journey_arrays(moves(*rows))).empty


def test_routes_longer_than_the_bound_are_left_out():
    rows = [
        ("W1", HOME, KILN, "2019-03-01"),
        ("W1", KILN, FARM, "2019-05-01"),
        ("W1", FARM, SITE, "2019-06-01"),
        ("W1", SITE, HOME, "2019-07-01"),
    ]
    journeys = journey_arrays(moves(*rows))
    assert len(multi_stop_circuits(journeys, length_bound=4)) == 1
    assert multi_stop_circuits(journeys, length_bound=3).empty


# -- the command, on a real store --------------------------------------------------------
@pytest.fixture(scope="module")
def small_store(tmp_path_factory):
    """A tiny batch (households, workers, moves) ingested into a fresh LadybugDB store."""
    from tracker.ingest import ingest_folder
    from tracker.stores.ladybug.store import LadybugStore

    folder = tmp_path_factory.mktemp("batch")
    pd.DataFrame({"household_id": ["H1", "H2"], "home_district_code": [HOME, PATNA]}).to_csv(
        folder / "households.csv", index=False
    )
    pd.DataFrame(
        {"worker_id": ["W1", "W2"], "household_id": ["H1", "H2"], "name": ["Asha", "Ravi"]}
    ).to_csv(folder / "workers.csv", index=False)
    rows = seasons("W1", [2019, 2020, 2021], "10-05", "03-10", dest=KILN)
    rows += seasons("W2", [2019, 2020], "07-05", "10-10", dest=SOUTH_WEST_DELHI, home=PATNA)
    table = moves(*rows).drop(columns="trip_id")
    for column in ("departed_on", "arrived_on"):
        table[column] = table[column].dt.strftime("%Y-%m-%d")
    table.to_csv(folder / "moves.csv", index=False)
    db = tmp_path_factory.mktemp("store") / "db"
    store = LadybugStore(db, buffer_pool_mb=128)
    ingest_folder(store, folder, rejects_dir=folder.parent / "rejects", today=dt.date(2026, 11, 23))
    store.close()
    return db


def test_lmt_circuits_writes_every_output(small_store, tmp_path, capsys):
    out = tmp_path / "out"
    status = main(
        [
            "circuits",
            "--db",
            str(small_store),
            "--out",
            str(out / "circuits.csv"),
            "--corridors",
            str(out / "corridors.csv"),
            "--calendar",
            str(out / "calendar.csv"),
            "--plot",
            str(out / "calendar.png"),
            "--graphml",
            str(out / "flows.graphml"),
            "--gexf",
            str(out / "flows.gexf"),
            "--multistop",
            str(out / "multistop.csv"),
        ]
    )
    assert status == 0
    assert "2 circuits of 2 persons" in capsys.readouterr().out
    circuits = pd.read_csv(out / "circuits.csv")
    assert circuits[
        ["worker_id", "origin_district_code", "destination_district_code"]
    ].values.tolist() == [
        ["W1", HOME, KILN],
        ["W2", PATNA, SOUTH_WEST_DELHI],
    ]
    assert circuits["seasons"].tolist() == [3, 2]
    assert len(pd.read_csv(out / "corridors.csv")) == 2
    assert len(pd.read_csv(out / "calendar.csv")) == 24
    assert (out / "calendar.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert nx.read_graphml(out / "flows.graphml").number_of_edges() == 4
    assert pd.read_csv(out / "multistop.csv").empty


def test_lmt_circuits_refuses_a_plot_it_cannot_draw(small_store, tmp_path):
    args = ["circuits", "--db", str(small_store), "--out", str(tmp_path / "c.csv")]
    assert main([*args, "--plot", str(tmp_path / "calendar.pdf")]) == 2
    with pytest.raises(SystemExit) as exit_:
        main(["circuits", "--db", str(small_store)])  # --out is required
    assert exit_.value.code == 2


def test_an_empty_store_gives_empty_files_with_headers(tmp_path):
    from tracker.stores.ladybug.store import LadybugStore

    LadybugStore(tmp_path / "db", buffer_pool_mb=64).close()
    out = tmp_path / "out"
    names = ("circuits", "corridors", "calendar", "multistop")
    args = ["circuits", "--db", str(tmp_path / "db"), "--out", str(out / "circuits.csv")]
    for name in names[1:]:
        args += [f"--{name}", str(out / f"{name}.csv")]
    assert main([*args, "--plot", str(out / "calendar.svg"), "--gexf", str(out / "f.gexf")]) == 0
    for name in names:
        frame = pd.read_csv(out / f"{name}.csv")
        assert frame.empty and len(frame.columns) >= 8, name
    assert (out / "calendar.svg").stat().st_size > 0
