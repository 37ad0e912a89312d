"""Analytics results (seasonal circuits, contractor risk, chains), computed once per store
state (``api.state.ANALYTICS``) and served page by page.

Circuits are per person (``person_id``, and ``worker_id`` the person's first registered
worker id): researcher keys get pseudonyms in place of both ids, advocacy keys none (no
worker records). What each column is, is declared (``graph_schema.disclosure.TABLES``), and
the page goes through the one disclosure step on its way out (``api.disclosed``): counts of
people below 5 suppressed for researcher and advocacy keys, ids made pseudonyms; the free
text of contractor risk is written for the role (``CountWords``: "fewer than 5 workers").
A page that lists workers (circuits) is in the audit log, one entry per worker on the page,
before it is sent.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.auth import AnyRole, Caller, State, WorkerReader
from api.disclosed import DisclosedRoute
from api.models import AnalyticsPage, PageParams, Paging
from api.problems import PROBLEM_RESPONSES, ProblemError
from api.state import NotComputed, ServiceState
from tracker.access.disclosure import count_words
from tracker.store import plain_records

router = APIRouter(
    prefix="/analytics",
    tags=["analytics"],
    responses={
        **PROBLEM_RESPONSES,
        503: {**PROBLEM_RESPONSES[404], "description": "not computed yet"},
    },
    route_class=DisclosedRoute,
)


@router.get("/circuits", response_model=AnalyticsPage, summary="Seasonal circuits (circuits.csv)")
def circuits(
    page: PageParams,
    who: WorkerReader,
    state: State,
) -> AnalyticsPage:
    return _page("circuits", page, who, state)


@router.get(
    "/contractors", response_model=AnalyticsPage, summary="Contractor risk (contractor_risk.csv)"
)
def contractors(
    page: PageParams,
    who: AnyRole,
    state: State,
) -> AnalyticsPage:
    return _page("contractors", page, who, state)


@router.get("/chains", response_model=AnalyticsPage, summary="Contractor chains (chains.csv)")
def chains(
    page: PageParams,
    who: AnyRole,
    state: State,
) -> AnalyticsPage:
    return _page("chains", page, who, state)


def _page(name: str, page: Paging, who: Caller, state: ServiceState) -> AnalyticsPage:
    """The page of the table as computed, its text written for the role: the disclosure
    step (``api.disclosed``) makes it what the role may see."""
    words = count_words(who.role)
    try:
        table = state.analytics(name, words)
    except NotComputed as error:
        raise ProblemError(503, str(error), {"Retry-After": "60"}) from error
    rows = table.iloc[page.offset : page.offset + page.limit]
    if "worker_id" in rows.columns:
        shown = [str(w) for w in rows["worker_id"].dropna()]
        detail = f"rows {page.offset}-{page.offset + len(rows)} of {len(table)}"
        state.audit.record_many(who.key.key_id, who.role, name, shown, detail=detail)
    return AnalyticsPage(
        name=name,
        columns=[str(c) for c in table.columns],
        items=plain_records(rows),
        total=len(table),
        limit=page.limit,
        offset=page.offset,
        count_words=words.name,
    )
