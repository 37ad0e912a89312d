"""Spreadsheet-safe CSV cells: no file a person opens in a spreadsheet carries a live formula.

Advocacy staff open ``contractor_risk.csv``, ``chains.csv`` and ``circuits.csv``, and field
teams the rejects files, by double-clicking them: a spreadsheet then runs any cell that
starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or carriage return) as a
formula, so a contractor or worker named ``=HYPERLINK(...)`` in a field record would run in
the office (OWASP, "CSV Injection"). Following OWASP's guidance, such a cell is written with
a single quote in front (``neutralise``), which every spreadsheet shows as text.

Which files: those written for people (``write_sheet``: the analytics outputs; the rejects
folder). ``write_sheet`` is also the analytics files' disclosure step: the table goes
through ``tracker.access.disclosure.disclose_table`` for the role it is written for (its
columns declared in ``graph_schema.disclosure.TABLES``; an undeclared column is an error).
The exchange format itself (``lmt export``, batches) is data for programs and is never
neutralised, so an export re-imports exactly. The rejects files are both: people fix
them in a spreadsheet and then import them again, so importing reverses the quote
(``restore``, applied by ``tracker.csvio.read_chunks`` to every cell read). To make that
exact, ``neutralise`` also quotes a cell that already starts with quotes followed by a
trigger (``'=x`` is written ``''=x``), and ``restore`` takes exactly one quote off a cell of
quotes followed by a trigger. ``restore(neutralise(v)) == v`` for every ``v``; the only
cells of a batch that import changed are those that start with a quote and then a trigger
character (``'=x`` imports as ``=x``), which no field record is expected to hold and which a
spreadsheet would itself have stored as ``=x``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from tracker.access.roles import Role

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make a spreadsheet read a cell as a formula (OWASP)."""
QUOTED_TRIGGER = re.compile(r"'+[=+\-@\t\r]")


def neutralise(cell: str) -> str:
    """The cell, with one single quote in front if a spreadsheet could run it (or if
    ``restore`` would otherwise take a quote off it)."""
    if cell.startswith(TRIGGERS) or QUOTED_TRIGGER.match(cell):
        return "'" + cell
    return cell


def restore(cell: str) -> str:
    """``neutralise`` undone: one quote off a cell of quotes followed by a trigger."""
    return cell[1:] if QUOTED_TRIGGER.match(cell) else cell


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell of a table neutralised (numbers, dates and booleans left alone:
    a negative number is a number, not a formula, when the column holds numbers)."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            out[name] = column.map(lambda v: neutralise(v) if isinstance(v, str) else v)
    return out


def write_sheet(
    frame: pd.DataFrame,
    path: Path,
    table: str,
    role: Role | None = Role.ADMIN,
    columns: Sequence[str] | None = None,
    pseudonym: Callable[[str], str] | None = None,
) -> Path:
    """The one writer of CSV files for people: the ``table`` (a name of
    ``graph_schema.disclosure.TABLES``) as ``role`` may see it (``disclose_table``; a
    researcher's ids as ``pseudonym`` makes them), through ``tracker.csvio.write_table``
    with every text cell neutralised. The ``lmt`` commands write for the one who runs them,
    who holds the store (``Role.ADMIN``), unless told another role (``--for``:
    ``lmt.commands.audience``)."""
    from tracker.access.disclosure import disclose_table
    from tracker.csvio import write_table

    if columns is not None:
        frame = frame.reindex(columns=list(columns))
    shown, _hidden = disclose_table(frame, table, role, pseudonym)
    return write_table(neutralise_frame(shown), Path(path))


def neutralise_rows(rows: Sequence[Sequence[str]]) -> list[list[str]]:
    """Raw cell rows (the rejects files) neutralised cell by cell."""
    return [[neutralise(c) for c in row] for row in rows]
