"""Checking the rows of one file: each row on its own, then the file's ids against the graph.

Row checks are the pydantic row models of ``tracker.field_format`` (types, enumerations, ISO
dates, dates not after the batch's day, Census district codes, arrival not before
departure). Reference checks are vectorised: every id a row names must be a node already in
the store, which holds this batch's good entity rows by the time events are checked,
because files are imported in dependency order.

Cells are parsed once, here: the row models read each row's strings (what a boolean, a
number or a date is, is pydantic's definition), and the good rows leave as the file's
typed table, built from the models (``row_table``), which the reference checks and
``tracker.ingest.store_writes`` use as it is.

A rejection names file, line, column and reason; ``tracker.ingest.rejects`` later copies the
row's cells exactly as sent into the rejects folder, so it can be fixed and imported as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from operator import attrgetter
from typing import Annotated, Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pydantic import Field, TypeAdapter, ValidationError

from graph_schema import Node
from graph_schema.properties import PropertyType, model_property_types
from graph_schema.types import CensusCode, judged_on
from tracker.csvio import CsvChunk
from tracker.field_format import RECORD_FILES, RecordFile, Row
from tracker.ingest.well_formed import rules_of, well_formed
from tracker.store import GraphStore
from tracker.tables import from_arrow, isin

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
    """One validator per file for a whole chunk (far less overhead than one call per row).

    Each item comes out as the row's model or, when the row breaks a rule, as its cells
    unchanged (the union's fallback), so one bad row does not cost the chunk's good models.
    The bad rows' reasons come from ``_error_validator``."""
    # the item type is a run-time value (one adapter per row model), which mypy cannot check
    item = Annotated[row | Any, Field(union_mode="left_to_right")]  # type: ignore[valid-type]
    return TypeAdapter(list[item])


@cache
def _error_validator(row: type[Row]) -> TypeAdapter:
    """The same rules on the bad rows alone, which raise: their errors name column and rule."""
    return TypeAdapter(list[row])  # type: ignore[valid-type]


def check_rows(
    spec: RecordFile, chunk: CsvChunk, today: dt.date
) -> tuple[pd.DataFrame, list[Rejection]]:
    """Validate one chunk: the good rows as the file's typed table (``row_table``, plus
    ``_line``), in line order, and a rejection for each bad row (the lines the reader could
    not read included), naming its first failing column in spec order.

    The rows found well formed in bulk (``tracker.ingest.well_formed``) are typed from
    their cells there; the others are validated by the row models, which accept some of
    them and give the rest their reasons. Either way a boolean, a number or a date means
    what pydantic reads, and the store writes use the table as it is."""
    rejected = [
        Rejection(spec.name, p.line, p.record_id, p.column, p.reason) for p in chunk.rejected
    ]
    rules = rules_of(spec.row)
    values: dict[str, pa.Array] = {}
    if rules is None:
        fast = np.zeros(len(chunk), dtype=bool)
    else:
        fast, values = well_formed(rules, chunk.columns, len(chunk), today)
    rest = np.flatnonzero(~fast)
    models, accepted, refused = _validated(spec, chunk, rest, today)
    rejected += refused
    parts = []
    if fast.any():
        at = np.flatnonzero(fast)
        part = _typed_table(spec, values, at)
        part[LINE] = chunk.lines[at]
        parts.append(part)
    if models or not parts:
        part = row_table(spec, models, chunk.columns, accepted)
        part[LINE] = chunk.lines[accepted]
        parts.append(part)
    if len(parts) == 1:
        return parts[0], rejected
    good = pd.concat(parts, ignore_index=True).sort_values(LINE, kind="stable")
    return good.reset_index(drop=True), rejected


def _validated(
    spec: RecordFile, chunk: CsvChunk, rows: np.ndarray, today: dt.date
) -> tuple[list[Row], np.ndarray, list[Rejection]]:
    """The row models of ``rows`` (positions in the chunk) that keep the rules, with their
    positions, and a rejection for each of the others."""
    if not len(rows):
        return [], rows, []
    known = [c for c in spec.columns if c in chunk.columns]
    order = {name: i for i, name in enumerate(spec.columns)}
    taken = pa.array(rows)
    cells = [chunk.columns[name].take(taken).to_pylist() for name in known]
    records: list[dict[str, str | None]] = (
        [dict(zip(known, values, strict=True)) for values in zip(*cells, strict=True)]
        if known
        else [{} for _ in range(len(rows))]
    )
    token = judged_on.set(today)
    try:
        checked = _chunk_validator(spec.row).validate_python(records)
        models = [row for row in checked if isinstance(row, spec.row)]
        bad = [i for i, row in enumerate(checked) if not isinstance(row, spec.row)]
        refused = _rejections(spec, chunk.lines[rows], records, bad, order) if bad else []
    finally:
        judged_on.reset(token)
    accepted = np.delete(rows, bad)
    return models, accepted, refused


def _typed_table(spec: RecordFile, values: dict[str, pa.Array], at: np.ndarray) -> pd.DataFrame:
    """The rows ``at`` of the bulk check's typed columns as the file's typed table."""
    taken = pa.array(at)
    columns = {}
    for name, kind in model_property_types(spec.row).items():
        array = values[name].take(taken) if name in values else pa.nulls(len(at))
        columns[name] = from_arrow(array, kind)
    return pd.DataFrame(columns, index=pd.RangeIndex(len(at)))


def _rejections(
    spec: RecordFile,
    lines: np.ndarray,
    records: list[dict[str, str | None]],
    bad: list[int],
    order: dict[str, int],
) -> list[Rejection]:
    """One rejection per bad row (``records[i]``, on line ``lines[i]``, for ``i`` in
    ``bad``), from its errors."""
    try:
        _error_validator(spec.row).validate_python([records[i] for i in bad])
    except ValidationError as error:
        by_row: dict[int, list] = {}
        for item in error.errors(include_url=False):
            by_row.setdefault(bad[int(item["loc"][0])], []).append(item)
    else:  # pragma: no cover - the union fell back, so the row models must refuse them
        raise AssertionError(f"{spec.name}: rows {bad[:5]} passed on their own")
    found = []
    for i, items in by_row.items():
        record = records[i].get(spec.id_column) or ""
        column, reason = _first_problem(items, order)
        found.append(Rejection(spec.name, int(lines[i]), record, column, reason))
    return found


def row_table(
    spec: RecordFile,
    models: Sequence[Row],
    cells: dict[str, pa.Array],
    keep: np.ndarray | None = None,
) -> pd.DataFrame:
    """The validated rows of a file as a table: every column of its row model
    (``model_property_types``, derived ones such as ``trip_id`` included), in the canonical
    dtypes of ``tracker.tables``, a column the file did not have empty.

    Values come from ``models``; a text column is taken from its Arrow ``cells`` (the rows
    ``keep``, all when None) instead, which is the same value: the row models check text
    (a word list, a pattern) and never change it."""
    n = len(models)
    kinds = model_property_types(spec.row)
    fields = [c for c in kinds if c in spec.row.model_fields]
    text = [c for c in fields if kinds[c] is PropertyType.STRING and c in cells]
    values = _values(models, [c for c in fields if c not in text])
    columns: dict[str, pd.Series] = {}
    for name, kind in kinds.items():
        if name in text:
            array = cells[name] if keep is None else cells[name].take(pa.array(keep))
        elif name in values:
            array = pa.array(values[name])
        else:  # derived (``trip_id``): made later, by the store writes
            array = pa.nulls(n)
        columns[name] = from_arrow(array, kind)
    return pd.DataFrame(columns, index=pd.RangeIndex(n))


def _values(models: Sequence[Row], names: list[str]) -> dict[str, Sequence]:
    """Each of ``names``' values over ``models``, one C call per model for all of them."""
    if len(names) < 2 or not models:
        return {name: list(map(attrgetter(name), models)) for name in names}
    by_column = zip(*map(attrgetter(*names), models), strict=True)
    return dict(zip(names, by_column, strict=True))


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
    spec: RecordFile,
    good: pd.DataFrame,
    store: GraphStore,
    known: Callable[[type[Node]], pd.Series] | None = None,
) -> tuple[pd.DataFrame, list[Rejection]]:
    """Drop rows naming an id that is not in the graph; reject each with the first such id.

    ``known``: a label's keys, for a caller that looks up many slices of one file (read
    once, not once a slice); else the ids are looked up in the store."""
    bad: dict[int, tuple[str, str]] = {}
    for column, kind_column, labels in spec.references():
        if column not in good.columns:
            continue
        for kind, node in labels.items():
            named = good[column].notna()  # the column alone: no copy of the whole table
            if kind is not None:
                named &= good[kind_column] == kind
            ids = good[column][named.to_numpy(dtype=bool, na_value=False)]
            if ids.empty:
                continue
            held = known(node) if known else _known_ids(store, node, ids.unique())
            unknown = ~isin(ids, held)
            for i in ids.index[unknown]:
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
