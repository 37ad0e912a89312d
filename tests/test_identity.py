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

from tracker.export import export_folder
from tracker.identity import candidates, explain, link, persons
from tracker.identity.names import latin, name_key
from tracker.identity.quality import pairwise
from tracker.ingest import ingest_folder
from tracker.stores.ladybug.store import LadybugStore

SAMPLE = Path(__file__).parent / "data" / "identity-sample"
TODAY = dt.date(2026, 11, 1)
ANSWERS = pd.read_csv(SAMPLE / "answers" / "persons.csv", dtype=str)

PRECISION_AT_LEAST = 0.97
RECALL_AT_LEAST = 0.95
"""The targets; measured 0.975 / 0.951 with the default thresholds (docs/identity.md)."""


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
