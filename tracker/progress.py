"""Progress for long work: a bar on a terminal, silence otherwise (logs, CI, pipes)."""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO


class Progress(Protocol):
    def __call__(self, step: str, done: int, total: int) -> None: ...


def no_progress(step: str, done: int, total: int) -> None:
    """The default: say nothing."""


class TerminalBar:
    """A one-line bar redrawn in place at most ten times a second."""

    def __init__(self, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.stream, self.width, self._last = stream, width, 0.0

    def __call__(self, step: str, done: int, total: int) -> None:
        now = time.monotonic()
        finished = total > 0 and done >= total
        if not finished and now - self._last < 0.1:
            return
        self._last = now
        share = min(done / total, 1.0) if total else 0.0
        filled = int(share * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{step:<22} [{bar}] {share:4.0%} {done:>10,}/{total:,}")
        if finished:
            self.stream.write("\n")
        self.stream.flush()


def progress_for(stream: TextIO = sys.stderr) -> Progress:
    """A bar when ``stream`` is a terminal, else nothing."""
    return TerminalBar(stream) if stream.isatty() else no_progress
