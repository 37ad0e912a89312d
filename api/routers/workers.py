"""Workers: search, profile, timeline, journey. Every read is written to the audit log
before the record is sent; researcher keys see pseudonyms (``tracker.profile``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.auth import Caller, State, WorkerReader
from api.models import EventPageParams, Page, PageParams, TimelinePage, WorkerHit
from api.problems import PROBLEM_RESPONSES, ProblemError
from api.state import ServiceState
from tracker.access import Pseudonyms, birth_band
from tracker.profile import WorkerProfile, for_researcher, worker_profile
from tracker.timeline import Journey, journey, read_worker, timeline

router = APIRouter(prefix="/workers", tags=["workers"], responses=PROBLEM_RESPONSES)
WorkerPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=200,
        description="the worker's id (field, admin) or pseudonym (researcher)",
    ),
]


@router.get("", response_model=Page[WorkerHit], summary="Find workers")
def search_workers(
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="worker id, phone, e-Shram number or name (spelling variants "
            "welcome); researcher keys: a pseudonym",
        ),
    ],
    page: PageParams,
    who: WorkerReader,
    state: State,
) -> Page[WorkerHit]:
    state.audit.record(who.key.key_id, who.role, "search", detail=q)
    workers = state.current.workers
    if who.role.pseudonymised:
        worker_id = state.current.pseudonym_to_worker.get(q.strip())
        row = workers.by_id.get(worker_id) if worker_id else None
        items = []
        if row is not None and page.offset == 0:
            year = workers.workers.at[row, "birth_year"]
            items.append(
                WorkerHit(
                    worker=q.strip(),
                    gender=_text(workers.workers.at[row, "gender"]),
                    birth_years=None if year is None or year != year else birth_band(int(year)),
                    matched="pseudonym",
                    score=1.0,
                )
            )
        return Page(items=items, total=int(row is not None), **page.model_dump())
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
    return Page(items=items, total=total, **page.model_dump())


@router.get("/{worker}", response_model=WorkerProfile, summary="A worker's profile")
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
    return for_researcher(profile, state.pseudonyms) if who.role.pseudonymised else profile


@router.get("/{worker}/timeline", response_model=TimelinePage, summary="A worker's timeline")
def get_timeline(
    worker: WorkerPath,
    page: EventPageParams,
    who: WorkerReader,
    state: State,
    since: Annotated[dt.date | None, Query(description="first day (YYYY-MM-DD)")] = None,
    until: Annotated[dt.date | None, Query(description="last day (YYYY-MM-DD)")] = None,
) -> TimelinePage:
    if since is not None and until is not None and since > until:
        raise ProblemError(422, "since is after until")
    worker_id = resolve(state, who, worker)
    state.audit.record(who.key.key_id, who.role, "timeline", worker_id)
    record = read_worker(state.store, worker_id)
    if record is None:
        raise ProblemError(404, f"no worker {worker!r}")
    found = timeline(record, state.current.catalog, since, until)
    return TimelinePage(
        worker=_shown(worker_id, who, state.pseudonyms),
        since=since,
        until=until,
        events=found.events[page.offset : page.offset + page.limit],
        total=len(found.events),
        **page.model_dump(),
    )


@router.get("/{worker}/journey", response_model=Journey, summary="Places and days in each")
def get_journey(
    worker: WorkerPath,
    who: WorkerReader,
    state: State,
) -> Journey:
    worker_id = resolve(state, who, worker)
    state.audit.record(who.key.key_id, who.role, "journey", worker_id)
    record = read_worker(state.store, worker_id)
    if record is None:
        raise ProblemError(404, f"no worker {worker!r}")
    found = journey(record, state.current.catalog)
    return found.model_copy(update={"worker": _shown(worker_id, who, state.pseudonyms)})


def resolve(state: ServiceState, who: Caller, given: str) -> str:
    """The worker id a path names: an id for field and admin keys, a pseudonym for
    researchers (a researcher who guesses a real id learns nothing: 404)."""
    generation = state.current
    if who.role.pseudonymised:
        found = generation.pseudonym_to_worker.get(given)
    else:
        found = given if given in generation.workers.by_id else None
    if found is None:
        raise ProblemError(404, f"no worker {given!r}")
    return found


def _shown(worker_id: str, who: Caller, pseudonyms: Pseudonyms) -> str:
    return pseudonyms.of(worker_id) if who.role.pseudonymised else worker_id


def _text(value: object) -> str | None:
    return None if value is None or value != value else str(value)
