"""`lmt export DIR`: write the whole store back in the field-records format.

``--format parquet`` writes instead the tables the analytics read as partitioned Parquet
(``tracker.parquet``; docs/spec/parquet-export.md), for ``lmt circuits --input DIR`` and
the other analytics by partition, on this machine or on Spark. Either is a read of every
worker: it is in the audit log (worker ``*``, ``lmt.audited``) before a file is written.
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "export", parents=[parent], help="write the store back as field-record CSV files"
    )
    parser.add_argument("folder", metavar="DIR", help="folder to write (created if missing)")
    parser.add_argument(
        "--format",
        choices=("csv", "parquet"),
        default="csv",
        help="csv: the field-records format (default); parquet: the analytics tables, "
        "partitioned by worker bucket",
    )
    parser.add_argument(
        "--buckets",
        type=int,
        default=None,
        metavar="N",
        help="with --format parquet: workers are hashed into N buckets (16)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from lmt.audited import log_read
    from tracker.stores import open_store

    if args.format == "parquet":
        from tracker.parquet import DEFAULT_BUCKETS, export_parquet

        buckets = DEFAULT_BUCKETS if args.buckets is None else args.buckets
        if not 1 <= buckets <= 4096:
            print("lmt export: --buckets must be between 1 and 4096", file=sys.stderr)
            return 2
        log_read(args.settings, "export", detail=f"lmt export --format parquet {args.folder}")
        with open_store(args.settings) as store:
            written = export_parquet(store, args.folder, buckets=buckets)
    else:
        if args.buckets is not None:
            print("lmt export: --buckets goes with --format parquet", file=sys.stderr)
            return 2
        from tracker.export import export_folder

        log_read(args.settings, "export", detail=f"lmt export {args.folder}")
        with open_store(args.settings) as store:
            written = export_folder(store, args.folder)
    for name, rows in written.items():
        print(f"{name:<22}{rows:>10,}")
    return 0
