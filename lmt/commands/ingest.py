"""`lmt ingest DIR [--rejects DIR]`: import a batch of field records."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "ingest",
        parents=[parent],
        help="import a folder of field records",
        description="Import a folder in the field-records format. Good rows are stored even "
        "when others are rejected; rejected rows go to the rejects folder with a reason. "
        "Exit status 2 when any row was rejected, 1 when nothing could be imported (DIR "
        "missing or holding none of the format's files, or a rejects folder that is the batch "
        "or holds files LMT did not write).",
    )
    parser.add_argument("folder", metavar="DIR", help="folder of field-record CSV files")
    parser.add_argument("--rejects", metavar="DIR", help="rejects folder (default: DIR-rejects)")
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="judge future dates against this day",
    )
    parser.add_argument(
        "--no-link",
        action="store_true",
        help="import only: leave the new registrations for `lmt persons` to link (several "
        "batches in a row, then one linkage)",
    )
    parser.add_argument(
        "--read-all",
        action="store_true",
        help="read every file, also one unchanged since it was imported (whose kept "
        "outcome is otherwise reported without reading it)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log each file's timings to stderr"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tracker.ingest import NoRecordsFound, RejectsFolderRefused, ingest_folder
    from tracker.ingest.batch import SLICE_ROWS
    from tracker.progress import progress_for
    from tracker.stores import open_store

    if args.verbose:
        import logging

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"lmt ingest: {folder} is not a folder", file=sys.stderr)
        return 1  # a failure: status 2 would say the good rows were stored
    with open_store(args.settings, importing=True) as store:
        try:
            report = ingest_folder(
                store,
                folder,
                args.rejects,
                args.today or args.settings.today,
                progress_for(sys.stderr),
                args.settings.ingest_slice_rows or SLICE_ROWS,
                read_all=args.read_all,
            )
        except (NoRecordsFound, RejectsFolderRefused) as error:
            print(f"lmt ingest: {error}", file=sys.stderr)
            return 1
        from tracker.identity import link

        # new registrations join their persons (tracker.identity)
        linked = None if args.no_link else link(store)
    if args.json:
        answer = report.model_dump(mode="json")
        if linked is not None:
            answer["linkage"] = {
                "new_registrations": linked.new_registrations,
                "persons": linked.persons,
                "seconds": linked.seconds,
            }
        print(json.dumps(answer, indent=2))
    else:
        print(report.table())
        for name in report.ignored_files:
            print(f"ignored {name}: not a file of the format")
        if report.rejected:
            print(f"{report.rejected:,} rows rejected; see {report.rejects_dir}", file=sys.stderr)
        if linked is not None:
            print(
                f"linked {linked.new_registrations:,} new registrations into "
                f"{linked.persons:,} persons in {linked.seconds:.1f} s"
            )
        print(f"done in {report.seconds:.1f} s")
    return 2 if report.rejected else 0
