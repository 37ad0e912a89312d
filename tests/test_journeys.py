"""Journey queries: cohorts, monthly sequences, typologies (analytics/journeys), and
``lmt journeys``, on hand-made moves, the sample store and fresh ``lmt synth`` batches."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from move_tables import FARM, HOME, KILN, moves

from analytics.journeys import cohorts, sequences, typology
from analytics.journeys.index import build_index
from analytics.journeys.tables import JourneyTables
from bench.journeys_quality import planted_journeys
from lmt.cli import main

# Census codes: 101, 202, 303 lie in three different states
EMPLOYERS = pd.DataFrame({"employer_id": ["E1", "E2"], "sector": ["brick_kiln", "agriculture"]})


def tables(move_table: pd.DataFrame, persons: pd.DataFrame | None = None) -> JourneyTables:
    workers = sorted(move_table["worker_id"].unique())
    return JourneyTables(
        moves=move_table,
        homes=pd.DataFrame({"worker_id": workers, "home_district_code": HOME}),
        workers=pd.DataFrame(
            {
                "worker_id": workers,
                "gender": ["female"] * len(workers),
                "birth_year": [1990] * len(workers),
                "registered_on": pd.to_datetime(["2019-01-01"] * len(workers)),
            }
        ),
        employers=EMPLOYERS,
        employments=pd.DataFrame(
            {"worker_id": workers[:1], "employer_id": ["E1"], "district_code": [KILN]}
        ),
        persons=persons,
    )


CIRCUIT = moves(
    ("A", HOME, KILN, "2020-11-05"),
    ("A", KILN, HOME, "2021-05-20"),
    ("A", HOME, KILN, "2021-11-10"),
    ("A", KILN, HOME, "2022-05-25"),
    ("B", HOME, FARM, "2021-02-01"),  # never came back
)


def test_monthly_sequence_reads_stays_month_by_month():
    index = build_index(tables(CIRCUIT))
    seqs = sequences.monthly_sequences(
        index, np.arange(index.persons), sequences.Period.parse("2020-10", "2022-06")
    )
    wide = seqs.wide(index.person_ids).set_index("person_id")
    a = wide.loc["A"]
    assert a["2020-10"] == "unknown"  # before the first record
    assert a["2020-11"].startswith("away:") and a["2020-11"].endswith(":brick_kiln")
    assert a["2021-05"].startswith("away:")  # 20 days away in May
    assert a["2021-06"] == "home"
    assert a["2022-05"].startswith("away:") and a["2022-06"] == "home"
    b = wide.loc["B"]
    assert b["2021-01"] == "unknown" and b["2021-02"].startswith("away:")
    assert b["2022-06"] == b["2021-02"]  # last known place carried forward
    assert b["2021-02"].endswith(":unknown")  # no employer named: sector unknown
    assert wide.columns[0] == "2020-10" and len(wide.columns) == 21
    shares = seqs.chronogram()
    assert np.allclose(shares.sum(axis=1), 1)


def test_a_persons_worker_ids_make_one_sequence():
    split = moves(
        ("A1", HOME, KILN, "2020-11-05"),
        ("A2", KILN, HOME, "2021-05-20"),  # the return recorded under another id
        ("A2", HOME, KILN, "2021-11-10"),
        ("A1", KILN, HOME, "2022-05-25"),
    )
    alone = build_index(tables(split))
    assert alone.persons == 2 and not alone.has_circuit.any()
    persons = pd.DataFrame({"worker_id": ["A1", "A2"], "person_id": ["P1", "P1"]})
    index = build_index(tables(split, persons))
    assert index.persons == 1 and list(index.person_ids) == ["P1"]
    assert index.has_circuit.all()  # two round trips in two years: one circuit
    assert index.first_worker.tolist() == ["A1"]  # the first registered (then smallest) id
    seqs = sequences.monthly_sequences(index, np.arange(1))
    assert (seqs.states != sequences.UNKNOWN).sum() == seqs.period.months


def test_cohort_filters_select_by_origin_destination_sector_period_and_circuit():
    index = build_index(tables(CIRCUIT))

    def ids(**f) -> list[str]:
        return list(
            index.person_ids[cohorts.select_cohort(index, cohorts.CohortFilter(**f)).persons]
        )

    assert ids() == ["A", "B"]
    assert ids(has_circuit=True) == ["A"] and ids(has_circuit=False) == ["B"]
    assert ids(destination_district=FARM) == ["B"]
    assert ids(sector="brick_kiln") == ["A"]
    assert ids(destination_district=FARM, sector="brick_kiln") == []
    assert ids(period_from="2021-01", period_to="2021-03") == ["B"]
    assert ids(gender="male") == [] and ids(birth_band="1990-1994") == ["A", "B"]
    assert ids(origin_district=HOME) == ["A", "B"]
    with pytest.raises(ValueError):
        cohorts.CohortFilter(birth_band="1987-1990")
    with pytest.raises(ValueError):
        cohorts.CohortFilter(period_from="2021-13")


def test_cohort_tables_give_months_not_days():
    index = build_index(tables(CIRCUIT))
    cohort = cohorts.select_cohort(index, cohorts.CohortFilter())
    trips = cohorts.cohort_journeys(index, cohort)
    a = trips[trips["person_id"] == "A"]
    assert a["departed_month"].tolist() == ["2020-11", "2021-11"]
    assert a["returned_month"].tolist() == ["2021-05", "2022-05"]
    assert a["months_away"].tolist() == [6, 6] and a["season"].tolist() == ["Nov-May"] * 2
    people = cohorts.cohort_persons(index, cohort).set_index("person_id")
    assert people.loc["A", "return_rate"] == 1.0 and people.loc["B", "return_rate"] == 0.0
    assert people.loc["A", "birth_band"] == "1990-1994"
    flows = cohorts.transitions(index, cohort)
    assert set(flows["destination_district_code"]) == {KILN, FARM}
    shown, hidden = cohorts.disclose(flows)
    assert shown[["persons", "journeys"]].isna().all().all() and hidden == 4  # all below 5


def test_optimal_matching_is_the_edit_distance():
    a = np.array([[1, 2, 2, 1]], dtype=np.int8)
    b = np.array([[1, 1, 2, 2]], dtype=np.int8)
    # a shift by one month: one deletion and one insertion (1 + 1) beats two substitutions
    assert typology.optimal_matching(a, b)[0, 0] == 2
    assert typology.hamming(a, b)[0, 0] == 2 * typology.SUBSTITUTION[1, 2]
    same = typology.optimal_matching(a, a)
    assert same[0, 0] == 0
    many = np.random.default_rng(1).integers(0, 7, (30, 12)).astype(np.int8)
    d = typology.optimal_matching(many, many)
    assert np.allclose(d, d.T) and (d <= typology.hamming(many, many) + 1e-6).all()


def test_adjusted_rand_index():
    assert typology.adjusted_rand_index([1, 1, 2, 2], [5, 5, 7, 7]) == 1.0
    assert typology.adjusted_rand_index([1, 2, 1, 2], [1, 1, 2, 2]) < 0.0


def test_lmt_journeys_on_the_sample_store(sample_store, tmp_path, capsys):
    """The command over the real store: persons, journeys, sequences (Parquet and CSV,
    one column per month), pictures and types (one row per person)."""
    folder = str(sample_store.folder)
    out = tmp_path / "out"
    code = main(
        [
            "journeys", "--db", folder, "--origin-state", "Bihar",
            "--out", str(out / "persons.csv"), "--journeys", str(out / "journeys.csv"),
            "--transitions", str(out / "flows.csv"), "--sequences", str(out / "seq.parquet"),
            "--chronogram", str(out / "chrono.png"), "--index-plot", str(out / "index.png"),
        ]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    persons = pd.read_csv(out / "persons.csv")
    assert (persons["origin_state"] == "Bihar").all() and len(persons) > 20
    wide = pd.read_parquet(out / "seq.parquet")
    assert list(wide["person_id"]) == list(persons["person_id"])
    assert all(len(c) == 7 and c[4] == "-" for c in wide.columns[1:])
    assert (out / "chrono.png").stat().st_size > 1000 and (out / "index.png").exists()
    code = main(["journeys", "--db", folder, "--types", "4", "--out", str(out / "types.csv"),
                 "--sequences", str(out / "seq.csv")])  # fmt: skip
    assert code == 0
    types = pd.read_csv(out / "types.csv")
    assert list(types.columns) == ["person_id", "worker_id", "type", "description"]
    assert set(types["type"]) == {1, 2, 3, 4} and types["description"].str.len().min() > 20
    assert pd.read_csv(out / "seq.csv").shape[0] == len(types)
    assert main(["journeys", "--db", folder, "--birth-band", "1987", "--out", "x.csv"]) == 2


@pytest.mark.slow
@pytest.mark.parametrize("seed", [21])
def test_typology_recovers_the_planted_behaviours(tmp_path, seed):
    """On a fresh batch the size of the sample, as many types as behaviours recover the
    behaviours of answers/behaviours.csv with an adjusted Rand index of at least 0.6."""
    index, key = planted_journeys(tmp_path, 2000, seed)
    behaviour = key.reindex(index.person_ids).to_numpy()
    result = typology.typology(index, np.arange(index.persons), key.nunique(), "om")
    assert typology.adjusted_rand_index(result.types, behaviour) >= 0.6
