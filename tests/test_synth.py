"""`lmt synth`: synthetic batches in the field-records format and their answer keys.

A small batch (a few hundred workers) is made once per module; every test reads it as a
field team's folder would be read, with the format's own row models and the real import.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from graph_schema import Centre, Contractor, Employer, Household, Worker
from lmt.cli import main
from synth import generate
from tracker.csvio import read_chunks
from tracker.field_format import RECORD_FILES, RECORD_FILES_BY_NAME
from tracker.ingest import ingest_folder
from tracker.ingest.validation import LINE, check_rows
from tracker.stores.ladybug.store import LadybugStore
from tracker.trips import SAME_TRIP_DAYS, mark_trips

WORKERS, SEED = 300, 11
TODAY = dt.date(2026, 11, 23)
FILES = [spec.name for spec in RECORD_FILES]
EVENT_FILES = ["moves.csv", "employments.csv", "grievances.csv", "services.csv"]
ANSWER_COLUMNS = {
    "circuits.csv": [
        "person_id",
        "worker_id",
        "origin_district_code",
        "destination_district_code",
        "depart_month",
        "return_month",
        "seasons",
        "first_year",
        "last_year",
        "sector",
        "kind",
    ],
    "contractors.csv": ["contractor_id", "exploitative", "pattern", "role", "workers", "licensed"],
    "bad_rows.csv": ["file", "line", "record_or_id", "column", "reason"],
    "behaviours.csv": ["worker_id", "behaviour"],
    "persons.csv": ["worker_id", "person_id", "registration", "registered_at", "name_variant"],
    "lookalikes.csv": ["worker_id", "other_worker_id", "kind"],
}
LABEL_FILES = {
    Worker: ("workers.csv", "worker_id"),
    Household: ("households.csv", "household_id"),
    Centre: ("centres.csv", "centre_id"),
    Employer: ("employers.csv", "employer_id"),
    Contractor: ("contractors.csv", "contractor_id"),
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "batch"
    generate(out, WORKERS, SEED)
    return out


@pytest.fixture(scope="module")
def bigger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough workers for every contractor pattern to show up several times."""
    out = tmp_path_factory.mktemp("synth") / "bigger"
    generate(out, 3000, 5)
    return out


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def bad_lines(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "answers" / "bad_rows.csv")


def first_ids(folder: Path) -> pd.Series:
    """Every worker id of the batch -> its person's first registered worker id
    (answers/persons.csv)."""
    persons = read(folder / "answers", "persons.csv")
    first = persons[persons["registration"] == "primary"].set_index("person_id")["worker_id"]
    return persons.set_index("worker_id")["person_id"].map(first)


def good_rows(folder: Path, name: str) -> pd.DataFrame:
    """A file's rows without those the answer key lists as breaking a rule; the worker ids
    of later registrations read as their person's first one (a person's events, whichever
    of their ids recorded them)."""
    frame = read(folder, name)
    bad = bad_lines(folder)
    frame = frame.drop(index=bad.loc[bad["file"] == name, "line"] - 2)
    if "worker_id" in frame.columns:
        frame["worker_id"] = frame["worker_id"].map(first_ids(folder)).fillna(frame["worker_id"])
    return frame


def test_same_seed_same_bytes_other_seed_other_batch(batch, tmp_path):
    generate(tmp_path / "again", WORKERS, SEED)
    generate(tmp_path / "other", WORKERS, SEED + 1)
    for name in [*FILES, *(f"answers/{a}" for a in [*ANSWER_COLUMNS, "summary.json"])]:
        assert (batch / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    assert (batch / "moves.csv").read_bytes() != (tmp_path / "other" / "moves.csv").read_bytes()


def test_every_file_has_the_formats_columns(batch):
    for spec in RECORD_FILES:
        with open(batch / spec.name, newline="", encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == list(spec.columns), spec.name
    for name, columns in ANSWER_COLUMNS.items():
        assert list(read(batch / "answers", name).columns) == columns, name


def test_bad_rows_are_exactly_the_rows_that_break_a_rule(batch):
    """Each row checked with the format's pydantic row models (``check_rows``) and its ids
    against the entity files; the failing lines are the answer key's, file by file."""
    known = {label: set(read(batch, f)[column]) for label, (f, column) in LABEL_FILES.items()}
    failing = set()
    for spec in RECORD_FILES:
        for chunk in read_chunks(batch / spec.name):
            good, rejected = check_rows(spec, chunk, TODAY)
            failing |= {(r.file, r.line) for r in rejected}
            for column, kind_column, labels in spec.references():
                for label_kind, label in labels.items():
                    rows = good if label_kind is None else good[good[kind_column] == label_kind]
                    values = rows[column]
                    unknown = values.notna() & ~values.isin(known[label])
                    failing |= {(spec.name, int(line)) for line in rows.loc[unknown, LINE]}
    key = bad_lines(batch)
    assert failing == set(zip(key["file"], key["line"], strict=True))
    assert set(key["file"]) <= set(EVENT_FILES)


def test_about_one_percent_of_event_rows_are_bad_of_every_kind(bigger):
    key = bad_lines(bigger)
    for name in EVENT_FILES:
        bad = (key["file"] == name).sum()
        assert abs(bad - 0.01 * (len(read(bigger, name)) - bad)) <= 1, name
    reasons = {
        reason.removesuffix(f" in {column}")
        for reason, column in zip(key["reason"], key["column"], strict=True)
    }
    assert reasons == {
        "unparseable date",
        "date in the future",
        "unknown district code",
        "unknown worker_id",
        "arrived_on before departed_on",
        "unknown indicator",
    }


def test_ingest_rejects_exactly_the_planted_rows(batch, tmp_path):
    store = LadybugStore(tmp_path / "db", buffer_pool_mb=256)
    try:
        report = ingest_folder(store, batch, rejects_dir=tmp_path / "rejects", today=TODAY)
    finally:
        store.close()
    rejected = {(r.file, r.line, r.column) for r in report.rejected_rows}
    key = bad_lines(batch)
    assert rejected == set(zip(key["file"], key["line"], key["column"], strict=True))
    summary = json.loads((batch / "answers" / "summary.json").read_text())
    for f in report.files:
        assert f.stored == summary["files"][f.file]["valid_rows"], f.file


def test_dates_lie_between_2017_and_until(tmp_path):
    until = dt.date(2021, 6, 30)
    generate(tmp_path / "b", 400, 3, until)
    dated = {
        "moves.csv": ["departed_on", "arrived_on", "recorded_on"],
        "employments.csv": ["start_on", "end_on", "recorded_on"],
        "grievances.csv": ["occurred_on", "reported_on"],
        "services.csv": ["delivered_on"],
        "workers.csv": ["registered_on"],
        "households.csv": ["registered_on"],
        "contractor_links.csv": ["from_date", "to_date"],
    }
    for name, columns in dated.items():
        frame = good_rows(tmp_path / "b", name)
        for column in columns:
            days = pd.to_datetime(frame[column].replace("", None), format="%Y-%m-%d").dropna()
            assert days.max() <= pd.Timestamp(until), (name, column)
            first = "2016-01-01" if name == "contractor_links.csv" else "2017-01-01"
            assert days.min() >= pd.Timestamp(first), (name, column)
    future = bad_lines(tmp_path / "b").query("reason.str.startswith('date in the future')")
    assert len(future) > 0


def recomputed_circuits(folder: Path) -> pd.DataFrame:
    """The format's definition applied to the good moves, independently of the generator:
    one report per trip (``tracker.trips``), round trips home -> A -> home from consecutive
    trips, and per worker and destination the runs of departure months within one month of
    each other (round the year) that span at least two years."""
    moves = good_rows(folder, "moves.csv")
    moves["departed_on"] = pd.to_datetime(moves["departed_on"])
    moves["trip_id"] = mark_trips(moves)
    trips = moves.sort_values(["departed_on", "record_id"]).drop_duplicates("trip_id")
    homes = read(folder, "workers.csv").merge(read(folder, "households.csv"), on="household_id")
    trips = trips.sort_values(["worker_id", "departed_on"])
    trips["home"] = trips["worker_id"].map(homes.set_index("worker_id")["home_district_code"])
    after = trips.groupby("worker_id").shift(-1)
    round_trip = (
        (trips["from_district_code"] == trips["home"])
        & (trips["to_district_code"] != trips["home"])
        & (after["from_district_code"] == trips["to_district_code"])
        & (after["to_district_code"] == trips["home"])
    )
    trips = trips[round_trip]
    found = []
    for (worker, destination), group in trips.groupby(["worker_id", "to_district_code"]):
        months = group["departed_on"].dt.month
        run_of: dict[int, int] = {}
        for month in sorted(set(months)):
            if month in run_of:
                continue
            run, todo = [], [month]
            while todo:
                m = todo.pop()
                if m in run_of or m not in set(months):
                    continue
                run_of[m] = month
                run.append(m)
                todo += [m % 12 + 1, (m - 2) % 12 + 1]
        for _, members in group.groupby(months.map(run_of)):
            years = members["departed_on"].dt.year
            if years.nunique() >= 2:
                found.append(
                    {
                        "worker_id": worker,
                        "destination_district_code": destination,
                        "seasons": len(members),
                        "first_year": years.min(),
                        "last_year": years.max(),
                        "months": sorted(set(members["departed_on"].dt.month)),
                    }
                )
    return pd.DataFrame(found)


def test_answer_circuits_are_the_definition_applied_to_the_good_moves(batch):
    key = read(batch / "answers", "circuits.csv")
    found = recomputed_circuits(batch)
    columns = ["worker_id", "destination_district_code", "seasons", "first_year", "last_year"]
    as_tuples = lambda frame: set(map(tuple, frame[columns].astype(str).to_numpy()))  # noqa: E731
    assert len(key) > 0.25 * WORKERS
    assert as_tuples(found) == as_tuples(key)
    both = found.astype({"destination_district_code": str}).merge(
        key, on=["worker_id", "destination_district_code"]
    )
    for months, usual in zip(both["months"], both["depart_month"].astype(int), strict=True):
        assert all(min((m - usual) % 12, (usual - m) % 12) <= 1 for m in months)
    homes = read(batch, "workers.csv").merge(read(batch, "households.csv"), on="household_id")
    origin = key["worker_id"].map(homes.set_index("worker_id")["home_district_code"])
    assert (origin == key["origin_district_code"]).all()


def test_circuits_cover_the_samples_kinds_and_seasons(bigger):
    key = read(bigger / "answers", "circuits.csv")
    assert set(key["kind"]) == {
        "seasonal_circuit",
        "two_circuits",
        "family_circuit",
        "circuit_return_missing",
        "circuit_year_skipped",
    }
    assert set(key["seasons"].astype(int)) == {2, 3, 4, 5, 6}
    # a brick kiln season runs November/December to May/June
    kilns = key[key["sector"] == "brick_kiln"]
    assert set(kilns["depart_month"].astype(int)) <= {11, 12}
    assert set(kilns["return_month"].astype(int)) <= {5, 6}
    # the employer a circuit's worker went to is of the circuit's sector
    jobs = good_rows(bigger, "employments.csv").merge(
        read(bigger, "employers.csv"), on="employer_id"
    )
    matched = key.merge(
        jobs,
        left_on=["worker_id", "destination_district_code"],
        right_on=["worker_id", "district_code_x"],
    )
    assert (matched["sector_x"] == matched["sector_y"]).mean() > 0.99


def test_trips_reported_twice_are_one_trip_by_the_documented_rule(batch):
    moves = good_rows(batch, "moves.csv")
    moves["departed_on"] = pd.to_datetime(moves["departed_on"])
    moves["trip_id"] = mark_trips(moves)
    twice = moves[moves["trip_id"].duplicated(keep=False)].sort_values(["trip_id", "departed_on"])
    summary = json.loads((batch / "answers" / "summary.json").read_text())
    assert len(moves) - moves["trip_id"].nunique() == summary["duplicate_move_reports"] > 0
    pairs = twice.groupby("trip_id").agg(
        reports=("record_id", "nunique"),
        sources=("source", "nunique"),
        days=("departed_on", lambda d: (d.max() - d.min()).days),
    )
    assert (pairs["reports"] == 2).all() and (pairs["sources"] == 2).all()
    assert pairs["days"].between(0, SAME_TRIP_DAYS).all()
    assert (moves["arrived_on"] == "").mean() == pytest.approx(0.12, abs=0.04)


def test_rows_scale_like_the_sample(batch):
    summary = json.loads((batch / "answers" / "summary.json").read_text())
    moves = summary["files"]["moves.csv"]["rows"]
    assert 6.5 * WORKERS <= moves <= 8 * WORKERS
    assert set(summary["behaviours"]) == {
        "seasonal_circuit",
        "two_circuits",
        "long_term",
        "irregular",
        "single_season",
        "circuit_with_gaps",
        "multi_stop_journey",
    }
    for name in FILES:
        assert summary["files"][name]["rows"] == len(read(batch, name)), name


def test_every_recruited_worker_is_linked_to_the_employer_through_the_chain(batch):
    links = read(batch, "contractor_links.csv")
    above = defaultdict(set)
    for row in links.itertuples():
        above[row.contractor_id].add((row.supplies_to_kind, row.supplies_to_id))

    def employers_reached(contractor: str, depth: int = 0) -> set[str]:
        reached = set()
        for kind, target in above[contractor]:
            if kind == "employer":
                reached.add(target)
            elif depth < 6:
                reached |= employers_reached(target, depth + 1)
        return reached

    jobs = good_rows(batch, "employments.csv").query("contractor_id != ''")
    pairs = jobs[["contractor_id", "employer_id"]].drop_duplicates()
    assert len(pairs) > 0
    for contractor, employer in pairs.itertuples(index=False):
        assert employer in employers_reached(contractor), (contractor, employer)
    roles = read(batch / "answers", "contractors.csv").set_index("contractor_id")["role"]
    first = links.groupby("contractor_id").size()
    assert set(first.index) == set(roles.index)  # every contractor supplies someone


def test_contractor_answers_describe_the_contractors_file(bigger):
    key = read(bigger / "answers", "contractors.csv")
    contractors = read(bigger, "contractors.csv")
    assert list(key["contractor_id"]) == list(contractors["contractor_id"])
    licensed = contractors["licence_no"] != ""
    assert (key["licensed"] == licensed.map({True: "true", False: "false"})).all()
    exploitative = {
        "debt_bondage",
        "deceptive_recruitment",
        "document_retention",
        "violence",
        "wage_theft",
        "silent_debt_bondage",
    }
    assert (key["exploitative"] == key["pattern"].isin(exploitative).map(str).str.lower()).all()
    share = (key["exploitative"] == "true").mean()
    assert 0.03 <= share <= 0.07
    named = pd.concat(
        [
            good_rows(bigger, f)[["contractor_id", "worker_id"]]
            for f in ("moves.csv", "employments.csv")
        ]
    ).query("contractor_id != ''")
    workers = named.drop_duplicates().groupby("contractor_id").size()
    counted = key.set_index("contractor_id")["workers"].astype(int)
    assert (counted == workers.reindex(counted.index).fillna(0).astype(int)).all()


def test_planted_contractor_signals(bigger):
    """Exploiters show in grievances from several workers and in structure; the decoys
    show what they are meant to show and no more."""
    key = read(bigger / "answers", "contractors.csv").set_index("contractor_id")
    grievances = good_rows(bigger, "grievances.csv").query("against_kind == 'contractor'")
    complainants = grievances.groupby("against_id")["worker_id"].nunique()
    complaints = grievances.groupby("against_id").size()
    pattern = key["pattern"]
    # some grievances name the employer, not the recruiter who placed the worker there
    jobs = good_rows(bigger, "employments.csv")[["worker_id", "employer_id", "contractor_id"]]
    about_employers = (
        good_rows(bigger, "grievances.csv")
        .query("against_kind == 'employer'")
        .merge(jobs, left_on=["worker_id", "against_id"], right_on=["worker_id", "employer_id"])
        .query("contractor_id != ''")
    )
    told = pd.concat(
        [
            grievances[["against_id", "worker_id"]],
            about_employers[["contractor_id", "worker_id"]].rename(
                columns={"contractor_id": "against_id"}
            ),
        ]
    ).drop_duplicates()
    all_complainants = told.groupby("against_id").size()
    loud = pattern.isin(["debt_bondage", "deceptive_recruitment", "violence", "wage_theft"])
    assert (all_complainants.reindex(pattern[loud].index).fillna(0) >= 3).all()
    assert (
        complainants.reindex(pattern[pattern == "silent_debt_bondage"].index).fillna(0) <= 2
    ).all()
    for decoy in ("single_mild_grievance", "single_resolved_grievance"):
        # one complainant (who may have told it again to the centre of a later registration)
        assert (complainants.reindex(pattern[pattern == decoy].index) == 1).all(), decoy
        assert (complaints.reindex(pattern[pattern == decoy].index) <= 2).all(), decoy
    few = pattern[pattern == "licensed_few_complaints"].index
    assert (complainants.reindex(few) == 2).all() and (key.loc[few, "licensed"] == "true").all()
    clean = pattern.isin(["benign", "unlicensed_clean"])
    assert complaints.reindex(pattern[clean].index).fillna(0).sum() == 0
    silent = pattern[pattern == "silent_debt_bondage"].index
    assert (key.loc[silent, "licensed"] == "false").all()

    jobs = good_rows(bigger, "employments.csv").merge(
        read(bigger, "employers.csv")[["employer_id", "sector"]], on="employer_id"
    )
    jobs = jobs[jobs["daily_wage_inr"] != ""].astype({"daily_wage_inr": float})
    jobs["job"] = range(len(jobs))
    # the going rate: what others pay in the same sector and district
    market = ["sector", "district_code"]
    others = jobs[[*market, "contractor_id", "daily_wage_inr"]]
    pairs = jobs[["job", *market, "contractor_id"]].merge(others, on=market, suffixes=("", "_o"))
    pairs = pairs[pairs["contractor_id"] != pairs["contractor_id_o"]]
    going_rate = pairs.groupby("job")["daily_wage_inr"].median()
    jobs["wage_share"] = jobs["daily_wage_inr"] / jobs["job"].map(going_rate)
    jobs["advance_days"] = pd.to_numeric(jobs["advance_inr"]) / jobs["daily_wage_inr"]
    jobs["exploitative"] = jobs["contractor_id"].map(key["exploitative"]) == "true"
    by = jobs.groupby("exploitative")
    assert by["wage_share"].median()[True] < 0.8 < by["wage_share"].median()[False]
    assert by["advance_days"].median()[True] > 80 > by["advance_days"].median()[False]


def test_cli_writes_a_batch_and_refuses_bad_options(tmp_path, capsys):
    assert main(["synth", "--workers", "40", "--seed", "2", str(tmp_path / "cli")]) == 0
    assert "40 workers" in capsys.readouterr().out
    assert all((tmp_path / "cli" / name).is_file() for name in FILES)
    assert (tmp_path / "cli" / "answers" / "summary.json").is_file()
    assert main(["synth", "--workers", "0", str(tmp_path / "none")]) == 2
    assert main(["synth", "--until", "31/10/2026", str(tmp_path / "none")]) == 2
    with pytest.raises(SystemExit) as usage:
        main(["synth", "--workers", "many", str(tmp_path / "none")])
    assert usage.value.code == 2


def test_record_ids_name_the_batch(batch):
    ids = read(batch, "moves.csv")["record_id"]
    assert ids.is_unique and ids.str.startswith(f"MV-{SEED}s{WORKERS}-").all()
    every = pd.concat([read(batch, name)["record_id"] for name in EVENT_FILES])
    assert every.is_unique
    workers = read(batch, "workers.csv")["worker_id"]
    assert workers.is_unique and workers.str.fullmatch(r"W\d{7}").sum() == WORKERS
    assert RECORD_FILES_BY_NAME["moves.csv"].id_column == "record_id"


def test_behaviours_name_every_worker_once_as_the_summary_counts(batch):
    """answers/behaviours.csv: each worker's planted behaviour (the typology's answer key)."""
    key = read(batch / "answers", "behaviours.csv")
    workers = read(batch, "workers.csv")["worker_id"]
    assert sorted(key["worker_id"]) == sorted(set(first_ids(batch)[workers]))
    summary = json.loads((batch / "answers" / "summary.json").read_text())
    counts = key["behaviour"].value_counts().to_dict()
    assert counts == {k: v for k, v in summary["behaviours"].items() if v}
