"""The bulk check of well-formed rows (tracker.ingest.well_formed) against the row models.

The property: on generated cells of every file of the format (good values, values near a
rule's edge, and the spellings pydantic reads but the bulk check leaves to it), the import's
check (bulk, then pydantic on the rest) accepts and rejects exactly the rows that pydantic
alone does, with the same reasons, and gives the accepted rows the same typed values. And
the bulk check is really used: every good row of the sample batch passes it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.csvio import CsvChunk, read_chunks
from tracker.field_format import RECORD_FILES, RecordFile
from tracker.ingest.validation import LINE, _validated, check_rows, row_table
from tracker.ingest.well_formed import ColumnRule, rules_of, well_formed

TODAY = dt.date(2026, 11, 23)

TRICKY = [
    "",
    "0",
    "007",
    "+5",
    "-1",
    "1e3",
    "1_000",
    "12.0",
    "12.5",
    " 5",
    "yes",
    "True",
    "1",
    "nan",
    "inf",
    "2023-02-30",
    "2023-2-01",
    "0999-01-01",
    "2026-11-23",
    "2026-11-24",
    "20231201",
    "2023-12-01T00:00",
    "x",
]


def values_for(rule: ColumnRule) -> st.SearchStrategy[str | None]:
    """Cells for one column: mostly good values of its rule, some tricky ones."""
    good: st.SearchStrategy[str]
    if rule.words is not None:
        good = st.sampled_from(sorted(rule.words))
    elif rule.pattern is not None:
        good = st.from_regex(r"\A[0-9]{12}\Z")
    elif rule.kind is int:
        low, high = int(rule.low or 0), int(rule.high or 2026)
        good = st.integers(low - 2, high + 2).map(str)
    elif rule.kind is float:
        good = st.one_of(
            st.integers(0, 5000).map(str),
            st.decimals(0, 5000, places=2, allow_nan=False).map(str),
        )
    elif rule.kind is bool:
        good = st.sampled_from(["true", "false"])
    elif rule.kind is dt.date:
        good = st.dates(dt.date(1990, 1, 1), dt.date(2027, 1, 31)).map(dt.date.isoformat)
    else:
        good = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=8)
    return st.one_of(good, good, good, st.none(), st.sampled_from(TRICKY))


def chunk_of(rows: list[dict[str, str | None]], columns: list[str]) -> CsvChunk:
    arrays = {
        name: pa.array([None if not r[name] else r[name] for r in rows], pa.string())
        for name in columns
    }
    lines = np.arange(2, 2 + len(rows), dtype=np.int64)
    return CsvChunk(list(columns), arrays, lines, [], len(rows), 0)


@st.composite
def chunks(draw: st.DrawFn, spec: RecordFile) -> CsvChunk:
    rules = rules_of(spec.row)
    assert rules is not None
    present = [r for r in rules.columns if r.name in spec.columns]
    columns = [r.name for r in present]
    n = draw(st.integers(1, 30))
    rows = [{r.name: draw(values_for(r)) for r in present} for _ in range(n)]
    return chunk_of(rows, columns)


def pydantic_alone(spec: RecordFile, chunk: CsvChunk) -> tuple[pd.DataFrame, list]:
    """What the import did before the bulk check: every row through the row models."""
    models, accepted, refused = _validated(spec, chunk, np.arange(len(chunk)), TODAY)
    table = row_table(spec, models, chunk.columns, accepted)
    table[LINE] = chunk.lines[accepted]
    return table, refused


@pytest.mark.parametrize("spec", RECORD_FILES, ids=lambda s: s.name)
@settings(max_examples=30)
@given(data=st.data())
def test_bulk_check_agrees_with_the_row_models(spec: RecordFile, data: st.DataObject) -> None:
    chunk = data.draw(chunks(spec))
    good, rejected = check_rows(spec, chunk, TODAY)
    expected, refused = pydantic_alone(spec, chunk)
    assert sorted(rejected, key=lambda r: r.line) == sorted(refused, key=lambda r: r.line)
    pd.testing.assert_frame_equal(good, expected)
    # and the bulk check accepted only rows that the row models accept
    rules = rules_of(spec.row)
    assert rules is not None
    fast, _ = well_formed(rules, chunk.columns, len(chunk), TODAY)
    assert set(chunk.lines[fast]) <= set(expected[LINE])


def test_every_file_of_the_format_has_a_bulk_check() -> None:
    assert all(rules_of(spec.row) is not None for spec in RECORD_FILES)


@pytest.mark.parametrize("spec", RECORD_FILES, ids=lambda s: s.name)
def test_the_good_rows_of_the_sample_pass_the_bulk_check(spec: RecordFile, sample_dir) -> None:
    """Only rows the row models refuse are left to them: on the sample batch the bulk
    check passes every row that pydantic accepts."""
    path = sample_dir / spec.name
    if not path.is_file():
        pytest.skip(f"the sample has no {spec.name}")
    rules = rules_of(spec.row)
    assert rules is not None
    for chunk in read_chunks(path, 100_000, spec.id_column):
        fast, _ = well_formed(rules, chunk.columns, len(chunk), TODAY)
        expected, _ = pydantic_alone(spec, chunk)
        assert set(chunk.lines[fast]) == set(expected[LINE])
