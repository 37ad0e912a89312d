"""`lmt synth`: not built yet (see the issues)."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("synth", parents=[parent], help="(not built yet)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    print("lmt synth is not built yet", file=sys.stderr)
    return 1
