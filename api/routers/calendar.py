"""The seasonal calendar as JSON: departures and returns by month for the main corridors.

The web pages draw it; the table is ``analytics.corridors.seasonal_calendar`` (the same one
``lmt circuits --calendar`` writes), computed once per store state (``api.state``). This
module reshapes its 12 rows per corridor into one item per corridor, and pages it, busiest
corridor first.

Departures and returns count the round trips of seasonal circuits (not every move), so a
one-off trip does not blur a season; like the circuits they are per person (a trip
reported under two worker ids of one person is one trip, ``analytics.persons``). Open to
every role: it is an aggregate with no worker in it. For researcher and advocacy keys every
count below 5 is suppressed (None, counted in ``suppressed_cells``): a corridor's trips in
one month of 1 to 4 come from fewer than 5 workers, and could single someone out as surely
as a worker count could.
"""

from __future__ import annotations

import numpy as np
from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.auth import AnyRole, State
from api.disclosed import DisclosedRoute
from api.models import PageParams
from api.problems import PROBLEM_RESPONSES, ProblemError
from api.state import NotComputed, ServiceState
from tracker.access import suppressed
from tracker.timeline import Place

router = APIRouter(
    prefix="/analytics",
    tags=["analytics"],
    responses={
        **PROBLEM_RESPONSES,
        503: {**PROBLEM_RESPONSES[404], "description": "not computed yet"},
    },
    route_class=DisclosedRoute,
)


class CalendarCorridor(BaseModel):
    origin: Place
    destination: Place
    workers: int | None = Field(description="workers with a circuit on it; None if suppressed")
    departures: list[int | None] = Field(
        description="round trips leaving in each month, January first (12 items)"
    )
    returns: list[int | None] = Field(
        description="round trips coming back in each month, January first (12 items)"
    )


class SeasonalCalendar(BaseModel):
    corridors: list[CalendarCorridor]
    total: int = Field(description="corridors in all")
    limit: int
    offset: int
    suppressed_cells: int = Field(0, description="counts suppressed (fewer than 5)")


@router.get(
    "/calendar",
    response_model=SeasonalCalendar,
    summary="Seasonal calendar: departures and returns by month for the main corridors",
)
def calendar(page: PageParams, who: AnyRole, state: State) -> SeasonalCalendar:
    corridors = _corridors(state)
    shown = corridors[page.offset : page.offset + page.limit]
    hidden = 0
    if who.role.suppressed:
        shown, hidden = _suppress(shown)
    return SeasonalCalendar(
        corridors=shown, total=len(corridors), suppressed_cells=hidden, **page.model_dump()
    )


def _corridors(state: ServiceState) -> list[CalendarCorridor]:
    """Every corridor of the calendar, busiest first (computed once per store state)."""

    def build() -> list[CalendarCorridor]:
        table = state.analytics("calendar")
        # seasonal_calendar gives 12 rows per corridor, months in order, busiest first
        n = len(table) // 12
        departures = table["departures"].to_numpy(dtype=np.int64).reshape(n, 12)
        returns = table["returns"].to_numpy(dtype=np.int64).reshape(n, 12)
        firsts = table.iloc[::12]
        return [
            CalendarCorridor(
                origin=Place(
                    district_code=int(row.origin_district_code),
                    district=_text(row.origin_district),
                    state=_text(row.origin_state),
                ),
                destination=Place(
                    district_code=int(row.destination_district_code),
                    district=_text(row.destination_district),
                    state=_text(row.destination_state),
                ),
                workers=int(row.workers),
                departures=departures[i].tolist(),
                returns=returns[i].tolist(),
            )
            for i, row in enumerate(firsts.itertuples(index=False))
        ]

    try:
        return state.lazily("calendar", build)
    except NotComputed as error:
        raise ProblemError(503, str(error), {"Retry-After": "60"}) from error


def _suppress(corridors: list[CalendarCorridor]) -> tuple[list[CalendarCorridor], int]:
    out, hidden = [], 0
    for corridor in corridors:
        counts = [corridor.workers, *corridor.departures, *corridor.returns]
        kept = [suppressed(c) for c in counts]
        hidden += sum(k is None for k in kept)
        out.append(
            corridor.model_copy(
                update={"workers": kept[0], "departures": kept[1:13], "returns": kept[13:]}
            )
        )
    return out, hidden


def _text(value: object) -> str | None:
    return None if value is None or value != value else str(value)
