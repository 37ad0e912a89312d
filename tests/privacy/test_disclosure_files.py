"""The analytics files go through the one disclosure step too (privacy issue, finding 1):
``tracker.spreadsheet.write_sheet`` writes a declared table as a role may see it. Written
for each role from the sample store, no file for a researcher or advocacy key holds a
count of 1 to 4 people (in a column or in words) or an identifying column; the ``lmt``
commands write for their operator (admin) with every column declared."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from analytics.chains import chains_from_store
from analytics.circuits import circuits_from_store, circuits_of_journeys, journeys_from_store
from analytics.contractor_risk import contractor_risk_from_store
from analytics.corridors import corridor_view, seasonal_calendar
from graph_schema.disclosure import TABLES, Kind
from tracker.access import Role
from tracker.access.disclosure import DisclosureError, count_words
from tracker.spreadsheet import write_sheet

SMALL_IN_WORDS = re.compile(
    r"(?<![\w.:-])[1-4] (?:different )?workers?\b|\b\w+:[1-4](?![\d.])|\b[a-z]+ [1-4](?=[,)])"
)
ROLES = [*Role, None]


@pytest.fixture(scope="module")
def tables(sample_store):
    """Each file's table, by name, as a function of the words its text is written in."""
    circuits = circuits_of_journeys(journeys_from_store(sample_store))
    return {
        "circuits": lambda words: circuits_from_store(sample_store),
        "calendar": lambda words: seasonal_calendar(circuits),
        "corridors": lambda words: corridor_view(circuits, words),
        "contractors": lambda words: contractor_risk_from_store(sample_store, words),
        "chains": lambda words: chains_from_store(sample_store)[0],
    }


@pytest.mark.parametrize("role", ROLES, ids=lambda r: str(r))
def test_files_written_for_a_role_hold_nothing_it_may_not_see(tables, tmp_path, role):
    suppress = role is None or role.suppressed
    for name, table_of in tables.items():
        path = write_sheet(table_of(count_words(role)), tmp_path / f"{name}.csv", name, role)
        with Path(path).open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows, name
        kinds = TABLES[name]
        columns = set(rows[0])
        if role is None or not role.sees_identities:
            assert not {c for c in columns if kinds.get(c) is Kind.IDENTIFYING}, name
            if role is None or not role.pseudonymised:
                assert not {c for c in columns if kinds.get(c) is Kind.PERSON_ID}, name
            for row in rows:
                assert not any(re.fullmatch(r"W\d{7}", v) for v in row.values()), (name, row)
        if not suppress:
            continue
        for row in rows:
            for column, cell in row.items():
                if kinds.get(column) is Kind.PEOPLE:
                    assert cell in ("", "0") or int(float(cell)) >= 5, (name, column, cell)
                elif kinds.get(column) is Kind.PEOPLE_TEXT:
                    assert not SMALL_IN_WORDS.search(cell), (name, column, cell)


def test_a_file_of_exact_words_cannot_be_written_for_a_suppressed_role(tables, tmp_path):
    exact = tables["contractors"](count_words(Role.ADMIN))
    with pytest.raises(DisclosureError, match="exact counts"):
        write_sheet(exact, tmp_path / "risk.csv", "contractors", Role.ADVOCACY)
    assert not (tmp_path / "risk.csv").exists()
    with pytest.raises(DisclosureError, match="no disclosure declaration"):
        write_sheet(exact.assign(helpers=1), tmp_path / "risk.csv", "contractors")
