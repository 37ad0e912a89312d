"""CPU time and memory of a command with every process it starts, read from /proc.

``/usr/bin/time`` counts a child only once it has been waited for, and Spark's JVM (started
by PySpark's driver) may not be: its CPU and its memory would be left out of a Spark run.
So a run here samples the whole process tree every ``SAMPLE_SECONDS``: the CPU of each
process (user + system) as last seen, summed over every process seen, beside the rusage of
the command and all it waited for (``RUSAGE_CHILDREN``, runs one at a time), the larger
taken; peak memory is the largest
sum of the tree's resident sets at one sample (a JVM and its Python workers together).
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_SECONDS = 0.2


@dataclass
class Usage:
    seconds: float
    cpu_seconds: float
    peak_gib: float
    load_before: float
    returncode: int
    stdout: str
    stderr: str


def descendants(pid: int) -> list[int]:
    """The live processes below ``pid``, children first."""
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (FileNotFoundError, ProcessLookupError):
        return []
    return [int(c) for c in found] + [g for c in found for g in descendants(int(c))]


def cpu_and_rss(pid: int) -> tuple[float, int] | None:
    """User + system CPU seconds and resident bytes of ``pid`` (None once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS, int(fields[21]) * PAGE


def tree_cpu_seconds(pid: int) -> float:
    """CPU of ``pid`` and its live descendants now (a server and its worker processes)."""
    return sum(u[0] for p in [pid, *descendants(pid)] if (u := cpu_and_rss(p)) is not None)


def run(command: list[str], env: dict[str, str] | None = None) -> Usage:
    """Run ``command`` to its end, sampling its process tree (module docstring)."""
    load_before = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)  # the runs go one at a time
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    cpu: dict[int, float] = {}
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(SAMPLE_SECONDS):
            rss = 0
            for pid in [process.pid, *descendants(process.pid)]:
                found = cpu_and_rss(pid)
                if found is not None:
                    cpu[pid] = max(cpu.get(pid, 0.0), found[0])
                    rss += found[1]
            peak[0] = max(peak[0], rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    waited = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Usage(
        seconds=seconds,
        cpu_seconds=max(sum(cpu.values()), waited),
        peak_gib=peak[0] / 1024**3,
        load_before=load_before,
        returncode=process.returncode,
        stdout=out,
        stderr=err,
    )
