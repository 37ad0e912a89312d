"""Workers: search, profile, timeline, journey. Every read is in the audit log before the
answer is sent (``tracker.access.audit``): a search has one entry per worker it returned,
with what was searched for; researcher keys see pseudonyms (``tracker.profile``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

import api.paths  # noqa: F401  (the "text" path convertor: ids with a "/")
from api.auth import Caller, State, WorkerReader
from api.disclosed import DisclosedRoute
from api.models import (
    MAX_LIMIT,
    EventPageParams,
    Page,
    PageParams,
    Paging,
    TimelinePage,
    WorkerHit,
)
from api.problems import PROBLEM_RESPONSES, ProblemError
from api.state import ServiceState
from api.worker_reads import (
    MAX_WORKER_PATH,
    audit_person_read,
    may_read,
    project_of,
    resolve,
    timeline_page,
)
from tracker.access import Role, birth_band
from tracker.access.scope import MIN_REASON, Grant
from tracker.profile import WorkerProfile, for_researcher, worker_profile
from tracker.timeline import Journey, journey, researcher_journey

router = APIRouter(
    prefix="/workers", tags=["workers"], responses=PROBLEM_RESPONSES, route_class=DisclosedRoute
)


class JSONBytes(Response):
    """JSON the service serialised itself, sent as it is: the timeline's, which
    ``timeline_page`` disclosed (``api.disclosed``)."""

    media_type = "application/json"
    disclosed = True


WorkerPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=MAX_WORKER_PATH,
        description="the worker's id (field, admin) or pseudonym (researcher)",
    ),
]


SEARCH_TEXT = (
    "worker id, phone, e-Shram number or name (spelling variants welcome); researcher keys: "
    "a pseudonym"
)


class SearchRequest(BaseModel):
    """``POST /workers/search``: the search text in the body, never in a URL (URLs end up
    in browser history, proxy and server logs)."""

    q: str = Field(min_length=1, max_length=200, description=SEARCH_TEXT)
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="items per page")
    offset: int = Field(0, ge=0, le=10**9, description="items to skip")


@router.post("/search", response_model=Page[WorkerHit], summary="Find workers (text in the body)")
async def search_workers_by_post(
    body: SearchRequest, who: WorkerReader, state: State
) -> Page[WorkerHit]:
    """What the pages use: ``GET /workers?q=`` answers the same, but puts the text in the URL."""
    return await search(state, who, body.q, Paging(limit=body.limit, offset=body.offset))


@router.get("", response_model=Page[WorkerHit], summary="Find workers")
async def search_workers(
    q: Annotated[str, Query(min_length=1, max_length=200, description=SEARCH_TEXT)],
    page: PageParams,
    who: WorkerReader,
    state: State,
) -> Page[WorkerHit]:
    return await search(state, who, q, page)


async def search(state: ServiceState, who: Caller, q: str, page: Paging) -> Page[WorkerHit]:
    """The one worker search, for ``GET /workers`` and ``POST /workers/search``: audited
    with the workers of the page it answers (one entry per worker; none found: one entry),
    committed before the page is returned.

    A key that sees the whole index is answered in the event loop, its entries committed
    with the loop's group (``AuditLog.logging_rows``, as a timeline's): the index's work is
    a millisecond or less (``tracker.search``), less than handing it to a thread and the
    audit's writer cost. A researcher's pseudonym and an organisation's field key read
    views built on first use and its grants, in a worker thread."""
    if who.role.pseudonymised or _scoped(who):
        found, page_of = await run_in_threadpool(_search, state, who, q, page)
    else:
        found, page_of = _search(state, who, q, page)
    rows = state.audit.rows(who.key.key_id, who.role, "search", found, detail=q)
    await state.audit.logging_rows(rows)
    return page_of


def _scoped(who: Caller) -> bool:
    """An organisation's field key: it finds its own workers (and those it broke the glass
    for) only."""
    return who.key.organisation is not None and who.role is Role.FIELD


def _search(
    state: ServiceState, who: Caller, q: str, page: Paging
) -> tuple[list[str], Page[WorkerHit]]:
    """(the worker ids the page shows, the page)."""
    workers = state.current.workers
    if who.role.pseudonymised:
        worker_id = state.worker_of_pseudonym(q.strip(), project_of(who))
        row = workers.by_id.get(worker_id) if worker_id else None
        items = []
        if worker_id is not None and row is not None and page.offset == 0:
            shown = state.released(worker_id) or {}
            items.append(
                WorkerHit(
                    worker=q.strip(),
                    gender=shown.get("gender"),
                    birth_years=shown.get("birth_years") or shown.get("birth_decade"),
                    matched="pseudonym",
                    score=1.0,
                )
            )
        shown_ids = [worker_id] if items and worker_id else []
        return shown_ids, Page(items=items, total=int(row is not None), **page.model_dump())
    if _scoped(who):
        _, found = workers.search(q, limit=MAX_LIMIT, offset=0)
        mine = [h for h in found if may_read(state, who, h.worker_id)]
        total, hits = len(mine), mine[page.offset : page.offset + page.limit]
    else:
        total, hits = workers.search(q, limit=page.limit, offset=page.offset)
    items = [
        WorkerHit(
            worker=h.worker_id,
            name=h.name,
            gender=h.gender,
            birth_year=h.birth_year,
            birth_years=birth_band(h.birth_year),
            phone=h.phone,
            eshram_uan=h.eshram_uan,
            matched=h.matched,
            score=h.score,
        )
        for h in hits
    ]
    return [h.worker_id for h in hits], Page(items=items, total=total, **page.model_dump())


@router.get(
    "/{worker:text}/timeline",
    summary="A worker's timeline",
    response_class=JSONBytes,
    responses={200: {"model": TimelinePage, "description": "the worker's events, oldest first"}},
)
async def get_timeline(
    worker: WorkerPath,
    page: EventPageParams,
    who: WorkerReader,
    state: State,
    since: Annotated[dt.date | None, Query(description="first day (YYYY-MM-DD)")] = None,
    until: Annotated[dt.date | None, Query(description="last day (YYYY-MM-DD)")] = None,
) -> JSONBytes:
    """The page is JSON the service built itself (``api.worker_reads.timeline_page``),
    documented by ``TimelinePage`` and sent as it is, not validated again. The plain
    request (no query string) is answered by the same function before FastAPI's routing
    (``api.fastpath``)."""
    return JSONBytes(await timeline_page(state, who, worker, since, until, page))


@router.get("/{worker:text}/journey", response_model=Journey, summary="Places and days in each")
def get_journey(
    worker: WorkerPath,
    who: WorkerReader,
    state: State,
) -> Journey:
    """The whole person's: the trips of all its worker ids (``tracker.timeline.journey``)."""
    worker_id = resolve(state, who, worker)
    audit_person_read(state, who, "journey", worker_id)
    person = state.person_records(worker_id)
    if person is None:
        raise ProblemError(404, f"no worker {worker!r}")
    found = journey(person[1], state.current.catalog).model_copy(update={"worker": worker_id})
    if who.role.pseudonymised:
        project = project_of(who)
        return researcher_journey(found, lambda w: state.pseudonyms.of(w, project))
    return found


class BreakGlassRequest(BaseModel):
    reason: str = Field(min_length=MIN_REASON, max_length=1000, description="why you need "
                        "this worker's records (kept in the audit, shown to admins)")  # fmt: skip


@router.post(
    "/{worker:text}/break-glass",
    response_model=Grant,
    summary="Read a worker outside your organisation, with a reason (audited)",
)
def break_glass(
    worker: WorkerPath, body: BreakGlassRequest, who: WorkerReader, state: State
) -> Grant:
    """For a field key of an organisation, a worker its centres never saw: the key may read
    the worker for ``LMT_BREAK_GLASS_HOURS`` (3 by default). The grant, its reason and every
    read under it are audited and listed for admins (``GET /break-glass``)."""
    if who.role is not Role.FIELD or who.key.organisation is None:
        raise ProblemError(403, "only field keys of an organisation break the glass")
    if worker not in state.current.workers.by_id:
        raise ProblemError(404, f"no worker {worker!r}")
    try:
        grant = state.glass.grant(who.key.key_id, who.key.organisation, worker, body.reason)
    except ValueError as error:
        raise ProblemError(422, str(error)) from error
    state.audit.record(who.key.key_id, who.role, "break_glass", worker, detail=grant.reason)
    return grant


# after the routes with a tail: ``/{worker:text}`` would take "W1/timeline" too
@router.get("/{worker:text}", response_model=WorkerProfile, summary="A worker's profile")
def get_worker(
    worker: WorkerPath,
    who: WorkerReader,
    state: State,
) -> WorkerProfile:
    worker_id = resolve(state, who, worker)
    state.audit.record(who.key.key_id, who.role, "profile", worker_id)
    profile = worker_profile(state.store, state.current.catalog, worker_id)
    if profile is None:
        raise ProblemError(404, f"no worker {worker!r}")
    if who.role.pseudonymised:
        released = state.released(worker_id)
        return for_researcher(
            profile, state.pseudonyms, project_of(who), released, state.current.catalog
        )
    return profile
