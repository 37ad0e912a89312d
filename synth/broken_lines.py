"""Lines broken the way spreadsheets and hand edits break them, planted into a written batch.

`plant_bad_rows` (synth/noise.py) breaks the format's *rules* inside well-formed CSV; this
module breaks the *CSV itself*, as the bad-input issue's reproductions do: a stray quote
that opens a cell and never closes it (the reader must reject that one line and go on, not
swallow the next rows), a quote inside an unquoted cell, an unquoted comma (one cell too
many), a cell over the 2,000-character limit, a line over the 20,000-character limit (a
pasted 200,000-character name) and a NUL byte. Each broken line is an extra copy of a good
line with a fresh id, inserted after it, so the good rows tell the same story with or
without the broken ones; the answer key (``answers/bad_rows.csv`` and ``summary.json``) is
rewritten with every line number shifted by the lines inserted above it and one row per
broken line, with the reason the reader gives, so an import can be checked to reject
exactly these lines.

This runs after the batch is written (`lmt synth --broken-lines N`) and streams each file
once, so it costs a copy of three files even at 1M workers.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tracker.csvio import MAX_CELL_CHARS, MAX_LINE_CHARS

# file -> (its id column, the text column the breakage goes into)
TARGETS = {
    "workers.csv": ("worker_id", "name"),
    "moves.csv": ("record_id", "reason"),
    "grievances.csv": ("record_id", "status"),
}
LONG_CELL = MAX_CELL_CHARS + 500
HUGE_CELL = 10 * MAX_LINE_CHARS


def _open_quote(value: str) -> str:
    return f'"{value}'


def _inner_quote(value: str) -> str:
    return f'{value[:1]}"{value[1:]}'


def _extra_comma(value: str) -> str:
    return f"Kumar,{value}"


def _long_cell(value: str) -> str:
    return (value or "x") * (LONG_CELL // max(len(value), 1) + 1)


def _huge_cell(value: str) -> str:
    return (value or "x") * (HUGE_CELL // max(len(value), 1) + 1)


def _nul(value: str) -> str:
    return f"{value[:1]}\x00{value[1:]}"


def _reason(kind: str, column: str, cell: str, line: str, width: int) -> tuple[str, str]:
    """The (column, reason) the reader gives for a line broken by ``kind``."""
    if kind == "open_quote":
        return column, (
            f'a quoted cell runs past the end of the line: a stray quote (") in {column}? '
            "(a cell cannot hold a line break)"
        )
    if kind == "inner_quote":
        return column, (
            f'stray quote (") in {column}: a cell with quotes must be quoted whole, with '
            'each quote inside it doubled ("")'
        )
    if kind == "extra_comma":
        return "", f"row has {width + 1} cells but the header has {width}"
    if kind == "long_cell":
        return column, (
            f"{column} is {len(cell):,} characters long, over the limit of {MAX_CELL_CHARS:,}"
        )
    if kind == "huge_cell":
        return column, (
            f"line is {len(line):,} characters long, over the limit of {MAX_LINE_CHARS:,} "
            f"(column {column})"
        )
    return column, f"control character U+0000 in {column} (only tab is allowed in a cell)"


BREAKS: dict[str, Callable[[str], str]] = {
    "open_quote": _open_quote,
    "inner_quote": _inner_quote,
    "extra_comma": _extra_comma,
    "long_cell": _long_cell,
    "huge_cell": _huge_cell,
    "nul": _nul,
}
"""Kind of breakage -> how a good cell becomes a broken one (the cell is written raw)."""


def plant_broken_lines(batch: Path, per_kind: int, seed: int) -> int:
    """Insert ``per_kind`` lines of each kind of `BREAKS` into each file of `TARGETS` in
    ``batch`` and rewrite its answer key; the number of lines inserted."""
    rng = np.random.default_rng([seed, 14])
    answers = batch / "answers"
    with open(answers / "bad_rows.csv", newline="", encoding="utf-8") as handle:
        known = list(csv.DictReader(handle))
    planted: list[dict[str, str]] = []
    shifts: dict[str, list[int]] = {}
    for name, (id_column, column) in TARGETS.items():
        path = batch / name
        if not path.exists() or per_kind <= 0:
            continue
        records = _count_lines(path) - 1
        kinds = [k for k in BREAKS for _ in range(per_kind)]
        if records < 1:
            continue
        after = np.sort(rng.choice(records, size=min(len(kinds), records), replace=False)) + 2
        kinds = [kinds[i] for i in rng.permutation(len(kinds))[: len(after)]]
        planted += _rewrite(path, dict(zip(after.tolist(), kinds, strict=True)), id_column, column)
        shifts[name] = after.tolist()
    for row in known:
        points = shifts.get(row["file"])
        if points:
            row["line"] = str(int(row["line"]) + bisect.bisect_left(points, int(row["line"])))
    rows = sorted(known + planted, key=lambda r: (r["file"], int(r["line"])))
    _write_answers(answers, rows, planted, {name: len(points) for name, points in shifts.items()})
    return len(planted)


def _rewrite(path: Path, after: dict[int, str], id_column: str, column: str) -> list[dict]:
    """Copy ``path`` with a broken line inserted after each line number in ``after``."""
    planted = []
    temporary = path.with_name(path.name + ".part")
    with (
        open(path, encoding="utf-8", newline="") as source,
        open(temporary, "w", encoding="utf-8", newline="") as out,
    ):
        header_line = source.readline()
        out.write(header_line)
        header = next(csv.reader([header_line]))
        at_id, at_cell = header.index(id_column), header.index(column)
        written = 1
        for number, line in enumerate(source, start=2):
            out.write(line)
            written += 1
            kind = after.get(number)
            if kind is None:
                continue
            cells = next(csv.reader([line]))
            cells[at_id] = f"{cells[at_id]}-{kind.upper().replace('_', '')}{written}"
            cell = BREAKS[kind](cells[at_cell] or "x")
            broken = _joined(cells, at_cell, cell)
            out.write(broken + line[len(line.rstrip("\r\n")) :])
            written += 1
            blamed, reason = _reason(kind, column, cell, broken, len(header))
            planted.append(
                {
                    "file": path.name,
                    "line": str(written),
                    "record_or_id": cells[at_id],
                    "column": blamed,
                    "reason": reason,
                    "kind": kind,
                }
            )
    os.replace(temporary, path)
    return planted


def _joined(cells: list[str], raw_at: int, raw: str) -> str:
    """``cells`` as one CSV line, quoted as needed, but cell ``raw_at`` written as ``raw``."""
    parts = []
    for i, cell in enumerate(cells):
        one = io.StringIO()
        csv.writer(one, lineterminator="").writerow([cell])
        parts.append(raw if i == raw_at else one.getvalue())
    return ",".join(parts)


def _count_lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 24), b""))


def _write_answers(
    answers: Path, rows: list[dict], planted: list[dict], inserted: dict[str, int]
) -> None:
    columns = ["file", "line", "record_or_id", "column", "reason"]
    with open(answers / "bad_rows.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    summary_path = answers / "summary.json"
    summary = json.loads(summary_path.read_text())
    bad = summary["bad_rows"]
    for name, count in inserted.items():
        summary["files"][name]["rows"] += count
    for row in planted:
        bad["by_file"][row["file"]] = bad["by_file"].get(row["file"], 0) + 1
        kind = f"broken line: {row['kind']}"
        bad["by_reason"][kind] = bad["by_reason"].get(kind, 0) + 1
    bad["total"] += len(planted)
    bad["by_file"] = dict(sorted(bad["by_file"].items()))
    bad["by_reason"] = dict(sorted(bad["by_reason"].items()))
    summary_path.write_text(json.dumps(summary, indent=2) + "\n")
