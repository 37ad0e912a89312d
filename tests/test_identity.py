"""Linking one person's registrations on the identity sample, in a real store.

The sample (tests/data/identity-sample) has 2,760 registrations of 2,000 persons and an
answer key; look-alikes (household members, common names) are planted. Figures are measured
here, never tuned to the sample's ids.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from graph_schema import Person
from tracker.export import export_folder
from tracker.identity import candidates, explain, link, persons
from tracker.identity.linkage import MODEL_SETTING, stored_model
from tracker.identity.names import latin, name_key
from tracker.identity.quality import pairwise
from tracker.ingest import ingest_folder
from tracker.stores.ladybug.store import LadybugStore

SAMPLE = Path(__file__).parent / "data" / "identity-sample"
TODAY = dt.date(2026, 11, 1)
ANSWERS = pd.read_csv(SAMPLE / "answers" / "persons.csv", dtype=str)

PRECISION_AT_LEAST = 0.97
RECALL_AT_LEAST = 0.95
"""The targets; measured 0.986 / 0.959 with the default thresholds (docs/identity.md; 0.976 /
0.953 before the q12 changes)."""


def open_store(folder: Path) -> LadybugStore:
    return LadybugStore(folder / "db", buffer_pool_mb=256)


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> LadybugStore:
    folder = tmp_path_factory.mktemp("identity")
    store = open_store(folder)
    ingest_folder(store, SAMPLE, rejects_dir=folder / "rejects", today=TODAY)
    link(store)
    yield store
    store.close()


def test_names_meet_across_scripts_and_spellings():
    assert latin("रामलाल मोल्ला") == "ramlal molla"
    assert name_key("Mohd. Salim") == name_key("मोहम्मद सलीम") == ("mohammad", "salim")
    assert name_key("Sunita Devi") == ("sunita",)
    assert name_key("Rekha Dewi") == name_key("Rekha Debi") == ("rekha",)  # fillers however spelt
    assert name_key("S. Kumaar") == ("s",)


def test_pairwise_precision_and_recall_on_the_identity_sample(linked):
    precision, recall = pairwise(persons(linked), ANSWERS)
    assert precision >= PRECISION_AT_LEAST
    assert recall >= RECALL_AT_LEAST


def test_persons_csv_columns_and_linked_by(linked):
    table = persons(linked)
    assert list(table.columns) == ["worker_id", "person_id", "linked_by", "match_probability"]
    assert len(table) == len(ANSWERS)
    assert set(table["linked_by"]) <= {"alone", "model", "decision"}
    alone = table[table["linked_by"] == "alone"]
    assert alone["match_probability"].isna().all()
    sizes = table.groupby("person_id")["worker_id"].transform("size")
    assert (sizes[table["linked_by"] == "alone"] == 1).all()


def test_household_look_alikes_stay_apart(linked):
    pairs = pd.read_csv(SAMPLE / "answers" / "lookalikes.csv", dtype=str)
    person = persons(linked).set_index("worker_id")["person_id"]
    household = pairs[pairs["kind"] != "common_name"]
    together = (
        person.loc[household["worker_id"]].to_numpy()
        == person.loc[household["other_worker_id"]].to_numpy()
    )
    assert together.sum() == 0, household[together]


def test_every_linked_pair_is_explained(linked):
    pair = candidates(linked, status="linked").iloc[0]
    why = explain(linked, pair["worker_id"], pair["other_worker_id"])
    assert why["match_probability"] == pytest.approx(pair["match_probability"], abs=1e-6)
    names = [step["comparison"] for step in why["contributions"]]
    assert names[0] == "prior" and "name" in names and "seen_there" in names
    assert {s["outcome"] for s in why["contributions"][1:]} <= {
        "agrees",
        "disagrees",
        "missing",
        "neutral",
    }


def _batch_without(folder: Path, workers: set[str]) -> Path:
    """The sample without some registrations (and their events)."""
    folder.mkdir()
    for path in SAMPLE.glob("*.csv"):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "worker_id" in table.columns:
            table = table[~table["worker_id"].isin(workers)]
        table.to_csv(folder / path.name, index=False)
    return folder


def test_person_ids_stay_when_a_batch_adds_registrations(tmp_path):
    aliases = ANSWERS[ANSWERS["registration"] == "alias"]["worker_id"]
    later = set(aliases.iloc[:150])
    store = open_store(tmp_path)
    ingest_folder(store, _batch_without(tmp_path / "first", later), tmp_path / "r1", TODAY)
    link(store)
    before = persons(store).set_index("worker_id")["person_id"]
    ingest_folder(store, SAMPLE, rejects_dir=tmp_path / "r2", today=TODAY)
    report = link(store)
    assert report.new_registrations == len(later) and not report.trained
    after = persons(store).set_index("worker_id")["person_id"]
    kept = (after.loc[before.index] == before).mean()
    assert kept >= 0.99  # only persons the batch merged may change
    changed = before[after.loc[before.index] != before]
    # a merged person keeps the older id: no id is new for an earlier registration
    assert set(after.loc[changed.index]) <= set(before)
    assert after.loc[sorted(later)].notna().all()
    store.close()


def test_persons_added_by_copy_are_those_merged(linked, tmp_path):
    """Many new persons are written by COPY (here all): the persons are those the MERGE
    gives, one node each, and a second linkage from scratch keeps them."""
    store = open_store(tmp_path)
    ingest_folder(store, SAMPLE, rejects_dir=tmp_path / "rejects", today=TODAY)
    link(store, copy_persons_from=0)
    copied = persons(store).set_index("worker_id")["person_id"]
    assert copied.sort_index().equals(
        persons(linked).set_index("worker_id")["person_id"].sort_index()
    )
    link(store, full=True)
    again = persons(store).set_index("worker_id")["person_id"]
    assert again.sort_index().equals(copied.sort_index())
    stored = store.node_table(Person)["person_id"]
    assert stored.is_unique and set(copied) <= set(stored)
    store.close()


def _decide(folder: Path, rows: list[dict]) -> Path:
    folder.mkdir()
    shutil.copy(SAMPLE / "centres.csv", folder / "centres.csv")
    pd.DataFrame(rows).to_csv(folder / "identity_decisions.csv", index=False)
    return folder


def test_decisions_win_survive_relinking_and_export(linked, tmp_path):
    store = open_store(tmp_path / "s")
    ingest_folder(store, SAMPLE, rejects_dir=tmp_path / "r", today=TODAY)
    link(store)
    pair = candidates(store, status="linked").iloc[0]
    a, b = pair["worker_id"], pair["other_worker_id"]
    person = persons(store).set_index("worker_id")["person_id"]
    assert person[a] == person[b]
    apart = {
        "decision_id": "D1",
        "worker_id": a,
        "other_worker_id": b,
        "decision": "not_same_person",
        "decided_by": "SRC-099",
        "decided_on": "2026-10-01",
        "note": "checked the papers",
    }
    report = ingest_folder(store, _decide(tmp_path / "d", [apart]), tmp_path / "r2", TODAY)
    assert report.rejected == 0
    link(store)
    person = persons(store).set_index("worker_id")["person_id"]
    assert person[a] != person[b]
    link(store, full=True)  # a model run never undoes the decision
    person = persons(store).set_index("worker_id")["person_id"]
    assert person[a] != person[b]

    export_folder(store, tmp_path / "out")
    exported = pd.read_csv(tmp_path / "out" / "identity_decisions.csv", dtype=str)
    assert exported["decision_id"].tolist() == ["D1"]
    again = open_store(tmp_path / "again")
    ingest_folder(again, tmp_path / "out", rejects_dir=tmp_path / "r3", today=TODAY)
    link(again)
    person = persons(again).set_index("worker_id")["person_id"]
    assert person[a] != person[b]

    # a later row with the same decision_id replaces it
    joined = dict(apart, decision="same_person", decided_on="2026-10-02")
    ingest_folder(again, _decide(tmp_path / "d2", [joined]), tmp_path / "r4", TODAY)
    link(again)
    table = persons(again).set_index("worker_id")
    assert table.loc[a, "person_id"] == table.loc[b, "person_id"]
    assert "decision" in set(table.loc[[a, b], "linked_by"])
    again.close()
    store.close()


def test_lmt_persons_writes_persons_csv(tmp_path):
    from lmt.cli import main

    db = tmp_path / "db"
    rejects = str(tmp_path / "r")
    ingested = main(
        ["ingest", str(SAMPLE), "--db", str(db), "--rejects", rejects, "--today", "2026-11-01"]
    )
    assert ingested == 2  # the sample's bad rows
    out = tmp_path / "persons.csv"
    assert main(["persons", "--db", str(db), "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype=str)
    assert list(table.columns) == ["worker_id", "person_id", "linked_by", "match_probability"]
    assert pairwise(table, ANSWERS)[1] >= RECALL_AT_LEAST


def test_journeys_follow_the_linked_persons(linked: LadybugStore):
    """Researchers' journeys: with no persons file the store's linkage
    decides who is one person, so a person's registrations make one journey."""
    from analytics.journeys.index import build_index
    from analytics.journeys.tables import tables_from_store

    placed = persons(linked)
    placed = placed[placed["person_id"].notna() & (placed["person_id"] != "")]
    tables = tables_from_store(linked)
    index = build_index(tables)
    travelled = tables.moves["worker_id"].astype(str).unique()  # journeys are of who moved
    person_of = placed.set_index("worker_id")["person_id"]
    expected = pd.Series(travelled).map(lambda w: person_of.get(w, w)).nunique()
    assert index.persons == expected < len(travelled)
    shared = placed.groupby("person_id")["worker_id"].agg(list)
    person_id, ids = next(
        (p, w) for p, w in shared.items() if len(w) > 1 and p in set(index.person_ids)
    )
    assert not set(ids) & set(index.person_ids)  # its worker ids are not persons of their own
    first = index.first_worker[index.person_ids.get_loc(person_id)]
    assert first in ids


# -- everything per person (item 6): circuits, corridors, flows, contractor risk ----------
CIRCUITS_F1_AT_LEAST = 0.97
MONTHS_RIGHT_AT_LEAST = 0.95
CONTRACTOR_F1_AT_LEAST = 0.95
"""The issue's targets; measured F1 0.996 with months right 100% for circuits and F1 1.0
for contractor flags (docs/benchmarks.md, "identity-per-person")."""


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def test_circuits_per_person_on_the_identity_sample(linked):
    from analytics.circuit_scores import score
    from analytics.circuits import CIRCUIT_COLUMNS, circuits_from_store

    found = circuits_from_store(linked)
    assert CIRCUIT_COLUMNS[:2] == ["person_id", "worker_id"]
    assert list(found.columns) == CIRCUIT_COLUMNS
    key = pd.read_csv(SAMPLE / "answers" / "circuits.csv", dtype={"worker_id": "str"})
    s = score(found, key)
    assert _f1(s["precision"], s["recall"]) >= CIRCUITS_F1_AT_LEAST, s
    assert s["months_ok"] >= MONTHS_RIGHT_AT_LEAST, s
    # person_id is the linkage's, worker_id the person's first registered worker id
    table = persons(linked).set_index("worker_id")
    assert (table.loc[found["worker_id"], "person_id"].to_numpy() == found["person_id"]).all()
    from graph_schema import Worker

    registered = linked.node_table(Worker).set_index("worker_id")["registered_on"]
    table = table.assign(registered_on=registered.reindex(table.index))
    first = table.reset_index().sort_values(["person_id", "registered_on", "worker_id"])
    first = first.drop_duplicates("person_id").set_index("person_id")["worker_id"]
    assert (first.loc[found["person_id"]].to_numpy() == found["worker_id"]).all()
    # no person has a circuit twice (one per person and route)
    assert not found.duplicated(["person_id", "destination_district_code", "depart_month"]).any()


def test_contractor_flags_count_complainants_as_persons(linked):
    from analytics.contractor_risk import contractor_risk_from_store
    from analytics.flag_quality import flag_quality

    risk = contractor_risk_from_store(linked)
    key = pd.read_csv(SAMPLE / "answers" / "contractors.csv")
    quality = flag_quality(risk, key)
    assert _f1(quality.precision, quality.recall) >= CONTRACTOR_F1_AT_LEAST, quality
    # complainants of contractors named directly: distinct persons, not worker ids
    from graph_schema import COMPLAINED_AGAINST

    complaints = linked.edge_table(COMPLAINED_AGAINST)
    named = complaints[complaints["against_kind"] == "contractor"]
    person = persons(linked).set_index("worker_id")["person_id"]
    named = named.assign(person=person.reindex(named["worker_id"]).to_numpy())
    by_person = named.groupby("against_id")["person"].nunique()
    by_worker = named.groupby("against_id")["worker_id"].nunique()
    twice = by_person[by_person < by_worker].index
    assert len(twice) >= 10  # contractors someone complained about under two ids
    found = risk.set_index("contractor_id").loc[twice]
    assert (found["complainants"] >= by_person[twice]).all()
    assert (found["complainants"] < by_worker[twice] + found["employer_complaints"]).all()


def test_calendar_and_flows_count_persons(linked):
    from analytics.circuits import circuits_of_journeys, journeys_from_store
    from analytics.corridors import corridor_view
    from analytics.district_flows import FlowIndex

    circuits = circuits_of_journeys(journeys_from_store(linked))
    view = corridor_view(circuits)
    assert (
        view["workers"].sum()
        == circuits.table.groupby(
            ["origin_district_code", "destination_district_code", "depart_month", "return_month"]
        )["person_id"]
        .nunique()
        .sum()
    )
    from analytics.district_flows import COLUMNS
    from graph_schema import MOVED

    moves = linked.edge_table(MOVED, columns=COLUMNS)
    by_worker = FlowIndex.from_moves(moves).trips
    by_person = FlowIndex.build(linked).trips
    assert by_person["worker_id"].nunique() < by_worker["worker_id"].nunique()
    assert len(by_person) < len(by_worker)  # trips reported under two ids count once


def test_partitioned_runs_bucket_by_person_and_agree(linked, tmp_path):
    """The Parquet export buckets a person's registrations together, so circuits and
    contractor risk by partition give the whole store's files byte for byte."""
    from analytics.circuits import circuits_of_journeys, journeys_from_store
    from analytics.contractor_risk import contractor_risk_from_store
    from analytics.corridors import corridor_view, seasonal_calendar
    from analytics.partitioned import circuits_from_export, contractors_from_export
    from tracker.parquet import ParquetExport, export_parquet

    export_parquet(linked, tmp_path / "export", buckets=5)
    export = ParquetExport.open(tmp_path / "export")
    assert export.rows["persons"] == len(ANSWERS)
    whole = circuits_of_journeys(journeys_from_store(linked))
    parts = circuits_from_export(export)
    for a, b in (
        (whole.table, parts.table),
        (corridor_view(whole), parts.corridors()),
        (seasonal_calendar(whole), parts.calendar()),
    ):
        assert a.to_csv(index=False) == b.to_csv(index=False)
    risk = contractor_risk_from_store(linked)
    assert risk.to_csv(index=False) == contractors_from_export(export).risk.to_csv(index=False)


def test_the_review_queue_of_a_store_never_linked_is_empty(tmp_path):
    store = open_store(tmp_path)
    queue = candidates(store, status="review", undecided=True)
    assert queue.empty and "match_probability" in queue.columns
    store.close()


def test_a_model_of_other_levels_is_trained_again(linked):
    params = stored_model(linked)
    assert params is not None and params.fits()
    earlier = params.model_copy(
        update={"m": {**params.m, "seen_there": params.m["seen_there"][:4]}}
    )
    assert not earlier.fits()  # a model from before seen_there's helpline levels
    linked.put_setting(MODEL_SETTING, earlier.model_dump_json())
    try:
        assert link(linked).trained  # trained again, not scored with the old levels
        assert stored_model(linked).fits()
    finally:
        linked.put_setting(MODEL_SETTING, params.model_dump_json())
