"""The timeline's plain request: ``GET /workers/{id}/timeline`` with no query string,
answered by an ASGI middleware in front of FastAPI's exception middleware and router.

Why: FastAPI's dependency solving, parameter validation and response handling cost more
CPU than the rest of a cached timeline request (over HTTP with uvicorn and httptools, 340 us
of server CPU per cached timeline through the FastAPI route against about 105 us without),
and so did the layers in front of a route: the exception middleware (a ``Request`` per
request), the exit stack, the router trying each route in turn (profiled in one process,
``bench.bench_asgi_timelines``: a third of a cached timeline's CPU between the router's
entry and the route's endpoint). The plain request is what the pages and field apps send,
so it skips all that; the answer is made by the same functions as the FastAPI route's
(``api.auth.authenticate`` and ``authorize``, ``api.worker_reads.timeline_page``), so the
bytes and the audit entry are the same, and its errors are answered by the application's
own exception handlers (``api.problems``, through Starlette's ``ExceptionMiddleware``), so
the problems are the same too. The middleware is the innermost of the application's own
(``api.app``): the security headers and the shared store's admission wrap it as they wrap
every route.

A request with a query string (paging, a date range), or whose worker part is longer than
the route accepts, does not match here and goes to the FastAPI route, which validates its
parameters. The worker part is any text, as the FastAPI route's (``api.paths``): a
destination centre's ``DST-357/000075`` is a plain request too (it was a sixth of the
workers of a synthetic batch, all sent through FastAPI's route before). The OpenAPI document
describes the FastAPI route, which is this request's contract too.
``tests/api/test_timeline_fastpath.py`` checks both give the same bytes and the same audit
entries.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from api import paths  # noqa: F401  (registers the ``text`` convertor PATH names)
from api.auth import WORKER_READERS, authenticate, authorize
from api.worker_reads import MAX_WORKER_PATH, timeline_page

PATH = "/workers/{worker:text}/timeline"
HEADERS = [(b"content-type", b"application/json")]
RAISED = "lmt.plain_timeline.error"
"""Where the middleware leaves an error for the application's handlers (``_raise``)."""


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
    route would accept; anything else is left to the routes."""

    def __init__(self) -> None:
        super().__init__(PATH, PlainTimeline(), methods=["GET"], include_in_schema=False)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope.get("query_string"):
            return Match.NONE, {}
        match, child = super().matches(scope)
        if match is not Match.FULL or len(child["path_params"]["worker"]) > MAX_WORKER_PATH:
            return Match.NONE, {}  # a HEAD, or a path FastAPI answers 422
        return match, child


async def _raise(scope: Scope, receive: Receive, send: Send) -> None:
    raise scope.pop(RAISED)


class PlainTimelines:
    """ASGI middleware: the plain request (``PlainTimelineRoute``) is answered here,
    anything else goes on to ``app``. An error is answered as the application answers it:
    by its exception handlers (``handlers``, ``app.exception_handlers``), or, with none
    for it, raised to the server-error middleware outside."""

    def __init__(self, app: ASGIApp, handlers: dict) -> None:
        self.app = app
        self.route = PlainTimelineRoute()
        self.endpoint = PlainTimeline()
        unexpected = (500, Exception)  # Starlette's server-error middleware handles those
        kept = {k: v for k, v in handlers.items() if k not in unexpected}
        self.errors = ExceptionMiddleware(_raise, handlers=kept)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match, child = self.route.matches(scope) if scope["type"] == "http" else (None, {})
        if match is not Match.FULL:
            await self.app(scope, receive, send)
            return
        scope.update(child)
        try:
            await self.endpoint(scope, receive, send)
        except Exception as error:
            scope[RAISED] = error
            await self.errors(scope, receive, send)
