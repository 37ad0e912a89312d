"""Analytics results (seasonal circuits, contractor risk, chains), computed once per store
state (``api.state.ANALYTICS``) and served page by page.

Circuits are per person (``person_id``, and ``worker_id`` the person's first registered
worker id): researcher keys get pseudonyms in place of both ids, advocacy keys none (no
worker records). Counts of workers below 5 are suppressed for researcher and
advocacy keys in every column that counts workers.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.auth import AnyRole, Caller, State, WorkerReader
from api.models import AnalyticsPage, PageParams, Paging
from api.problems import PROBLEM_RESPONSES, ProblemError
from api.state import NotComputed, ServiceState
from api.worker_reads import shown_id
from tracker.access import suppressed
from tracker.store import plain_records

router = APIRouter(
    prefix="/analytics",
    tags=["analytics"],
    responses={
        **PROBLEM_RESPONSES,
        503: {**PROBLEM_RESPONSES[404], "description": "not computed yet"},
    },
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


def counts_workers(column: str) -> bool:
    """Columns that count workers (suppressed below 5 for researcher and advocacy keys)."""
    return column in ("workers", "complainants") or "workers" in column.split("_")


def _is_small_count(value: object) -> bool:
    """A count (not a flag, not missing) small enough to be suppressed."""
    if not isinstance(value, int | float) or isinstance(value, bool) or value != value:
        return False
    return suppressed(int(value)) is None


def _page(name: str, page: Paging, who: Caller, state: ServiceState) -> AnalyticsPage:
    try:
        table = state.analytics(name)
    except NotComputed as error:
        raise ProblemError(503, str(error), {"Retry-After": "60"}) from error
    rows = plain_records(table.iloc[page.offset : page.offset + page.limit])
    columns = [str(c) for c in table.columns]
    hidden = 0
    if who.role.pseudonymised:  # worker and person ids become the project's pseudonyms
        renamed = {"worker_id": "worker", "person_id": "person"}
        columns = [renamed.get(c, c) for c in columns]
        rows = [
            {
                renamed.get(k, k): (
                    shown_id(str(v), who, state.pseudonyms) if k in renamed and v is not None else v
                )
                for k, v in row.items()
            }
            for row in rows
        ]
    if who.role.suppressed:
        counted = [c for c in columns if counts_workers(c)]
        for row in rows:
            small = [c for c in counted if _is_small_count(row.get(c))]
            for column in small:
                row[column] = None
            hidden += bool(small)
    return AnalyticsPage(
        name=name,
        columns=columns,
        items=rows,
        total=len(table),
        limit=page.limit,
        offset=page.offset,
        suppressed_rows=hidden,
    )
