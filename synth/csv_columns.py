"""Writing big CSV files fast: whole columns turned into bytes with numpy, no per-row Python.

A 1,000,000-worker batch has about 7,000,000 move rows. Formatting them cell by cell (the
``csv`` module, ``DataFrame.to_csv``) takes minutes; here every column of a chunk of rows
becomes a byte matrix (one row per record, the cell left- or right-aligned in it) with the
span of each row that holds the cell, and one boolean mask cuts all cells, commas and
line ends out of the matrices in a single pass.

Columns are declared, not materialised: ``Text`` picks strings from a small table by code
(enumerations, centre ids, names), ``Number`` prints whole numbers (optionally zero-padded
behind a prefix, which is how ids such as ``W0000001`` are written), ``Date`` prints ISO
dates, ``Joined`` concatenates columns ("first name" + " " + "surname"), and ``Overridden``
replaces a few cells by arbitrary strings (the planted unparseable dates).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from synth.dates import split

COMMA, NEWLINE = ord(","), ord("\n")
CHUNK_ROWS = 16_384
"""Rows rendered at once: small enough for the CPU caches (measured fastest), bounded memory."""


@dataclass(frozen=True)
class Piece:
    """Cells of a chunk: ``cells[i, start[i]:stop[i]]`` is row i's text."""

    cells: np.ndarray
    start: np.ndarray | int
    stop: np.ndarray | int

    @property
    def width(self) -> int:
        return self.cells.shape[1]


class Column:
    def pieces(self, rows: np.ndarray) -> list[Piece]:
        raise NotImplementedError


def quote(value: str) -> str:
    """RFC 4180 quoting, only where a cell needs it."""
    if any(ch in value for ch in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


@dataclass(frozen=True)
class Table:
    """Distinct strings, quoted and encoded once; the extra last row is the empty cell."""

    cells: np.ndarray
    lengths: np.ndarray

    @classmethod
    def of(cls, values: Sequence[str]) -> Table:
        encoded = [quote(v).encode("utf-8") for v in values]
        width = max([1, *map(len, encoded)])
        cells = np.zeros((len(encoded) + 1, width), np.uint8)
        lengths = np.zeros(len(encoded) + 1, np.int64)
        for i, raw in enumerate(encoded):
            cells[i, : len(raw)] = np.frombuffer(raw, np.uint8)
            lengths[i] = len(raw)
        return cls(cells, lengths)

    @property
    def empty(self) -> int:
        return len(self.lengths) - 1


class Text(Column):
    """Row i's cell is ``values[codes[i]]``; a negative code is an empty cell."""

    def __init__(self, values: Sequence[str] | Table, codes: np.ndarray) -> None:
        self.table = values if isinstance(values, Table) else Table.of(values)
        self.codes = codes

    def pieces(self, rows: np.ndarray) -> list[Piece]:
        codes = self.codes[rows]
        codes = np.where(codes < 0, self.table.empty, codes)
        return [Piece(self.table.cells[codes], 0, self.table.lengths[codes])]


class Literal(Column):
    def __init__(self, text: str) -> None:
        self.raw = np.frombuffer(text.encode("utf-8"), np.uint8)

    def pieces(self, rows: np.ndarray) -> list[Piece]:
        cells = np.broadcast_to(self.raw, (len(rows), len(self.raw)))
        return [Piece(cells, 0, len(self.raw))]


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """Right-aligned, zero-padded decimal digits of non-negative whole numbers."""
    out = np.empty((len(values), width), np.uint8)
    rest = values.astype(np.int64, copy=True)
    for j in range(width - 1, -1, -1):
        out[:, j] = rest % 10 + 48
        rest //= 10
    return out


class Number(Column):
    """Whole numbers; ``width`` zero-pads (ids), ``prefix`` goes before the digits.

    Rows where ``present`` is False (or the value is negative, when no mask is given)
    are empty cells, prefix included.
    """

    def __init__(
        self,
        values: np.ndarray,
        present: np.ndarray | None = None,
        width: int | None = None,
        prefix: str = "",
    ) -> None:
        self.values = values
        self.present = present
        self.width = width
        self.prefix = Literal(prefix) if prefix else None

    def pieces(self, rows: np.ndarray) -> list[Piece]:
        values = np.asarray(self.values[rows], np.int64)
        present = values >= 0 if self.present is None else self.present[rows]
        values = np.where(present, values, 0)
        top = int(values.max()) if len(values) else 0
        width = max(self.width or 1, len(str(top)))
        cells = digits(values, width)
        size = np.ones(len(values), np.int64)
        for power in range(1, width):
            size += values >= 10**power
        if self.width:  # zero-padded to the id's width; a longer number keeps its digits
            size = np.maximum(size, self.width)
        start = np.where(present, width - size, width)
        found = [Piece(cells, start, width)]
        if self.prefix is not None:
            (head,) = self.prefix.pieces(rows)
            found.insert(0, Piece(head.cells, 0, np.where(present, head.width, 0)))
        return found


class Date(Column):
    """ISO dates from days since 1970-01-01; a negative day is an empty cell."""

    def __init__(self, days: np.ndarray) -> None:
        self.days = days

    def pieces(self, rows: np.ndarray) -> list[Piece]:
        days = np.asarray(self.days[rows], np.int64)
        present = days >= 0
        table = _iso_dates()
        inside = (days >= 0) & (days < len(table))
        cells = table[np.where(inside, days, 0)]
        if not inside[present].all():  # far-off days: spelled out one by one
            outside = present & ~inside
            cells[outside] = _iso(days[outside])
        return [Piece(cells, 0, np.where(present, 10, 0))]


def _iso(days: np.ndarray) -> np.ndarray:
    year, month, day = split(days)
    cells = np.empty((len(days), 10), np.uint8)
    cells[:, 0:4] = digits(year, 4)
    cells[:, 4] = cells[:, 7] = ord("-")
    cells[:, 5:7] = digits(month, 2)
    cells[:, 8:10] = digits(day, 2)
    return cells


@cache
def _iso_dates() -> np.ndarray:
    """Every ISO date from 1970 to 2069, by day number: a lookup beats arithmetic."""
    return _iso(np.arange(36525))


class Joined(Column):
    """Columns written one after the other in a single cell."""

    def __init__(self, *parts: Column) -> None:
        self.parts = parts

    def pieces(self, rows: np.ndarray) -> list[Piece]:
        return [piece for part in self.parts for piece in part.pieces(rows)]


class Overridden(Column):
    """``column`` with the cells of ``rows`` replaced by ``texts`` (written as given)."""

    def __init__(self, column: Column, size: int, rows: np.ndarray, texts: Sequence[str]):
        self.column = column
        self.codes = np.full(size, -1, np.int64)
        self.codes[rows] = np.arange(len(rows))
        self.replacements = Text(texts, self.codes)

    def pieces(self, rows: np.ndarray) -> list[Piece]:
        hit = self.codes[rows] >= 0
        base = [
            Piece(p.cells, p.start, np.where(hit, p.start, p.stop))
            for p in self.column.pieces(rows)
        ]
        return [*base, *self.replacements.pieces(rows)]


def render(columns: Sequence[Column], rows: np.ndarray) -> bytes:
    """The CSV lines of ``rows`` (no header)."""
    pieces: list[Piece] = []
    for i, column in enumerate(columns):
        pieces += column.pieces(rows)
        end = NEWLINE if i == len(columns) - 1 else COMMA
        pieces.append(Piece(np.full((len(rows), 1), end, np.uint8), 0, 1))
    total = sum(p.width for p in pieces)
    cells = np.empty((len(rows), total), np.uint8)
    keep = np.empty((len(rows), total), bool)
    at = 0
    for p in pieces:
        span = slice(at, at + p.width)
        cells[:, span] = p.cells
        if np.isscalar(p.start) and np.isscalar(p.stop) and p.start == 0 and p.stop == p.width:
            keep[:, span] = True
        else:
            j = np.arange(p.width)
            start = np.reshape(p.start, (-1, 1))
            stop = np.reshape(p.stop, (-1, 1))
            keep[:, span] = (j >= start) & (j < stop)
        at += p.width
    return cells[keep].tobytes()


def header_line(names: Sequence[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(names)
    return buffer.getvalue().encode("utf-8")


def write_csv(
    path: Path,
    columns: dict[str, Column],
    size: int,
    order: np.ndarray | None = None,
) -> int:
    """Write ``size`` rows (in ``order``, default as generated) with a header; rows written."""
    chunk = CHUNK_ROWS
    with open(path, "wb") as handle:
        handle.write(header_line(list(columns)))
        for begin in range(0, size, chunk):
            rows = (
                order[begin : begin + chunk]
                if order is not None
                else np.arange(begin, min(size, begin + chunk))
            )
            handle.write(render(list(columns.values()), rows))
    return size
