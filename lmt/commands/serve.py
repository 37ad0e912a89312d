"""`lmt serve [--host H] [--port P]`: the HTTP API (and the web pages) with uvicorn.

One process, one uvicorn worker: LadybugDB lets one process open a store folder
read-write, so requests are served by a thread pool (``--threads``) in that process, each
thread with its own store connection. Keys: ``lmt keys create --role ROLE``.

uvicorn runs with httptools and uvloop (``uvicorn[standard]``) when they are installed:
HTTP parsing in C took a third of the CPU of a cached timeline request off, against h11.
Timelines recently read are kept as JSON (``--timeline-cache-mb``, see ``api.state``).
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("serve", parents=[parent], help="serve the API and pages")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--threads", type=int, default=40, help="requests served at once (thread pool size)"
    )
    parser.add_argument(
        "--timeline-cache-mb",
        type=int,
        default=None,
        help="memory for timelines kept as JSON ($LMT_TIMELINE_CACHE_MB, 256; 0: none)",
    )
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="log every request, without its query string (the audit log is kept anyway)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from api.security import uvicorn_log_config
    from tracker.access import AccessDB, access_db_path
    from tracker.stores import open_store

    store = open_store(args.settings)
    try:
        access = AccessDB(access_db_path(args.settings))
        app = create_app(
            store,
            access,
            threads=args.threads,
            timeline_cache_mb=args.timeline_cache_mb,
            settings=args.settings,
        )

        print(f"LMT API on http://{args.host}:{args.port}/ (docs at /docs)", flush=True)
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            workers=1,
            access_log=args.access_log,
            log_config=uvicorn_log_config(),  # access lines without query strings
            log_level="info" if args.access_log else "warning",
        )
    finally:
        store.close()
    return 0
