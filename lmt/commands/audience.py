"""Options shared by the commands that write files for people: who the files are for.

The files the analytics commands write (``circuits.csv``, ``contractor_risk.csv``,
``chains.csv``, the journeys tables, ``persons.csv``) go through the one disclosure step
(``tracker.access.disclosure.disclose_table``, by way of ``tracker.spreadsheet.write_sheet``)
for a role, as the API's answers do. By default that role is admin: the one who runs ``lmt``
holds the store and sees it whole. ``--for ROLE`` writes them as that role's API key would
get them, so that an operator can hand a file on without handing on what the role may not
see: ``--for researcher`` gives the pseudonyms of the researcher project ``--project`` (the
same ones its API keys see: the pseudonym key beside the access database, or
``$LMT_PSEUDONYM_SECRET``) and counts below 5 suppressed; ``--for advocacy`` no worker ids
and counts suppressed, the free text written "fewer than 5 workers".
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.access.disclosure import CountWords, Pseudonymise
from tracker.access.roles import Role

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Audience:
    """Whom a command's files are for: the role, its pseudonyms, its way of writing counts."""

    role: Role
    pseudonym: Pseudonymise | None = None

    @property
    def words(self) -> CountWords:
        from tracker.access.disclosure import count_words

        return count_words(self.role)

    @property
    def names_workers(self) -> bool:
        """Whether files for this audience hold worker or person ids (or their
        pseudonyms): their writing is a read of every worker, audited (``audit``)."""
        return self.role.sees_identities or self.role.pseudonymised

    def audit(self, args: argparse.Namespace, action: str) -> None:
        """The command's read of every worker in the audit log (``lmt.audited``), committed
        before any file is written, when its files name workers for this audience."""
        if self.names_workers:
            from lmt.audited import log_read

            log_read(args.settings, action, detail=f"lmt {args.command} --for {self.role.value}")

    def write(self, frame: pd.DataFrame, path: Path, table: str) -> Path:
        """``tracker.spreadsheet.write_sheet`` for this audience."""
        from tracker.spreadsheet import write_sheet

        return write_sheet(frame, path, table, self.role, pseudonym=self.pseudonym)


def add_audience_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("audience")
    group.add_argument(
        "--for",
        dest="audience",
        choices=[r.value for r in Role],
        default=Role.ADMIN.value,
        help="write the files as this role's API keys see them (default admin: everything)",
    )
    group.add_argument(
        "--project",
        metavar="P",
        default=None,
        help="with --for researcher: the project whose pseudonyms are written (default)",
    )


def audience_problem(args: argparse.Namespace, *pictures: str) -> str | None:
    """What is wrong with the audience options, in words (None: nothing). ``pictures``:
    the command's options for pictures and graph files, which draw exact counts and so are
    not written for the roles that get counts suppressed."""
    role = Role(args.audience)
    if args.project is not None and role is not Role.RESEARCHER:
        return "--project goes with --for researcher"
    asked = [f"--{name.replace('_', '-')}" for name in pictures if getattr(args, name, None)]
    if role.suppressed and asked:
        return f"{', '.join(asked)} draw exact counts: not written --for {role.value}"
    return None


def audience_of(args: argparse.Namespace) -> Audience:
    """The audience the options name; a researcher's pseudonyms need the secret, read (or
    made, once) beside the access database as the server does."""
    role = Role(args.audience)
    if not role.pseudonymised:
        return Audience(role)
    from tracker.access import access_db_path
    from tracker.access.pseudonyms import DEFAULT_PROJECT, Pseudonyms

    settings = args.settings
    secret = settings.pseudonym_secret
    pseudonyms = Pseudonyms.from_file(
        access_db_path(settings).parent, None if secret is None else secret.get_secret_value()
    )
    project = args.project or DEFAULT_PROJECT
    return Audience(role, lambda value: pseudonyms.of(value, project))
