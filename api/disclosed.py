"""The API's one way out: every route's answer goes through the disclosure step.

``DisclosedRoute`` is the route class of every router (``api.app`` checks that no route is
of another): it wraps the route's function so that what the function returns, a declared
answer model (``graph_schema.disclosure.ANSWERS``) or a list of them, goes through
``tracker.access.disclosure.disclose`` for the caller's role before FastAPI serialises it.
Researchers get the project's pseudonyms in place of ids in tables. A route without a key
(``/health``) is disclosed as to no role, the strictest rules. An answer of another kind
fails closed (500), unless it is a response made by a function that disclosed it itself
(``disclosed = True`` on its class: the timeline's bytes, ``api.worker_reads``).
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from typing import Any

from fastapi.dependencies.utils import get_typed_return_annotation, get_typed_signature
from fastapi.routing import APIRoute
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from api.auth import Caller
from api.state import ServiceState
from api.worker_reads import project_of
from tracker.access.disclosure import DisclosureError, Pseudonymise, disclose


class DisclosedJSON(JSONResponse):
    """A JSON response whose content went through ``disclose`` already (a problem that
    carries an answer: ``POST /batches``' 422)."""

    disclosed = True


class DisclosedRoute(APIRoute):
    """An ``APIRoute`` whose answers go through ``disclose`` (module docstring)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, disclosing(endpoint), **kwargs)


def undisclosed_routes(routes: list[BaseRoute]) -> list[str]:
    """The paths of FastAPI routes among ``routes`` (and the routers included in them)
    that are not ``DisclosedRoute``s: none, or the app refuses to start (``api.app``)."""
    found = []
    for route in routes:
        included = getattr(route, "original_router", None)  # an included router's routes
        if included is not None:
            found += undisclosed_routes(included.routes)
        elif isinstance(route, APIRoute) and not isinstance(route, DisclosedRoute):
            found.append(route.path)
    return found


def disclosing(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """``endpoint`` with its answer disclosed for the caller (the parameter of type
    ``Caller``) with the service state's pseudonyms (the parameter of type
    ``ServiceState``). FastAPI reads the wrapper's signature, the endpoint's own."""
    signature = get_typed_signature(endpoint)
    signature = signature.replace(return_annotation=get_typed_return_annotation(endpoint))
    caller = _parameter(signature, Caller)
    state = _parameter(signature, ServiceState)

    def shown(answer: Any, arguments: dict[str, Any]) -> Any:
        who: Caller | None = arguments.get(caller) if caller else None
        if isinstance(answer, Response):
            if getattr(answer, "disclosed", False):
                return answer
            raise DisclosureError(f"{endpoint.__name__} answered a response not disclosed")
        service: ServiceState | None = arguments.get(state) if state else None
        out, _hidden = disclose(answer, who.role if who else None, _pseudonym(who, service))
        return out

    if inspect.iscoroutinefunction(endpoint):

        @functools.wraps(endpoint)
        async def wrapper_async(**arguments: Any) -> Any:
            return shown(await endpoint(**arguments), arguments)

        wrapper: Callable[..., Any] = wrapper_async
    else:

        @functools.wraps(endpoint)
        def wrapper_sync(**arguments: Any) -> Any:
            return shown(endpoint(**arguments), arguments)

        wrapper = wrapper_sync
    wrapper.__signature__ = signature  # type: ignore[attr-defined]
    return wrapper


def _parameter(signature: inspect.Signature, kind: type) -> str | None:
    for name, parameter in signature.parameters.items():
        annotation = parameter.annotation
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        if annotation is kind:
            return name
    return None


def _pseudonym(who: Caller | None, state: ServiceState | None) -> Pseudonymise | None:
    if who is None or state is None or not who.role.pseudonymised:
        return None
    project = project_of(who)
    pseudonyms = state.pseudonyms
    return lambda worker_id: pseudonyms.of(worker_id, project)
