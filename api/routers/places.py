"""Aggregates: a district's flows by corridor, a contractor's supply network. Open to every
role; researcher and advocacy keys get counts of fewer than 5 workers suppressed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from analytics.contractor_network import ContractorNetwork
from analytics.district_flows import DistrictFlows
from api.auth import AnyRole, State
from api.disclosed import DisclosedRoute
from api.problems import PROBLEM_RESPONSES, ProblemError
from graph_schema.census import district_names
from tracker.access.disclosure import count_words

router = APIRouter(responses=PROBLEM_RESPONSES, route_class=DisclosedRoute)


@router.get(
    "/districts/{code}/flows",
    response_model=DistrictFlows,
    tags=["districts"],
    summary="A district's inflows and outflows by corridor",
)
def district_flows(
    code: Annotated[int, Path(description="Census 2011 district code")],
    who: AnyRole,
    state: State,
    year: Annotated[int | None, Query(ge=1900, le=2100, description="year of departure")] = None,
    month: Annotated[int | None, Query(ge=1, le=12, description="month of departure")] = None,
) -> DistrictFlows:
    if code not in district_names():
        raise ProblemError(404, f"no Census 2011 district {code}")
    return state.flows().flows(code, year, month, suppress=who.role.suppressed)


@router.get(
    "/contractors/{contractor_id}/network",
    response_model=ContractorNetwork,
    tags=["contractors"],
    summary="A contractor's chains up to employers and down to recruiters",
)
def contractor_network(
    contractor_id: Annotated[str, Path(min_length=1, max_length=200)],
    who: AnyRole,
    state: State,
) -> ContractorNetwork:
    words = count_words(who.role)
    found = state.network(words).network(contractor_id, suppress=who.role.suppressed)
    if found is None:
        raise ProblemError(404, f"no contractor {contractor_id!r}")
    return found
