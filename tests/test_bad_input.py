"""Bad input never loses, hides or leaks a row: five reproductions.

Each test is one way a real batch broke, reproduced on a copy of the sample batch (or the small
batch of test_ingest.py): a stray quote, an oversized cell, a rejects folder that is the
batch, ``lmt ingest .``, NUL and other control characters. Every physical line of a file is
accounted for: read = stored + unchanged + replaced + rejected, and read + blank lines + the
header = the file's lines.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from test_ingest import BASE, TODAY, batch

from graph_schema import Worker
from tracker.csvio import MAX_CELL_CHARS, MAX_LINE_CHARS
from tracker.ingest import RejectsFolderRefused, ingest_folder
from tracker.stores.ladybug.store import LadybugStore

LMT = [sys.executable, "-m", "lmt.cli"]
SAMPLE_FILES = ("centres.csv", "households.csv", "workers.csv")


@pytest.fixture
def store(tmp_path: Path):
    with LadybugStore(tmp_path / "db", buffer_pool_mb=128) as opened:
        yield opened


def physical_lines(path: Path) -> int:
    return len(path.read_bytes().replace(b"\r\n", b"\n").rstrip(b"\n").split(b"\n"))


def assert_every_line_accounted_for(report, folder: Path) -> None:
    for f in report.files:
        assert f.read == f.stored + f.unchanged + f.replaced + f.rejected, f
        assert f.read + f.blank + 1 == physical_lines(folder / f.file), f
        assert f.rejected == sum(1 for r in report.rejected_rows if r.file == f.file), f


def sample_copy(sample_dir: Path, target: Path) -> Path:
    target.mkdir()
    for name in SAMPLE_FILES:
        shutil.copy(sample_dir / name, target / name)
    return target


def edit_line(path: Path, line: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


# 1 -- a stray quote ---------------------------------------------------------------------


def test_a_stray_quote_rejects_its_row_and_reading_goes_on(store, sample_dir, tmp_path) -> None:
    folder = sample_copy(sample_dir, tmp_path / "b")
    edit_line(folder / "workers.csv", 4, "Somari", '"Somari')
    report = ingest_folder(store, folder, rejects_dir=tmp_path / "rej", today=TODAY)
    workers = next(f for f in report.files if f.file == "workers.csv")
    assert workers.read == 2000
    (rejected,) = [r for r in report.rejected_rows if r.file == "workers.csv"]
    assert (rejected.line, rejected.column, rejected.record_or_id) == (4, "name", "W0000003")
    assert "quote" in rejected.reason
    assert_every_line_accounted_for(report, folder)
    names = store.node_table(Worker, keys=[f"W{n:07d}" for n in range(2, 12)])
    assert "W0000003" not in set(names["worker_id"])
    assert len(names) == 9 and not names["name"].str.contains(",").any()
    with open(tmp_path / "rej" / "workers.csv", newline="") as handle:
        (sent,) = list(csv.DictReader(handle))
    assert sent["worker_id"] == "W0000003" and "line 4" in sent["reason"]


# 2 -- an oversized cell or line -----------------------------------------------------------


def test_an_oversized_cell_rejects_its_row_and_the_rest_is_imported(
    store, sample_dir, tmp_path
) -> None:
    folder = sample_copy(sample_dir, tmp_path / "b")
    edit_line(folder / "workers.csv", 4, "Somari Patel", "S" * 200_000)
    edit_line(folder / "workers.csv", 6, "Ashok Roy", "A" * (MAX_CELL_CHARS + 1))
    edit_line(folder / "centres.csv", 3, ",", "," + "x" * (MAX_LINE_CHARS + 1) + ",")
    report = ingest_folder(store, folder, rejects_dir=tmp_path / "rej", today=TODAY)
    bad = {(r.file, r.line): r for r in report.rejected_rows}
    assert bad[("workers.csv", 4)].column == "name"
    assert f"{MAX_LINE_CHARS:,}" in bad[("workers.csv", 4)].reason
    assert bad[("workers.csv", 6)].column == "name"
    assert f"{MAX_CELL_CHARS:,}" in bad[("workers.csv", 6)].reason
    assert "line" in bad[("centres.csv", 3)].reason
    assert_every_line_accounted_for(report, folder)
    others = [r for r in report.rejected_rows if r.file == "workers.csv" and r.line not in (4, 6)]
    assert all(r.column == "registered_at" for r in others)  # at the centre of line 3
    assert len(store.node_table(Worker)) == 2000 - 2 - len(others)
    assert (tmp_path / "rej" / "workers.csv").exists()


def test_the_cli_exits_2_naming_the_oversized_row(sample_dir, tmp_path) -> None:
    folder = sample_copy(sample_dir, tmp_path / "b")
    edit_line(folder / "workers.csv", 4, "Somari Patel", "S" * 200_000)
    done = subprocess.run(
        [*LMT, "ingest", str(folder), "--db", str(tmp_path / "db"), "--today", str(TODAY)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2, done.stderr
    assert "rejected" in done.stderr
    with open(tmp_path / "b-rejects" / "report.csv", newline="") as handle:
        (row,) = [r for r in csv.DictReader(handle) if r["file"] == "workers.csv"]
    assert (row["line"], row["column"]) == ("4", "name")


def test_a_file_in_another_encoding_is_rejected_and_the_batch_goes_on(store, tmp_path) -> None:
    folder = batch(tmp_path / "b", BASE)
    text = (folder / "workers.csv").read_text()
    (folder / "workers.csv").write_bytes(text.encode("utf-16"))
    report = ingest_folder(store, folder, rejects_dir=tmp_path / "rej", today=TODAY)
    (rejected,) = [r for r in report.rejected_rows if r.file == "workers.csv"]
    assert "UTF-16" in rejected.reason and rejected.line == 1
    workers = next(f for f in report.files if f.file == "workers.csv")
    assert workers.stored == 0 and workers.rejected == workers.read == 2
    assert next(f for f in report.files if f.file == "centres.csv").stored == 1
    assert (tmp_path / "rej" / "workers.csv").read_bytes() == text.encode("utf-16")


# 4 -- the rejects folder never holds what LMT did not write --------------------------------


def test_a_rejects_folder_that_is_the_batch_is_refused_and_nothing_is_deleted(
    store, tmp_path
) -> None:
    moves = "record_id,worker_id,from_district_code,to_district_code,departed_on\n"
    folder = batch(tmp_path / "b", {**BASE, "moves.csv": moves + "M1,W9,348,519,2024-11-01\n"})
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    for rejects in (folder, folder / ".", tmp_path):  # the batch, or a folder of other files
        with pytest.raises(RejectsFolderRefused, match="rejects"):
            ingest_folder(store, folder, rejects_dir=rejects, today=TODAY)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert store.counts()["nodes"].get("Worker", 0) == 0  # refused before importing


def test_lmt_ingest_refuses_the_batch_as_rejects_folder(tmp_path) -> None:
    folder = batch(tmp_path / "b", BASE)
    done = subprocess.run(
        [*LMT, "ingest", str(folder), "--rejects", str(folder), "--db", str(tmp_path / "db")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "rejects" in done.stderr
    assert (folder / "workers.csv").exists()


def test_lmt_ingest_dot_works(tmp_path) -> None:
    moves = "record_id,worker_id,from_district_code,to_district_code,departed_on\n"
    folder = batch(tmp_path / "b", {**BASE, "moves.csv": moves + "M1,W9,348,519,2024-11-01\n"})
    done = subprocess.run(
        [*LMT, "ingest", ".", "--db", str(tmp_path / "db"), "--today", str(TODAY)],
        capture_output=True,
        text=True,
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )
    assert done.returncode == 2, done.stderr
    assert (tmp_path / "b-rejects" / "moves.csv").exists()
    assert "Traceback" not in done.stderr


# 5 -- control characters and Unicode forms ------------------------------------------------


def test_control_characters_are_rejected_and_text_is_nfc(store, tmp_path) -> None:
    decomposed = unicodedata.normalize("NFD", "Sunitā Kumārī")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    workers = (
        "worker_id,household_id,name,phone\n"
        f"W1,H1,{decomposed},\n"
        "W2,H1,Mohd\x00Imran,\n"
        "W3,H1,Bell\x07Boy,\n"
        "W4,H1,Tab\tKept,\n"
        "W5,H1,Esc,98\x1b765\n"
        "W6,H1,C1\x85control,\n"
    )
    folder = batch(tmp_path / "b", {**BASE, "workers.csv": workers})
    report = ingest_folder(store, folder, rejects_dir=tmp_path / "rej", today=TODAY)
    bad = {r.line: r for r in report.rejected_rows}
    assert set(bad) == {3, 4, 6, 7}
    assert bad[3].column == "name" and "U+0000" in bad[3].reason
    assert bad[6].column == "phone" and "control character" in bad[6].reason
    names = store.node_table(Worker).set_index("worker_id")["name"]
    assert names["W1"] == unicodedata.normalize("NFC", "Sunitā Kumārī")
    assert names["W4"] == "Tab\tKept"
    assert_every_line_accounted_for(report, folder)


# -- a whole synthetic batch with broken lines (bench/bench_bad_input.py at 1M) ----------


def test_a_batch_with_planted_broken_lines_is_rejected_exactly_as_its_answer_key(
    store, tmp_path
) -> None:
    """`lmt synth --broken-lines` plants each kind of broken CSV line among good ones; the
    import rejects exactly the answer key's lines and stores every valid row around them."""
    import datetime as dt
    import json

    from synth import generate
    from synth.broken_lines import BREAKS, plant_broken_lines

    folder = tmp_path / "synth"
    generate(folder, 300, 5, dt.date(2026, 10, 31))
    assert plant_broken_lines(folder, 2, 5) == 2 * len(BREAKS) * 3
    report = ingest_folder(store, folder, rejects_dir=tmp_path / "rej", today=TODAY)
    with open(folder / "answers" / "bad_rows.csv", newline="", encoding="utf-8") as handle:
        key = {(r["file"], int(r["line"]), r["record_or_id"], r["column"]): r["reason"]
               for r in csv.DictReader(handle)}  # fmt: skip
    got = {(r.file, r.line, r.record_or_id, r.column): r.reason for r in report.rejected_rows}
    assert set(got) == set(key)
    assert all(got[k].startswith(key[k]) for k in key)
    summary = json.loads((folder / "answers" / "summary.json").read_text())
    for f in report.files:
        if f.file in summary["files"]:
            counts = summary["files"][f.file]
            assert (f.read, f.stored) == (counts["rows"], counts["valid_rows"]), f.file
    assert_every_line_accounted_for(report, folder)


def test_a_huge_line_across_read_blocks_is_reported_at_its_whole_length(tmp_path) -> None:
    """A line too long to keep is cut while read (csvio keeps 80,000 bytes of it); its
    reason still gives its whole length in characters, and the next line is read."""
    from tracker.csvio import BLOCK_BYTES, read_chunks

    path = tmp_path / "workers.csv"
    short = "W{:07d},Somari Devi\n"
    lines = (BLOCK_BYTES - 40_000) // len(short.format(0))
    huge = "WHUGE," + "सोमारी" * 50_000  # 3 bytes a character: 300,006 characters
    with open(path, "w", encoding="utf-8") as out:
        out.write("worker_id,name\n")
        out.writelines(short.format(i) for i in range(lines))
        out.write(huge + "\n")
        out.write("WAFTER,Budhni\n")
    chunks = list(read_chunks(path, size=1_000_000, id_column="worker_id"))
    rejected = [p for c in chunks for p in c.rejected]
    assert [(p.line, p.record_id) for p in rejected] == [(lines + 2, "WHUGE")]
    assert rejected[0].reason.startswith(f"line is {len(huge):,} characters long"), rejected
    ids = [v for c in chunks for v in c.columns["worker_id"].to_pylist()]
    assert len(ids) == lines + 1 and ids[-1] == "WAFTER"
