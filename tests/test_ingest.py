"""Ingestion of field records: every rule of the format, idempotence, corrections, export."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from store_snapshot import assert_same_store, snapshot

from graph_schema import EMPLOYED_BY, MEMBER_OF, MOVED, OPERATES_IN, Employer, Worker
from tracker.export import export_folder
from tracker.field_format import RECORD_FILES, EmployerRow
from tracker.ingest import NoRecordsFound, ingest_folder, kept
from tracker.stores.ladybug.store import LadybugStore

TODAY = dt.date(2026, 11, 23)

BASE = {
    "centres.csv": "centre_id,name,kind,district_code\nSRC-1,Kendra,source_centre,348\n",
    "households.csv": "household_id,home_district_code,village\nH1,348,Bargadpur\n",
    "workers.csv": (
        "worker_id,household_id,name,gender,birth_year,registered_at,registered_on\n"
        "W1,H1,Sunita Kumari,female,1990,SRC-1,2020-01-05\n"
        "W2,H1,Mohd Imran,male,1988,SRC-1,2020-01-05\n"
    ),
    "employers.csv": "employer_id,name,sector,district_code\nE1,Kiln,brick_kiln,519\n",
    "contractors.csv": "contractor_id,name\nC1,Sardar\n",
}
MOVE_HEADER = "record_id,worker_id,from_district_code,to_district_code,departed_on,arrived_on\n"


def batch(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def store(tmp_path: Path):
    with LadybugStore(tmp_path / "db", buffer_pool_mb=128) as opened:
        yield opened


def ingest(store: LadybugStore, folder: Path):
    return ingest_folder(
        store, folder, rejects_dir=folder.with_name(folder.name + "-rej"), today=TODAY
    )


def by_file(report) -> dict[str, dict]:
    return {f.file: f.model_dump() for f in report.files}


# -- the sample batch and its answer key ----------------------------------------------


def test_sample_rejects_exactly_the_rows_of_the_answer_key(sample_ingest, sample_dir) -> None:
    _, report = sample_ingest
    with open(sample_dir / "answers" / "bad_rows.csv", newline="") as handle:
        expected = {(r["file"], int(r["line"])) for r in csv.DictReader(handle)}
    assert {(r.file, r.line) for r in report.rejected_rows} == expected


def test_sample_stores_every_valid_row(sample_ingest, sample_dir) -> None:
    store, report = sample_ingest
    summary = json.loads((sample_dir / "answers" / "summary.json").read_text())
    for name, counts in summary["files"].items():
        row = by_file(report)[name]
        assert row["read"] == counts["rows"], name
        assert row["stored"] == counts["valid_rows"], name
        assert row["rejected"] == counts["rows"] - counts["valid_rows"], name
    assert store.counts()["edges"]["MOVED"] == summary["files"]["moves.csv"]["valid_rows"]


def test_rejected_rows_name_file_line_column_and_reason(sample_ingest) -> None:
    _, report = sample_ingest
    bad = {(r.file, r.line): r for r in report.rejected_rows}
    assert bad[("employments.csv", 115)].column == "start_on"
    assert bad[("employments.csv", 115)].reason.startswith("unparseable date in start_on")
    assert bad[("grievances.csv", 277)].reason.startswith("unknown indicator")
    assert all(r.file and r.line > 1 and r.reason for r in report.rejected_rows)


# -- idempotence and corrections --------------------------------------------------------


@pytest.mark.parametrize("read_all", [True, False], ids=["read-again", "kept-outcome"])
def test_the_same_batch_twice_changes_nothing(store, sample_dir, read_all) -> None:
    first = ingest_folder(store, sample_dir, rejects_dir=store.folder / "rej", today=TODAY)
    before = snapshot(store)
    second = ingest_folder(
        store, sample_dir, rejects_dir=store.folder / "rej", today=TODAY, read_all=read_all
    )
    after = snapshot(store)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)
    assert all(f.stored == 0 and f.replaced == 0 for f in second.files)
    assert [f.unchanged for f in second.files] == [f.stored for f in first.files]


def test_an_unchanged_file_is_not_read_again_and_gives_what_reading_it_gives(
    store, sample_dir, tmp_path
) -> None:
    """The kept outcome (tracker.ingest.kept): the same counts, rejections and rejects
    files as reading every row again; held by every file of the sample after its import."""
    ingest_folder(store, sample_dir, rejects_dir=tmp_path / "first", today=TODAY)
    for spec in RECORD_FILES:
        if (sample_dir / spec.name).exists():
            found = kept.outcome(store, spec, kept.digest(sample_dir / spec.name), TODAY)
            assert found is not None, spec.name
            other_day = TODAY + dt.timedelta(days=1)
            assert kept.outcome(store, spec, kept.digest(sample_dir / spec.name), other_day) is None
    fast = ingest_folder(store, sample_dir, rejects_dir=tmp_path / "kept", today=TODAY)
    full = ingest_folder(
        store, sample_dir, rejects_dir=tmp_path / "read", today=TODAY, read_all=True
    )
    assert fast.files == full.files and fast.rejected_rows == full.rejected_rows
    assert fast.rejected > 0  # the sample's bad rows: rejected again, for the same reasons
    written = sorted(p.name for p in (tmp_path / "read").iterdir())
    assert written == sorted(p.name for p in (tmp_path / "kept").iterdir())
    for name in written:
        assert (tmp_path / "kept" / name).read_bytes() == (tmp_path / "read" / name).read_bytes()


def test_a_file_is_read_again_when_it_or_a_table_it_names_changed(store, tmp_path) -> None:
    """A move rejected for naming a worker the store did not hold is stored once another
    batch writes that worker, though the file is unchanged; a changed byte is read too."""
    moves = MOVE_HEADER + "M1,W1,348,519,2024-11-01,\nM2,W9,348,519,2024-11-01,\n"
    first = batch(tmp_path / "b1", {**BASE, "moves.csv": moves})
    assert by_file(ingest(store, first))["moves.csv"]["rejected"] == 1
    assert by_file(ingest(store, first))["moves.csv"]["rejected"] == 1  # kept: same outcome
    header = BASE["workers.csv"].splitlines()[0]
    ingest(
        store,
        batch(
            tmp_path / "b2", {"workers.csv": f"{header}\nW9,H1,Ram,male,1990,SRC-1,2020-01-05\n"}
        ),
    )
    again = by_file(ingest(store, first))["moves.csv"]
    assert (again["stored"], again["unchanged"], again["rejected"]) == (1, 1, 0)
    (first / "moves.csv").write_text(moves.replace("2024-11-01,\nM2", "2024-11-02,\nM2"))
    changed = by_file(ingest(store, first))["moves.csv"]
    assert (changed["replaced"], changed["unchanged"]) == (1, 1)


def test_a_record_sent_again_replaces_its_edge_even_with_new_endpoints(store, tmp_path) -> None:
    ingest(
        store,
        batch(tmp_path / "b1", {**BASE, "moves.csv": MOVE_HEADER + "M1,W1,348,519,2024-11-01,\n"}),
    )
    report = ingest(
        store,
        batch(
            tmp_path / "b2", {"moves.csv": MOVE_HEADER + "M1,W2,348,572,2024-11-02,2024-11-04\n"}
        ),
    )
    assert by_file(report)["moves.csv"]["replaced"] == 1
    moves = store.edge_table(MOVED)
    assert len(moves) == 1
    row = moves.iloc[0]
    assert (row.worker_id, row.to_district_code, str(row.departed_on.date())) == (
        "W2",
        572,
        "2024-11-02",
    )


def test_an_entity_row_sent_again_updates_its_node_and_references(store, tmp_path) -> None:
    ingest(store, batch(tmp_path / "b1", BASE))
    households = "household_id,home_district_code\nH2,349\n"
    workers = "worker_id,household_id,name\nW1,H2,Sunita Devi\n"
    report = ingest(
        store, batch(tmp_path / "b2", {"households.csv": households, "workers.csv": workers})
    )
    assert by_file(report)["workers.csv"]["replaced"] == 1
    worker = store.node_table(Worker, keys=["W1"]).iloc[0]
    assert worker["name"] == "Sunita Devi" and pd.isna(worker["gender"])
    membership = store.edges_from(MEMBER_OF, ["W1"])
    assert membership["household_id"].tolist() == ["H2"]


def test_duplicate_trip_reports_are_kept_and_share_one_trip(store, tmp_path) -> None:
    moves = MOVE_HEADER + (
        "T1,W1,348,519,2024-11-01,\n"
        "D1,W1,348,519,2024-11-03,2024-11-04\n"  # the destination centre's report, 2 days on
        "N1,W1,348,519,2025-11-01,\n"  # next season: another trip
    )
    ingest(store, batch(tmp_path / "b1", {**BASE, "moves.csv": moves}))
    trips = store.edge_table(MOVED).set_index("record_id")["trip_id"]
    assert len(trips) == 3
    assert trips["T1"] == trips["D1"] == "T1" and trips["N1"] == "N1"
    # a transit point's report of the first trip arrives a batch later, departing earlier
    late = MOVE_HEADER + "A0,W1,348,519,2024-10-31,\n"
    ingest(store, batch(tmp_path / "b2", {"moves.csv": late}))
    trips = store.edge_table(MOVED).set_index("record_id")["trip_id"]
    assert trips["A0"] == trips["T1"] == trips["D1"] == "A0" and trips["N1"] == "N1"


# -- bad input never crashes and never loses the good rows -----------------------------


def test_good_rows_are_kept_beside_bad_ones_and_rejects_can_be_fixed_and_reimported(
    store, tmp_path
) -> None:
    moves = (
        MOVE_HEADER
        + "M1,W1,348,519,2024-11-01,\nM2,W1,348,519,2024/11/05,\nM3,W9,348,519,2024-11-06,\n"
    )
    folder = batch(tmp_path / "b1", {**BASE, "moves.csv": moves})
    report = ingest(store, folder)
    assert by_file(report)["moves.csv"] == {
        "file": "moves.csv",
        "read": 3,
        "stored": 1,
        "replaced": 0,
        "unchanged": 0,
        "rejected": 2,
        "blank": 0,
        "problem": None,
    }
    rejects = Path(report.rejects_dir)
    with open(rejects / "moves.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["record_id"] for r in rows] == ["M2", "M3"]
    assert "line 3" in rows[0]["reject_reason"] and "departed_on" in rows[0]["reject_reason"]
    assert "unknown worker_id" in rows[1]["reject_reason"]
    # the field team fixes the cells and sends the rejects file back as it is
    rows[0]["departed_on"], rows[1]["worker_id"] = "2024-11-05", "W2"
    with open(rejects / "moves.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    fixed = ingest(store, rejects)
    assert by_file(fixed)["moves.csv"]["stored"] == 2 and fixed.rejected == 0
    assert sorted(store.edge_table(MOVED)["record_id"]) == ["M1", "M2", "M3"]


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("M9,W1,348,519,2024-11-05,2024-11-01", "arrived_on", "arrived_on before departed_on"),
        ("M9,W1,348,519,2031-11-05,", "departed_on", "date in the future"),
        ("M9,W1,348,999,2024-11-05,", "to_district_code", "unknown district code"),
        ("M9,W1,348,519,1654646400,", "departed_on", "unparseable date"),
        ("M9,W1,348,519,2024-11-05T00:00:00,", "departed_on", "unparseable date"),
        ("M9,W1,348,519,2024-02-30,", "departed_on", "date"),
        ("M9,W1,three,519,2024-11-05,", "from_district_code", "whole number"),
        ("M9,,348,519,2024-11-05,", "worker_id", "missing required worker_id"),
        ("M9,W1,348,519,2024-11-05,,x", "", "cells"),
    ],
)
def test_each_rule_rejects_with_column_and_reason(store, tmp_path, row, column, words) -> None:
    report = ingest(store, batch(tmp_path / "b", {**BASE, "moves.csv": MOVE_HEADER + row + "\n"}))
    (rejected,) = report.rejected_rows
    assert (rejected.file, rejected.line, rejected.column) == ("moves.csv", 2, column)
    assert words in rejected.reason


def test_enumerations_and_references_are_checked(store, tmp_path) -> None:
    grievances = (
        "record_id,worker_id,against_kind,against_id,indicator,reported_on\n"
        "G1,W1,contractor,C1,debt_bondage,2024-01-01\n"
        "G2,W1,contractor,C1,wage_delay,2024-01-01\n"
        "G3,W1,employer,C1,debt_bondage,2024-01-01\n"  # C1 is a contractor, not an employer
        "G4,W1,landlord,C1,debt_bondage,2024-01-01\n"
    )
    report = ingest(store, batch(tmp_path / "b", {**BASE, "grievances.csv": grievances}))
    reasons = {r.record_or_id: (r.column, r.reason) for r in report.rejected_rows}
    assert set(reasons) == {"G2", "G3", "G4"}
    assert reasons["G2"][0] == "indicator" and reasons["G3"][0] == "against_id"
    assert reasons["G4"][0] == "against_kind"


def test_cells_are_stored_as_the_row_models_read_them(store, tmp_path) -> None:
    """One definition of a boolean, a number and a date: the row models'. What the store
    holds is what pydantic read from each cell, with no second reading of the text."""
    employers = (
        "employer_id,name,sector,district_code,registered_principal_employer\n"
        "E1,Kiln,brick_kiln,519,yes\n"
        "E2,Site,construction,348,off\n"
        "E3,Farm,agriculture,0348,TRUE\n"
        "E4,Mill,textile_garment,348,0\n"
        "E5,Shop,other,348,\n"
    )
    report = ingest(store, batch(tmp_path / "b", {**BASE, "employers.csv": employers}))
    assert by_file(report)["employers.csv"]["stored"] == 5
    held = store.node_table(Employer).set_index("employer_id")
    for row in csv.DictReader(employers.splitlines()):
        cells = {k: v or None for k, v in row.items()}
        model = EmployerRow.model_validate(cells)
        flag = held.at[row["employer_id"], "registered_principal_employer"]
        expected = model.registered_principal_employer
        assert (pd.isna(flag) and expected is None) or flag == expected
    flags = [held.at[e, "registered_principal_employer"] for e in ("E1", "E2", "E3", "E4")]
    assert flags == [True, False, True, False]
    operates = store.edges_from(OPERATES_IN, ["E3"])
    assert operates[OPERATES_IN.target_column].tolist() == [348]  # "0348", read as a number
    assert pd.isna(held.at["E5", "registered_principal_employer"])


def test_format_freedoms_are_honoured(store, tmp_path) -> None:
    """Column order is free, extra columns are ignored, quoting follows RFC 4180, a BOM or
    CRLF line ends do not matter, and line numbers count physical lines. A quoted cell
    cannot hold a line break: the format has none, so a quote left open rejects its line
    and the line after it is read as a line of its own."""
    workers = (
        "\ufeffname,worker_id,notes,household_id\r\n"
        '"Kumari, Sunita",W1,"met at the ""bus stand""",H1\r\n'
        "\r\n"
        "Mohd Imran,W2,,H1\r\n"
        "Bad Year,W3,,H9\r\n"
        'Open Quote,W4,"met at the\r\n'
        'bus stand",H1\r\n'
    )
    folder = batch(tmp_path / "b", {k: v for k, v in BASE.items() if k != "workers.csv"})
    (folder / "workers.csv").write_bytes(workers.encode("utf-8"))
    report = ingest(store, folder)
    assert by_file(report)["workers.csv"]["stored"] == 2
    assert by_file(report)["workers.csv"]["blank"] == 1
    rejected = {r.line: r for r in report.rejected_rows}
    assert (rejected[5].column, rejected[6].column) == ("household_id", "notes")
    assert "runs past the end of the line" in rejected[6].reason
    assert "stray quote" in rejected[7].reason and rejected[7].column == "name"
    assert set(rejected) == {5, 6, 7}
    assert store.node_table(Worker, keys=["W1"]).iloc[0]["name"] == "Kumari, Sunita"


def test_broken_bytes_and_short_files_do_not_crash(store, tmp_path) -> None:
    folder = batch(tmp_path / "b", BASE)
    (folder / "moves.csv").write_bytes(
        MOVE_HEADER.encode() + b"M1,W1,348,519,2024-11-01,\nM2,W\xff1,348,519,2024-11-01,\n"
    )
    (folder / "services.csv").write_text("")  # empty file
    (folder / "grievances.csv").write_text("record_id,worker_id\n")  # header only
    (folder / "employments.csv").write_text("record_id,employer_id\nEM1,E1\n")  # no worker_id
    report = ingest(store, folder)
    reasons = {(r.file, r.line): r.reason for r in report.rejected_rows}
    assert "UTF-8" in reasons[("moves.csv", 3)]
    assert "missing required worker_id" in reasons[("employments.csv", 2)]
    assert by_file(report)["moves.csv"]["stored"] == 1


def test_a_folder_without_records_is_an_error(store, tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(NoRecordsFound):
        ingest(store, tmp_path / "empty")


def test_repeated_ids_in_one_file_are_rejected(store, tmp_path) -> None:
    moves = MOVE_HEADER + "M1,W1,348,519,2024-11-01,\nM1,W1,348,519,2024-12-01,\n"
    report = ingest(store, batch(tmp_path / "b", {**BASE, "moves.csv": moves}))
    (rejected,) = report.rejected_rows
    assert rejected.line == 3 and "already given on line 2" in rejected.reason


# -- export ------------------------------------------------------------------------------


def test_ingest_export_ingest_gives_an_equal_store(sample_store, tmp_path) -> None:
    written = export_folder(sample_store, tmp_path / "export")
    assert set(written) == {f.name for f in RECORD_FILES}
    with LadybugStore(tmp_path / "again", buffer_pool_mb=128) as again:
        report = ingest_folder(again, tmp_path / "export", today=TODAY)
        assert report.rejected == 0
        assert_same_store(sample_store, again)


def test_export_writes_the_format(sample_store, tmp_path) -> None:
    export_folder(sample_store, tmp_path / "out")
    for spec in RECORD_FILES:
        header = (tmp_path / "out" / spec.name).read_text().splitlines()[0].split(",")
        assert header[: len(spec.columns)] == list(spec.columns)
    employments = pd.read_csv(tmp_path / "out" / "employments.csv", dtype=str)
    assert not employments["daily_wage_inr"].str.contains(r"\.0$", na=False).any()
    assert len(employments) == sample_store.counts()["edges"][EMPLOYED_BY.name]


def test_rejects_folder_is_cleared_when_a_batch_comes_clean(store, tmp_path) -> None:
    folder = batch(
        tmp_path / "b", {**BASE, "moves.csv": MOVE_HEADER + "M1,W9,348,519,2024-11-01,\n"}
    )
    report = ingest(store, folder)
    assert (Path(report.rejects_dir) / "moves.csv").exists()
    shutil.copy(folder / "moves.csv", tmp_path / "keep.csv")
    (folder / "moves.csv").write_text(MOVE_HEADER + "M1,W1,348,519,2024-11-01,\n")
    clean = ingest(store, folder)
    assert clean.rejects_dir is None
    assert not (folder.with_name("b-rej") / "moves.csv").exists()
