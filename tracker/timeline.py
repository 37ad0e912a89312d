"""A person's timeline and journey, read from the store one registration at a time.

Field staff open a worker and need the whole history at once, oldest first: when and where
the worker was registered, every trip with district and state names, every job with its
employer and the contractor who placed the worker, grievances and services. A person may
be registered by several centres under several worker ids (``tracker.identity``): the
timeline of any of them is the whole person's (``read_person``, ``person_events``), each
event marked with the worker id it was recorded under (``worker_id``) and the centre that
recorded it where the record names one (``centre``: the registering centre of a
registration, the ``recorded_by`` centre of a trip, job or grievance, the delivering centre
of a service). One primary-key lookup for each worker id's timeline edges
(``GraphStore.edge_records_of``) reads it; the nodes come from the API's search index and
names from the in-memory ``Catalog``, so a person with one worker id costs one index lookup
and no scan.

Rules, so that what the page shows can be explained:

* a trip reported twice (one ``trip_id``, see ``tracker.trips``) is one event carrying both
  record ids; its departure is the earliest report's, its arrival the first known arrival
  among its reports, other fields the first report that knows them (the same reading as
  ``analytics.round_trips``). Trip ids are marked per worker id at ingestion, so the
  reports of one trip under two of a person's worker ids carry two trip ids: the person's
  trips are marked again over all its reports with the ingestion's rule (``join_trips``,
  as ``analytics.persons.moves_by_person`` does), and such a trip is one event too, its
  ``worker_id`` the earliest report's and ``worker_ids`` every one that reported it;
* events sort by their date (registration: ``registered_on``; trip: departure; job: start;
  grievance: the day it was reported; service: delivery), then registration, trip, job,
  grievance, service, then record id (a registration: its worker id), so equal dates keep
  a fixed order;
* a date range keeps the events dated inside it (both ends included); a registration with no
  date is shown first without a range and left out with one.

The journey (``journey``) turns the trips into the places the worker stayed in, in order,
with the days spent in each; ``Stay`` documents how missing dates are read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, Field

from graph_schema import (
    COMPLAINED_AGAINST,
    EMPLOYED_BY,
    MOVED,
    RECEIVED_SERVICE,
    REGISTERED_AT,
    Worker,
)
from tracker.catalog import Catalog
from tracker.store import GraphStore, Record
from tracker.trips import SAME_TRIP_DAYS


class Place(BaseModel):
    district_code: int
    district: str | None = Field(None, description="Census 2011 district name")
    state: str | None = None


Month = Annotated[
    str, Field(pattern=r"^\d{4}-\d{2}$", description="a month, YYYY-MM (researcher keys)")
]
Day = dt.date | Month
"""A day; researcher keys see the month (``researcher_events``)."""


class Party(BaseModel):
    """An employer, contractor or centre an event names (name None: not in the store)."""

    id: str
    name: str | None = None


class SeenCentre(BaseModel):
    """A centre as researcher keys see it: a token of this answer, its kind and district
    (the district left out for the registering centre: ``researcher_events``)."""

    id: str
    kind: str | None = None
    place: Place | None = None


class _Event(BaseModel):
    date: Day | None = Field(description="the date the timeline sorts this event by")
    record_ids: list[str] = Field(description="the field records behind this event")
    worker_id: str = Field(
        description="the worker id (registration) the event was recorded under (a pseudonym "
        "for researcher keys)"
    )


class RegistrationEvent(_Event):
    kind: Literal["registration"] = "registration"
    centre: Party | SeenCentre | None = None


class MoveEvent(_Event):
    """One trip, however many times it was reported."""

    kind: Literal["move"] = "move"
    trip_id: str
    from_place: Place
    to_place: Place
    departed_on: Day
    arrived_on: Day | None = None
    reason: str | None = None
    contractor: Party | None = None
    employer: Party | None = None
    sources: list[str] = Field(default_factory=list, description="who reported the trip")
    worker_ids: list[str] = Field(
        default_factory=list, description="every worker id a report of the trip is under"
    )
    centre: Party | SeenCentre | None = Field(None, description="the centre that recorded it")


class EmploymentEvent(_Event):
    kind: Literal["employment"] = "employment"
    employer: Party
    sector: str | None = None
    contractor: Party | None = None
    place: Place | None = None
    start_on: Day
    end_on: Day | None = None
    daily_wage_inr: float | None = None
    advance_inr: float | None = None
    centre: Party | SeenCentre | None = Field(None, description="the centre that recorded it")


class GrievanceEvent(_Event):
    kind: Literal["grievance"] = "grievance"
    against_kind: str
    against: Party
    indicator: str
    occurred_on: Day | None = None
    reported_on: Day
    amount_inr: float | None = None
    status: str | None = None
    centre: Party | SeenCentre | None = Field(None, description="the centre that recorded it")


class ServiceEvent(_Event):
    kind: Literal["service"] = "service"
    centre: Party | SeenCentre
    service: str
    delivered_on: Day
    outcome: str | None = None


Event = Annotated[
    RegistrationEvent | MoveEvent | EmploymentEvent | GrievanceEvent | ServiceEvent,
    Field(discriminator="kind"),
]
_KIND_ORDER = {"registration": 0, "move": 1, "employment": 2, "grievance": 3, "service": 4}
EventRecord = Record
"""An event as the service builds it: a plain dict with the fields of its ``Event`` model,
in the model's order (``timeline_events``). Why not the models: building and dumping them
cost more CPU than the store's lookup of the whole timeline; the models stay the schema
(the API documents them, ``timeline`` validates against them, the tests check both agree)."""


def events_json(events: list[EventRecord]) -> bytes:
    """Events as the JSON array a ``Timeline`` holds them in (the API keeps these bytes):
    one ``orjson`` call (dates as ISO days, floats as pydantic writes them)."""
    return orjson.dumps(events)


class Suggestion(BaseModel):
    """A candidate link not made: a pair of the review queue (``tracker.identity``) from
    one of the person's worker ids to another person's, for a person to decide."""

    worker_id: str = Field(description="the person's worker id")
    other_worker_id: str = Field(description="a worker id of another person")
    match_probability: float


class Timeline(BaseModel):
    worker: str = Field(description="the worker's id (a pseudonym for researcher keys)")
    person_id: str | None = Field(None, description="the worker's person (None: not linked)")
    worker_ids: list[str] = Field(
        default_factory=list, description="the person's worker ids, first registered first"
    )
    suggestions: list[Suggestion] = Field(default_factory=list)
    since: dt.date | None = None
    until: dt.date | None = None
    events: list[Event]


class Stay(BaseModel):
    """A place the worker stayed in between two trips.

    How missing dates are read: a trip with no arrival date is taken to arrive the day it
    left (``arrival_estimated``: a journey takes a day or two, the stay itself weeks); a
    stay runs until the next trip leaves. Where the next trip leaves from another district
    than the last one reached, a trip went unrecorded: the stay ends at an unknown date and
    the next stay starts at an unknown date (``days`` None for both). The first place (where
    the first trip left from) has no known start, and the last is ``ongoing``: neither has
    ``days``.
    """

    place: Place
    arrived_on: Day | None = None
    left_on: Day | None = None
    days: int | None = Field(None, description="days spent; None where a date is unknown")
    arrival_estimated: bool = False
    ongoing: bool = False
    trip_id: str | None = Field(None, description="the trip that brought the worker here")


class Journey(BaseModel):
    worker: str = Field(description="the worker's id (a pseudonym for researcher keys)")
    worker_ids: list[str] = Field(
        default_factory=list,
        description="the person's worker ids whose trips make the journey (pseudonyms for "
        "researcher keys)",
    )
    stays: list[Stay]


@dataclass
class WorkerRecord:
    """What the store holds about one worker: the node and the edges of its timeline.

    A dataclass, not a model: the store already gives typed values, and validating a
    worker's records again cost more than a third of reading them from the store."""

    worker: Record
    registered_at: str | None = None
    moves: list[Record] = field(default_factory=list)
    employments: list[Record] = field(default_factory=list)
    grievances: list[Record] = field(default_factory=list)
    services: list[Record] = field(default_factory=list)


TIMELINE_RELS = (REGISTERED_AT, MOVED, EMPLOYED_BY, COMPLAINED_AGAINST, RECEIVED_SERVICE)
"""The edge types a timeline reads, in one ``GraphStore.edge_records_of`` lookup."""


def read_worker(
    store: GraphStore, worker_id: str, node: Record | None = None
) -> WorkerRecord | None:
    """One worker id's node and timeline edges (two primary-key lookups: the node, then all
    its timeline edges at once); None if the worker is unknown. A caller that holds the
    node already (the API's worker index: ``WorkerIndex.timeline_node``) passes it and
    saves the first lookup, a third of a first read's CPU."""
    if node is None:
        node = store.node_record(Worker, worker_id)
    if node is None:
        return None
    edges = store.edge_records_of(TIMELINE_RELS, worker_id)
    centre = edges[REGISTERED_AT.name]
    return WorkerRecord(
        worker=node,
        registered_at=str(centre[0]["registered_at"]) if centre else None,
        moves=edges[MOVED.name],
        employments=edges[EMPLOYED_BY.name],
        grievances=edges[COMPLAINED_AGAINST.name],
        services=edges[RECEIVED_SERVICE.name],
    )


def read_person(
    store: GraphStore, worker_ids: Sequence[str], nodes: Sequence[Record | None] | None = None
) -> list[WorkerRecord]:
    """The records of each of a person's worker ids (``read_worker`` each: one lookup a
    worker id when the nodes are given), those the store holds, in the order given."""
    given = nodes if nodes is not None else [None] * len(worker_ids)
    found = (read_worker(store, w, n) for w, n in zip(worker_ids, given, strict=True))
    return [record for record in found if record is not None]


def person_events(
    records: Sequence[WorkerRecord],
    catalog: Catalog,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[EventRecord]:
    """Every event of a person's worker ids, oldest first, each with the worker id it was
    recorded under (see the module docstring for the rules)."""
    events: list[EventRecord] = []
    moves: list[Record] = []
    for record in records:
        worker = record.worker
        worker_id = str(worker["worker_id"])
        if worker.get("registered_on") is not None or record.registered_at is not None:
            events.append(
                {
                    "date": worker.get("registered_on"),
                    "record_ids": [],
                    "worker_id": worker_id,
                    "kind": "registration",
                    "centre": centre_party(record.registered_at, catalog),
                }
            )
        moves += ({**row, "worker_id": worker_id} for row in record.moves)
        events += [_employment(row, worker_id, catalog) for row in record.employments]
        events += [_grievance(row, worker_id, catalog) for row in record.grievances]
        events += [_service(row, worker_id, catalog) for row in record.services]
    events += trips(join_trips(moves) if len(records) > 1 else moves, catalog)
    if since is not None or until is not None:
        events = [e for e in events if e["date"] is not None and _within(e["date"], since, until)]
    events.sort(key=_event_order)
    return events


def timeline_events(
    record: WorkerRecord,
    catalog: Catalog,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[EventRecord]:
    """Every event of one worker id alone, oldest first (``person_events`` of it)."""
    return person_events([record], catalog, since, until)


def _event_order(event: EventRecord) -> tuple:
    ids: list[str] = event["record_ids"]
    first = ids[0] if ids else event["worker_id"]
    return (event["date"] or dt.date.min, _KIND_ORDER[event["kind"]], first)


def timeline(
    records: WorkerRecord | Sequence[WorkerRecord],
    catalog: Catalog,
    since: dt.date | None = None,
    until: dt.date | None = None,
    person: Any = None,
    worker: str | None = None,
) -> Timeline:
    """``person_events`` as a validated ``Timeline`` (the command line, the tests):
    ``worker`` is the worker id asked for (None: the first record's); ``person`` (a
    ``tracker.identity.directory.PersonOf``) gives the person's id and suggestions."""
    mine = [records] if isinstance(records, WorkerRecord) else list(records)
    events = person_events(mine, catalog, since, until)
    return Timeline(
        worker=worker or str(mine[0].worker["worker_id"]),
        person_id=person.person_id if person is not None else None,
        worker_ids=[str(r.worker["worker_id"]) for r in mine],
        suggestions=list(person.suggestions) if person is not None else [],
        since=since,
        until=until,
        events=events,
    )


def join_trips(moves: list[Record]) -> list[Record]:
    """A person's move records with their trips marked again over all its worker ids:
    ``tracker.trips.mark_trips``'s rule (same corridor, departures within
    ``SAME_TRIP_DAYS`` days of the previous report) over the reports, each carrying its
    trip's id as its record id, so a marked trip is only ever joined, never split; the
    joined trip's id is its earliest report's trip id (``analytics.persons.
    moves_by_person`` marks the analytics' trips so). Plain Python: a person has tens of
    reports, and a DataFrame would cost more than the timeline."""

    def unit(row: Record) -> str:
        return str(row.get("trip_id") or row["record_id"])

    ordered = sorted(
        moves,
        key=lambda r: (r["from_district_code"], r["to_district_code"], r["departed_on"], unit(r)),
    )
    out: list[Record] = []
    previous: Record | None = None
    trip_id = ""
    for row in ordered:
        if (
            previous is None
            or row["from_district_code"] != previous["from_district_code"]
            or row["to_district_code"] != previous["to_district_code"]
            or (row["departed_on"] - previous["departed_on"]).days > SAME_TRIP_DAYS
        ):
            trip_id = unit(row)
        out.append({**row, "trip_id": trip_id})
        previous = row
    return out


def trips(moves: list[Record], catalog: Catalog) -> list[EventRecord]:
    """The trips of move records carrying their ``worker_id``, oldest first: reports
    sharing a ``trip_id`` become one event (a ``MoveEvent`` record)."""
    grouped: dict[str, list[Record]] = {}
    for row in sorted(moves, key=lambda r: (r["departed_on"], r["record_id"])):
        grouped.setdefault(str(row.get("trip_id") or row["record_id"]), []).append(row)
    out: list[EventRecord] = []
    for trip_id, reports in grouped.items():
        first = reports[0]
        out.append(
            {
                "date": first["departed_on"],
                "record_ids": [str(r["record_id"]) for r in reports],
                "worker_id": first["worker_id"],
                "kind": "move",
                "trip_id": trip_id,
                "from_place": place(first["from_district_code"], catalog),
                "to_place": place(first["to_district_code"], catalog),
                "departed_on": first["departed_on"],
                "arrived_on": _first(reports, "arrived_on"),
                "reason": _first(reports, "reason"),
                "contractor": _contractor(_first(reports, "contractor_id"), catalog),
                "employer": _employer(_first(reports, "employer_id"), catalog),
                "sources": list(dict.fromkeys(str(r["source"]) for r in reports if r["source"])),
                "worker_ids": list(dict.fromkeys(r["worker_id"] for r in reports)),
                "centre": centre_party(_first(reports, "recorded_by"), catalog),
            }
        )
    return out


def _day(value: Day) -> dt.date:
    """A day of a journey being built (only the answers to researchers hold months)."""
    assert isinstance(value, dt.date)
    return value


def journey(records: WorkerRecord | Sequence[WorkerRecord], catalog: Catalog) -> Journey:
    """The places the person stayed in, in order, with the days spent in each (``Stay``),
    from the trips of all its worker ids (the first record's worker is the one asked for)."""
    mine = [records] if isinstance(records, WorkerRecord) else list(records)
    moves = [{**row, "worker_id": str(r.worker["worker_id"])} for r in mine for row in r.moves]
    legs = [
        MoveEvent.model_validate(leg)
        for leg in trips(join_trips(moves) if len(mine) > 1 else moves, catalog)
    ]
    worker = str(mine[0].worker["worker_id"])
    worker_ids = [str(r.worker["worker_id"]) for r in mine]
    if not legs:
        return Journey(worker=worker, worker_ids=worker_ids, stays=[])
    stays = [Stay(place=legs[0].from_place, left_on=legs[0].departed_on)]
    for leg in legs:
        here = stays[-1]
        if here.place.district_code != leg.from_place.district_code:
            # a trip went unrecorded: the last stay ended, and this one began, on unknown days
            here.left_on, here.days = None, None
            stays.append(Stay(place=leg.from_place, left_on=leg.departed_on))
        else:
            here.left_on = leg.departed_on
            if here.arrived_on is not None:
                here.days = max(0, (_day(leg.departed_on) - _day(here.arrived_on)).days)
        stays.append(
            Stay(
                place=leg.to_place,
                arrived_on=leg.arrived_on or leg.departed_on,
                arrival_estimated=leg.arrived_on is None,
                trip_id=leg.trip_id,
            )
        )
    stays[-1].ongoing = True
    return Journey(worker=worker, worker_ids=worker_ids, stays=stays)


def _within(day: dt.date, since: dt.date | None, until: dt.date | None) -> bool:
    return (since is None or day >= since) and (until is None or day <= until)


def _first(rows: list[Record], column: str) -> object:
    return next((r[column] for r in rows if r.get(column) is not None), None)


def place(code: int | None, catalog: Catalog) -> Record | None:
    """A ``Place`` record."""
    if code is None:
        return None
    district, state = catalog.districts.get(int(code), (None, None))
    return {"district_code": int(code), "district": district, "state": state}


def _party(party_id: str, name: str | None) -> Record:
    """A ``Party`` record."""
    return {"id": party_id, "name": name}


def _contractor(contractor_id: object, catalog: Catalog) -> Record | None:
    if contractor_id is None:
        return None
    return _party(str(contractor_id), catalog.contractors.get(str(contractor_id)))


def _employer(employer_id: object, catalog: Catalog) -> Record | None:
    if employer_id is None:
        return None
    found = catalog.employers.get(str(employer_id))
    return _party(str(employer_id), found[0] if found else None)


def centre_party(centre_id: object, catalog: Catalog) -> Record | None:
    if centre_id is None:
        return None
    found = catalog.centres.get(str(centre_id))
    return _party(str(centre_id), found[0] if found else None)


def _employment(row: Record, worker_id: str, catalog: Catalog) -> EventRecord:
    employer_id = str(row["employer_id"])
    found = catalog.employers.get(employer_id)
    return {
        "date": row["start_on"],
        "record_ids": [str(row["record_id"])],
        "worker_id": worker_id,
        "kind": "employment",
        "employer": _party(employer_id, found[0] if found else None),
        "sector": found[1] if found else None,
        "contractor": _contractor(row["contractor_id"], catalog),
        "place": place(row["district_code"], catalog),
        "start_on": row["start_on"],
        "end_on": row["end_on"],
        "daily_wage_inr": _money(row["daily_wage_inr"]),
        "advance_inr": _money(row["advance_inr"]),
        "centre": centre_party(row.get("recorded_by"), catalog),
    }


def _grievance(row: Record, worker_id: str, catalog: Catalog) -> EventRecord:
    kind = str(row["against_kind"])
    against = (_contractor if kind == "contractor" else _employer)(row["against_id"], catalog)
    return {
        "date": row["reported_on"],
        "record_ids": [str(row["record_id"])],
        "worker_id": worker_id,
        "kind": "grievance",
        "against_kind": kind,
        "against": against or _party(str(row["against_id"]), None),
        "indicator": str(row["indicator"]),
        "occurred_on": row["occurred_on"],
        "reported_on": row["reported_on"],
        "amount_inr": _money(row["amount_inr"]),
        "status": row["status"],
        "centre": centre_party(row.get("recorded_by"), catalog),
    }


def _service(row: Record, worker_id: str, catalog: Catalog) -> EventRecord:
    return {
        "date": row["delivered_on"],
        "record_ids": [str(row["record_id"])],
        "worker_id": worker_id,
        "kind": "service",
        "centre": centre_party(row["centre_id"], catalog) or _party(str(row["centre_id"]), None),
        "service": str(row["service"]),
        "delivered_on": row["delivered_on"],
        "outcome": row["outcome"],
    }


def _money(value: Any) -> float | None:
    """Amounts as the model's floats (a store may give an int): 250 is written 250.0."""
    return None if value is None else float(value)


_DAYS = ("date", "departed_on", "arrived_on", "start_on", "end_on", "occurred_on", "reported_on",
         "delivered_on")  # fmt: skip


class Tokens:
    """Per-answer stand-ins for record, trip and centre ids (researcher keys): the same id is
    the same token within one answer, and nothing links a token to a centre's files."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], str] = {}

    def of(self, prefix: str, raw: object) -> str:
        key = (prefix, str(raw))
        if key not in self._seen:
            self._seen[key] = f"{prefix}{sum(p == prefix for p, _ in self._seen) + 1}"
        return self._seen[key]


def researcher_events(
    events: list[EventRecord],
    released: Mapping[str, dict | None],
    catalog: Catalog,
    pseudonym: Callable[[str], str],
) -> list[EventRecord]:
    """Events as researcher keys see them: days as months, record and trip ids as tokens
    of this answer, worker ids as the project's pseudonyms (``pseudonym``), centres as
    their kind and district; a registration carries neither its day nor its centre's
    district (the profile shows the year and the kind, where that worker id's k-anonymity
    level releases them: ``released``, by worker id)."""
    tokens = Tokens()
    out = []
    for event in events:
        e = dict(event)
        for name in _DAYS:
            value = e.get(name)
            if isinstance(value, dt.date):
                e[name] = f"{value.year:04d}-{value.month:02d}"
        e["record_ids"] = [tokens.of("r", r) for r in e["record_ids"]]
        e["worker_id"] = pseudonym(e["worker_id"])
        if "trip_id" in e:
            e["trip_id"] = tokens.of("t", e["trip_id"])
        if "worker_ids" in e:
            e["worker_ids"] = [pseudonym(w) for w in e["worker_ids"]]
        centre = e.get("centre")
        if e["kind"] == "registration":
            e["date"] = None
            kind = (released.get(event["worker_id"]) or {}).get("centre_kind")
            e["centre"] = {"id": tokens.of("c", centre["id"]), "kind": kind} if (
                centre and kind) else None  # fmt: skip
        elif centre is not None:
            e["centre"] = _centre_seen(centre, tokens, catalog)
        out.append(e)
    return out


def _centre_seen(centre: Record, tokens: Tokens, catalog: Catalog) -> Record:
    found = catalog.centres.get(str(centre["id"]))
    code = catalog.centre_districts.get(str(centre["id"]))
    return {
        "id": tokens.of("c", centre["id"]),
        "kind": found[1] if found else None,
        "place": place(code, catalog),
    }


def researcher_journey(found: Journey, pseudonym: Callable[[str], str]) -> Journey:
    """A journey as researcher keys see it: months, trip ids as tokens of this answer, and
    worker ids as the project's pseudonyms (``pseudonym``)."""
    tokens = Tokens()
    stays = []
    for stay in found.stays:
        update: dict[str, Any] = {
            name: f"{day.year:04d}-{day.month:02d}" if isinstance(day, dt.date) else day
            for name, day in (("arrived_on", stay.arrived_on), ("left_on", stay.left_on))
        }
        update["trip_id"] = tokens.of("t", stay.trip_id) if stay.trip_id else None
        stays.append(stay.model_copy(update=update))
    worker_ids = [pseudonym(w) for w in found.worker_ids]
    return found.model_copy(
        update={"stays": stays, "worker": pseudonym(found.worker), "worker_ids": worker_ids}
    )
