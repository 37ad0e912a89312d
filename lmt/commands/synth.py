"""`lmt synth --workers N --seed S OUT`: a synthetic batch in the field-records format.

The batch comes with its answer key in ``OUT/answers`` (persons, circuits, contractors,
look-alikes, bad rows, summary), laid out like the identity sample's, so analytics and the
linkage of registrations into persons can be measured on fresh data of any size. Same seed,
size and split share, same bytes.
"""

from __future__ import annotations

import argparse
import sys

from synth.identity import SPLIT_SHARE


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "synth",
        parents=[parent],
        help="write a synthetic batch with its answer key",
        description="Write a synthetic batch of field records (all the format's files) into "
        "OUT, and its answer key into OUT/answers: which worker ids are one person, seasonal "
        "circuits, exploitative contractors among decoys, planted look-alikes, and the rows "
        "planted to break the format's rules.",
    )
    parser.add_argument("out", metavar="OUT", help="folder to write the batch into")
    parser.add_argument("--workers", type=int, default=2000, help="number of workers (2000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (7)")
    parser.add_argument(
        "--split-share",
        type=float,
        default=SPLIT_SHARE,
        metavar="FRACTION",
        help="share of persons registered again by another centre under its own worker id, "
        "with look-alikes planted among different persons; 0: one registration per person "
        f"and no look-alikes ({SPLIT_SHARE}, as in the identity sample)",
    )
    parser.add_argument(
        "--until",
        metavar="YYYY-MM-DD",
        default="2026-10-31",
        help="last day of the batch: no valid date lies after it (2026-10-31)",
    )
    parser.add_argument(
        "--broken-lines",
        type=int,
        default=0,
        metavar="N",
        help="also insert N lines of each kind of broken CSV (stray quotes, an unquoted "
        "comma, cells and lines over the limits, a NUL byte) into workers.csv, moves.csv "
        "and grievances.csv, named in the answer key (0)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import datetime as dt
    import json
    import time
    from pathlib import Path

    from synth import generate
    from synth.batch import check_settings
    from tracker.progress import progress_for

    try:
        until = dt.date.fromisoformat(args.until)
    except ValueError:
        print(f"lmt synth: --until {args.until!r} is not a YYYY-MM-DD date", file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"lmt synth: {out} exists and is not a folder", file=sys.stderr)
        return 2
    problem = check_settings(args.workers, args.seed, until, args.split_share)
    if not problem and args.broken_lines < 0:
        problem = "--broken-lines must be 0 or more"
    if problem:
        print(f"lmt synth: {problem}", file=sys.stderr)
        return 2
    started = time.monotonic()
    summary = generate(
        out, args.workers, args.seed, until, progress_for(sys.stderr), args.split_share
    )
    if args.broken_lines:
        from synth.broken_lines import plant_broken_lines

        plant_broken_lines(out, args.broken_lines, args.seed)
        summary = json.loads((out / "answers" / "summary.json").read_text())
    files = summary["files"]
    print(
        f"wrote {out}: {summary['workers']:,} workers, "
        f"{files['moves.csv']['rows']:,} moves, {files['employments.csv']['rows']:,} employments, "
        f"{summary['contractors']['total']:,} contractors "
        f"({summary['contractors']['exploitative']:,} exploitative), "
        f"{summary['circuits']['rows']:,} circuits, {summary['bad_rows']['total']:,} bad rows "
        f"in {time.monotonic() - started:.1f} s; answer key in {out / 'answers'}"
    )
    return 0
