"""Reading and writing CSV files of the exchange format.

Reading accounts for every physical line (header = line 1, as field teams count in a
spreadsheet or editor): a line is blank, becomes a row, or is rejected with its line, column
and reason, and reading always goes on at the next line. The format has no line breaks
inside cells, so a file is split into lines first (``\\n``, ``\\r\\n`` or ``\\r``) and each line
is parsed on its own: a quoted cell that runs past its line (a stray ``"``) rejects that
line alone instead of swallowing the lines after it, as a CSV parser reading the whole file
would. Each chunk of lines is then parsed, checked and normalised in bulk with Arrow (the C++
CSV reader on the lines that passed the line checks, compute kernels for the cell checks),
about ten times faster than Python's csv module with a row at a time.

Reading undoes the spreadsheet-safe quote of the rejects files (``tracker.spreadsheet``).

Rules of every cell, whatever the file (docs/spec/field-records.md, "Limits"):

* a line is at most ``MAX_LINE_CHARS`` characters and a cell at most ``MAX_CELL_CHARS``;
* quoting follows RFC 4180: a quote only opens a cell and closes it, doubled inside;
* UTF-8: a file whose first line is not UTF-8 (a UTF-16 spreadsheet export, say) is
  rejected as a file; a row with bytes that are not UTF-8 is rejected;
* no control characters but tab (a NUL or an escape code would reach pages and exports);
* text is NFC-normalised (the same name typed on two keyboards is one string), and each
  cell's surrounding whitespace is removed; an empty cell is "not known" (null).

Writing renders a typed table back in the format: ISO dates, ``true``/``false``, whole
numbers without a decimal point, an empty cell for "not known".
"""

from __future__ import annotations

import csv
import io
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from tracker.spreadsheet import QUOTED_TRIGGER

MAX_LINE_CHARS = 20_000
"""Longest line read, in characters (a full row of the widest file is far below 1,000)."""
MAX_CELL_CHARS = 2_000
"""Longest cell read, in characters (a name, a village or a note; ids are far shorter)."""
NOT_UTF8 = "\ufffd"
BLOCK_BYTES = 16 * 1024**2
"""Bytes read from a file at a time (cut at the last line end)."""

_CONTROL = r"[\x{0}-\x{8}\x{b}-\x{1f}\x{7f}-\x{9f}]"
"""Control characters (Unicode Cc) but tab; line ends never reach a cell."""
_CELL = r'(?:[^",]*|"(?:[^"]|"")*")'
_RFC4180_LINE = rf"^{_CELL}(?:,{_CELL})*$"
"""A line whose quotes follow RFC 4180: checked only on lines that hold a quote."""
_UNREADABLE_STARTS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


@dataclass(frozen=True)
class LineProblem:
    """A line that could not become a row: its number, the column to blame, the reason."""

    line: int
    column: str
    reason: str
    record_id: str = ""


@dataclass(frozen=True)
class CsvChunk:
    """Up to ``size`` lines of one file, read.

    ``columns`` holds, for the lines that became rows, each header name's cells (stripped,
    NFC, null when empty; the first column of a repeated name); ``lines`` their line
    numbers. ``rejected`` are the lines that did not become rows. ``read`` counts the chunk's
    lines that are not blank: ``read == len(lines) + len(rejected)``, except for a file
    rejected as a whole (``file_problem``), whose lines all count as rejected but which has
    one problem, at line 1.
    """

    header: list[str]
    columns: dict[str, pa.Array]
    lines: np.ndarray
    rejected: list[LineProblem] = field(default_factory=list)
    read: int = 0
    blank: int = 0
    file_problem: str | None = None

    def __len__(self) -> int:
        return len(self.lines)


def read_chunks(path: Path, size: int = 100_000, id_column: str = "") -> Iterator[CsvChunk]:
    """Yield the lines of ``path`` after the header, read, in chunks of at most ``size``.

    ``id_column`` names the column whose cell identifies a rejected line in its problem.
    A file without a header yields nothing."""
    with open(path, "rb") as handle:
        start = handle.read(4)
        problem = _encoding_problem(start)
        handle.seek(3 if start.startswith(b"\xef\xbb\xbf") else 0)
        cut_lengths: dict[int, int] = {}
        batches = _line_batches(handle, size, cut_lengths)
        try:
            _, first = next(batches)
        except StopIteration:
            return
        header_line, rest = first[0], first[1:]
        problem = problem or _header_problem(header_line)
        if problem:
            read = _lines_after_the_header(path, start, rest, batches)
            yield CsvChunk(
                [],
                {},
                np.array([], dtype=np.int64),
                [LineProblem(1, "", problem)],
                read,
                0,
                problem,
            )
            return
        header = [unicodedata.normalize("NFC", h.strip()) for h in _cells(header_line)]
        reader = _LineReader(header, id_column, cut_lengths)
        if rest:
            yield reader.read(rest, 2)
        for first_line, lines in batches:
            yield reader.read(lines, first_line)


def _encoding_problem(start: bytes) -> str | None:
    for mark, name in _UNREADABLE_STARTS.items():
        if start.startswith(mark):
            return f"the file is in {name}, not UTF-8: save it as CSV UTF-8"
    return None


def _lines_after_the_header(path: Path, start: bytes, rest: list[str], batches: Iterator) -> int:
    """How many lines that are not blank follow the header of a file that is not UTF-8."""
    codec = next((c for mark, c in _UNREADABLE_STARTS.items() if start.startswith(mark)), None)
    if codec is not None:  # counted in the file's own encoding
        lines = path.read_bytes().decode(codec.lower(), errors="replace").splitlines()[1:]
        return sum(1 for line in lines if line.strip())
    read = sum(1 for line in rest if line.strip())
    return read + sum(1 for _, lines in batches for line in lines if line.strip())


def _header_problem(header: str) -> str | None:
    if "\x00" in header or NOT_UTF8 in header:
        return "the file's first line is not UTF-8 text: save the file as CSV UTF-8"
    if len(header) > MAX_LINE_CHARS:
        return f"the header line is over the limit of {MAX_LINE_CHARS:,} characters"
    if not _rfc4180(header):
        return "the header line's quotes are broken"
    return None


def _line_batches(
    handle: BinaryIO, size: int, cut_lengths: dict[int, int] | None = None
) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines) of at most ``size`` lines, line ends removed.

    A line longer than 4 x ``MAX_LINE_CHARS`` bytes is kept cut to that length (it is
    rejected all the same), so one huge line never has to fit in memory; ``cut_lengths``
    gets each cut line's number and its whole length in characters, for its reason."""
    longest = 4 * MAX_LINE_CHARS
    number, carry, skipping, cut_chars = 1, b"", False, 0
    pending: list[str] = []
    cut_lengths = {} if cut_lengths is None else cut_lengths
    while block := handle.read(BLOCK_BYTES):
        if skipping:  # drop the rest of a cut line, up to its end
            end = _first_line_end(block)
            cut_chars += _characters(block[:end] if end >= 0 else block)
            if end < 0:
                continue
            cut_lengths[number + len(pending)] = cut_chars
            pending.append(carry.decode("utf-8", errors="replace"))
            step = 2 if block[end : end + 2] == b"\r\n" else 1
            block, carry, skipping = block[end + step :], b"", False
        data = carry + block
        cut = _last_line_end(data)
        head, carry = (data[: cut + 1], data[cut + 1 :]) if cut >= 0 else (b"", data)
        if len(carry) > longest:
            cut_chars = _characters(carry)
            carry, skipping = carry[: longest + 1], True
        text = head.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        lines.pop()  # the text ends with a line end: nothing after it
        if "\ufeff" in text:  # a byte order mark starting a line (files joined) is dropped
            lines = [line.removeprefix("\ufeff") for line in lines]
        pending += lines
        while len(pending) >= size:
            yield number, pending[:size]
            number, pending = number + size, pending[size:]
    if carry:  # the last line: without a line end, or with a lone \r kept back above
        carry = carry.removesuffix(b"\r")
        if skipping:
            cut_lengths[number + len(pending)] = cut_chars
        pending.append(carry.decode("utf-8", errors="replace").removeprefix("\ufeff"))
    if pending:
        yield number, pending


def _characters(data: bytes) -> int:
    """Characters in UTF-8 ``data``: the bytes that do not continue a character."""
    return int(((np.frombuffer(data, dtype=np.uint8) & 0xC0) != 0x80).sum())


def _last_line_end(data: bytes) -> int:
    """Where the last whole line of ``data`` ends (-1: none). A ``\\r`` as the very last byte
    may be half of a ``\\r\\n`` cut by the block, so it does not count."""
    return max(data.rfind(b"\n"), data.rfind(b"\r", 0, len(data) - 1))


def _first_line_end(data: bytes) -> int:
    ends = [i for i in (data.find(b"\n"), data.find(b"\r")) if i >= 0]
    return min(ends) if ends else -1


class _LineReader:
    """Turns a file's lines into rows, checking each line and each cell (module docstring)."""

    def __init__(
        self, header: list[str], id_column: str, cut_lengths: dict[int, int] | None = None
    ) -> None:
        self.header = header
        self.cut_lengths = {} if cut_lengths is None else cut_lengths
        """Lines cut while read (``_line_batches``) and their whole lengths."""
        self.width = len(header)
        self.names = [f"c{i}" for i in range(self.width)]
        self.first: dict[str, int] = {}  # a name's first column
        for i, name in enumerate(header):
            self.first.setdefault(name, i)
        self.id_at = self.first.get(id_column, -1)

    def read(self, lines: list[str], first_line: int) -> CsvChunk:
        numbers = np.arange(first_line, first_line + len(lines), dtype=np.int64)
        texts = pa.array(lines, pa.string())
        blank = _is_true(pc.equal(pc.utf8_trim_whitespace(texts), ""))
        length = pc.utf8_length(texts)
        problems: dict[int, LineProblem] = {}  # by position in ``lines``
        too_long = _is_true(pc.greater(length, MAX_LINE_CHARS)) & ~blank
        for i in np.flatnonzero(too_long).tolist():
            length = self.cut_lengths.pop(int(numbers[i]), len(lines[i]))
            problems[i] = self._line_problem(lines[i], numbers[i], partial(_too_long, length))
        quoted = _is_true(pc.match_substring(texts, '"')) & ~blank & ~too_long
        if quoted.any():
            at = np.flatnonzero(quoted)
            broken = ~_is_true(pc.match_substring_regex(texts.take(at), _RFC4180_LINE))
            for i in at[broken]:
                problems[i] = self._line_problem(lines[i], numbers[i], _broken_quotes)
        keep = ~blank
        keep[list(problems)] = False
        # cell rules, looked for on whole lines: only the few lines that may break one are
        # split into cells here, in Python
        suspect = keep & _is_true(
            pc.or_(
                pc.greater(length, MAX_CELL_CHARS),
                pc.or_(
                    pc.match_substring(texts, NOT_UTF8),
                    pc.match_substring_regex(texts, _CONTROL),
                ),
            )
        )
        for i in np.flatnonzero(suspect).tolist():
            problem = self._cell_problem(lines[i], numbers[i])
            if problem is not None:
                problems[i] = problem
                keep[i] = False
        table, problems_after = self._parse(lines, np.flatnonzero(keep), numbers)
        problems.update(problems_after)
        return CsvChunk(
            self.header,
            {name: _clean(table.column(i).combine_chunks()) for name, i in self.first.items()},
            table["_line"].to_numpy(),
            sorted(problems.values(), key=lambda p: p.line),
            read=int((~blank).sum()),
            blank=int(blank.sum()),
        )

    def _parse(
        self, lines: list[str], kept: np.ndarray, numbers: np.ndarray
    ) -> tuple[pa.Table, dict[int, LineProblem]]:
        """The kept lines parsed by Arrow's CSV reader, with a ``_line`` column. A row with
        more cells than the header is rejected; one with fewer is padded with empty cells."""
        problems: dict[int, LineProblem] = {}
        short: list[int] = []
        parsed = np.ones(len(kept), dtype=bool)

        def odd(row: pa_csv.InvalidRow) -> str:
            parsed[row.number - 1] = False
            i = int(kept[row.number - 1])
            if row.actual_columns > row.expected_columns:
                reason = f"row has {row.actual_columns} cells but the header has {self.width}"
                problems[i] = LineProblem(int(numbers[i]), "", reason, self._id_of(lines[i]))
            else:
                short.append(i)
            return "skip"

        if len(kept):
            text = "\n".join([lines[i] for i in kept]).encode("utf-8")
            table = pa_csv.read_csv(
                io.BytesIO(text),
                read_options=pa_csv.ReadOptions(
                    column_names=self.names, use_threads=False, block_size=max(1 << 20, len(text))
                ),
                parse_options=pa_csv.ParseOptions(
                    invalid_row_handler=odd, ignore_empty_lines=False
                ),
                convert_options=pa_csv.ConvertOptions(
                    column_types={n: pa.string() for n in self.names},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        else:
            table = pa.table({n: pa.array([], pa.string()) for n in self.names})
        table = table.append_column("_line", pa.array(numbers[kept[parsed]]))
        if short:
            padded = [_cells(lines[i]) for i in short]
            extra = {
                n: pa.array([c[j] if j < len(c) else "" for c in padded], pa.string())
                for j, n in enumerate(self.names)
            }
            extra["_line"] = pa.array(numbers[short])
            table = pa.concat_tables([table, pa.table(extra)])
            table = table.take(pc.sort_indices(table["_line"]))
        return table, problems

    def _cell_problem(self, line: str, number: int) -> LineProblem | None:
        """The first cell of ``line`` that is not UTF-8, holds a control character or is
        too long (None: none is)."""
        cells = _cells(line)
        for name, cell in zip(self.header, cells, strict=False):
            for broken, why in (
                (NOT_UTF8 in cell, _not_utf8),
                (_has_control(cell), _control),
                (len(cell) > MAX_CELL_CHARS, _too_long_cell),
            ):
                if broken:
                    return LineProblem(int(number), name, why(name, cell), self._id_of(line, cells))
        return None

    def _line_problem(self, line: str, number: int, why) -> LineProblem:
        cells = _cells(line)
        column, reason = why(cells, line, self.header)
        return LineProblem(int(number), column, reason, self._id_of(line, cells))

    def _id_of(self, line: str, cells: list[str] | None = None) -> str:
        cells = _cells(line) if cells is None else cells
        return cells[self.id_at].strip()[:200] if 0 <= self.id_at < len(cells) else ""


def _is_true(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _clean(cells: pa.Array) -> pa.Array:
    """The spreadsheet-safe quote undone (``tracker.spreadsheet.restore``), stripped, NFC,
    null when empty."""
    quoted = pc.match_substring_regex(cells, "^" + QUOTED_TRIGGER.pattern)
    if pc.any(quoted).as_py():
        cells = pc.if_else(quoted, pc.utf8_slice_codeunits(cells, 1), cells)
    if not pc.all(pc.string_is_ascii(cells)).as_py():
        cells = pc.utf8_normalize(cells, "NFC")
    cells = pc.utf8_trim_whitespace(cells)
    return pc.if_else(pc.equal(cells, ""), pa.scalar(None, pa.string()), cells)


def _name(header: list[str], i: int) -> str:
    return header[i] if 0 <= i < len(header) else ""


def _too_long(length: int, cells: list[str], line: str, header: list[str]) -> tuple[str, str]:
    """``length``: the whole line's (a line cut while read is longer than ``line``)."""
    longest = max(range(len(cells)), key=lambda i: len(cells[i]), default=-1)
    column = _name(header, longest) if len(cells[longest]) > MAX_CELL_CHARS else ""
    return column, (
        f"line is {length:,} characters long, over the limit of {MAX_LINE_CHARS:,}"
        + (f" (column {column})" if column else "")
    )


def _broken_quotes(cells: list[str], line: str, header: list[str]) -> tuple[str, str]:
    if _runs_past_the_line(line):
        column = _name(header, len(cells) - 1)
        return column, (
            f'a quoted cell runs past the end of the line: a stray quote (") in '
            f"{column or 'a cell'}? (a cell cannot hold a line break)"
        )
    at = next((i for i, c in enumerate(cells) if '"' in c), len(cells) - 1)
    column = _name(header, at)
    return column, (
        f'stray quote (") in {column or "a cell"}: a cell with quotes must be quoted '
        'whole, with each quote inside it doubled ("")'
    )


def _not_utf8(column: str, value: str) -> str:
    return f"not valid UTF-8 in {column}"


def _has_control(value: str) -> bool:
    return any(unicodedata.category(c) == "Cc" and c != "\t" for c in value)


def _control(column: str, value: str) -> str:
    char = next(c for c in value if unicodedata.category(c) == "Cc" and c != "\t")
    return f"control character U+{ord(char):04X} in {column} (only tab is allowed in a cell)"


def _too_long_cell(column: str, value: str) -> str:
    return f"{column} is {len(value):,} characters long, over the limit of {MAX_CELL_CHARS:,}"


def _rfc4180(line: str) -> bool:
    return '"' not in line or pc.match_substring_regex(pa.array([line]), _RFC4180_LINE)[0].as_py()


def _runs_past_the_line(line: str) -> bool:
    try:
        with _any_field_size():
            next(csv.reader([line], strict=True))
    except csv.Error as error:
        return "end of data" in str(error) or "new-line character" in str(error)
    return False


def _cells(line: str) -> list[str]:
    """A line's cells as a lenient CSV reader sees them (for lines that failed a check)."""
    with _any_field_size():
        return next(csv.reader([line]), [])


@contextmanager
def _any_field_size() -> Iterator[None]:
    """Lines are checked against ``MAX_LINE_CHARS`` before this parser sees them, except
    the ones being described or written back as rejected: no limit of csv's own for those."""
    old = csv.field_size_limit(sys.maxsize)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def raw_lines(path: Path, wanted: set[int]) -> dict[int, list[str]]:
    """The cells of the lines numbered ``wanted`` exactly as sent (rejected rows, to write
    them back), read leniently; the file is read only up to the last of them."""
    found: dict[int, list[str]] = {}
    if not wanted:
        return found
    last = max(wanted)
    with open(path, "rb") as handle:
        if handle.read(3) != b"\xef\xbb\xbf":
            handle.seek(0)
        for first, lines in _line_batches(handle, 100_000):
            for offset, line in enumerate(lines):
                if first + offset in wanted:
                    found[first + offset] = _cells(line)
            if first + len(lines) > last:
                break
    return found


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
