"""Researchers' journey queries: a cohort's persons, journeys, flows, sequences and types.

Thin: the cohort, its tables, sequences and types are ``analytics.journeys``'s, computed
over the journey index that is built once per store state (``ServiceState.journeys``). Only
researcher and admin keys may ask. What a researcher gets: pseudonyms in place of person
and worker ids (``_shown``, the one place where ids are turned into pseudonyms), months not
days, districts, and every count of persons or journeys below 5 suppressed with the one
disclosure rule (``analytics.journeys.cohorts.disclose``, ``tracker.access.disclosure``);
a cohort of fewer than 5 persons is answered with no persons at all.
"""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from analytics.journeys import cohorts, sequences, typology
from api.auth import Caller, State, allow
from api.disclosed import DisclosedRoute
from api.models import PageParams, Paging
from api.problems import PROBLEM_RESPONSES
from api.state import ServiceState
from tracker.access import Role, suppressed
from tracker.store import plain_records

router = APIRouter(
    prefix="/journeys", tags=["journeys"], responses=PROBLEM_RESPONSES, route_class=DisclosedRoute
)
Researcher = Annotated[Caller, Depends(allow(Role.RESEARCHER, Role.ADMIN))]
Filters = Annotated[cohorts.CohortFilter, Query()]
MAX_TYPES = 12


class CohortPage(BaseModel):
    summary: dict[str, Any] = Field(description="the cohort in numbers (counts below 5: None)")
    columns: list[str]
    items: list[dict[str, Any]]
    total: int | None = Field(description="rows in all (None: fewer than 5 persons)")
    limit: int
    offset: int
    suppressed_cells: int = Field(0, description="counts suppressed (fewer than 5)")


class Chronogram(BaseModel):
    months: list[str]
    states: list[str]
    shares: list[list[float | None]] = Field(
        description="per month, the share of the cohort in each state (None: fewer than 5)"
    )
    persons: int | None
    suppressed_cells: int = 0


class JourneyType(BaseModel):
    type: int
    share: float | None
    persons: int | None
    description: str
    medoid: list[str] = Field(description="the medoid's state month by month")


class Typology(BaseModel):
    k: int
    distance: str
    types: list[JourneyType]
    columns: list[str]
    items: list[dict[str, Any]] = Field(description="one row per person: person, type")
    total: int | None
    limit: int
    offset: int
    suppressed_cells: int = 0


def _cohort(state: ServiceState, chosen: cohorts.CohortFilter):
    index = state.journeys()
    return index, cohorts.select_cohort(index, chosen)


def _shown(frame, who: Caller, state: ServiceState):
    """Researchers see persons, not their first worker ids (the disclosure step,
    ``api.disclosed``, makes the person ids pseudonyms)."""
    if not who.role.pseudonymised:
        return frame
    return frame.drop(columns=[c for c in ("worker_id",) if c in frame.columns])


def _page(frame, page: Paging, who: Caller, state: ServiceState, small: bool, what: str) -> dict:
    hidden = 0
    if who.role.suppressed:
        frame, hidden = cohorts.disclose(frame)
        if small:
            frame = frame.iloc[0:0]
    rows = frame.iloc[page.offset : page.offset + page.limit]
    _audit(rows, who, state, what)
    shown = _shown(rows, who, state)
    return {
        "columns": [str(c) for c in shown.columns],
        "items": plain_records(shown),
        "total": None if small and who.role.suppressed else len(frame),
        "limit": page.limit,
        "offset": page.offset,
        "suppressed_cells": hidden,
    }


def _audit(rows, who: Caller, state: ServiceState, what: str) -> None:
    """A page of persons is in the audit log before it is sent: one entry per person, by
    the person's first worker id (``GET /audit?worker=W`` finds it). Aggregate tables
    (transitions) name no one and are not logged."""
    if "worker_id" in rows.columns:
        workers = [str(w) for w in rows["worker_id"]]
    elif "person_id" in rows.columns:
        first = _first_workers(state)
        workers = [str(first.get(str(p), p)) for p in rows["person_id"]]
    else:
        return
    state.audit.record_many(who.key.key_id, who.role, "journeys", workers, detail=what)


def _first_workers(state: ServiceState) -> dict[str, str]:
    """person id -> the person's first worker id (once per store state)."""

    def build() -> dict[str, str]:
        index = state.journeys()
        return dict(zip(index.person_ids.astype(str), map(str, index.first_worker), strict=True))

    return state.lazily("journeys:first_workers", build)


def _summary(index, cohort, who: Caller) -> tuple[dict, int]:
    numbers = cohorts.summary(index, cohort)
    if who.role.suppressed:
        return cohorts.disclose_summary(numbers)
    return numbers, 0


def _small(cohort) -> bool:
    return suppressed(len(cohort.persons)) is None


def _cohort_page(table_of, chosen, page: Paging, who: Caller, state: ServiceState) -> CohortPage:
    """One of the cohort's tables (``table_of(index, cohort)``) as this key may see it, with
    the cohort's summary: the persons, trips and transition routes differ only in the table."""
    index, cohort = _cohort(state, chosen)
    numbers, hidden = _summary(index, cohort, who)
    body = _page(table_of(index, cohort), page, who, state, _small(cohort), table_of.__name__)
    body["suppressed_cells"] += hidden
    return CohortPage(summary=numbers, **body)


@router.get("", response_model=CohortPage, summary="A cohort's persons (pseudonymised)")
def persons(chosen: Filters, page: PageParams, who: Researcher, state: State) -> CohortPage:
    return _cohort_page(cohorts.cohort_persons, chosen, page, who, state)


@router.get("/trips", response_model=CohortPage, summary="A cohort's journeys, in months")
def trips(chosen: Filters, page: PageParams, who: Researcher, state: State) -> CohortPage:
    return _cohort_page(cohorts.cohort_journeys, chosen, page, who, state)


@router.get(
    "/transitions", response_model=CohortPage, summary="A cohort's origin-destination table"
)
def transitions(chosen: Filters, page: PageParams, who: Researcher, state: State) -> CohortPage:
    return _cohort_page(cohorts.transitions, chosen, page, who, state)


@router.get(
    "/chronogram", response_model=Chronogram, summary="Share of the cohort in each state by month"
)
def chronogram(chosen: Filters, who: Researcher, state: State) -> Chronogram:
    index, cohort = _cohort(state, chosen)
    seqs = sequences.monthly_sequences(index, cohort.persons, cohort.period)
    table = seqs.chronogram()
    n = len(cohort.persons)
    shares = table.to_numpy().round(4)
    hidden = 0
    if who.role.suppressed:
        counts = np.rint(table.to_numpy() * n).astype(np.int64)
        small = (counts > 0) & (counts < 5)
        hidden = int(small.sum())
        shares = np.where(small | _small(cohort), np.nan, shares)
    rows = [[None if v != v else float(v) for v in row] for row in shares]
    return Chronogram(
        months=list(table.index),
        states=list(table.columns),
        shares=rows,
        persons=suppressed(n) if who.role.suppressed else n,
        suppressed_cells=hidden,
    )


@router.get("/types", response_model=Typology, summary="K types of trajectory in the cohort")
def types(
    chosen: Filters,
    page: PageParams,
    who: Researcher,
    state: State,
    k: Annotated[int, Query(ge=1, le=MAX_TYPES, description="how many types")] = 7,
    distance: Annotated[str, Query(pattern="^(om|hamming)$")] = "om",
) -> Typology:
    index, cohort = _cohort(state, chosen)
    small = _small(cohort)
    if not len(cohort.persons) or (small and who.role.suppressed):
        return Typology(k=k, distance=distance, types=[], columns=[], items=[], total=None,
                        limit=page.limit, offset=page.offset)  # fmt: skip
    result = typology.typology(index, cohort.persons, k, distance)
    counts = np.bincount(result.types, minlength=len(result.shares) + 1)[1:]
    hidden = 0
    found = []
    for t, (share, words) in enumerate(zip(result.shares, result.descriptions, strict=True)):
        count = int(counts[t])
        shown = suppressed(count) if who.role.suppressed else count
        hidden += shown is None
        found.append(
            JourneyType(
                type=t + 1,
                share=None if shown is None else round(float(share), 4),
                persons=shown,
                description=words,
                medoid=[typology.TYPOLOGY_STATES[s] for s in result.medoids[t]],
            )
        )
    table = typology.types_table(result, index).drop(columns=["description"])
    body = _page(table, page, who, state, small, "types")
    body["suppressed_cells"] += hidden
    return Typology(k=len(found), distance=distance, types=found, **body)


class District(BaseModel):
    code: int = Field(description="Census 2011 district code")
    name: str
    state: str


class FilterChoices(BaseModel):
    states: list[str]
    districts: list[District] = Field(description="every district, by state then name")
    sectors: list[str]
    genders: list[str]
    birth_bands: list[str]


@router.get("/filters", response_model=FilterChoices, summary="The values each filter takes")
def filters(who: Researcher) -> FilterChoices:
    from analytics.journeys.index import GENDERS, SECTORS, STATES
    from graph_schema.census import district_names
    from tracker.access import birth_band

    named = sorted(district_names().items(), key=lambda item: (item[1][1], item[1][0]))
    return FilterChoices(
        states=list(STATES),
        districts=[District(code=c, name=n, state=st) for c, (n, st) in named],
        sectors=list(SECTORS),
        genders=list(GENDERS),
        birth_bands=[str(birth_band(y)) for y in range(1940, 2011, 5)],
    )
