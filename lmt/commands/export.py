"""`lmt export DIR`: write the whole store back in the field-records format."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "export", parents=[parent], help="write the store back as field-record CSV files"
    )
    parser.add_argument("folder", metavar="DIR", help="folder to write (created if missing)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from tracker.export import export_folder
    from tracker.stores import open_store

    with open_store(args.settings) as store:
        written = export_folder(store, args.folder)
    for name, rows in written.items():
        print(f"{name:<22}{rows:>10,}")
    return 0
