"""How fast `lmt synth` writes batches, and how much memory it takes.

Each size runs `lmt synth --workers N --seed 7 OUT` in its own process under
`/usr/bin/time -v`, which reports the wall-clock time and the peak resident memory of the
whole command (Python start-up and imports included). Rows and bytes are read back from
the batch written. Targets: 10,000 workers in a few seconds, 100,000
(about 1,000,000 moves) well under a minute, 1,000,000 (about 10,000,000 moves) within a
few minutes and under about 6 GiB.

Usage: python bench/bench_synth.py [--sizes 10000 100000 1000000] [--keep DIR]
Writes the "synth" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import write_section

TARGETS = {10_000: 10.0, 100_000: 60.0, 1_000_000: 300.0}
"""Seconds: "a few seconds", "well under a minute", "a few minutes"."""
MEMORY_TARGET_GIB = 6.0


def measure(workers: int, out: Path) -> dict:
    load_before = os.getloadavg()[0]
    command = [sys.executable, "-m", "lmt.cli", "synth", "--workers", str(workers)]
    command += ["--seed", "7", str(out)]
    done = subprocess.run(
        ["/usr/bin/time", "-v", *command], capture_output=True, text=True, check=True
    )
    report = done.stderr
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", report)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
    user = re.search(r"User time \(seconds\): ([\d.]+)", report)
    system = re.search(r"System time \(seconds\): ([\d.]+)", report)
    if not wall or not rss or not user or not system:
        raise SystemExit(f"could not read /usr/bin/time's report:\n{report}")
    seconds = 0.0
    for part in wall.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    summary = json.loads((out / "answers" / "summary.json").read_text())
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {
        "workers": workers,
        "seconds": seconds,
        "cpu_seconds": float(user.group(1)) + float(system.group(1)),
        "load_before": load_before,
        "peak_gib": int(rss.group(1)) / 1024**2,
        "moves": summary["files"]["moves.csv"]["rows"],
        "rows": sum(f["rows"] for f in summary["files"].values()),
        "contractors": summary["contractors"]["total"],
        "circuits": summary["circuits"]["rows"],
        "bytes": size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(TARGETS))
    parser.add_argument("--keep", metavar="DIR", help="keep the batches in DIR/synth-N")
    args = parser.parse_args()
    results = []
    scratch = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-synth-"))
    try:
        for workers in args.sizes:
            out = scratch / f"synth-{workers}"
            shutil.rmtree(out, ignore_errors=True)
            result = measure(workers, out)
            print(json.dumps(result))
            results.append(result)
            if not args.keep:
                shutil.rmtree(out, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)

    lines = [
        "| workers | moves | rows in all files | contractors | circuits | on disk | wall time "
        "| CPU time | load before | peak memory | target |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        target = TARGETS.get(r["workers"])
        verdict = "-"
        if target is not None:
            ok = r["seconds"] <= target and r["peak_gib"] <= MEMORY_TARGET_GIB
            verdict = f"{'met' if ok else 'MISSED'} (<= {target:.0f} s, <= {MEMORY_TARGET_GIB} GiB)"
        lines.append(
            f"| {r['workers']:,} | {r['moves']:,} | {r['rows']:,} | {r['contractors']:,} "
            f"| {r['circuits']:,} | {r['bytes'] / 1e6:,.0f} MB | {r['seconds']:.1f} s "
            f"| {r['cpu_seconds']:.1f} s | {r['load_before']:.1f} | {r['peak_gib']:.2f} GiB "
            f"| {verdict} |"
        )
    body = "\n".join(lines) + (
        "\n\nEach figure is one run of the whole command in its own process, measured by "
        "`/usr/bin/time -v` (wall clock, user + system CPU time, maximum resident set size), "
        'Python start-up included. The command runs on one core; "load before" is the '
        f"1-minute load average when the run started, on this machine's {os.cpu_count()} "
        "cores: other work shares the machine, so wall times vary between runs, CPU times less."
    )
    sizes = " ".join(str(s) for s in args.sizes)
    write_section(
        "synth",
        "Synthetic batches (lmt synth)",
        f"python bench/bench_synth.py --sizes {sizes}",
        body,
    )


if __name__ == "__main__":
    main()
