"""Checking the rows of one file: each row on its own, then the file's ids against the graph.

Row checks are the pydantic row models of ``tracker.records`` (types, enumerations, ISO
dates, dates not after the batch's day, Census district codes, arrival not before
departure). Reference checks are vectorised: every id a row names must be a node already in
the store, which holds this batch's good entity rows by the time events are checked,
because files are imported in dependency order.

A rejection names file, line, column and reason; ``tracker.rejects`` later copies the
row's cells exactly as sent into the rejects folder, so it can be fixed and imported as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from pydantic import ValidationError

from graph_schema import Node
from tracker.csvio import NOT_UTF8, CsvChunk
from tracker.records import RecordFile
from tracker.store import GraphStore

LINE = "_line"
"""Column of a good-rows frame holding each row's line number in its file."""


@dataclass(frozen=True)
class Rejection:
    file: str
    line: int
    record_id: str
    column: str
    reason: str

    def describe(self) -> str:
        where = f"{self.file} line {self.line}"
        return (
            f"{where}, {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"
        )


def check_rows(
    spec: RecordFile, chunk: CsvChunk, today: dt.date
) -> tuple[pd.DataFrame, list[Rejection]]:
    """Validate one chunk: the good rows as a frame of stripped strings (plus ``_line``),
    and a rejection for each bad row, naming its first failing column in spec order."""
    header = chunk.header
    known = [c for c in spec.columns if c in header]
    index = {name: header.index(name) for name in known}
    order = {name: i for i, name in enumerate(spec.columns)}
    context = {"today": today}
    good_rows: list[list[str]] = []
    good_lines: list[int] = []
    rejected: list[Rejection] = []

    id_at = index.get(spec.id_column, len(header))

    def reject(row: list[str], line: int, column: str, reason: str) -> None:
        record = row[id_at] if id_at < len(row) else ""
        rejected.append(Rejection(spec.name, line, record, column, reason))

    for row, line in zip(chunk.rows, chunk.lines, strict=True):
        if len(row) > len(header):
            reject(row, line, "", f"row has {len(row)} cells but the header has {len(header)}")
            continue
        cells = {name: row[i] if i < len(row) else "" for name, i in index.items()}
        broken = next((n for n, v in cells.items() if NOT_UTF8 in v), None)
        if broken:
            reject(row, line, broken, f"not valid UTF-8 in {broken}")
            continue
        try:
            spec.row.model_validate(cells, context=context)
        except ValidationError as error:
            column, reason = _first_problem(error, order)
            reject(row, line, column, reason)
            continue
        good_rows.append([cells[n].strip() for n in known])
        good_lines.append(line)

    good = pd.DataFrame(good_rows, columns=known, dtype="str")
    good = good.replace("", None) if len(good) else good
    good[LINE] = good_lines
    return good, rejected


def _first_problem(error: ValidationError, order: dict[str, int]) -> tuple[str, str]:
    """The failing column that comes first in the spec, with a reason a person can act on."""
    problems = []
    for item in error.errors(include_url=False):
        column = str(item["loc"][0]) if item["loc"] else _column_named_in(item["msg"], order)
        problems.append((order.get(column, len(order)), column, _reason(item, column)))
    _, column, reason = min(problems)
    return column, reason


def _column_named_in(message: str, order: dict[str, int]) -> str:
    """A rule across columns ("arrived_on before departed_on") blames the first it names."""
    words = message.replace("Value error, ", "").split()
    return next((w for w in words if w in order), "")


def _reason(item: dict, column: str) -> str:
    kind, value = item["type"], item.get("input")
    if kind == "missing":
        return f"missing required {column}"
    if kind == "literal_error":
        return f"unknown {column} {value!r}"
    if kind in ("int_parsing", "int_from_float"):
        return f"not a whole number in {column}: {value!r}"
    if kind == "float_parsing":
        return f"not a number in {column}: {value!r}"
    if kind == "bool_parsing":
        return f"not true/false in {column}: {value!r}"
    message = str(item["msg"]).removeprefix("Value error, ")
    if not item["loc"]:
        return message
    return f"{message} in {column}: {value!r}"


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
            unknown = ~rows[column].isin(_known_ids(store, node, rows[column].unique()))
            for i in rows.index[unknown]:
                bad.setdefault(i, (column, f"unknown {column} {good.at[i, column]!r}"))
    failures = [_rejection(spec, good, i, column, reason) for i, (column, reason) in bad.items()]
    return good.drop(index=list(bad)), failures


def _known_ids(store: GraphStore, node: type[Node], ids: Iterable[str]) -> set[str]:
    found = store.node_table(node, keys=list(ids))
    return set(found[node.key].astype(str))


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
