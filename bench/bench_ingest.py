"""How fast `lmt ingest` imports batches into the embedded store, and how much memory it takes.

Target: on this 2-core machine, 100,000 workers with about 1,000,000
moves and the other files in at most 60 s end to end, peak memory at most 2 GiB, and time
growing linearly to 1,000,000 workers.

For each size a batch is made once with `lmt synth --workers N --seed 7` (kept in
``--work`` and reused, since making it is not what is measured: see the "synth" section),
then `lmt ingest BATCH --db FRESH --today 2026-11-23 --json` runs in its own process under
`/usr/bin/time -v`: wall-clock time, user + system CPU time and maximum resident set size of
the whole command, Python start-up, validation, reference checks, trip marking, rejects and
the LadybugDB COPYs included. ``--reimport`` also times the same batch sent again into the
store it just filled (every row read, validated and found unchanged).

The synthetic batches hold some bad rows on purpose, so `lmt ingest` exits with status 2
(rows rejected, the good ones stored); the benchmark checks that and nothing worse.

Usage: python -m bench.bench_ingest [--sizes 10000 100000 1000000] [--work DIR] [--reimport]
Writes the "ingest" section of docs/benchmarks.md. Keep ``--work`` to reuse the stores
(``DIR/store-N``) for the circuits and API benchmarks.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bench.report import must_find, write_section

TARGET_WORKERS = 100_000
TARGET_SECONDS = 60.0
TARGET_GIB = 2.0
TODAY = "2026-11-23"


def timed(command: list[str]) -> tuple[subprocess.CompletedProcess, dict]:
    """Run ``command`` under /usr/bin/time -v: its result and the time's figures."""
    load_before = os.getloadavg()[0]
    done = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True)
    report = done.stderr
    found = {
        key: must_find(pattern, report, "/usr/bin/time").group(1)
        for key, pattern in {
            "wall": r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)",
            "rss": r"Maximum resident set size \(kbytes\): (\d+)",
            "user": r"User time \(seconds\): ([\d.]+)",
            "system": r"System time \(seconds\): ([\d.]+)",
        }.items()
    }
    seconds = 0.0
    for part in found["wall"].split(":"):
        seconds = seconds * 60 + float(part)
    return done, {
        "seconds": seconds,
        "cpu_seconds": float(found["user"]) + float(found["system"]),
        "peak_gib": int(found["rss"]) / 1024**2,
        "load_before": load_before,
    }


def lmt(*args: str) -> list[str]:
    return [sys.executable, "-m", "lmt.cli", *args]


def batch_for(workers: int, work: Path, split_share: float | None = None) -> Path:
    """The synthetic batch of ``workers`` workers, made once. ``split_share``: `lmt synth
    --split-share` (None: its default; 0: one registration per person, the batch this
    benchmark measured before synth planted split registrations, byte for byte)."""
    batch = work / (
        f"synth-{workers}" if split_share is None else f"synth-{workers}-split{split_share:g}"
    )
    if not (batch / "answers" / "summary.json").exists():
        shutil.rmtree(batch, ignore_errors=True)
        options = [] if split_share is None else ["--split-share", str(split_share)]
        subprocess.run(
            lmt("synth", "--workers", str(workers), "--seed", "7", *options, str(batch)),
            check=True,
        )
    return batch


def ingest(batch: Path, db: Path) -> dict:
    """The import alone (``--no-link``): what this section measured before ``lmt ingest``
    also linked registrations into persons; ``link`` times that apart."""
    command = lmt("ingest", str(batch), "--db", str(db), "--today", TODAY, "--no-link", "--json")
    done, figures = timed(command)
    if done.returncode not in (0, 2):
        raise SystemExit(f"lmt ingest failed ({done.returncode}):\n{done.stderr[-3000:]}")
    report = json.loads(done.stdout)
    files = report["files"]
    figures.update(
        rows=sum(f["read"] for f in files),
        stored=sum(f["stored"] for f in files),
        replaced=sum(f["replaced"] for f in files),
        unchanged=sum(f["unchanged"] for f in files),
        rejected=sum(f["rejected"] for f in files),
        moves=next(f["read"] for f in files if f["file"] == "moves.csv"),
        exit=done.returncode,
    )
    return figures


def link(db: Path, out: Path) -> dict:
    """The linkage that ``lmt ingest`` runs after its import, timed on its own: ``lmt
    persons`` links the registrations no linkage has seen (all of them, after a
    ``--no-link`` import) and writes persons.csv."""
    done, figures = timed(lmt("persons", "--db", str(db), "--out", str(out)))
    if done.returncode != 0:
        raise SystemExit(f"lmt persons failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return figures


def measure(workers: int, work: Path, reimport: bool, split_share: float | None = None) -> dict:
    batch = batch_for(workers, work, split_share)
    db = work / f"store-{workers}"
    shutil.rmtree(db, ignore_errors=True)
    first = ingest(batch, db)
    result = {"workers": workers, **first, "linkage": link(db, work / f"persons-{workers}.csv")}
    if reimport:
        again = ingest(batch, db)
        if again["stored"] or again["replaced"]:
            raise SystemExit(f"re-import changed the store: {again}")
        result["again"] = again
    return result


def _linkage(result: dict) -> str:
    found = result.get("linkage")
    if found is None:
        return "-"
    return f"{found['seconds']:.1f} s / {found['cpu_seconds']:.1f} s / {found['peak_gib']:.2f} GiB"


def body(results: list[dict]) -> str:
    lines = [
        "| workers | moves | rows in all files | stored | rejected | wall time | CPU time "
        "| peak memory | load before | CPU time per 1M rows | re-import (wall / peak) "
        "| linkage (wall / CPU / peak) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        again = r.get("again")
        reimport = f"{again['seconds']:.1f} s / {again['peak_gib']:.2f} GiB" if again else "-"
        lines.append(
            f"| {r['workers']:,} | {r['moves']:,} | {r['rows']:,} | {r['stored']:,} "
            f"| {r['rejected']:,} | {r['seconds']:.1f} s | {r['cpu_seconds']:.1f} s "
            f"| {r['peak_gib']:.2f} GiB | {r['load_before']:.1f} "
            f"| {r['cpu_seconds'] / r['rows'] * 1e6:.1f} s | {reimport} | {_linkage(r)} |"
        )
    verdicts = []
    at_target = next((r for r in results if r["workers"] == TARGET_WORKERS), None)
    if at_target is not None:
        ok = at_target["seconds"] <= TARGET_SECONDS and at_target["peak_gib"] <= TARGET_GIB
        verdicts.append(
            f"Target at {TARGET_WORKERS:,} workers (<= {TARGET_SECONDS:.0f} s, <= {TARGET_GIB} "
            f"GiB): {'met' if ok else 'MISSED'} ({at_target['seconds']:.1f} s, "
            f"{at_target['peak_gib']:.2f} GiB)."
        )
    for small, large in itertools.pairwise(results):
        rows = large["rows"] / small["rows"]
        verdicts.append(
            f"From {small['workers']:,} to {large['workers']:,} workers: rows x{rows:.1f}, "
            f"wall time x{large['seconds'] / small['seconds']:.1f}, CPU time per row "
            f"x{(large['cpu_seconds'] / small['cpu_seconds']) / rows:.2f} (1.00 is linear), "
            f"peak memory x{large['peak_gib'] / small['peak_gib']:.1f}."
        )
    if at_target is not None and at_target["moves"] < 1_000_000:
        extra = 1_000_000 - at_target["moves"]
        seconds = extra * at_target["cpu_seconds"] / at_target["rows"]
        verdicts.append(
            f"`lmt synth` writes about {at_target['moves'] / TARGET_WORKERS:.1f} moves per "
            f"worker, so its {TARGET_WORKERS:,}-worker batch has {at_target['moves']:,} moves, "
            f"not the target's 1,000,000: the {extra:,} more, at the CPU time per row measured "
            f"at that size, would add about {seconds:.0f} s."
        )
    return "\n".join(lines) + (
        "\n\n"
        + " ".join(verdicts)
        + "\n\nEach row is one run of `lmt ingest BATCH --db FRESH --today 2026-11-23 "
        "--no-link --json` in its own process under `/usr/bin/time -v` (wall clock, user + "
        "system CPU time, maximum resident set size), on a batch made beforehand by `lmt synth "
        "--workers N --seed 7`: the import alone. `lmt ingest` without `--no-link` then links "
        "the new registrations into persons; that step is timed apart (last column: `lmt "
        "persons --db STORE --out FILE` right after the import, which links every registration "
        "and writes persons.csv). Rejected rows are the bad rows `lmt synth` plants (exit "
        "status 2, as the CLI spec says). Re-import: the same batch again into the filled "
        'store; it must store and replace nothing. "load before" is the 1-minute load '
        f"average when the run started, on this machine's {os.cpu_count()} cores.\n\n"
        "Why memory grows faster than rows: a file's good rows are held in pandas at once "
        "(checked, compared with the store, trip ids marked, written as one table), and "
        "LadybugDB holds a COPY's new edges in its buffer pool until the transaction commits "
        "(one COPY per file while the pool allows it: many small COPYs into a growing table "
        "rewrote 15 GB at 1,000,000 workers and were slower still). Writing moves in slices "
        "of workers would bound both; it is the known next step, not done yet."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--work", default="/tmp/lmt-bench", help="batches and stores kept here")
    parser.add_argument("--reimport", action="store_true", help="also time a second import")
    parser.add_argument("--no-report", action="store_true", help="print, do not write docs")
    parser.add_argument(
        "--split-share",
        type=float,
        default=None,
        help="lmt synth --split-share (0: the batches measured before split registrations)",
    )
    parser.add_argument("--from-log", help="write the section from a run's printed lines")
    args = parser.parse_args()
    os.environ.setdefault("LMT_DEBUG", "1")  # a failing lmt ingest shows its traceback
    if args.from_log:
        lines = Path(args.from_log).read_text().splitlines()
        results = [json.loads(line) for line in lines if line.startswith('{"workers"')]
        args.sizes = [r["workers"] for r in results]
        args.no_report = False
    else:
        results = []
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    for workers in [] if args.from_log else args.sizes:
        result = measure(workers, work, args.reimport, args.split_share)
        print(json.dumps(result), flush=True)
        results.append(result)
    if not args.no_report:
        sizes = " ".join(str(s) for s in args.sizes)
        flags = " --reimport" if args.reimport or any("again" in r for r in results) else ""
        if args.split_share is not None:
            flags += f" --split-share {args.split_share:g}"
        write_section(
            "ingest",
            "Ingestion (lmt ingest, embedded store)",
            f"python -m bench.bench_ingest --sizes {sizes}{flags}",
            body(results),
        )


if __name__ == "__main__":
    main()
