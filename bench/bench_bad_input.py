"""A large batch with broken CSV lines ingests with exactly the rejects its answer key names.

Target (bad-input issue): "a 1M-worker batch with planted stray quotes and oversized cells
ingests with exact rejects". The batch is `lmt synth --workers N --seed 7 --broken-lines K`:
the synthetic batch with its rule-breaking rows (about 1% of each event file) plus K lines of
each kind of broken CSV (a quote that opens a cell and never closes, a quote inside an
unquoted cell, an unquoted comma, a 2,500-character cell, a 200,000-character line, a NUL
byte) inserted into workers.csv, moves.csv and grievances.csv (synth/broken_lines.py).

`lmt ingest` then runs in its own process under `/usr/bin/time -v` into a fresh store, and
the benchmark checks, and fails loudly if any does not hold:
- the rejected lines are exactly the answer key's, by file, line, record id and column, each
  reason starting with the key's reason (the reader adds the offending value);
- every line of every file is accounted for: read = stored + unchanged + replaced + rejected,
  and read is the file's line count less the header;
- every valid row is stored (the summary's ``valid_rows``), the broken lines' neighbours
  included: a stray quote swallows nothing;
- the exit status is 2 (rows rejected, the good ones stored).

Usage: python -m bench.bench_bad_input [--workers 1000000] [--broken-lines 20] [--work DIR]
Writes the "bad-input" section of docs/benchmarks.md. The store is kept in
``DIR/bad-store-N`` (a 1M-worker store other benchmarks can open read-only).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
from pathlib import Path

from bench.bench_ingest import TODAY, lmt, timed
from bench.report import write_section


def batch_for(workers: int, broken: int, work: Path) -> Path:
    """The synthetic batch with broken lines, made once."""
    batch = work / f"bad-{workers}-{broken}"
    if not (batch / "answers" / "summary.json").exists():
        shutil.rmtree(batch, ignore_errors=True)
        command = ["synth", "--workers", str(workers), "--seed", "7"]
        subprocess.run(lmt(*command, "--broken-lines", str(broken), str(batch)), check=True)
    return batch


def check(batch: Path, report: dict, exit_status: int) -> dict:
    """The checks of the module docstring; the counts they were made on."""
    with open(batch / "answers" / "bad_rows.csv", newline="", encoding="utf-8") as handle:
        expected = {
            (r["file"], int(r["line"]), r["record_or_id"], r["column"]): r["reason"]
            for r in csv.DictReader(handle)
        }
    got = {
        (r["file"], r["line"], r["record_or_id"], r["column"]): r["reason"]
        for r in report["rejected_rows"]
    }
    problems = []
    if set(got) != set(expected):
        missing, extra = sorted(set(expected) - set(got)), sorted(set(got) - set(expected))
        problems.append(f"rejects differ: {len(missing)} not rejected {missing[:5]}, "
                        f"{len(extra)} rejected unexpectedly {extra[:5]}")  # fmt: skip
    wrong = [k for k in set(got) & set(expected) if not got[k].startswith(expected[k])]
    if wrong:
        problems.append(f"{len(wrong)} reasons differ, e.g. {got[wrong[0]]!r}")
    summary = json.loads((batch / "answers" / "summary.json").read_text())
    for row in report["files"]:
        name = row["file"]
        accounted = row["stored"] + row["unchanged"] + row["replaced"] + row["rejected"]
        if row["read"] != accounted:
            problems.append(f"{name}: read {row['read']:,} but accounted for {accounted:,}")
        counts = summary["files"].get(name)
        if counts and (row["read"], row["stored"]) != (counts["rows"], counts["valid_rows"]):
            problems.append(f"{name}: read/stored {row['read']:,}/{row['stored']:,}, "
                            f"expected {counts['rows']:,}/{counts['valid_rows']:,}")  # fmt: skip
    if exit_status != 2:
        problems.append(f"exit status {exit_status}, expected 2")
    if problems:
        raise SystemExit("bad-input benchmark FAILED:\n- " + "\n- ".join(problems))
    planted = sum(v for k, v in summary["bad_rows"]["by_reason"].items() if "broken line" in k)
    return {
        "lines": sum(r["read"] for r in report["files"]),
        "stored": sum(r["stored"] for r in report["files"]),
        "rejected": len(got),
        "broken": planted,
        "by_kind": {
            k.removeprefix("broken line: "): v
            for k, v in summary["bad_rows"]["by_reason"].items()
            if k.startswith("broken line")
        },
    }


def body(workers: int, figures: dict, counts: dict) -> str:
    kinds = ", ".join(f"{k} {v}" for k, v in counts["by_kind"].items())
    return (
        "| workers | lines read | stored | rejected (exactly the key's) | of them broken CSV "
        "lines | wall time | CPU time | peak memory |\n"
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        f"| {workers:,} | {counts['lines']:,} | {counts['stored']:,} | {counts['rejected']:,} "
        f"| {counts['broken']:,} | {figures['seconds']:.1f} s | {figures['cpu_seconds']:.1f} s "
        f"| {figures['peak_gib']:.2f} GiB |\n\n"
        f"Broken lines by kind: {kinds}. Every rejected line is one of the answer key's "
        "(file, line, record id, column, reason), every line of every file is accounted for "
        "(read = stored + unchanged + replaced + rejected), and every valid row is stored, "
        "the neighbours of the broken lines included. Load average before the run: "
        f"{figures['load_before']:.1f}."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--broken-lines", type=int, default=20)
    parser.add_argument("--work", type=Path, default=Path("/tmp/lmt-bench"))
    parser.add_argument("--no-report", action="store_true", help="do not write the docs")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    batch = batch_for(args.workers, args.broken_lines, args.work)
    db = args.work / f"bad-store-{args.workers}"
    shutil.rmtree(db, ignore_errors=True)
    shutil.rmtree(Path(f"{batch}-rejects"), ignore_errors=True)
    done, figures = timed(lmt("ingest", str(batch), "--db", str(db), "--today", TODAY, "--json"))
    if done.returncode not in (0, 2):
        raise SystemExit(f"lmt ingest failed ({done.returncode}):\n{done.stderr[-3000:]}")
    counts = check(batch, json.loads(done.stdout), done.returncode)
    text = body(args.workers, figures, counts)
    print(text)
    if not args.no_report:
        command = (
            f"python -m bench.bench_bad_input --workers {args.workers} "
            f"--broken-lines {args.broken_lines}"
        )
        write_section("bad-input", "Bad input at scale: broken lines, exact rejects", command, text)


if __name__ == "__main__":
    main()
