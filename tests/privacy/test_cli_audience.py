"""The files `lmt` writes go through the one disclosure step, for the role `--for` names.

Written by the real commands, in their own processes, over the sample batch ingested: for
admin (the default) the ids as they are; for a researcher project the pseudonyms its API
keys see and no count below 5; for advocacy no worker ids at all, counts below 5 emptied and
the free text written "fewer than 5"; pictures, which draw exact counts, refused.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tracker.access.pseudonyms import Pseudonyms

TODAY = "2026-11-23"
SMALL_NUMBER_TEXT = re.compile(r"\b[1-4] (different )?(workers?|persons?|complain)")


def lmt(*args: str | Path) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("LMT_DB", "NEO4J_URI")}
    environ["LMT_TODAY"] = TODAY
    return subprocess.run(
        [sys.executable, "-m", "lmt.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
    )


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def db(tmp_path_factory, sample_dir) -> Path:
    folder = tmp_path_factory.mktemp("cli-audience")
    done = lmt("ingest", sample_dir, "--db", folder / "db", "--rejects", folder / "rejects")
    assert done.returncode == 2, done.stderr  # the sample's planted bad rows
    return folder / "db"


def test_circuits_for_a_researcher_project_carry_its_pseudonyms(db, tmp_path):
    admin, researcher = tmp_path / "admin.csv", tmp_path / "researcher.csv"
    assert lmt("circuits", "--db", db, "--out", admin).returncode == 0
    done = lmt("circuits", "--db", db, "--out", researcher, "--for", "researcher",
               "--project", "flows-2026")  # fmt: skip
    assert done.returncode == 0, done.stderr
    exact, shown = rows(admin), rows(researcher)
    assert len(exact) == len(shown) > 0
    assert "worker_id" not in shown[0] and "person_id" not in shown[0]
    # the pseudonyms of the project, from the key the server keeps beside the access database
    pseudonyms = Pseudonyms.from_file(db)
    assert [r["worker"] for r in shown] == [
        pseudonyms.of(r["worker_id"], "flows-2026") for r in exact
    ]
    other = tmp_path / "other.csv"
    assert lmt("circuits", "--db", db, "--out", other, "--for", "researcher").returncode == 0
    assert not {r["worker"] for r in rows(other)} & {r["worker"] for r in shown}


def test_contractor_risk_for_advocacy_says_fewer_than_five(db, tmp_path):
    admin, advocacy = tmp_path / "admin.csv", tmp_path / "advocacy.csv"
    assert lmt("contractors", "--db", db, "--out", admin).returncode == 0
    done = lmt("contractors", "--db", db, "--out", advocacy, "--for", "advocacy")
    assert done.returncode == 0, done.stderr
    exact, shown = rows(admin), rows(advocacy)
    assert [r["contractor_id"] for r in exact] == [r["contractor_id"] for r in shown]
    texts = " ".join(r["reasons"] + " " + r["indicators"] for r in exact)
    assert SMALL_NUMBER_TEXT.search(texts), "the sample has small counts to hide"
    shown_texts = " ".join(r["reasons"] + " " + r["indicators"] for r in shown)
    assert not SMALL_NUMBER_TEXT.search(shown_texts)
    assert "fewer than 5" in shown_texts
    counted = [c for c in shown[0] if c.endswith("workers") or c.startswith("workers")]
    assert counted, "the table has counts of workers"
    for row in shown:
        for column in counted:
            assert row[column] == "" or int(float(row[column])) == 0 or float(row[column]) >= 5


def test_journeys_for_a_researcher_and_a_cohort_too_small_to_show(db, tmp_path):
    out, seqs = tmp_path / "persons.csv", tmp_path / "sequences.csv"
    done = lmt("journeys", "--db", db, "--out", out, "--sequences", seqs, "--for", "researcher")
    assert done.returncode == 0, done.stderr
    persons, wide = rows(out), rows(seqs)
    assert persons and wide
    assert all(r["person"].startswith("P-") for r in persons + wide)
    assert "worker_id" not in persons[0] and "person_id" not in wide[0]
    # a home district with 1 to 4 persons of the cohort: admin gets them, a researcher no one
    admin = tmp_path / "admin.csv"
    assert lmt("journeys", "--db", db, "--out", admin).returncode == 0
    homes = Counter(r["origin_district_code"] for r in rows(admin))
    district = next(code for code, n in sorted(homes.items()) if 0 < n < 5)
    for role, expected in (("admin", homes[district]), ("researcher", 0)):
        small = tmp_path / f"small-{role}.csv"
        done = lmt("journeys", "--db", db, "--out", small, "--for", role,
                   "--origin-district", district)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert len(rows(small)) == expected, role


@pytest.mark.parametrize(
    "args",
    [
        ("circuits", "--plot", "x.png", "--for", "advocacy"),
        ("contractors", "--graphml", "x.graphml", "--for", "researcher"),
        ("journeys", "--chronogram", "x.png", "--for", "researcher"),
        ("chains", "--project", "p"),
    ],
)
def test_what_cannot_be_written_for_a_role_is_refused(db, tmp_path, args):
    done = lmt(args[0], "--db", db, "--out", tmp_path / "out.csv", *args[1:])
    assert done.returncode == 2
    assert "--for" in done.stderr or "--project" in done.stderr
    assert not (tmp_path / "out.csv").exists()


def test_files_that_name_workers_are_audited_as_reads_of_every_worker(db, tmp_path):
    """Writing circuits.csv or a cohort's persons is a read of every worker (committed before
    the file is written); advocacy files name no worker, so they are not."""
    from tracker.access import AccessDB, AuditLog

    def logged() -> list[tuple[str, str | None, str | None]]:
        access = AccessDB(db / "access.sqlite3")
        try:
            _, entries = AuditLog(access).entries(limit=1000)
        finally:
            access.close()
        return [(e.action, e.worker_id, e.detail) for e in entries]

    before = len(logged())
    for command, role in (("circuits", "admin"), ("journeys", "researcher"),
                          ("circuits", "advocacy")):  # fmt: skip
        done = lmt(command, "--db", db, "--out", tmp_path / f"{command}-{role}.csv", "--for", role)
        assert done.returncode == 0, done.stderr
    new = logged()[: len(logged()) - before]
    assert sorted(new) == [
        ("circuits", "*", "lmt circuits --for admin"),
        ("journeys", "*", "lmt journeys --for researcher"),
    ]
