"""The HTTP API: ``create_app(store)`` gives the FastAPI application.

Ports and adapters: routers are thin and call ``tracker`` (timelines, search, access) and
``analytics`` (district flows, the contractor network, circuits, risk); the store is any
``GraphStore``. One process owns the store it is given and serves requests from a thread
pool, each thread with its own store connection (``LadybugStore`` keeps one per thread);
several processes can share one embedded store read-only (``shared``, ``api.serving``,
``lmt serve --workers``).

The web pages are mounted at ``/`` from ``api/pages/`` when that folder exists,
after every API route, so a page can never shadow an endpoint.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from api import problems
from api.auth import State
from api.disclosed import DisclosedRoute, undisclosed_routes
from api.fastpath import PlainTimelines
from api.models import Health
from api.routers import admin, analytics, calendar, identity, journeys, places, session, workers
from api.security import SecurityHeaders
from api.serving import AdmitRequests, SharedStore
from api.state import ServiceState
from tracker.access import AccessDB
from tracker.settings import Settings
from tracker.store import GraphStore

PAGES_DIR = Path(__file__).parent / "pages"
DESCRIPTION = """
Journeys of seasonal migrant workers, contractor networks and district flows.

Every endpoint but `/health` needs an API key (`lmt keys create --role ROLE`), sent as
`X-API-Key: <key>` or `Authorization: Bearer <key>`. What a key sees follows its role:
`field` full worker records; `researcher` pseudonyms, no names, phones or e-Shram numbers,
birth years in 5-year bands; `advocacy` contractor networks and aggregates, no worker
records; `admin` everything, batch imports and the audit log. Counts of fewer than 5
workers are suppressed in what researcher and advocacy keys get. Errors are RFC 9457
problem details.
"""


def create_app(
    store: GraphStore,
    access: AccessDB | str | os.PathLike | None = None,
    pages_dir: Path | None = PAGES_DIR,
    threads: int | None = None,
    timeline_cache_mb: int | None = None,
    settings: Settings | None = None,
    shared: SharedStore | None = None,
) -> FastAPI:
    """The API over ``store``; keys and the audit log in ``access`` (an ``AccessDB`` or
    the path of its file; default: ``access.sqlite3`` in the embedded store's folder);
    ``threads``: how many requests run at once (anyio's default, 40, if None);
    ``timeline_cache_mb``: JSON of recent timelines kept (``api.state``; default
    ``settings.timeline_cache_mb``). ``settings``: as the entry point read them (``lmt
    serve``); None: read from the environment here, the app factory being an entry point.
    ``shared``: ``store`` is read-only and shared with other server processes
    (``api.serving``)."""
    settings = settings or Settings.load()
    if timeline_cache_mb is None:
        timeline_cache_mb = settings.timeline_cache_mb
    if not isinstance(access, AccessDB):
        if access is None:
            folder = store.folder
            if folder is None:
                raise ValueError("say where keys and the audit log live (access=...)")
            access = Path(folder) / "access.sqlite3"
        access = AccessDB(access, settings.audit_sync.upper())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if threads:
            anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        if shared is not None:
            await shared.start()
        if settings.warm_journeys:
            service.start_warming()
        try:
            yield
        finally:
            if shared is not None:
                await shared.stop()
            service.close()  # audit entries still held in memory are written

    app = FastAPI(
        title="LMT: longitudinal migrant tracking",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        # no OpenTelemetry: a span or a metric per request would name the worker's path to
        # whatever collects them, and FastAPI's check for a configured provider cost CPU in
        # every request (``fastapi.telemetry``)
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.service = service = ServiceState(
        store,
        access,
        timeline_cache_mb,
        pseudonym_secret=_secret(settings),
        break_glass_hours=settings.break_glass_hours,
        today=settings.today,
        shared=shared,
    )
    app.router.route_class = DisclosedRoute  # every answer goes through the disclosure step
    problems.install(app)
    # innermost of the app's middleware: the plain timeline request is answered there,
    # inside the shared store's admission and the security headers (``api.fastpath``)
    app.add_middleware(PlainTimelines, handlers=app.exception_handlers)
    if shared is not None:
        app.add_middleware(AdmitRequests, shared=shared)
    app.add_middleware(SecurityHeaders)  # outermost: every answer, the plain timelines' too

    @app.get("/health", response_model=Health, tags=["health"], summary="Is the service up")
    def health(state: State) -> Health:
        return Health(store=state.store.kind, generation=state.current.number)

    for module in (workers, places, analytics, admin, calendar, session, journeys, identity):
        app.include_router(module.router)
    undisclosed = undisclosed_routes(app.routes)
    if undisclosed:
        raise RuntimeError(f"routes that skip the disclosure step: {undisclosed}")
    if pages_dir is not None and (pages_dir / "index.html").is_file():
        # pages only are gzipped (phones on poor connections); API answers are left alone
        pages = GZipMiddleware(StaticFiles(directory=pages_dir, html=True), minimum_size=500)
        app.mount("/", pages, name="pages")
    return app


def _secret(settings: Settings) -> str | None:
    found = settings.pseudonym_secret
    return None if found is None else found.get_secret_value()
