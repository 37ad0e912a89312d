"""Reading and writing CSV files of the exchange format.

Reading undoes the spreadsheet-safe quote of the rejects files (``tracker.spreadsheet``).
Reading keeps each record's physical line number (header = line 1, as field teams count in
a spreadsheet or editor), so that a rejected row can be found and fixed. Bytes that are not
UTF-8 do not stop the import: they are replaced and the row is rejected with that reason.
Writing renders a typed table back in the format: ISO dates, ``true``/``false``, whole
numbers without a decimal point, an empty cell for "not known".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tracker.spreadsheet import restore_row

NOT_UTF8 = "\ufffd"


@dataclass(frozen=True)
class CsvChunk:
    """Up to ``size`` records of one file: header, rows (lists of cells), their start lines."""

    header: list[str]
    rows: list[list[str]]
    lines: list[int]


def read_chunks(path: Path, size: int = 100_000) -> Iterator[CsvChunk]:
    """Yield the records of ``path`` in chunks, each with its first physical line number.

    Empty lines are skipped. A file without a header yields nothing.
    """
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            return
        previous_end = reader.line_num
        rows: list[list[str]] = []
        lines: list[int] = []
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not record or (len(record) == 1 and not record[0].strip()):
                continue
            rows.append(restore_row(record))
            lines.append(start)
            if len(rows) >= size:
                yield CsvChunk(header, rows, lines)
                rows, lines = [], []
        if rows:
            yield CsvChunk(header, rows, lines)


def count_records(path: Path) -> int:
    """A quick upper bound of a file's records (its lines minus the header), for progress."""
    with open(path, "rb") as handle:
        return max(
            sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1, 0
        )


def format_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Render a typed table as the format's cell strings ("" for not known)."""
    out = {}
    for name in frame.columns:
        col = frame[name]
        kind = col.dtype.kind
        if kind == "M":
            cells = col.dt.strftime("%Y-%m-%d")
        elif str(col.dtype) == "boolean" or kind == "b":
            cells = col.map({True: "true", False: "false"}, na_action="ignore")
        elif kind == "f":
            cells = col.map(_number, na_action="ignore")
        else:
            cells = col.astype("object")
        out[name] = cells.astype("object").where(col.notna(), "").astype(str)
    return pd.DataFrame(out, index=frame.index)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def write_table(frame: pd.DataFrame, path: Path, columns: Sequence[str] | None = None) -> Path:
    """Write a typed table as a format CSV (RFC 4180 quoting, UTF-8, one header row)."""
    if columns is not None:
        frame = frame.reindex(columns=list(columns))
    path.parent.mkdir(parents=True, exist_ok=True)
    format_cells(frame).to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return path


def write_rows(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Path:
    """Write raw cell rows as they came (rejected rows go back exactly as the field sent them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path
