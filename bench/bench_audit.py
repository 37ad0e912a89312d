"""The audit log's group commit, synchronous=NORMAL against FULL (WAL mode), on this disk.

``readers`` threads each record an entry and wait for its commit, over and over, for
``seconds`` (as the requests of a loaded server do); one writer thread commits what is
waiting in one transaction (``tracker.access.audit``). Reported per setting: entries
committed a second, transactions a second (entries per group), the wait of one entry
(p50, p99) and the process's CPU time. Then one reader alone: the time of one commit.

Usage: python -m bench.bench_audit [--seconds 5] [--readers 20]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import threading
import time
from pathlib import Path

from tracker.access import AccessDB, AuditLog


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(folder: Path, synchronous: str, readers: int, seconds: float) -> dict:
    db = AccessDB(folder / f"access-{synchronous}-{readers}.sqlite3", synchronous=synchronous)
    audit = AuditLog(db, group_commit=True)
    waits: list[list[float]] = [[] for _ in range(readers)]
    stop = time.monotonic() + seconds

    def read(mine: list[float]) -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            audit.record("bench", "field", "timeline", "W0000001")
            mine.append(time.perf_counter() - started)

    before = db.connection().execute("SELECT count(*) FROM audit").fetchone()[0]
    cpu_before, wall_before = cpu(), time.monotonic()
    threads = [threading.Thread(target=read, args=(w,)) for w in waits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall, used = time.monotonic() - wall_before, cpu() - cpu_before
    audit.close()
    entries = db.connection().execute("SELECT count(*) FROM audit").fetchone()[0] - before
    groups = audit.commits
    db.close()
    every = sorted(w for mine in waits for w in mine)
    return {
        "synchronous": synchronous,
        "readers": readers,
        "entries_s": entries / wall,
        "commits_s": groups / wall,
        "per_group": entries / max(1, groups),
        "p50_ms": 1000 * statistics.median(every),
        "p99_ms": 1000 * every[int(0.99 * (len(every) - 1))],
        "cpu_s": used,
        "wall_s": wall,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--readers", type=int, default=20)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print(
        "| synchronous | readers | entries/s | commits/s | entries per commit | wait p50 "
        "| wait p99 | CPU / wall |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory(dir=os.environ.get("LMT_BENCH_DIR")) as folder:
        for synchronous in ("NORMAL", "FULL"):
            for readers in (1, args.readers):
                f = run(Path(folder), synchronous, readers, args.seconds)
                print(
                    f"| {synchronous} | {readers} | {f['entries_s']:,.0f} | {f['commits_s']:,.0f} "
                    f"| {f['per_group']:.1f} | {f['p50_ms']:.2f} ms | {f['p99_ms']:.2f} ms "
                    f"| {f['cpu_s']:.1f} s / {f['wall_s']:.1f} s |"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
