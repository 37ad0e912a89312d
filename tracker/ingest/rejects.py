"""The rejects folder: every rejected row, exactly as sent, with a ``reason`` column.

Each file of the batch that had rejections gets a file of the same name holding those rows
with their original header plus a ``reason`` column ("grievances.csv line 17, column
indicator: unknown indicator ..."), so a field team can fix the cells and import the file as
it is (the extra column is ignored on import). Cells a spreadsheet would run as formulas
are written with a quote in front, which import takes off again (``tracker.spreadsheet``).
moves.csv already has a ``reason`` column (why
the worker moved), so there the column is called ``reject_reason``. ``report.csv`` lists all
rejections as file, line, record_or_id, column, reason for tools.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from tracker.csvio import read_chunks, write_rows
from tracker.field_format import RECORD_FILES, RECORD_FILES_BY_NAME
from tracker.ingest.validation import Rejection
from tracker.spreadsheet import neutralise_rows

REPORT_FILE = "report.csv"


def describe(rejection: Rejection) -> str:
    column = f", column {rejection.column}" if rejection.column else ""
    return f"{rejection.file} line {rejection.line}{column}: {rejection.reason}"


def write_rejects(batch: Path, rejects: Path, rejections: list[Rejection]) -> Path | None:
    """Write the rejects folder for ``batch``; clear what an earlier run left there."""
    for name in [f.name for f in RECORD_FILES] + [REPORT_FILE]:
        (rejects / name).unlink(missing_ok=True)
    if not rejections:
        if rejects.is_dir() and not any(rejects.iterdir()):
            rejects.rmdir()
        return None
    by_file: dict[str, list[Rejection]] = defaultdict(list)
    for rejection in rejections:
        by_file[rejection.file].append(rejection)
    for name, rejected in by_file.items():
        header, cells_of = _cells_as_sent(batch / name, rejected)
        column = reason_column(name)
        rows = [_with_reason(header, cells_of[r.line], describe(r), column) for r in rejected]
        header = header if column in header else [*header, column]
        write_rows(rejects / name, header, neutralise_rows(rows))
    write_rows(
        rejects / REPORT_FILE,
        ["file", "line", "record_or_id", "column", "reason"],
        neutralise_rows(
            [[r.file, str(r.line), r.record_id, r.column, r.reason] for r in rejections]
        ),
    )
    return rejects


def _cells_as_sent(path: Path, rejected: list[Rejection]) -> tuple[list[str], dict]:
    """The file's header and each rejected row's cells by line. Cells kept at validation are
    used as they are; the file is re-read only for the others, and only up to the last one."""
    cells_of = {r.line: list(r.cells) for r in rejected if r.cells}
    missing = {r.line for r in rejected if not r.cells}
    header: list[str] = []
    for chunk in read_chunks(path, size=10_000):
        header = chunk.header
        if not missing:
            break
        for cells, line in zip(chunk.rows, chunk.lines, strict=True):
            if line in missing:
                cells_of[line] = cells
                missing.discard(line)
    return header, cells_of


def reason_column(file: str) -> str:
    """``reason``, unless the format already uses that name in ``file``."""
    return "reject_reason" if "reason" in RECORD_FILES_BY_NAME[file].columns else "reason"


def _with_reason(header: list[str], cells: list[str], reason: str, column: str) -> list[str]:
    """The row's cells, padded to the header, with the reason set (replacing an old one)."""
    cells = cells + [""] * (len(header) - len(cells))
    if column in header:
        cells[header.index(column)] = reason
        return cells
    return [*cells, reason]
