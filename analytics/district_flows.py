"""District flows: where workers go, for all districts at once or one district at a time.

Two views of the same trips (a trip reported twice counts once):

* ``district_flow_graph``: every district at once, as a networkx graph for Gephi and
  friends (``analytics.output.files.write_graph`` writes it as GraphML and GEXF). Nodes are
  Census 2011 districts (code, name, state) that any trip touches; a directed edge A -> B
  aggregates every trip from A to B. Edge attributes: ``trips``, ``workers`` (distinct),
  ``first_year``/``last_year`` and ``years`` (calendar years of departure with at least one
  trip), and ``weight`` = trips per season, i.e. ``trips / years``: a corridor travelled by
  300 people in one year and one travelled by 100 people in each of three years both weigh
  300 and 100 per season, which is what a destination centre planning a season needs. The
  counting is vectorised (packed integer keys, one sort); only the finished edge list, at
  most one edge per pair of districts, goes into networkx.
* ``FlowIndex``: one district's inflows and outflows by corridor, for the API. A district
  labour office asks: in March, how many workers left us, and for which districts; who came
  in, and from where. A *corridor* is an (origin district, destination district) pair; each
  counts trips (by ``trip_id``) and distinct workers, in a month or a year of departure, or
  over all years. ``FlowIndex`` reads the moves edge table once per store state (only the
  five columns it needs), keeps one trip per ``trip_id`` and indexes the rows by origin and
  by destination, so a district's flows are a group-by over that district's trips only.

Disclosure: ``flows(..., suppress=True)`` (researcher and advocacy keys) blanks counts of
fewer than 5 workers and the trip counts beside them, and totals add up only what is shown
(``tracker.access.disclosure``).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from analytics.persons import moves_by_person, person_keys_from_store
from analytics.round_trips import Trips
from analytics.seasons import count_distinct
from graph_schema import MOVED
from graph_schema.census import district_names, districts
from tracker.access.disclosure import suppressed
from tracker.store import GraphStore
from tracker.timeline import Place


def district_flow_graph(trips: Trips) -> nx.DiGraph:
    """The flow graph of all trips (``Journeys.trips`` or ``one_report_per_trip``)."""
    pair, pairs = pd.factorize((trips.frm.astype(np.int64) << 16) | trips.to)
    n = len(pairs)
    year = trips.departed.astype("datetime64[D]").astype("datetime64[Y]").astype("int64") + 1970
    count = np.bincount(pair, minlength=n)
    workers = count_distinct(pair, trips.worker, n)
    years = count_distinct(pair, year, n)
    first = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first, pair, year)
    last = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(last, pair, year)

    graph: nx.DiGraph[int] = nx.DiGraph(name="LMT district flows")
    frm, to = pairs >> 16, pairs & 0xFFFF
    used = set(frm.tolist()) | set(to.tolist())
    for district in districts():
        code = district["district_code"]
        if code in used:
            graph.add_node(
                code,
                label=district["name"],
                state=district["state"],
                state_code=district["state_code"],
            )
    graph.add_edges_from(
        (
            int(a),
            int(b),
            {
                "trips": int(c),
                "workers": int(w),
                "years": int(y),
                "first_year": int(f),
                "last_year": int(la),
                "weight": round(float(c) / float(y), 3),
            },
        )
        for a, b, c, w, y, f, la in zip(frm, to, count, workers, years, first, last, strict=True)
    )
    for code, out_trips in graph.out_degree(weight="trips"):
        graph.nodes[code]["out_trips"] = int(out_trips)
    for code, in_trips in graph.in_degree(weight="trips"):
        graph.nodes[code]["in_trips"] = int(in_trips)
    return graph


# -- one district at a time (the API) -------------------------------------------------------
COLUMNS = ["worker_id", "from_district_code", "to_district_code", "departed_on", "trip_id"]


class Corridor(BaseModel):
    from_place: Place
    to_place: Place
    trips: int | None = Field(description="trips (None: suppressed)")
    workers: int | None = Field(description="distinct workers (None: suppressed)")
    suppressed: bool = False


class Flows(BaseModel):
    direction: str
    corridors: list[Corridor]
    trips: int = Field(description="trips over the corridors shown")
    workers: int | None = Field(
        description="distinct workers over all corridors (None when any corridor is suppressed)"
    )
    suppressed_corridors: int = 0


class DistrictFlows(BaseModel):
    district: Place
    year: int | None = None
    month: int | None = None
    inflows: Flows
    outflows: Flows


@dataclass(frozen=True)
class FlowIndex:
    trips: pd.DataFrame
    by_origin: dict[int, np.ndarray]
    by_destination: dict[int, np.ndarray]

    @classmethod
    def build(cls, store: GraphStore) -> FlowIndex:
        """Per person (``analytics.persons``): a person's worker ids count as one."""
        moves = store.edge_table(MOVED, columns=COLUMNS)
        return cls.from_moves(moves_by_person(moves, person_keys_from_store(store)))

    @classmethod
    def from_moves(cls, moves: pd.DataFrame) -> FlowIndex:
        trip = moves["trip_id"].fillna(moves.get("record_id", moves["trip_id"]))
        ordered = moves.assign(trip_id=trip).sort_values(["trip_id", "departed_on"], kind="stable")
        trips = ordered.drop_duplicates("trip_id").reset_index(drop=True)
        trips = trips.assign(
            year=trips["departed_on"].dt.year.astype("Int64"),
            month=trips["departed_on"].dt.month.astype("Int64"),
        )
        return cls(
            trips=trips,
            by_origin=_positions(trips["from_district_code"]),
            by_destination=_positions(trips["to_district_code"]),
        )

    def flows(
        self,
        district_code: int,
        year: int | None = None,
        month: int | None = None,
        suppress: bool = False,
    ) -> DistrictFlows:
        names = district_names()
        return DistrictFlows(
            district=_place(district_code, names),
            year=year,
            month=month,
            inflows=self._side(
                self.by_destination, district_code, "from_district_code", year, month, suppress
            ),
            outflows=self._side(
                self.by_origin, district_code, "to_district_code", year, month, suppress
            ),
        )

    def _side(
        self,
        positions: dict[int, np.ndarray],
        code: int,
        other_end: str,
        year: int | None,
        month: int | None,
        suppress: bool,
    ) -> Flows:
        direction = "in" if other_end == "from_district_code" else "out"
        rows = self.trips.iloc[positions.get(code, np.empty(0, dtype=np.intp))]
        if year is not None:
            rows = rows[rows["year"] == year]
        if month is not None:
            rows = rows[rows["month"] == month]
        grouped = (
            rows.groupby(other_end)
            .agg(trips=("trip_id", "size"), workers=("worker_id", "nunique"))
            .sort_values(["workers", "trips"], ascending=False, kind="stable")
        )
        names = district_names()
        corridors = []
        for other, counts in grouped.iterrows():
            origin, destination = (other, code) if direction == "in" else (code, other)
            workers = int(counts["workers"])
            hidden = suppress and suppressed(workers) is None
            corridors.append(
                Corridor(
                    from_place=_place(int(origin), names),
                    to_place=_place(int(destination), names),
                    trips=None if hidden else int(counts["trips"]),
                    workers=None if hidden else workers,
                    suppressed=hidden,
                )
            )
        hidden_corridors = sum(c.suppressed for c in corridors)
        return Flows(
            direction=direction,
            corridors=corridors,
            trips=sum(c.trips or 0 for c in corridors),
            workers=None if hidden_corridors else int(rows["worker_id"].nunique()),
            suppressed_corridors=hidden_corridors,
        )


def _positions(codes: pd.Series) -> dict[int, np.ndarray]:
    return {int(code): idx for code, idx in codes.groupby(codes).indices.items()}


def _place(code: int, names: dict[int, tuple[str, str]]) -> Place:
    district, state = names.get(code, (None, None))
    return Place(district_code=code, district=district, state=state)
