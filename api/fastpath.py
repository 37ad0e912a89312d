"""The timeline's plain route: ``GET /workers/{id}/timeline`` with no query string, as a
plain Starlette route placed before FastAPI's routes.

Why: FastAPI's dependency solving, parameter validation and response handling cost more
CPU than the rest of a cached timeline request (over HTTP with uvicorn and httptools, 340 us
of server CPU per cached timeline through the FastAPI route against about 105 us without).
The plain request is what the pages and field apps send, so it skips that machinery; the
answer is made by the same functions as the FastAPI route's (``api.auth.authenticate`` and
``authorize``, ``api.worker_reads.timeline_page``), so the bytes, the errors (problem
details, through the application's exception handlers) and the audit entry are the same.

A request with a query string (paging, a date range), or whose worker part is longer than
the route accepts, does not match here and goes to the FastAPI route, which validates its
parameters. The OpenAPI document describes the FastAPI route, which is this route's
contract too. ``tests/api/test_timeline_fastpath.py`` checks both give the same bytes and
the same audit entries.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.routing import Match, Route
from starlette.types import Receive, Scope, Send

from api.auth import WORKER_READERS, authenticate, authorize
from api.worker_reads import MAX_WORKER_PATH, timeline_page

PATH = "/workers/{worker}/timeline"
HEADERS = [(b"content-type", b"application/json")]


class PlainTimeline:
    """The ASGI endpoint: key, role, then ``timeline_page`` with no range and one page.
    (A class, so that Starlette calls it as an ASGI app, with no Request made.)"""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope["app"].state.service
        who = authorize(authenticate(Headers(scope=scope), state.keys), WORKER_READERS)
        body = await timeline_page(state, who, scope["path_params"]["worker"])
        length = (b"content-length", str(len(body)).encode())
        await send({"type": "http.response.start", "status": 200, "headers": [*HEADERS, length]})
        await send({"type": "http.response.body", "body": body})


class PlainTimelineRoute(Route):
    """``PATH`` for GET requests with no query string and a worker part the FastAPI
    route would accept; anything else is left to the routes after it."""

    def __init__(self) -> None:
        super().__init__(PATH, PlainTimeline(), methods=["GET"], include_in_schema=False)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope.get("query_string"):
            return Match.NONE, {}
        match, child = super().matches(scope)
        if match is not Match.FULL or len(child["path_params"]["worker"]) > MAX_WORKER_PATH:
            return Match.NONE, {}  # a HEAD, or a path FastAPI answers 422
        return match, child
