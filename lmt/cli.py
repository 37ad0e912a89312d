"""``lmt``: the command line of docs/spec/cli.md.

Each command lives in its own module under ``lmt.commands`` with a ``register(subparsers)``
function that adds its parser and sets ``handler``; this file only wires them together and
turns exceptions into exit statuses (0 success, 1 failure, 2 usage error or rejected rows).

It is the command line's one reader of the environment: it builds the ``Settings`` once,
applies ``--db``/``--neo4j`` to them and hands them to the command as ``args.settings``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback

from tracker.settings import Settings, SettingsError

COMMANDS = (
    "ingest",
    "export",
    "stats",
    "timeline",
    "circuits",
    "contractors",
    "chains",
    "journeys",
    "persons",
    "keys",
    "audit",
    "serve",
    "synth",
    "demo",
)


def store_options() -> argparse.ArgumentParser:
    """The options every command takes: which store to open."""
    parent = argparse.ArgumentParser(add_help=False)
    where = parent.add_argument_group("store")
    where.add_argument("--db", metavar="PATH", help="embedded store folder ($LMT_DB, ./lmt-data)")
    where.add_argument("--neo4j", metavar="URI", help="use Neo4j at URI (else $NEO4J_URI)")
    return parent


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lmt", description="Longitudinal migrant tracking: journeys, circuits, contractors."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    parent = store_options()
    for name in COMMANDS:
        module = importlib.import_module(f"lmt.commands.{name}")
        module.register(subparsers, parent)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.load()
    except SettingsError as error:  # a bad variable is a usage error, like a bad option
        print(f"lmt {args.command}: {error}", file=sys.stderr)
        return 2
    args.settings = settings.for_options(getattr(args, "db", None), getattr(args, "neo4j", None))
    _private(args.settings)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 1
    except Exception as error:  # the last line of defence: a message, not a traceback
        if settings.debug:  # ... unless asked for, to report a bug
            traceback.print_exc()
        print(f"lmt {args.command}: {error}", file=sys.stderr)
        return 1


def _private(settings: Settings) -> None:
    """Everything this command writes is for the service's user only, and the store it
    opens is closed up if an earlier version left it readable (``tracker.access.files``)."""
    from tracker.access.db import access_db_path
    from tracker.access.files import keep_private, make_private

    keep_private()
    # the embedded store's folder, or $LMT_STATE with Neo4j
    make_private(access_db_path(settings).parent)


if __name__ == "__main__":
    sys.exit(main())
