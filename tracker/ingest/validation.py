"""Checking the rows of one file: each row on its own, then the file's ids against the graph.

Row checks are the pydantic row models of ``tracker.field_format`` (types, enumerations, ISO
dates, dates not after the batch's day, Census district codes, arrival not before
departure). Reference checks are vectorised: every id a row names must be a node already in
the store, which holds this batch's good entity rows by the time events are checked,
because files are imported in dependency order.

A rejection names file, line, column and reason; ``tracker.ingest.rejects`` later copies the
row's cells exactly as sent into the rejects folder, so it can be fixed and imported as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import pandas as pd
from pydantic import TypeAdapter, ValidationError

from graph_schema import Node
from graph_schema.properties import model_property_types
from graph_schema.types import CensusCode, judged_on
from tracker.csvio import CsvChunk
from tracker.field_format import RECORD_FILES, RecordFile, Row
from tracker.store import GraphStore
from tracker.tables import isin, typed

LINE = "_line"
"""Column of a good-rows frame holding each row's line number in its file."""


@dataclass(frozen=True)
class Rejection:
    file: str
    line: int
    record_id: str
    column: str
    reason: str


@cache
def _chunk_validator(row: type[Row]) -> TypeAdapter:
    """One validator per file for a whole chunk: far less overhead than one call per row."""
    # the item type is a run-time value (one adapter per row model), which mypy cannot check
    return TypeAdapter(list[row])  # type: ignore[valid-type]


def check_rows(
    spec: RecordFile, chunk: CsvChunk, today: dt.date
) -> tuple[pd.DataFrame, list[Rejection]]:
    """Validate one chunk: the good rows as a typed frame (plus ``_line``), and a rejection
    for each bad row (the lines the reader could not read included), naming its first
    failing column in spec order."""
    known = [c for c in spec.columns if c in chunk.columns]
    order = {name: i for i, name in enumerate(spec.columns)}
    rejected = [
        Rejection(spec.name, p.line, p.record_id, p.column, p.reason) for p in chunk.rejected
    ]
    cells = {name: chunk.columns[name].to_pylist() for name in known}
    records: list[dict[str, str | None]] = (
        [dict(zip(known, values, strict=True)) for values in zip(*cells.values(), strict=True)]
        if known
        else [{} for _ in range(len(chunk))]
    )
    bad: set[int] = set()
    token = judged_on.set(today)
    try:
        _chunk_validator(spec.row).validate_python(records)
    except ValidationError as error:
        by_row: dict[int, list] = {}
        for item in error.errors(include_url=False):
            by_row.setdefault(int(item["loc"][0]), []).append(item)
        for i, items in by_row.items():
            record = records[i].get(spec.id_column) or ""
            column, reason = _first_problem(items, order)
            rejected.append(Rejection(spec.name, int(chunk.lines[i]), record, column, reason))
            bad.add(i)
    finally:
        judged_on.reset(token)

    keep = [i for i in range(len(records)) if i not in bad]
    good = pd.DataFrame(
        {name: [cells[name][i] for i in keep] for name in known}, columns=known, dtype="str"
    )
    # Good rows are kept typed: a million moves take far less memory than their text.
    good = typed(good, {c: t for c, t in model_property_types(spec.row).items() if c in known})
    good[LINE] = chunk.lines[keep]
    return good, rejected


def _first_problem(items: list[dict], order: dict[str, int]) -> tuple[str, str]:
    """The failing column that comes first in the spec, with a reason a person can act on.

    ``items`` are one row's pydantic errors; their ``loc`` is (row, column) or (row,) for a
    rule across columns."""
    problems = []
    for item in items:
        loc = item["loc"][1:]
        column = str(loc[0]) if loc else _column_named_in(item["msg"], order)
        problems.append((order.get(column, len(order)), column, _reason(item, column, bool(loc))))
    _, column, reason = min(problems)
    return column, reason


def _column_named_in(message: str, order: dict[str, int]) -> str:
    """A rule across columns ("arrived_on before departed_on") blames the first it names."""
    words = message.replace("Value error, ", "").split()
    return next((w for w in words if w in order), "")


def _reason(item: dict, column: str, on_column: bool) -> str:
    kind, value = item["type"], item.get("input")
    if not on_column:  # a rule across columns or a date rule: its message names the column
        return str(item["msg"]).removeprefix("Value error, ")
    if kind == "missing" or value is None:
        return f"missing required {column}"
    if kind == "literal_error":
        return f"unknown {column} {value!r}"
    if kind in ("greater_than_equal", "less_than_equal") and column in _district_columns():
        return f"unknown district code in {column}: {value!r}"
    if kind.startswith(("date_", "datetime_")):
        return f"unparseable date in {column}: {value!r}"
    if kind in ("int_parsing", "int_from_float"):
        return f"not a whole number in {column}: {value!r}"
    if kind == "float_parsing":
        return f"not a number in {column}: {value!r}"
    if kind == "bool_parsing":
        return f"not true/false in {column}: {value!r}"
    return f"{item['msg']} in {column}: {value!r}"


@cache
def _district_columns() -> frozenset[str]:
    return frozenset(
        name
        for spec in RECORD_FILES
        for name, field in spec.row.model_fields.items()
        if any(isinstance(m, CensusCode) for m in field.metadata)
    )


def check_references(
    spec: RecordFile, good: pd.DataFrame, store: GraphStore
) -> tuple[pd.DataFrame, list[Rejection]]:
    """Drop rows naming an id that is not in the graph; reject each with the first such id."""
    bad: dict[int, tuple[str, str]] = {}
    for column, kind_column, labels in spec.references():
        if column not in good.columns:
            continue
        for kind, node in labels.items():
            rows = good[good[column].notna()]
            if kind is not None:
                rows = rows[rows[kind_column] == kind]
            if rows.empty:
                continue
            unknown = ~isin(rows[column], _known_ids(store, node, rows[column].unique()))
            for i in rows.index[unknown]:
                bad.setdefault(i, (column, f"unknown {column} {good.at[i, column]!r}"))
    failures = [_rejection(spec, good, i, column, reason) for i, (column, reason) in bad.items()]
    return good.drop(index=list(bad)), failures


def _known_ids(store: GraphStore, node: type[Node], ids: Iterable[str]) -> pd.Series:
    return store.node_table(node, keys=list(ids))[node.key]


def drop_repeated_ids(spec: RecordFile, good: pd.DataFrame) -> tuple[pd.DataFrame, list[Rejection]]:
    """An id is unique within its file: a repeat is rejected, naming the first line."""
    repeated = good[spec.id_column].duplicated(keep="first")
    if not repeated.any():
        return good, []
    first_line = good.groupby(spec.id_column)[LINE].transform("first")
    failures = [
        _rejection(
            spec, good, i, spec.id_column, f"{spec.id_column} already given on line {first_line[i]}"
        )
        for i in good.index[repeated]
    ]
    return good[~repeated], failures


def _rejection(spec: RecordFile, good: pd.DataFrame, i: int, column: str, reason: str) -> Rejection:
    return Rejection(
        spec.name, int(good.at[i, LINE]), str(good.at[i, spec.id_column]), column, reason
    )
