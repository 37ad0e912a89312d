"""Write one benchmark's figures into its own section of docs/benchmarks.md.

Each benchmark owns a section between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``
and replaces only that section, so benchmarks can be re-run one at a time. Every section
states the command that produced it and the machine it ran on.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
from pathlib import Path

REPORT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = (
    "# Benchmarks\n\n"
    "Figures measured on the project's reference machine (2 cores, 24 GiB, no GPU) by the\n"
    "scripts in `bench/`. Each section names the command that produced it; re-run it to\n"
    "refresh that section. Each states its target; a missed target says so.\n"
)


def must_find(pattern: str, report: str, tool: str, flags: int = 0) -> re.Match[str]:
    """``pattern`` in a measuring tool's ``report``; stops the benchmark if it is not there."""
    found = re.search(pattern, report, flags)
    if found is None:
        raise SystemExit(f"could not read {tool}'s report ({pattern!r}):\n{report[-3000:]}")
    return found


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"measured {dt.date.today().isoformat()}"
    )


def write_section(name: str, title: str, command: str, body: str) -> Path:
    """Replace (or append) section ``name`` of docs/benchmarks.md."""
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else HEADER
    section = (
        f"<!-- bench:{name} -->\n## {title}\n\n"
        f"Command: `{command}`  \nMachine: {machine()}\n\n{body.strip()}\n"
        f"<!-- /bench:{name} -->"
    )
    pattern = re.compile(
        rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S
    )
    text = (
        pattern.sub(lambda _: section, text)
        if pattern.search(text)
        else f"{text.rstrip()}\n\n{section}\n"
    )
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text, encoding="utf-8")
    return REPORT
