"""Files at rest for the service's user only: folders 0700, files 0600.

The store holds names, phones and journeys, the access database keys and the audit trail,
the rejects folder rows exactly as the field sent them: none of it is for the other users
of a shared machine. ``keep_private`` sets the process's umask (every file and folder the
command, LadybugDB or SQLite creates from then on is the owner's alone); ``make_private``
closes up what an earlier version left readable (it walks the folder, a few files).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077
FOLDER_MODE = 0o700
FILE_MODE = 0o600


def keep_private() -> None:
    """From now on this process creates files 0600 and folders 0700."""
    os.umask(PRIVATE_UMASK)


def make_private(path: str | os.PathLike) -> None:
    """``path`` and everything under it: folders 0700, files 0600 (symlinks left alone);
    nothing happens for a path that does not exist."""
    root = Path(path)
    if not root.exists() or root.is_symlink():
        return
    if root.is_file():
        _chmod(root, FILE_MODE)
        return
    _chmod(root, FOLDER_MODE)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            _chmod(Path(folder) / name, FOLDER_MODE)
        for name in files:
            _chmod(Path(folder) / name, FILE_MODE)


def _chmod(path: Path, mode: int) -> None:
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode) or stat.S_IMODE(info.st_mode) == mode:
        return
    path.chmod(mode)
