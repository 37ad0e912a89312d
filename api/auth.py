"""API keys on requests: ``X-API-Key: <key>`` or ``Authorization: Bearer <key>``.

``authenticate(headers, keys)`` is the one key check (401 when missing or not valid) and
``authorize(who, roles)`` the one role check (403), for the FastAPI routes and the plain
request of a timeline (``api.fastpath``) alike. ``caller`` and ``allow(...)`` wrap
them as FastAPI dependencies, so the OpenAPI document shows the two security schemes on
every endpoint that needs a key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api.problems import ProblemError
from api.state import ServiceState
from tracker.access import ApiKey, KeyRing, Role

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="an LMT API key")
bearer = HTTPBearer(auto_error=False, description="an LMT API key as a bearer token")
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="lmt"'}


@dataclass(frozen=True)
class Caller:
    key: ApiKey

    @property
    def role(self) -> Role:
        return self.key.role


async def service(request: Request) -> ServiceState:
    # async, like every dependency here: FastAPI runs a plain ``def`` dependency in the
    # thread pool, a hop that cost more CPU than the rest of a cached timeline request
    return request.app.state.service


def authenticate(headers: Mapping[str, str], keys: KeyRing) -> Caller:
    """The caller a request's headers name: its ``X-API-Key``, else its bearer token.
    401 (a problem) when neither is there or the key is not valid or was revoked."""
    presented = headers.get("x-api-key")
    if not presented:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        presented = token.strip() if scheme.lower() == "bearer" else None
    if not presented:
        raise ProblemError(401, "an API key is needed (X-API-Key or Bearer)", CHALLENGE)
    key = keys.verify(presented)
    if key is None:
        raise ProblemError(401, "the API key is not valid or was revoked", CHALLENGE)
    return Caller(key)


def authorize(who: Caller, roles: Collection[Role]) -> Caller:
    """``who`` if its role is one of ``roles``; else 403 (a problem)."""
    if who.role not in roles:
        names = ", ".join(r.value for r in Role if r in roles)
        raise ProblemError(403, f"keys of role {who.role.value} may not do this (only {names})")
    return who


WORKER_READERS = frozenset(r for r in Role if r.sees_workers)


async def caller(
    request: Request,
    api_key: Annotated[str | None, Depends(api_key_header)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """``authenticate`` as a dependency (the two security schemes are declared for the
    OpenAPI document; the headers are read by ``authenticate`` itself)."""
    return authenticate(request.headers, request.app.state.service.keys)


def allow(*roles: Role) -> Callable[..., Awaitable[Caller]]:
    """A dependency that lets only ``roles`` through (``authorize``)."""
    allowed = frozenset(roles)

    async def check(who: Annotated[Caller, Depends(caller)]) -> Caller:
        return authorize(who, allowed)

    return check


State = Annotated[ServiceState, Depends(service)]
AnyRole = Annotated[Caller, Depends(allow(*Role))]
WorkerReader = Annotated[Caller, Depends(allow(*WORKER_READERS))]
Admin = Annotated[Caller, Depends(allow(Role.ADMIN))]
