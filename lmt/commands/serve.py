"""`lmt serve [--host H] [--port P] [--workers N]`: the HTTP API (and the web pages) with
uvicorn.

With the embedded store, ``--workers`` processes (default: one per core) serve one store
folder, each holding it read-only; a batch posted to any of them is written by that one
while the others let go of the store, and all of them reopen it afterwards
(``api.serving``). One worker, or Neo4j: one process that owns the store, as a library
caller of ``api.app.create_app`` has it. Each process serves requests from a thread pool
(``--threads``), each thread with its own store connection. Keys: ``lmt keys create
--role ROLE``.

uvicorn runs with httptools and uvloop: HTTP parsing in C took a third of the CPU of a
cached timeline request off, against h11; an answer's headers and body go out in one
socket write (``api.http``). Timelines recently read are kept as JSON, per
process (``--timeline-cache-mb``, see ``api.state``).
"""

from __future__ import annotations

import argparse
import json
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from tracker.settings import Settings

WORKER_CONFIG = "LMT_SERVE_WORKER"
"""How ``lmt serve`` tells each worker process what to serve (JSON, set by ``run``)."""


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("serve", parents=[parent], help="serve the API and pages")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="server processes over the embedded store (default: one per core)",
    )
    parser.add_argument(
        "--threads", type=int, default=40, help="requests served at once (thread pool size)"
    )
    parser.add_argument(
        "--timeline-cache-mb",
        type=int,
        default=None,
        help="memory for timelines kept as JSON per process ($LMT_TIMELINE_CACHE_MB, 256; 0: none)",
    )
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="log every request, without its query string (the audit log is kept anyway)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from api.security import uvicorn_log_config

    settings = args.settings
    print(f"LMT API on http://{args.host}:{args.port}/ (docs at /docs)", flush=True)
    options = {
        "host": args.host,
        "port": args.port,
        "access_log": args.access_log,
        "log_config": uvicorn_log_config(),  # access lines without query strings
        "log_level": "info" if args.access_log else "warning",
        "http": "api.http:HttpToolsOneWrite",  # httptools, one socket write an answer
    }
    if args.workers > 1 and not settings.neo4j_uri:
        _prepare(settings)
        os.environ[WORKER_CONFIG] = json.dumps(
            {
                "db": settings.embedded_folder,
                "threads": args.threads,
                "cache_mb": args.timeline_cache_mb,
            }
        )
        uvicorn.run("lmt.commands.serve:worker_app", factory=True, workers=args.workers, **options)
        return 0

    from api.app import create_app
    from tracker.access import AccessDB, access_db_path
    from tracker.stores import open_store

    store = open_store(settings)
    try:
        access = AccessDB(access_db_path(settings), settings.audit_sync.upper())
        app = create_app(
            store,
            access,
            threads=args.threads,
            timeline_cache_mb=args.timeline_cache_mb,
            settings=settings,
        )
        uvicorn.run(app, workers=1, **options)
    finally:
        store.close()
    return 0


def _prepare(settings: Settings) -> None:
    """Before the workers start: the store's schema and the pseudonym secret exist (a
    read-only process can make neither), and no process holds the store read-write."""
    from tracker.access import Pseudonyms, access_db_path
    from tracker.stores import open_store

    with open_store(settings):
        secret = settings.pseudonym_secret
        folder = access_db_path(settings).parent
        Pseudonyms.from_file(folder, secret.get_secret_value() if secret else None)


def worker_app() -> FastAPI:
    """One worker process's application (uvicorn calls this in each process): the
    settings of the environment, with the store folder ``lmt serve`` was given."""
    from api.app import create_app
    from api.serving import SharedStore
    from tracker.access import AccessDB, access_db_path
    from tracker.settings import Settings
    from tracker.stores.ladybug import READ_BUFFER_POOL_MB, LadybugStore, import_buffer_pool_mb

    config = json.loads(os.environ[WORKER_CONFIG])
    settings = Settings.load().for_options(db=config["db"])
    folder = settings.embedded_folder
    read_pool = settings.buffer_pool_mb or READ_BUFFER_POOL_MB
    write_pool = settings.buffer_pool_mb or import_buffer_pool_mb()
    shared = SharedStore(
        folder,
        open_reader=lambda: LadybugStore(folder, buffer_pool_mb=read_pool, read_only=True),
        open_writer=lambda: LadybugStore(folder, buffer_pool_mb=write_pool),
    )
    return create_app(
        shared.open_store(),
        AccessDB(access_db_path(settings), settings.audit_sync.upper()),
        threads=config["threads"],
        timeline_cache_mb=config["cache_mb"],
        settings=settings,
        shared=shared,
    )
