"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error the API returns has the same shape: ``type``, ``title``, ``status``, ``detail``
and, for bad parameters (422), ``errors`` saying which parameter and why. Clients branch on
``status`` and show ``detail``; no error ever carries a stack trace. An unexpected failure
is logged and answered with a bare 500 problem; bad input is always a 4xx.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("lmt.api")


class Problem(BaseModel):
    type: str = Field("about:blank", description="a URI naming the kind of problem")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = Field(None, description="the request path")
    errors: list[dict[str, Any]] | None = Field(
        None, description="for 422: each bad parameter's location, message and kind"
    )
    break_glass: str | None = Field(
        None,
        description="for 403 to a field key outside its organisation: where to POST a reason "
        "to read the worker all the same (audited)",
    )


class ProblemError(Exception):
    """Raise to answer with a problem: ``ProblemError(404, "no worker 'W1'")``."""

    def __init__(
        self,
        status: int,
        detail: str,
        headers: dict[str, str] | None = None,
        break_glass: str | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers
        self.break_glass = break_glass


def problem_response(
    request: Request,
    status: int,
    detail: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    break_glass: str | None = None,
) -> JSONResponse:
    body = Problem(
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=request.url.path,
        errors=errors,
        break_glass=break_glass,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )


def install(app: FastAPI) -> None:
    """Answer every error of ``app`` as a problem."""

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, error: ProblemError) -> JSONResponse:
        return problem_response(
            request,
            error.status,
            error.detail,
            headers=error.headers,
            break_glass=error.break_glass,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        detail = error.detail if isinstance(error.detail, str) else None
        return problem_response(
            request, error.status_code, detail, headers=getattr(error, "headers", None)
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in error.errors()
        ]
        return problem_response(request, 422, "some parameters are not valid", errors=errors)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem_response(request, 500, "an unexpected error; it has been logged")


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {MEDIA_TYPE: {}}, "description": text}
    for status, text in (
        (401, "no API key, or not a valid one"),
        (403, "the key's role may not see this"),
        (404, "no such worker, district or contractor"),
        (422, "bad parameters"),
    )
}
"""The problems every keyed endpoint can answer, for the OpenAPI document."""
