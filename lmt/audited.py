"""The command line's reads of personal data in the audit log (``tracker.access.audit``).

``lmt timeline``, ``lmt export`` and ``lmt persons`` read workers' records without an API
key, and so do ``lmt circuits`` and ``lmt journeys`` when their files name workers (for
admin, field or a researcher project: ``lmt.commands.audience``), so their entries name the
command line: key id ``cli:<the OS user>``, role admin (who
can run them can read the whole store). Each entry is committed before anything is shown
or written: a command that cannot write the log reads nothing.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable

from tracker.access import AccessDB, AuditLog, access_db_path
from tracker.access.audit import EVERY_WORKER
from tracker.settings import Settings

ROLE = "admin"


def command_key() -> str:
    """The key id of this command line's reads: ``cli:<user>``."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        import os

        user = f"uid{os.getuid()}"
    return f"cli:{user}"


def log_read(
    settings: Settings,
    action: str,
    workers: Iterable[str | None] = (EVERY_WORKER,),
    detail: str | None = None,
) -> None:
    """One entry per worker read (default: every worker, ``*``), committed on return."""
    db = AccessDB(access_db_path(settings), settings.audit_sync.upper())
    try:
        AuditLog(db).record_many(command_key(), ROLE, action, workers, detail)
    finally:
        db.close()
