"""The rows that are plainly well formed, found in bulk with Arrow, before pydantic.

Validating every row with its pydantic row model cost about 8 us a row, the largest part
of an import (37% of a 100,000-worker import's CPU time, profiled). Nearly every row of a
batch is well formed, so the row models are read once, here, into column rules that Arrow
checks on a whole chunk at once (a word list, a range, a pattern, a date written
`YYYY-MM-DD` and not after the batch's day, a later date not before an earlier one); a
row that keeps every rule leaves typed straight from its cells. Every other row goes on to
pydantic (``tracker.ingest.validation``), which decides: it accepts the few this check is
unsure of (a number written ``007``, a boolean written ``yes``) and gives the exact
reason for the others.

So this check may only be stricter than the row models, never looser, and what it accepts
must get the same values: the rules take the narrowest form of each type (whole numbers of
plain digits, ISO dates that read back as written, ``true``/``false``), and
tests/test_well_formed.py holds both paths to the same accept/reject and the same typed
rows on generated cells. A row model with a rule this module does not know (a field
validator, a constraint, a model validator not listed in ``ORDERED_DATES``) gets no fast
path: all its rows go to pydantic, as before.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import annotated_types
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import StringConstraints
from pydantic.fields import FieldInfo

from graph_schema.types import CensusCode, IsoFormat, NotFuture
from tracker.field_format import Row

ORDERED_DATES: dict[str, tuple[tuple[str, str], ...]] = {
    "_arrives_after_departing": (("departed_on", "arrived_on"),),
    "_ends_after_start": (("start_on", "end_on"), ("from_date", "to_date")),
}
"""The model validators this module knows (``graph_schema.relationships``), each with the
(earlier, later) dates it compares in the models that have it: a row is refused when both
are given and the later one comes first."""

_WHOLE = r"^(0|-?[1-9][0-9]{0,17})$"
_DECIMAL = r"^(0|[1-9][0-9]{0,14})(\.[0-9]{1,15})?$"
_ISO_DATE = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$"


@dataclass(frozen=True)
class ColumnRule:
    """What a cell of one column must be for its row to pass without pydantic."""

    name: str
    kind: type  # str, int, float, bool or dt.date
    required: bool
    words: frozenset[str] | None = None
    low: float | None = None
    high: float | None = None
    pattern: str | None = None
    not_future: bool = False


@dataclass(frozen=True)
class RowRules:
    columns: tuple[ColumnRule, ...]
    ordered: tuple[tuple[str, str], ...]


class Unsupported(TypeError):
    """A rule of a row model that this module cannot check in bulk."""


@cache
def rules_of(row: type[Row]) -> RowRules | None:
    """The row model's rules as column rules, or None if it has one this module does not
    know (its rows then all go to pydantic)."""
    decorators = row.__pydantic_decorators__
    if decorators.field_validators or decorators.validators or decorators.root_validators:
        return None
    ordered: list[tuple[str, str]] = []
    for name, decorator in decorators.model_validators.items():
        if decorator.info.mode == "wrap" and name == "_date_rules":
            continue  # graph_schema.checked: the IsoFormat and NotFuture markers
        if decorator.info.mode != "after" or name not in ORDERED_DATES:
            return None
        pairs = [p for p in ORDERED_DATES[name] if set(p) <= set(row.model_fields)]
        if len(pairs) != 1:
            return None
        (pair,) = pairs
        ordered.append(pair)
    try:
        columns = tuple(_column_rule(name, field) for name, field in row.model_fields.items())
    except Unsupported:
        return None
    return RowRules(columns, tuple(ordered))


def _column_rule(name: str, field: FieldInfo) -> ColumnRule:
    annotation, metadata = field.annotation, list(field.metadata)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) != 1:
            raise Unsupported(f"{name}: {annotation}")
        annotation = args[0]
    if typing.get_origin(annotation) is typing.Annotated:
        annotation, *extra = typing.get_args(annotation)
        for item in extra:
            metadata += item.metadata if isinstance(item, FieldInfo) else [item]
    words = None
    if typing.get_origin(annotation) is typing.Literal:
        values = typing.get_args(annotation)
        if not all(type(v) is str for v in values):
            raise Unsupported(f"{name}: {annotation}")
        annotation, words = str, frozenset(values)
    if annotation not in (str, int, float, bool, dt.date):
        raise Unsupported(f"{name}: {annotation}")
    rule: dict = {"name": name, "kind": annotation, "required": field.is_required()}
    if words is not None:
        rule["words"] = words
    for item in metadata:
        if isinstance(item, annotated_types.Ge) and annotation in (int, float):
            rule["low"] = item.ge
        elif isinstance(item, annotated_types.Le) and annotation in (int, float):
            rule["high"] = item.le
        elif isinstance(item, NotFuture) and annotation in (int, dt.date):
            rule["not_future"] = True
        elif isinstance(item, IsoFormat | CensusCode):
            continue  # every date is read as ISO here; a Census code is its range
        elif isinstance(item, StringConstraints) and annotation is str:
            rest = {k: v for k, v in vars(item).items() if v is not None and k != "pattern"}
            if rest or item.pattern is None:
                raise Unsupported(f"{name}: {item}")
            rule["pattern"] = item.pattern
        else:
            raise Unsupported(f"{name}: {item}")
    return ColumnRule(**rule)


def well_formed(
    rules: RowRules, cells: dict[str, pa.Array], rows: int, today: dt.date
) -> tuple[np.ndarray, dict[str, pa.Array]]:
    """Which of ``rows`` rows keep every rule (a boolean mask), and each column's values
    for all rows, typed (int64, float64, bool, date32, string; null where a row fails)."""
    ok = np.ones(rows, dtype=bool)
    values: dict[str, pa.Array] = {}
    for rule in rules.columns:
        cell = cells.get(rule.name)
        if cell is None:
            cell = pa.nulls(rows, pa.string())
        given = _true(pc.is_valid(cell))
        if rule.required:
            ok &= given
        typed, good = _READERS[rule.kind](cell, rule, today)
        ok &= good | ~given
        values[rule.name] = typed
    for earlier, later in rules.ordered:
        first, then = values[earlier], values[later]
        ok &= ~_true(pc.less(then, first))  # null (either missing) passes
    return ok, values


def _true(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow array as numpy, null as False."""
    return np.asarray(pc.fill_null(mask, False), dtype=bool)


def _matches(cell: pa.Array, pattern: str) -> np.ndarray:
    return _true(pc.match_substring_regex(cell, pattern))


def _in_range(number: pa.Array, rule: ColumnRule) -> np.ndarray:
    good = _true(pc.is_valid(number))
    if rule.low is not None:
        good &= _true(pc.greater_equal(number, rule.low))
    if rule.high is not None:
        good &= _true(pc.less_equal(number, rule.high))
    return good


def _text(cell: pa.Array, rule: ColumnRule, today: dt.date) -> tuple[pa.Array, np.ndarray]:
    good = np.ones(len(cell), dtype=bool)
    if rule.words is not None:
        good &= _true(pc.is_in(cell, value_set=pa.array(sorted(rule.words), pa.string())))
    if rule.pattern is not None:
        good &= _matches(cell, rule.pattern)
    return cell, good


def _whole(cell: pa.Array, rule: ColumnRule, today: dt.date) -> tuple[pa.Array, np.ndarray]:
    shaped = _matches(cell, _WHOLE)
    number = pc.cast(pc.if_else(shaped, cell, None), pa.int64())
    good = _in_range(number, rule)
    if rule.not_future:  # a year
        good &= _true(pc.less_equal(number, today.year))
    return number, good


def _decimal(cell: pa.Array, rule: ColumnRule, today: dt.date) -> tuple[pa.Array, np.ndarray]:
    shaped = _matches(cell, _DECIMAL)
    number = pc.cast(pc.if_else(shaped, cell, None), pa.float64())
    return number, _in_range(number, rule)


def _truth(cell: pa.Array, rule: ColumnRule, today: dt.date) -> tuple[pa.Array, np.ndarray]:
    good = _true(pc.is_in(cell, value_set=pa.array(["true", "false"])))
    return pc.equal(pc.if_else(good, cell, None), "true"), good


def _date(cell: pa.Array, rule: ColumnRule, today: dt.date) -> tuple[pa.Array, np.ndarray]:
    """A date written ``YYYY-MM-DD`` that reads back as written (no 30 February).

    Arrow's cast reads a column of ISO dates 20 times faster than ``strptime``, but
    refuses the whole column for one impossible date; such a column is read by
    ``strptime``, which makes that date null."""
    shaped = pc.if_else(_matches(cell, _ISO_DATE), cell, None)
    try:
        day = pc.cast(shaped, pa.date32())
    except pa.ArrowInvalid:
        stamp = pc.strptime(shaped, format="%Y-%m-%d", unit="s", error_is_null=True)
        day = pc.cast(stamp, pa.date32())
    good = _true(pc.equal(pc.cast(day, pa.string()), shaped))
    if rule.not_future:
        good &= _true(pc.less_equal(day, pa.scalar(today, pa.date32())))
    return pc.if_else(good, day, None), good


_READERS: dict[type, Callable[[pa.Array, ColumnRule, dt.date], tuple[pa.Array, np.ndarray]]] = {
    str: _text,
    int: _whole,
    float: _decimal,
    bool: _truth,
    dt.date: _date,
}
