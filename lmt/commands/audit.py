"""`lmt audit verify [--head ENTRY:HASH]`: is the audit log as it was written?

Walks the hash chain of the access database's audit log (``tracker.access.chain``) and
names, by entry number, every entry changed, removed or inserted; it checks the last
entries against the head file beside the database (rewritten after every commit) and
against ``--head`` (a head printed by an earlier run, kept somewhere the people who can
write the database cannot: that is what finds a log rewritten together with its head file).
Exit 0 when intact, 1 when anything was found. Reads only (the database is opened
read-only, so a dropped trigger is seen, not made again); works while ``lmt serve`` runs.
`lmt keys audit` prints the entries.

There is one log per writer at a time (``tracker.access.audit``: each server process
appends to its own): the access database's, then ``audit-1.sqlite3`` and on, each a chain
with its head file (``audit-K-head``), each checked; ``--head`` names an entry of the first.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from tracker.access.chain import Head, head_path, read_head, verify


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("audit", parents=[parent], help="check the audit log")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    verify = actions.add_parser(
        "verify", parents=[parent], help="check the hash chain: exit 1 if tampered with"
    )
    verify.add_argument(
        "--head",
        metavar="ENTRY:HASH",
        action="append",
        default=[],
        help="a head printed by an earlier verify: its entry must still be there, unchanged",
    )
    verify.add_argument(
        "--no-head-file", action="store_true", help="do not check the head file beside the log"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from tracker.access import access_db_path
    from tracker.access.audit import log_paths

    path = access_db_path(args.settings)
    try:
        given = [("--head", Head.parse(text)) for text in args.head]
    except ValueError as error:
        print(f"lmt audit: {error}", file=sys.stderr)
        return 2
    if not path.exists():
        print(f"lmt audit: no access database at {path}", file=sys.stderr)
        return 1
    intact = True
    logs = log_paths(path)
    for number, log in logs.items():
        # --head names an entry of the first log; the others have their head files
        intact &= _verify(log, given if number == 0 else [], args.no_head_file, number > 0)
    for entry, name in _started(path):
        if name not in {log.name for log in logs.values()}:
            print(f"TAMPERED: {name} (started at entry {entry}) is missing: deleted whole")
            intact = False
    return 0 if intact else 1


def _started(path: Path) -> list[tuple[int, str]]:
    """The logs the first log says were started after it: (its entry, file name)."""
    from tracker.access.audit import LOG_STARTED

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        rows = conn.execute(
            "SELECT entry, detail FROM audit WHERE key_id = 'lmt' AND action = ?",
            [LOG_STARTED],
        ).fetchall()
    finally:
        conn.close()
    return [(entry, str(detail).split(" ", 1)[0]) for entry, detail in rows]


def _verify(path: Path, given: list[tuple[str, Head]], no_head_file: bool, named: bool) -> bool:
    """Check one log (``named``: its lines start with its file's name); True if intact."""
    heads = list(given)
    if not no_head_file:
        found = read_head(head_path(path))
        if found is not None:
            heads.insert(0, ("the head file", found))
        elif head_path(path).exists():
            print(f"lmt audit: the head file {head_path(path)} cannot be read", file=sys.stderr)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        verdict = verify(conn, heads)
    finally:
        conn.close()
    where = f"{path.name}: " if named else ""
    for problem in verdict.problems:
        print(f"TAMPERED: {where}{problem}")
    for note in verdict.notes:
        print(f"note: {where}{note}")
    state = "intact" if verdict.intact else "NOT intact"
    print(f"{where}{verdict.entries:,} entries, {state}; head {verdict.last or 'none (empty log)'}")
    return verdict.intact
