"""The contractor network: communities, brokers, GraphML, the picture, and the commands."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pandas as pd
import pytest
from supply_batch import Batch, workers

from analytics.contractor_network import contractor_network, network_roles
from analytics.contractor_risk import contractor_risk
from analytics.output.files import write_graph
from analytics.output.plots import plot_network
from lmt.cli import main


def two_groups_and_a_broker() -> Batch:
    """Two employers, each with its own contractors, and C-BRK supplying both."""
    batch = Batch()
    for employer in ("E-A", "E-B"):
        batch.employer(employer)
        for i in range(5):
            cid = f"C-{employer[-1]}{i}"
            batch.contractor(cid).link(cid, employer)
            batch.hire(cid, employer, workers(f"{employer[-1]}{i}-", 3))
    batch.contractor("C-BRK").link("C-BRK", "E-A").link("C-BRK", "E-B")
    batch.contractor("C-BAD", licensed=False).link("C-BAD", "C-BRK", kind="contractor")
    placed = workers("BAD", 6)
    batch.hire("C-BAD", "E-A", placed, wage=250.0, advance_days=250)
    batch.complain("C-BAD", placed[:3], "debt_bondage")
    return batch


@pytest.fixture(scope="module")
def network() -> tuple[nx.Graph, pd.DataFrame]:
    records = two_groups_and_a_broker().records()
    graph = contractor_network(records, contractor_risk(records))
    return graph, network_roles(graph)


def test_the_network_joins_contractors_and_employers(network):
    graph, _ = network
    assert graph.number_of_nodes() == 14
    assert graph.has_edge("contractor:C-BRK", "employer:E-A")
    edge = graph.edges["contractor:C-BAD", "employer:E-A"]  # placed workers there
    assert (edge["links"], edge["workers"]) == (0, 6)
    bad = graph.nodes["contractor:C-BAD"]
    assert bad["flagged"] and bad["risk_score"] >= 0.5 and bad["workers_placed"] == 6


def test_the_broker_between_two_groups_is_found(network):
    graph, roles = network
    contractors = roles[roles["kind"] == "contractor"].set_index("id")
    assert contractors["betweenness"].idxmax() == "C-BRK"
    assert contractors.loc["C-BRK", "broker"]
    assert contractors["broker"].sum() == 1  # the top 1%, at least one
    assert graph.graph["betweenness_sources_share"] == 1.0  # exact on a small network


def test_each_employer_and_its_contractors_form_a_community(network):
    _, roles = network
    by_id = roles.set_index("id")["community"]
    assert len({by_id[f"C-A{i}"] for i in range(5)} | {by_id["E-A"]}) == 1
    assert len({by_id[f"C-B{i}"] for i in range(5)} | {by_id["E-B"]}) == 1
    assert by_id["E-A"] != by_id["E-B"]


def test_sampled_betweenness_stays_within_its_budget_and_repeats():
    records = two_groups_and_a_broker().records()
    first = network_roles(graph := contractor_network(records), work=40)
    share = graph.graph["betweenness_sources_share"]
    assert 0 < share < 1
    again = network_roles(contractor_network(records), work=40)
    pd.testing.assert_frame_equal(first, again)


def test_graphml_and_picture_are_written(network, tmp_path):
    graph, _ = network
    (path,) = write_graph(graph, graphml=tmp_path / "net.graphml")
    back = nx.read_graphml(path)
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.nodes["contractor:C-BAD"]["flagged"] is True
    assert "community" in back.nodes["employer:E-A"]
    picture = plot_network(graph, tmp_path / "net.png")
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert plot_network(graph, tmp_path / "net.svg").read_text().lstrip().startswith("<?xml")


# -- the commands, through ingestion and a real store -----------------------------------------
@pytest.fixture(scope="module")
def small_store(tmp_path_factory):
    from tracker.ingest import ingest_folder
    from tracker.stores.ladybug.store import LadybugStore

    batch = two_groups_and_a_broker().with_market()
    folder = batch.write(tmp_path_factory.mktemp("batch"))
    db = tmp_path_factory.mktemp("store") / "db"
    store = LadybugStore(db, buffer_pool_mb=128)
    report = ingest_folder(
        store, folder, rejects_dir=folder.parent / "rejects", today=dt.date(2026, 11, 23)
    )
    store.close()
    assert report.rejected == 0
    return db


def test_lmt_contractors_writes_risk_graphml_plot_and_roles(small_store, tmp_path):
    out = tmp_path / "out"
    status = main(
        [
            "contractors",
            "--db",
            str(small_store),
            "--out",
            str(out / "contractor_risk.csv"),
            "--graphml",
            str(out / "net.graphml"),
            "--plot",
            str(out / "net.png"),
            "--roles",
            str(out / "roles.csv"),
        ]
    )
    assert status == 0
    risk = pd.read_csv(out / "contractor_risk.csv", dtype=str, keep_default_na=False)
    assert list(risk.columns[:5]) == [
        "contractor_id",
        "risk_score",
        "flagged",
        "indicators",
        "reasons",
    ]
    assert set(risk["flagged"]) == {"true", "false"}
    flagged = risk[risk["flagged"] == "true"]
    assert flagged["contractor_id"].tolist() == ["C-BAD"]
    assert flagged.iloc[0]["indicators"] == "debt_bondage:3"
    assert risk.set_index("contractor_id").loc["C-BRK", "broker"] == "true"
    assert nx.read_graphml(out / "net.graphml").number_of_nodes() == 19
    assert (out / "net.png").stat().st_size > 0
    assert len(pd.read_csv(out / "roles.csv")) == 19


def test_lmt_chains_writes_the_format_columns(small_store, tmp_path, capsys):
    out = tmp_path / "chains.csv"
    assert main(["chains", "--db", str(small_store), "--out", str(out)]) == 0
    chains = pd.read_csv(out, dtype=str, keep_default_na=False)
    required = ["chain_id", "employer_id", "contractor_ids", "depth", "workers"]
    assert list(chains.columns[:7]) == [*required, "risk_score", "flagged"]
    bad = chains[chains["contractor_ids"] == "C-BRK|C-BAD"]
    assert bad[["employer_id", "depth", "workers", "flagged"]].values.tolist() == [
        ["E-A", "2", "6", "true"],
        ["E-B", "2", "0", "true"],
    ]
    assert "with a flagged contractor" in capsys.readouterr().err


def test_lmt_contractors_refuses_a_picture_it_cannot_draw(small_store, tmp_path):
    args = ["contractors", "--db", str(small_store), "--out", str(tmp_path / "c.csv")]
    assert main([*args, "--plot", str(tmp_path / "net.pdf")]) == 2
