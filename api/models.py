"""Response shapes of the API that are not the domain's own models (those come from
``tracker`` and ``analytics``): pages of lists, search hits, analytics rows, health."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Generic, Literal, TypeVar

import orjson
from fastapi import Depends, Query
from pydantic import BaseModel, Field

from tracker.timeline import Event, Suggestion

T = TypeVar("T")
MAX_LIMIT = 1000


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="how many items in all")
    limit: int
    offset: int


class Paging(BaseModel):
    limit: int
    offset: int


async def paging(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9, description="items to skip")] = 0,
) -> Paging:
    return Paging(limit=limit, offset=offset)


EVENTS_PER_PAGE = 500


async def event_paging(
    limit: Annotated[int, Query(ge=1, le=5000, description="events per page")] = EVENTS_PER_PAGE,
    offset: Annotated[int, Query(ge=0, le=10**9, description="events to skip")] = 0,
) -> Paging:
    """A timeline's events come in one page unless a worker has more than 500.

    Both paging dependencies are ``async`` only so that FastAPI calls them in the event
    loop rather than hopping to the thread pool for them (``api.auth.service``)."""
    return Paging(limit=limit, offset=offset)


PageParams = Annotated[Paging, Depends(paging)]
EventPageParams = Annotated[Paging, Depends(event_paging)]


class WorkerHit(BaseModel):
    """A worker found by a search. Researcher keys get the pseudonym and nothing else
    that identifies the person."""

    worker: str = Field(description="the worker's id (a pseudonym for researcher keys)")
    name: str | None = None
    gender: str | None = None
    birth_year: int | None = None
    birth_years: str | None = None
    phone: str | None = None
    eshram_uan: str | None = None
    matched: Literal["worker_id", "phone", "eshram_uan", "name", "pseudonym"]
    score: float


class TimelinePage(BaseModel):
    """The whole person's timeline, whichever of its worker ids was asked for: each event
    says the worker id it was recorded under."""

    worker: str = Field(description="the worker's id (a pseudonym for researcher keys)")
    person_id: str | None = Field(
        None,
        description="the worker's person (the project's pseudonym of the person for "
        "researcher keys; None: no linkage has placed the worker yet)",
    )
    worker_ids: list[str] = Field(
        description="the person's worker ids, first registered first (pseudonyms for "
        "researcher keys): every event is under one of them"
    )
    suggestions: list[Suggestion] = Field(
        description="candidate links to other persons' worker ids, for a person to decide "
        "(review queue; never merged into the events; none for researcher keys)"
    )
    since: Any = None
    until: Any = None
    events: list[Event]
    total: int = Field(description="events in all (in the date range)")
    limit: int
    offset: int


def person_json(person_id: str | None, worker_ids: list[str], suggestions: list) -> bytes:
    """The person part of a ``TimelinePage`` (``timeline_page_json``): its fields as JSON
    members, without the braces."""
    body = orjson.dumps(
        {"person_id": person_id, "worker_ids": worker_ids, "suggestions": suggestions}
    )
    return body[1:-1]


def timeline_page_json(
    worker: str,
    person: bytes,
    since: dt.date | None,
    until: dt.date | None,
    events: bytes,
    total: int,
    limit: int,
    offset: int,
) -> bytes:
    """A ``TimelinePage`` as JSON, around events already in JSON (``events_json``): the
    cached bytes go out as they are, only the page around them (the id or pseudonym the
    role sees) is made per request; ``person``, the person part (``person_json``), is kept
    with the events. Same fields, same order as the model."""
    head = orjson.dumps({"worker": worker})
    rest = orjson.dumps({"since": since, "until": until})
    tail = f',"total":{total},"limit":{limit},"offset":{offset}}}'
    parts = (head[:-1], b",", person, b",", rest[1:-1], b',"events":', events, tail.encode())
    return b"".join(parts)


class AnalyticsPage(BaseModel):
    name: str
    columns: list[str]
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    suppressed_rows: int = Field(0, description="rows with a count suppressed (fewer than 5)")
    count_words: str = Field(
        "exact",
        description="how counts of people are written in free text: exact, or banded "
        "(below 5: 'fewer than 5', for keys that get small counts suppressed)",
    )


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    store: str
    generation: int = Field(description="store state: goes up with each imported batch")
