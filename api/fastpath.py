"""The timeline's fast path: ``GET /workers/{id}/timeline`` answered before FastAPI.

Why: FastAPI's dependency solving, parameter validation, routing and middleware cost more
CPU than everything else in a timeline request once the timeline is cached (over HTTP with
uvicorn and httptools, 340 us of server CPU per cached timeline through the FastAPI route
against about 105 us here). The issue asks for a p50 of 5 ms with 20 concurrent clients:
about 4,000 requests a second from one Python process on 2 cores shared with the load
generator, which the route alone cannot give.

What is answered here is only the plain request, a worker's whole timeline: no query string,
an ``X-API-Key`` of a role that reads workers, a worker that key may name, at most one page
of events. It goes through the very functions the FastAPI route uses: the key check
(``KeyRing.verify``), the worker's id or pseudonym (``worker_id_for``), the audit entry,
the timeline cache and the page around it (``timeline_page_json``). Anything else (any
query parameter, a bearer token, a missing, bad or revoked key, a role that may not read
workers, an unknown worker, a longer timeline) goes to the FastAPI application untouched,
so every error is still its problem-details answer, and the OpenAPI document, which
describes the route, describes this too. ``tests/api/test_timeline_fastpath.py`` checks
that both give the same bytes and the same audit entries.
"""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from api.auth import Caller
from api.models import EVENTS_PER_PAGE, timeline_page_json
from api.routers.workers import MAX_WORKER_PATH, shown_id, worker_id_for
from api.state import ServiceState

PATH = re.compile(r"/workers/([^/]+)/timeline")
HEADERS = [(b"content-type", b"application/json")]


class TimelineFastPath:
    """ASGI middleware (``app.add_middleware(TimelineFastPath)``): see module docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not scope["query_string"]:
            found = PATH.fullmatch(scope["path"])
            if found is not None:
                body = await answer(scope["app"].state.service, found.group(1), scope)
                if body is not None:
                    length = (b"content-length", str(len(body)).encode())
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 200,
                            "headers": [*HEADERS, length],
                        }
                    )
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.app(scope, receive, send)


async def answer(state: ServiceState, given: str, scope: Scope) -> bytes | None:
    """The page's JSON, or None to let the FastAPI route answer."""
    if len(given) > MAX_WORKER_PATH:
        return None
    presented = next((v for k, v in scope["headers"] if k == b"x-api-key"), None)
    key = state.keys.verify(presented.decode("latin-1")) if presented else None
    if key is None or not key.role.sees_workers:
        return None
    who = Caller(key)
    worker_id = worker_id_for(state, who.role, given)
    if worker_id is None:
        return None
    whole = state.cached_timeline(worker_id)
    if whole is None:
        whole = await run_in_threadpool(state.whole_timeline, worker_id)
    if whole is None or whole.total > EVENTS_PER_PAGE:
        return None
    state.audit.record(key.key_id, key.role, "timeline", worker_id)
    shown = shown_id(worker_id, who, state.pseudonyms)
    return timeline_page_json(shown, None, None, whole.events, whole.total, EVENTS_PER_PAGE, 0)
