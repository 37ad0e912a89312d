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

import shutil
from collections import defaultdict
from collections.abc import Set
from pathlib import Path

from tracker.csvio import raw_lines, write_rows
from tracker.field_format import RECORD_FILES, RECORD_FILES_BY_NAME
from tracker.ingest.validation import Rejection
from tracker.spreadsheet import neutralise_rows

REPORT_FILE = "report.csv"
MARK_FILE = ".lmt-rejects"
"""Left in every rejects folder LMT makes: only a folder with it is ever cleared."""
WRITTEN = (*(f.name for f in RECORD_FILES), REPORT_FILE)


def default_rejects_dir(batch: Path) -> Path:
    """Beside the batch: ``B-rejects`` for ``B``."""
    return batch.with_name(batch.name + "-rejects")


def rejects_folder_problem(batch: Path, rejects: Path) -> str | None:
    """Why ``rejects`` may not hold the rejects of ``batch`` (None: it may).

    LMT clears the files it wrote in a rejects folder before writing new ones, so it never
    takes a folder it did not make: the batch folder, or one holding anything without the
    mark LMT leaves in its own."""
    if rejects.resolve() == batch.resolve():
        return f"the rejects folder {rejects} is the batch folder: give another (--rejects)"
    if rejects.exists() and not rejects.is_dir():
        return f"the rejects folder {rejects} is a file"
    if rejects.is_dir() and not (rejects / MARK_FILE).exists() and any(rejects.iterdir()):
        return (
            f"the rejects folder {rejects} holds files LMT did not write: "
            "give an empty or new folder (--rejects)"
        )
    return None


def describe(rejection: Rejection) -> str:
    column = f", column {rejection.column}" if rejection.column else ""
    return f"{rejection.file} line {rejection.line}{column}: {rejection.reason}"


def write_rejects(
    batch: Path, rejects: Path, rejections: list[Rejection], unreadable: Set[str] = frozenset()
) -> Path | None:
    """Write the rejects folder for ``batch``; clear what an earlier run left there.

    A file that could not be read at all (``unreadable``) is copied as it is."""
    problem = rejects_folder_problem(batch, rejects)
    if problem:  # checked before importing too; never delete what another wrote
        raise ValueError(problem)
    if (rejects / MARK_FILE).exists():
        for name in WRITTEN:
            (rejects / name).unlink(missing_ok=True)
    if not rejections:
        if rejects.is_dir() and {p.name for p in rejects.iterdir()} <= {MARK_FILE}:
            shutil.rmtree(rejects)
        return None
    rejects.mkdir(parents=True, exist_ok=True)
    (rejects / MARK_FILE).write_text("rejected rows written by lmt ingest\n")
    by_file: dict[str, list[Rejection]] = defaultdict(list)
    for rejection in rejections:
        by_file[rejection.file].append(rejection)
    for name, rejected in by_file.items():
        if name in unreadable:
            shutil.copyfile(batch / name, rejects / name)
            continue
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
    """The file's header and each rejected row's cells, as sent, by line."""
    found = raw_lines(path, {1} | {r.line for r in rejected})
    return [h.strip() for h in found.pop(1, [])], found


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
