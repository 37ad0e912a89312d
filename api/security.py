"""Security headers on every answer: one ASGI middleware, outermost, so that the
timeline's fast path, the pages, the docs and every error carry them too.

* ``Cache-Control: no-store``: answers carry names, phones and journeys; no browser, proxy
  or shared office computer may keep a copy on disk;
* ``X-Content-Type-Options: nosniff``: a JSON answer holding a name such as ``<script>`` is
  never sniffed into HTML;
* ``Content-Security-Policy``: the pages load their own scripts and styles only (no inline
  script, no other host), and no page may be framed (``frame-ancestors 'none'``, with
  ``X-Frame-Options: DENY`` for older browsers); ``Referrer-Policy: no-referrer`` keeps a
  worker's page address out of other sites' logs.

The interactive docs (``/docs``, ``/redoc``) are FastAPI's own pages, which load Swagger UI
from its CDN with an inline script: their policy allows exactly that, and still no framing.
"""

from __future__ import annotations

import copy
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGES_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "img-src 'self' data: https://fastapi.tiangolo.com; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
DOCS_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})


def _headers(policy: str) -> list[tuple[bytes, bytes]]:
    return [
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
        (b"content-security-policy", policy.encode()),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
    ]


PAGES_HEADERS = _headers(PAGES_POLICY)
DOCS_HEADERS = _headers(DOCS_POLICY)
REPLACED = frozenset(name for name, _ in PAGES_HEADERS)


class SecurityHeaders:
    """ASGI middleware (``app.add_middleware(SecurityHeaders)``, added last): see module."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = DOCS_HEADERS if scope["path"] in DOCS_PATHS else PAGES_HEADERS

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in REPLACED]
                message["headers"] = [*kept, *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


class QueryStringsOut(logging.Filter):
    """uvicorn's access log without query strings: ``GET /workers?q=<a name>`` would write
    the name (or a phone, an e-Shram number) to a file that outlives every retention rule
    (``lmt serve --access-log``). The path stays; a worker id in it is what the audit log
    holds anyway, for the same user."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def uvicorn_log_config() -> dict:
    """uvicorn's own logging set-up, its access log through ``QueryStringsOut``."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["no_query"] = {"()": QueryStringsOut}
    config["handlers"]["access"]["filters"] = ["no_query"]
    return config
