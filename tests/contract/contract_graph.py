"""The contract suite's input and helpers: a small graph, and writing it as ingestion does.

``graph()`` holds every label and relationship type, both target kinds of the two-way
types, and a missing value of every dtype.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from graph_schema import (
    RELS_BY_NAME,
    Centre,
    Contractor,
    Employer,
    Household,
    Node,
    Person,
    RelType,
    Worker,
)
from tracker.store import GraphStore


@dataclass
class Graph:
    nodes: dict[type[Node], pd.DataFrame]
    edges: dict[str, pd.DataFrame]
    """Edge tables by relationship type name (``RELS_BY_NAME``), in the columns of the
    field-record files."""


def graph() -> Graph:
    nodes = {
        Household: pd.DataFrame(
            {
                "household_id": ["H1", "H2"],
                "village": ["Rampur", None],
                "registered_on": ["2020-01-05", None],
            }
        ),
        Worker: pd.DataFrame(
            {
                "worker_id": ["W1", "W2", "W3"],
                "name": ["Sunita", "Ravi", "Imran"],
                "gender": ["female", "male", None],
                "birth_year": [1990, None, 2001],
                "phone": ["9800000001", None, None],
                "registered_on": ["2020-02-01", "2021-06-30", None],
                "eshram_uan": ["123456789012", None, None],
            }
        ),
        Employer: pd.DataFrame(
            {
                "employer_id": ["E1", "E2", "E3"],
                "name": ["Kiln One", "Site Two", "Farm Three"],
                "sector": ["brick_kiln", "construction", "agriculture"],
                "registered_principal_employer": [True, False, None],
            }
        ),
        Contractor: pd.DataFrame(
            {
                "contractor_id": ["C1", "C2", "C3"],
                "name": ["Mukesh", "Anil", "Babu"],
                "phone": ["9811111111", None, None],
                "licence_no": ["LIC-9", None, None],
                "licence_valid_until": ["2027-03-31", None, None],
            }
        ),
        Centre: pd.DataFrame(
            {
                "centre_id": ["K1", "K2"],
                "name": ["Source Centre", "Destination Centre"],
                "kind": ["source_centre", "destination_centre"],
                "organisation": ["Aajeevika", None],
            }
        ),
        Person: pd.DataFrame({"person_id": ["P1", "P2"], "created_on": ["2024-01-02", None]}),
    }
    edges = {
        "MEMBER_OF": pd.DataFrame(
            {"worker_id": ["W1", "W2", "W3"], "household_id": ["H1", "H1", "H2"]}
        ),
        "REGISTERED_AT": pd.DataFrame({"worker_id": ["W1"], "registered_at": ["K1"]}),
        "HOME_IN": pd.DataFrame({"household_id": ["H1", "H2"], "home_district_code": [1, 2]}),
        "LOCATED_IN": pd.DataFrame({"centre_id": ["K1", "K2"], "district_code": [1, 100]}),
        "OPERATES_IN": pd.DataFrame(
            {"employer_id": ["E1", "E2", "E3"], "district_code": [100, 101, 100]}
        ),
        "BASED_IN": pd.DataFrame({"contractor_id": ["C1"], "base_district_code": [1]}),
        "SUPPLIES": pd.DataFrame(
            {
                "link_id": ["L1", "L2"],
                "contractor_id": ["C2", "C1"],
                "supplies_to_kind": ["contractor", "employer"],
                "supplies_to_id": ["C1", "E1"],
                "from_date": ["2019-01-01", None],
                "to_date": ["2022-12-31", None],
            }
        ),
        "MOVED": pd.DataFrame(
            {
                "record_id": ["M3", "M1", "M2", "M4"],
                "worker_id": ["W1", "W1", "W1", "W2"],
                "from_district_code": [100, 1, 1, 2],
                "to_district_code": [1, 100, 100, 101],
                "departed_on": ["2021-10-15", "2021-03-01", "2021-03-02", "2022-04-10"],
                "arrived_on": [None, "2021-03-03", "2021-03-03", "2022-04-12"],
                "reason": ["return_home", "work", "work", None],
                "contractor_id": [None, "C1", "C1", None],
                "employer_id": [None, "E1", "E1", None],
                "recorded_by": ["K1", "K1", "K2", None],
                "recorded_on": ["2021-10-20", "2021-03-04", "2021-03-05", None],
                "source": ["source_centre", "transit_point", "destination_centre", None],
                "trip_id": ["M3", "M1", "M1", "M4"],
            }
        ),
        "EMPLOYED_BY": pd.DataFrame(
            {
                "record_id": ["R1", "R2"],
                "worker_id": ["W1", "W2"],
                "employer_id": ["E1", "E2"],
                "contractor_id": ["C1", None],
                "district_code": [100, None],
                "start_on": ["2021-03-05", "2022-04-15"],
                "end_on": ["2021-10-10", None],
                "daily_wage_inr": [450.5, None],
                "advance_inr": [2000.0, None],
                "recorded_by": ["K2", None],
                "recorded_on": ["2021-03-06", None],
            }
        ),
        "COMPLAINED_AGAINST": pd.DataFrame(
            {
                "record_id": ["G2", "G1"],
                "worker_id": ["W1", "W1"],
                "against_kind": ["employer", "contractor"],
                "against_id": ["E1", "C1"],
                "indicator": ["deception", "withholding_of_wages"],
                "occurred_on": [None, "2021-08-01"],
                "reported_on": ["2021-09-02", "2021-08-20"],
                "recorded_by": [None, "K2"],
                "amount_inr": [None, 12000.0],
                "status": ["open", "referred"],
            }
        ),
        "RECEIVED_SERVICE": pd.DataFrame(
            {
                "record_id": ["S1", "S2"],
                "worker_id": ["W1", "W2"],
                "centre_id": ["K2", "K1"],
                "service": ["eshram_registration", "bank_account"],
                "delivered_on": ["2021-04-01", "2022-01-12"],
                "outcome": ["received", None],
            }
        ),
        "IDENTITY_DECIDED": pd.DataFrame(
            {
                "decision_id": ["D1"],
                "worker_id": ["W1"],
                "other_worker_id": ["W2"],
                "decision": ["not_same_person"],
                "decided_by": ["K1"],
                "decided_on": ["2024-01-01"],
                "note": [None],
            }
        ),
        "IS_PERSON": pd.DataFrame(
            {
                "worker_id": ["W1", "W2", "W3"],
                "person_id": ["P1", "P2", "P2"],
                "linked_by": ["alone", "model", "model"],
                "match_probability": [None, 0.93, 0.93],
            }
        ),
        "MATCHES": pd.DataFrame(
            {
                "pair_id": ["W2|W3", "W1|W3"],
                "worker_id": ["W2", "W1"],
                "other_worker_id": ["W3", "W3"],
                "match_probability": [0.93, 0.2],
                "status": ["linked", "review"],
            }
        ),
    }
    assert set(edges) == set(RELS_BY_NAME), "one table for every relationship type"
    return Graph(nodes, edges)


W1_TIMELINE = [
    ("registration", []),
    ("move", ["M1", "M2"]),  # one trip reported twice
    ("employment", ["R1"]),
    ("service", ["S1"]),
    ("grievance", ["G1"]),
    ("grievance", ["G2"]),
    ("move", ["M3"]),
]
"""W1's timeline (kind, record ids), oldest first: the input lists these out of order."""


# -- writing it the way ingestion does -------------------------------------------------------
def replace_edges(store: GraphStore, rel: RelType, frame: pd.DataFrame) -> None:
    """Write edges with the port's identity rules: a keyed edge replaces the edge of the same
    key wherever it starts (found with ``edges_by_key``), a reference edge replaces its
    source's edge."""
    if rel.key:
        remove = store.edges_by_key(rel, frame[rel.key].tolist())
    else:
        remove = frame[[rel.source_column]]
    store.write_edges(rel, frame, remove)


def load(store: GraphStore, data: Graph) -> None:
    for node, frame in data.nodes.items():
        store.write_nodes(node, frame)
    for name, frame in data.edges.items():
        replace_edges(store, RELS_BY_NAME[name], frame)


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in a fixed order, so tables from stores that return rows in any order compare."""
    return frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)
