"""`lmt keys create --role ROLE`: API keys for the HTTP API (see ``tracker.access``).

The new key is printed once, alone on standard output (so scripts can capture it); only its
hash is kept. A researcher key belongs to a project (``--project``): each project sees its
own pseudonyms. ``list`` and ``revoke`` manage keys; ``rotate-pseudonyms`` replaces the
pseudonym secret (every pseudonym changes at the next ``lmt serve``); ``audit`` prints the
audit trail. None of them opens the graph store, so they work while ``lmt serve`` holds it.
"""

from __future__ import annotations

import argparse
import json
import sys

ROLES = ("field", "researcher", "advocacy", "admin")


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("keys", parents=[parent], help="create and manage API keys")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", parents=[parent], help="print a new API key")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--label", help="who or what the key is for")
    create.add_argument(
        "--project",
        help="a researcher key's project: its pseudonyms are the project's own, so two "
        "projects cannot join their extracts (default: 'default')",
    )
    create.add_argument(
        "--organisation",
        help="a field key's organisation (as in centres.csv): the key reads the workers "
        "that organisation's centres registered or recorded anything for, and others only "
        "by breaking the glass (without it: every worker)",
    )
    listing = actions.add_parser("list", parents=[parent], help="list keys (never secrets)")
    listing.add_argument("--json", action="store_true")
    revoke = actions.add_parser("revoke", parents=[parent], help="revoke a key at once")
    revoke.add_argument("key_id", metavar="KEY_ID")
    actions.add_parser(
        "rotate-pseudonyms",
        parents=[parent],
        help="replace the pseudonym secret: every researcher pseudonym changes",
    )
    audit = actions.add_parser("audit", parents=[parent], help="print the audit trail")
    audit.add_argument("--worker", help="only reads of this worker")
    audit.add_argument("--key", help="only reads by this key id")
    audit.add_argument("--limit", type=int, default=50)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from tracker.access import AccessDB, AuditLog, KeyRing, access_db_path

    db = AccessDB(access_db_path(args.settings))
    try:
        keys = KeyRing(db)
        if args.action == "create":
            try:
                record, key = keys.create(args.role, args.label, args.project, args.organisation)
            except ValueError as error:
                print(f"lmt keys: {error}", file=sys.stderr)
                return 2
            print(key)
            project = f", project {record.project}" if record.project else ""
            if record.organisation:
                project = f", organisation {record.organisation}"
            elif record.role == "field":
                project = ", every organisation's workers: give --organisation to scope it"
            print(
                f"key {record.key_id} ({record.role}{project}) kept hashed in {db.path}",
                file=sys.stderr,
            )
        elif args.action == "rotate-pseudonyms":
            from tracker.access.pseudonyms import SECRET_FILE, rotate_secret

            rotate_secret(db.path.parent / SECRET_FILE)
            print(
                f"new pseudonym secret in {db.path.parent / SECRET_FILE}: every pseudonym "
                "changes when the server next starts",
                file=sys.stderr,
            )
        elif args.action == "list":
            found = keys.list()
            if args.json:
                print(json.dumps([k.model_dump() for k in found], indent=2))
            for k in [] if args.json else found:
                state = f"revoked {k.revoked_at}" if k.revoked_at else "active"
                project = f"project {k.project}  " if k.project else ""
                project += f"organisation {k.organisation}  " if k.organisation else ""
                print(
                    f"{k.key_id}  {k.role:<10}  {k.created_at}  {state}  {project}{k.label or ''}"
                )
        elif args.action == "revoke":
            if not keys.revoke(args.key_id):
                print(f"lmt keys: no active key {args.key_id!r}", file=sys.stderr)
                return 1
        else:
            total, entries = AuditLog(db).entries(args.worker, args.key, limit=args.limit)
            for e in entries:
                print(
                    f"{e.at}  {e.key_id}  {e.role:<10}  {e.action:<9}  "
                    f"{e.worker_id or '-'}  {e.detail or ''}"
                )
            print(f"{len(entries)} of {total} entries", file=sys.stderr)
    finally:
        db.close()
    return 0
