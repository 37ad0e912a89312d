"""The `lmt` command of docs/spec/cli.md, run as a real process: exit statuses, `stats`,
`ingest --json`, quiet output off a terminal, `export`, `timeline`, the analytics outputs'
headers (docs/spec/field-records.md) and `lmt demo --no-serve`.

The library behind each command has its own tests (test_ingest.py, test_circuit_views.py,
test_contractor_network.py, ...); these check what a shell script or a cron job sees. The
sample batch is ingested once per module and shared, read-only after the fixture.
"""

from __future__ import annotations

import csv
import json
import os
import pty
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

TODAY = "2026-11-23"  # conftest.SAMPLE_TODAY: the sample's planted future dates lie in 2030+

NODE_FILES = {
    "Centre": "centres.csv",
    "Household": "households.csv",
    "Worker": "workers.csv",
    "Employer": "employers.csv",
    "Contractor": "contractors.csv",
}
EDGE_SOURCES = {  # edge type: the file and the column whose filled cells make one edge each
    "MEMBER_OF": ("workers.csv", "household_id"),
    "REGISTERED_AT": ("workers.csv", "registered_at"),
    "HOME_IN": ("households.csv", "home_district_code"),
    "LOCATED_IN": ("centres.csv", "district_code"),
    "OPERATES_IN": ("employers.csv", "district_code"),
    "BASED_IN": ("contractors.csv", "base_district_code"),
    "SUPPLIES": ("contractor_links.csv", "link_id"),
    "MOVED": ("moves.csv", "record_id"),
    "EMPLOYED_BY": ("employments.csv", "record_id"),
    "COMPLAINED_AGAINST": ("grievances.csv", "record_id"),
    "RECEIVED_SERVICE": ("services.csv", "record_id"),
    "IDENTITY_DECIDED": ("identity_decisions.csv", "decision_id"),
}
EVENT_FILES = (
    "moves.csv",
    "employments.csv",
    "grievances.csv",
    "services.csv",
    "identity_decisions.csv",
)
LINKAGE_COUNTS = {"nodes": ("Person",), "edges": ("IS_PERSON", "MATCHES")}
"""What the linkage after each ingest adds (tracker.identity), counted apart."""
RECORD_FILES = (*NODE_FILES.values(), "contractor_links.csv", *EVENT_FILES)
CIRCUITS_COLUMNS = [
    "person_id",
    "worker_id",
    "origin_district_code",
    "destination_district_code",
    "depart_month",
    "return_month",
    "seasons",
    "first_year",
    "last_year",
]
CONTRACTOR_RISK_COLUMNS = ["contractor_id", "risk_score", "flagged", "indicators", "reasons"]
CHAINS_COLUMNS = [
    "chain_id",
    "employer_id",
    "contractor_ids",
    "depth",
    "workers",
    "risk_score",
    "flagged",
]


def lmt(*args: str | Path, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    """Run `lmt ARGS` in its own process with stdout and stderr captured (pipes, not a
    terminal), judging dates against the sample's day, and never on a store or Neo4j server
    the environment names. Off a terminal `lmt` draws no progress bar: checked on every run."""
    environ = {k: v for k, v in os.environ.items() if k not in ("LMT_DB", "NEO4J_URI")}
    environ.update(LMT_TODAY=TODAY, **env)
    done = subprocess.run(
        [sys.executable, "-m", "lmt.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=environ,
        cwd=cwd,
        timeout=300,
    )
    assert "\r" not in done.stdout + done.stderr, "progress output off a terminal"
    assert "Traceback" not in done.stderr, done.stderr
    return done


def stats(db: Path) -> dict[str, dict[str, int]]:
    """`lmt stats --json` without what the linkage derives (every worker has one person)."""
    done = lmt("stats", "--db", db, "--json")
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)
    assert counts["edges"]["IS_PERSON"] == counts["nodes"]["Worker"]
    assert (
        0 < counts["nodes"]["Person"] <= counts["nodes"]["Worker"] or not counts["nodes"]["Worker"]
    )
    for group, names in LINKAGE_COUNTS.items():
        for name in names:
            counts[group].pop(name)
    return counts


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def header(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def good_rows(folder: Path, name: str, bad: set[tuple[str, int]]) -> list[dict[str, str]]:
    """The rows of ``folder/name`` that are not on a ``bad`` (file, line) (header = line 1)."""
    if not (folder / name).is_file():
        return []
    with open(folder / name, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return [row for row in reader if (name, reader.line_num) not in bad]


def expected_counts(folder: Path, bad: set[tuple[str, int]] = frozenset()) -> dict:
    """What `lmt stats --json` should say after ingesting ``folder`` into an empty store."""
    nodes = {"District": 640}
    nodes |= {label: len(good_rows(folder, name, bad)) for label, name in NODE_FILES.items()}
    edges = {
        kind: sum(bool(row.get(column)) for row in good_rows(folder, name, bad))
        for kind, (name, column) in EDGE_SOURCES.items()
    }
    return {"nodes": nodes, "edges": edges}


def write_batch(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# A small clean batch: one worker without a registration centre, one contractor without a
# base district (so neither makes an edge), two trips and a job.
SMALL = {
    "centres.csv": "centre_id,name,kind,district_code\nSRC-1,Kendra,source_centre,348\n",
    "households.csv": "household_id,home_district_code,village\nH1,348,Bargadpur\n",
    "workers.csv": (
        "worker_id,household_id,name,gender,birth_year,registered_at,registered_on\n"
        "W1,H1,Sunita Kumari,female,1990,SRC-1,2020-01-05\n"
        "W2,H1,Mohd Imran,male,1988,,\n"
    ),
    "employers.csv": "employer_id,name,sector,district_code\nE1,Kiln,brick_kiln,519\n",
    "contractors.csv": ("contractor_id,name,base_district_code\nC1,Sardar,348\nC2,Munshi,\n"),
    "contractor_links.csv": (
        "link_id,contractor_id,supplies_to_kind,supplies_to_id\nL1,C1,employer,E1\n"
    ),
    "moves.csv": (
        "record_id,worker_id,from_district_code,to_district_code,departed_on,arrived_on,"
        "contractor_id\n"
        "M1,W1,348,519,2024-11-01,2024-11-03,C1\n"
        "M2,W1,519,348,2025-05-20,2025-05-22,\n"
    ),
    "employments.csv": (
        "record_id,worker_id,employer_id,contractor_id,district_code,start_on\n"
        "EM1,W1,E1,C1,519,2024-11-04\n"
    ),
}
MOVES_WITH_BAD_ROWS = (
    "record_id,worker_id,from_district_code,to_district_code,departed_on,arrived_on\n"
    "M1,W1,348,519,2024-11-01,2024-11-03\n"
    "M2,W1,348,999,2025-01-10,\n"  # line 3: no district 999
    "M3,W2,348,519,2026-12-01,\n"  # line 4: after LMT_TODAY (2026-11-23)
    "M4,W2,348,519,2025-02-01,2025-02-03\n"
)


# -- the sample batch, ingested twice into one store shared by the module ---------------------


@dataclass
class SampleRun:
    db: Path
    folder: Path
    first: subprocess.CompletedProcess
    stats_first: dict
    second: subprocess.CompletedProcess
    stats_second: dict


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> SampleRun:
    folder = tmp_path_factory.mktemp("cli-sample")
    db = folder / "db"
    common = ("--db", db, "--rejects", folder / "rejects", "--json")
    first = lmt("ingest", sample_dir, *common, "--today", TODAY)
    stats_first = stats(db)
    second = lmt("ingest", sample_dir, *common)  # the day from $LMT_TODAY this time
    return SampleRun(db, folder, first, stats_first, second, stats(db))


@pytest.fixture(scope="module")
def answer_key(sample_dir: Path) -> dict:
    summary = json.loads((sample_dir / "answers" / "summary.json").read_text())
    bad = {(r["file"], int(r["line"])) for r in rows(sample_dir / "answers" / "bad_rows.csv")}
    return {"summary": summary, "bad": bad}


def test_a_batch_with_rejected_rows_exits_2_and_stores_its_good_rows(sample_run, answer_key):
    assert sample_run.first.returncode == 2, sample_run.first.stderr
    report = json.loads(sample_run.first.stdout)
    assert report["today"] == TODAY
    assert len(report["rejected_rows"]) == answer_key["summary"]["bad_rows"]["total"] > 0
    assert Path(report["rejects_dir"]) == sample_run.folder / "rejects"
    assert {(r["file"], r["line"]) for r in report["rejected_rows"]} == answer_key["bad"]
    # the good rows are stored all the same
    assert sample_run.stats_first["edges"]["MOVED"] > 0


def test_ingest_json_has_per_file_read_stored_replaced_rejected(sample_run, answer_key):
    files = answer_key["summary"]["files"]
    first = {f["file"]: f for f in json.loads(sample_run.first.stdout)["files"]}
    # the sample predates format 1.1: it has no identity_decisions.csv
    assert set(first) == set(files) == set(RECORD_FILES) - {"identity_decisions.csv"}
    for name, counts in first.items():
        expected = files[name]
        assert counts["read"] == expected["rows"], name
        assert counts["stored"] == expected["valid_rows"], name
        assert counts["replaced"] == 0, name
        assert counts["rejected"] == expected["rows"] - expected["valid_rows"], name
    # the second time round nothing is new: every good row is unchanged, the bad ones
    # are rejected again
    assert sample_run.second.returncode == 2
    second = {f["file"]: f for f in json.loads(sample_run.second.stdout)["files"]}
    for name, counts in second.items():
        assert counts["read"] == first[name]["read"], name
        assert counts["stored"] == counts["replaced"] == 0, name
        assert counts["unchanged"] == first[name]["stored"], name
        assert counts["rejected"] == first[name]["rejected"], name


def test_stats_count_what_was_ingested_and_a_second_ingest_changes_nothing(
    sample_run, sample_dir, answer_key
):
    assert sample_run.stats_first == expected_counts(sample_dir, answer_key["bad"])
    assert sample_run.stats_second == sample_run.stats_first


def test_stats_prints_a_table_without_json(sample_run):
    done = lmt("stats", "--db", sample_run.db)
    assert done.returncode == 0
    lines = dict(line.split() for line in done.stdout.splitlines() if line.strip())
    assert lines["label"] == lines["type"] == "count"
    assert lines["Worker"] == f"{sample_run.stats_first['nodes']['Worker']:,}"
    assert lines["MOVED"] == f"{sample_run.stats_first['edges']['MOVED']:,}"


# -- small hand-made batches ------------------------------------------------------------------


def test_a_clean_batch_exits_0_and_a_correction_replaces_its_record(tmp_path):
    batch = write_batch(tmp_path / "batch", SMALL)
    db = tmp_path / "db"
    done = lmt("ingest", batch, "--db", db)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "moves.csv" in done.stdout and "done in" in done.stdout
    assert not (tmp_path / "batch-rejects").exists()
    counts = stats(db)
    assert counts == expected_counts(batch)
    assert counts["edges"]["REGISTERED_AT"] == counts["edges"]["BASED_IN"] == 1  # empty cells

    # a later batch with only moves.csv, correcting M2's arrival: replaced, not added
    fix = write_batch(
        tmp_path / "fix",
        {"moves.csv": SMALL["moves.csv"].replace("2025-05-22", "2025-05-23")},
    )
    done = lmt("ingest", fix, "--db", db, "--json")
    assert done.returncode == 0, done.stderr
    (moves,) = json.loads(done.stdout)["files"]
    assert moves == {
        "file": "moves.csv", "read": 2, "stored": 0, "replaced": 1, "unchanged": 1, "rejected": 0,
        "blank": 0, "problem": None,
    }  # fmt: skip
    assert stats(db) == counts


def test_rejected_rows_exit_2_good_rows_are_stored_and_rejects_go_beside_the_batch(tmp_path):
    batch = write_batch(tmp_path / "batch", {**SMALL, "moves.csv": MOVES_WITH_BAD_ROWS})
    db = tmp_path / "db"
    done = lmt("ingest", batch, "--db", db)
    assert done.returncode == 2
    rejects = tmp_path / "batch-rejects"  # the default: DIR-rejects
    assert f"2 rows rejected; see {rejects}" in done.stderr
    assert stats(db) == expected_counts(batch, {("moves.csv", 3), ("moves.csv", 4)})
    assert stats(db)["edges"]["MOVED"] == 2
    report = rows(rejects / "report.csv")
    assert [(r["file"], r["line"], r["column"]) for r in report] == [
        ("moves.csv", "3", "to_district_code"),
        ("moves.csv", "4", "departed_on"),
    ]
    assert all(r["reason"] for r in report)
    assert [r["record_id"] for r in rows(rejects / "moves.csv")] == ["M2", "M3"]

    # --today wins over $LMT_TODAY: judged from 2027, M3's date is no longer in the future.
    # (M3 is new and sits between the held M1 and M4: this once crashed the import with
    # "Cannot convert non-finite values", tracker.tables.lookup aligning by label.)
    done = lmt("ingest", batch, "--db", db, "--today", "2027-01-01", "--json")
    assert done.returncode == 2
    assert [r["line"] for r in json.loads(done.stdout)["rejected_rows"]] == [3]
    assert stats(db)["edges"]["MOVED"] == 3


@pytest.mark.parametrize(
    "contents",
    [{}, {"notes.txt": "moves to come\n", "other.csv": "a,b\n1,2\n"}],
    ids=["empty", "no-format-files"],
)
def test_a_folder_without_records_is_a_failure(tmp_path, contents):
    folder = write_batch(tmp_path / "batch", contents)
    done = lmt("ingest", folder, "--db", tmp_path / "db")
    assert done.returncode == 1
    assert done.stderr.startswith(f"lmt ingest: {folder} holds none of the field-record files")
    assert done.stdout == ""


def test_a_missing_folder_is_a_failure(tmp_path):
    done = lmt("ingest", tmp_path / "nowhere", "--db", tmp_path / "db")
    assert done.returncode == 1
    assert done.stderr == f"lmt ingest: {tmp_path / 'nowhere'} is not a folder\n"


@pytest.mark.parametrize(
    "args",
    [
        ["ingest", "--db", "x"],  # DIR missing
        ["timeline", "--db", "x"],  # WORKER_ID missing
        ["stats", "--db", "x", "--bogus"],
        ["ingest", "batch", "--rejects"],  # --rejects without its DIR
        ["ingest", "batch", "--today", "23/11/2026"],  # not YYYY-MM-DD
        ["frobnicate"],
        [],
    ],
    ids=[
        "ingest-no-dir",
        "timeline-no-id",
        "unknown-option",
        "option-no-value",
        "bad-date",
        "command",
        "none",
    ],
)
def test_usage_errors_exit_2_with_usage(tmp_path, args):
    done = lmt(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert "usage: lmt" in done.stderr and "error:" in done.stderr
    assert done.stdout == ""
    assert list(tmp_path.iterdir()) == []  # nothing opened or created


def test_progress_bar_on_a_terminal_only(tmp_path):
    """The other side of the check in `lmt()`: with stderr on a terminal the bar is drawn."""
    batch = write_batch(tmp_path / "batch", SMALL)
    leader, follower = pty.openpty()
    environ = {**os.environ, "LMT_TODAY": TODAY}
    process = subprocess.Popen(
        [sys.executable, "-m", "lmt.cli", "ingest", str(batch), "--db", str(tmp_path / "db")],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=environ,
    )
    os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    out = process.stdout.read()
    process.stdout.close()
    assert process.wait(timeout=60) == 0
    assert b"\rchecking moves.csv" in drawn and b"100%" in drawn
    assert b"\r" not in out  # stdout is a pipe: the table only


# -- export and timeline on the sample store -------------------------------------------------


def test_export_writes_the_format_and_reimports_cleanly(sample_run, tmp_path):
    out = tmp_path / "export"
    done = lmt("export", out, "--db", sample_run.db)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(RECORD_FILES)
    assert header(out / "moves.csv")[:5] == [
        "record_id", "worker_id", "from_district_code", "to_district_code", "departed_on"
    ]  # fmt: skip
    printed = dict(line.split() for line in done.stdout.splitlines())
    assert printed["workers.csv"] == f"{len(rows(out / 'workers.csv')):,}"
    assert printed["moves.csv"] == f"{sample_run.stats_first['edges']['MOVED']:,}"
    # what the store holds is a clean batch: it imports with status 0 to the same counts
    again = lmt("ingest", out, "--db", tmp_path / "db")
    assert again.returncode == 0, again.stderr
    assert stats(tmp_path / "db") == sample_run.stats_first


@pytest.fixture(scope="module")
def sample_worker(sample_dir: Path, answer_key) -> tuple[dict, set[str]]:
    """The first worker of the sample's workers.csv with a rejected event and at least two
    good ones, with the record ids of their good events."""
    every = {name: good_rows(sample_dir, name, set()) for name in EVENT_FILES}
    good = {name: good_rows(sample_dir, name, answer_key["bad"]) for name in EVENT_FILES}

    def events_of(worker_id: str, files: dict) -> set[str]:
        return {r["record_id"] for rs in files.values() for r in rs if r["worker_id"] == worker_id}

    for worker in rows(sample_dir / "workers.csv"):
        mine = events_of(worker["worker_id"], good)
        if len(events_of(worker["worker_id"], every)) > len(mine) >= 2:
            return worker, mine
    raise AssertionError("no worker in the sample with good and rejected events")


def test_timeline_prints_the_workers_events_oldest_first(sample_run, sample_worker):
    worker, record_ids = sample_worker
    done = lmt("timeline", worker["worker_id"], "--db", sample_run.db, "--json")
    assert done.returncode == 0, done.stderr
    timeline = json.loads(done.stdout)
    assert timeline["worker"] == worker["worker_id"]
    shown = {r for event in timeline["events"] for r in event["record_ids"]}
    assert shown == record_ids  # every good event, none of the rejected ones
    dates = [e["date"] for e in timeline["events"] if e["date"]]
    assert dates == sorted(dates) and len(dates) >= 2

    text = lmt("timeline", worker["worker_id"], "--db", sample_run.db)
    assert text.returncode == 0, text.stderr
    first, *lines = text.stdout.splitlines()
    assert first.startswith(f"{worker['worker_id']}  {worker['name']}  (")
    assert all(any(r in line for line in lines) for r in record_ids)
    days = [line[:10] for line in lines if line[:4].isdigit()]
    assert days == sorted(days) and len(days) == len(dates)


def test_timeline_of_an_unknown_worker_fails_with_a_message(sample_run):
    done = lmt("timeline", "W9999999", "--db", sample_run.db)
    assert done.returncode == 1
    assert done.stderr == "lmt timeline: no worker 'W9999999' in the store\n"
    assert done.stdout == ""


# -- analytics outputs on the sample store ---------------------------------------------------


def test_circuits_writes_circuits_csv_with_the_format_header(sample_run, sample_dir, tmp_path):
    out = tmp_path / "out" / "circuits.csv"
    done = lmt("circuits", "--db", sample_run.db, "--out", out)
    assert done.returncode == 0, done.stderr
    assert header(out)[: len(CIRCUITS_COLUMNS)] == CIRCUITS_COLUMNS
    circuits = rows(out)
    assert f"{len(circuits):,} circuits of" in done.stdout and f"wrote {out}" in done.stdout
    workers = {w["worker_id"] for w in rows(sample_dir / "workers.csv")}
    assert circuits and {c["worker_id"] for c in circuits} <= workers
    assert all(c["person_id"] for c in circuits)  # lmt ingest linked the registrations
    for c in circuits:
        assert 1 <= int(c["depart_month"]) <= 12 and 1 <= int(c["return_month"]) <= 12
        assert int(c["seasons"]) >= 2 and int(c["first_year"]) < int(c["last_year"])
        assert c["origin_district_code"] != c["destination_district_code"]


def test_contractors_writes_contractor_risk_csv_with_the_format_header(sample_run, tmp_path):
    out = tmp_path / "contractor_risk.csv"
    done = lmt("contractors", "--db", sample_run.db, "--out", out)
    assert done.returncode == 0, done.stderr
    assert header(out)[: len(CONTRACTOR_RISK_COLUMNS)] == CONTRACTOR_RISK_COLUMNS
    risk = rows(out)
    assert len(risk) == sample_run.stats_first["nodes"]["Contractor"]  # one row per contractor
    assert {r["flagged"] for r in risk} == {"true", "false"}
    assert all(0 <= float(r["risk_score"]) <= 1 for r in risk)
    assert f"wrote {out}" in done.stderr


def test_chains_writes_chains_csv_with_the_format_header(sample_run, sample_dir, tmp_path):
    out = tmp_path / "chains.csv"
    done = lmt("chains", "--db", sample_run.db, "--out", out)
    assert done.returncode == 0, done.stderr
    assert header(out)[: len(CHAINS_COLUMNS)] == CHAINS_COLUMNS
    chains = rows(out)
    contractors = {c["contractor_id"] for c in rows(sample_dir / "contractors.csv")}
    assert chains
    for chain in chains:
        ids = chain["contractor_ids"].split("|")
        assert set(ids) <= contractors and int(chain["depth"]) == len(ids)
        assert chain["flagged"] in ("true", "false")
    assert f"wrote {out}" in done.stderr


# -- lmt demo ---------------------------------------------------------------------------------

DEMO_RESULTS = (
    "circuits.csv",
    "corridors.csv",
    "calendar.csv",
    "calendar.png",
    "district_flows.graphml",
    "district_flows.gexf",
    "contractor_risk.csv",
    "contractor_network.graphml",
    "contractor_network.png",
    "chains.csv",
)


def test_demo_without_serving_runs_to_the_end_and_leaves_its_outputs(tmp_path):
    out, db = tmp_path / "demo", tmp_path / "db"
    done = lmt("demo", "--no-serve", "--workers", "300", "--out", out, "--db", db, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    steps = [line for line in done.stdout.splitlines() if line.startswith("== ")]
    assert [s[3:6] for s in steps] == ["1/5", "2/5", "3/5", "4/5", "5/5"]
    assert f"lmt serve --db {db}" in steps[-1]
    assert sorted(p.name for p in (out / "batch").glob("*.csv")) == sorted(RECORD_FILES)
    for name in DEMO_RESULTS:
        assert (out / "results" / name).stat().st_size > 0, name
    assert header(out / "results" / "circuits.csv")[: len(CIRCUITS_COLUMNS)] == CIRCUITS_COLUMNS
    assert header(out / "results" / "contractor_risk.csv")[:5] == CONTRACTOR_RISK_COLUMNS
    assert header(out / "results" / "chains.csv")[:7] == CHAINS_COLUMNS
    assert (out / "rejects" / "report.csv").is_file()  # synth plants bad rows
    keys = dict(line.split() for line in (out / "keys.txt").read_text().splitlines())
    assert sorted(keys) == ["admin", "advocacy", "field", "researcher"]
    assert all(key.startswith("lmt_") and key in done.stdout for key in keys.values())
    registrations = (out / "batch" / "workers.csv").read_text().count("\n") - 1
    assert stats(db)["nodes"]["Worker"] == registrations > 300  # some persons registered twice
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db", "demo"]  # nothing else


def test_demo_stops_when_its_batch_holds_no_records(tmp_path):
    empty = write_batch(tmp_path / "empty", {})
    done = lmt("demo", empty, "--no-serve", "--out", tmp_path / "demo", "--db", tmp_path / "db")
    assert done.returncode == 1
    assert "holds none of the field-record files" in done.stderr
    assert "3/5" not in done.stdout


def test_ingest_links_unless_told_not_to_and_persons_links_later(sample_run, tmp_path, sample_dir):
    """`lmt ingest` links the new registrations (its JSON says how many, and how long);
    `--no-link` imports only, and `lmt persons` links them afterwards."""
    linked = json.loads(sample_run.first.stdout)["linkage"]
    assert linked["new_registrations"] == stats(sample_run.db)["nodes"]["Worker"]
    assert 0 < linked["persons"] <= linked["new_registrations"] and linked["seconds"] > 0
    db = tmp_path / "db"
    done = lmt("ingest", sample_dir, "--db", db, "--rejects", tmp_path / "r", "--no-link", "--json")
    assert done.returncode == 2, done.stderr
    assert "linkage" not in json.loads(done.stdout)
    counts = json.loads(lmt("stats", "--db", db, "--json").stdout)
    assert counts["edges"]["IS_PERSON"] == 0 < counts["nodes"]["Worker"]
    done = lmt("persons", "--db", db, "--out", tmp_path / "persons.csv")
    assert done.returncode == 0, done.stderr
    counts = json.loads(lmt("stats", "--db", db, "--json").stdout)
    assert counts["nodes"]["Person"] == linked["persons"]
    assert counts["edges"]["IS_PERSON"] == counts["nodes"]["Worker"]
