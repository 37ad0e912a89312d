"""API keys on requests: ``X-API-Key: <key>`` or ``Authorization: Bearer <key>``.

``caller`` checks the key (401 when missing or not valid); ``allow(...)`` lists the roles
that may use an endpoint (403 for the others). Both are FastAPI dependencies, so the
OpenAPI document shows the two security schemes on every endpoint that needs a key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api.problems import ProblemError
from api.state import ServiceState
from tracker.access import ApiKey, Role

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


async def caller(
    request: Request,
    api_key: Annotated[str | None, Depends(api_key_header)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    presented = api_key or (credentials.credentials if credentials else None)
    if not presented:
        raise ProblemError(401, "an API key is needed (X-API-Key or Bearer)", CHALLENGE)
    key = request.app.state.service.keys.verify(presented)
    if key is None:
        raise ProblemError(401, "the API key is not valid or was revoked", CHALLENGE)
    return Caller(key)


def allow(*roles: Role) -> Callable[..., Awaitable[Caller]]:
    """A dependency that lets only ``roles`` through."""
    names = ", ".join(r.value for r in roles)

    async def check(who: Annotated[Caller, Depends(caller)]) -> Caller:
        if who.role not in roles:
            raise ProblemError(403, f"keys of role {who.role.value} may not do this (only {names})")
        return who

    return check


State = Annotated[ServiceState, Depends(service)]
AnyRole = Annotated[Caller, Depends(allow(*Role))]
WorkerReader = Annotated[Caller, Depends(allow(*(r for r in Role if r.sees_workers)))]
Admin = Annotated[Caller, Depends(allow(Role.ADMIN))]
