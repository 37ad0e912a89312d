"""Relationship types: what happened between whom, and where things are.

Every relationship type is declared once here with its endpoints and its typed
properties (a pydantic model). Two kinds exist:

* keyed edges (``key`` is a property such as ``record_id``): one edge per field record, so a
  record sent again replaces its edge. Migration moves are such edges, one per reported trip.
* reference edges (``key`` is None): at most one edge per source node (a worker's household,
  an employer's district); a new value replaces the old edge.

``source_column``/``target_column`` name the columns of the field-record file that hold the
endpoint ids, so an edge table read from any store has the same columns as the file it came
from. Where one type reaches two labels (a grievance against a contractor or an employer),
``kind_column`` holds the word that picks the target label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from pydantic import model_validator

from graph_schema.checked import Checked
from graph_schema.nodes import (
    Centre,
    Contractor,
    District,
    Employer,
    Household,
    Node,
    Person,
    Worker,
)
from graph_schema.types import (
    DistrictCode,
    GrievanceStatus,
    IdentityDecision,
    Indicator,
    IsoDate,
    LinkedBy,
    MoveReason,
    MoveSource,
    PairStatus,
    PastDate,
    Rupees,
    Service,
    ServiceOutcome,
)


class EdgeProperties(Checked):
    """Base of every relationship's property model."""

    derived: ClassVar[dict[str, type]] = {}
    """Properties the service computes (never read from a record): name -> python type."""


class NoProperties(EdgeProperties):
    pass


class Move(EdgeProperties):
    """One reported trip. ``trip_id`` groups reports of the same trip (see tracker.trips)."""

    derived: ClassVar[dict[str, type]] = {"trip_id": str}
    record_id: str
    from_district_code: DistrictCode
    departed_on: PastDate
    arrived_on: PastDate | None = None
    reason: MoveReason | None = None
    contractor_id: str | None = None
    employer_id: str | None = None
    recorded_by: str | None = None
    recorded_on: PastDate | None = None
    source: MoveSource | None = None

    @model_validator(mode="after")
    def _arrives_after_departing(self) -> Move:
        if self.arrived_on is not None and self.arrived_on < self.departed_on:
            raise ValueError("arrived_on before departed_on")
        return self


class Employment(EdgeProperties):
    record_id: str
    contractor_id: str | None = None
    district_code: DistrictCode | None = None
    start_on: PastDate
    end_on: PastDate | None = None
    daily_wage_inr: Rupees | None = None
    advance_inr: Rupees | None = None
    recorded_by: str | None = None
    recorded_on: PastDate | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> Employment:
        if self.end_on is not None and self.end_on < self.start_on:
            raise ValueError("end_on before start_on")
        return self


class Grievance(EdgeProperties):
    record_id: str
    indicator: Indicator
    occurred_on: PastDate | None = None
    reported_on: PastDate
    recorded_by: str | None = None
    amount_inr: Rupees | None = None
    status: GrievanceStatus | None = None


class ServiceDelivery(EdgeProperties):
    record_id: str
    service: Service
    delivered_on: PastDate
    outcome: ServiceOutcome | None = None


class Supply(EdgeProperties):
    """A contractor supplies workers to a contractor above it or to a principal employer."""

    link_id: str
    from_date: IsoDate | None = None
    to_date: IsoDate | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> Supply:
        if self.from_date and self.to_date and self.to_date < self.from_date:
            raise ValueError("to_date before from_date")
        return self


class Decision(EdgeProperties):
    """Someone who checked two registrations decided they are, or are not, one person."""

    decision_id: str
    decision: IdentityDecision
    decided_by: str | None = None
    decided_on: PastDate
    note: str | None = None


class PersonLink(EdgeProperties):
    """Why a registration belongs to its person: ``alone``, by the ``model`` (with the
    weakest match probability holding it there), or by a ``decision``."""

    linked_by: LinkedBy
    match_probability: float | None = None


class MatchPair(EdgeProperties):
    """A pair of registrations the model scored: ``linked`` (at or above the link
    threshold) or ``review`` (between the thresholds: a candidate for a person to check)."""

    pair_id: str
    match_probability: float
    status: PairStatus


@dataclass(frozen=True)
class RelType:
    name: str
    source: type[Node]
    targets: dict[str | None, type[Node]]
    """Target label by the value of ``kind_column`` (one entry keyed None if single)."""
    properties: type[EdgeProperties]
    source_column: str
    target_column: str
    key: str | None = None
    kind_column: str | None = None
    timeline_date: str | None = None
    """The date a worker's timeline sorts this event by (None: not a timeline event)."""
    indexed_dates: tuple[str, ...] = field(default=())

    @property
    def target_labels(self) -> tuple[type[Node], ...]:
        return tuple(dict.fromkeys(self.targets.values()))

    @property
    def property_names(self) -> tuple[str, ...]:
        return (*self.properties.model_fields, *self.properties.derived)

    @property
    def table_columns(self) -> tuple[str, ...]:
        """Columns of this type's edge table, the same on every store."""
        kind = (self.kind_column,) if self.kind_column else ()
        return (self.source_column, *kind, self.target_column, *self.property_names)


MEMBER_OF = RelType(
    "MEMBER_OF", Worker, {None: Household}, NoProperties, "worker_id", "household_id"
)
REGISTERED_AT = RelType(
    "REGISTERED_AT", Worker, {None: Centre}, NoProperties, "worker_id", "registered_at"
)
HOME_IN = RelType(
    "HOME_IN", Household, {None: District}, NoProperties, "household_id", "home_district_code"
)
LOCATED_IN = RelType(
    "LOCATED_IN", Centre, {None: District}, NoProperties, "centre_id", "district_code"
)
OPERATES_IN = RelType(
    "OPERATES_IN", Employer, {None: District}, NoProperties, "employer_id", "district_code"
)
BASED_IN = RelType(
    "BASED_IN", Contractor, {None: District}, NoProperties, "contractor_id", "base_district_code"
)
SUPPLIES = RelType(
    "SUPPLIES",
    Contractor,
    {"contractor": Contractor, "employer": Employer},
    Supply,
    "contractor_id",
    "supplies_to_id",
    key="link_id",
    kind_column="supplies_to_kind",
)
MOVED = RelType(
    "MOVED",
    Worker,
    {None: District},
    Move,
    "worker_id",
    "to_district_code",
    key="record_id",
    timeline_date="departed_on",
    indexed_dates=("departed_on", "arrived_on"),
)
EMPLOYED_BY = RelType(
    "EMPLOYED_BY",
    Worker,
    {None: Employer},
    Employment,
    "worker_id",
    "employer_id",
    key="record_id",
    timeline_date="start_on",
    indexed_dates=("start_on",),
)
COMPLAINED_AGAINST = RelType(
    "COMPLAINED_AGAINST",
    Worker,
    {"contractor": Contractor, "employer": Employer},
    Grievance,
    "worker_id",
    "against_id",
    key="record_id",
    kind_column="against_kind",
    timeline_date="reported_on",
    indexed_dates=("reported_on",),
)
RECEIVED_SERVICE = RelType(
    "RECEIVED_SERVICE",
    Worker,
    {None: Centre},
    ServiceDelivery,
    "worker_id",
    "centre_id",
    key="record_id",
    timeline_date="delivered_on",
    indexed_dates=("delivered_on",),
)

IDENTITY_DECIDED = RelType(
    "IDENTITY_DECIDED",
    Worker,
    {None: Worker},
    Decision,
    "worker_id",
    "other_worker_id",
    key="decision_id",
)
IS_PERSON = RelType("IS_PERSON", Worker, {None: Person}, PersonLink, "worker_id", "person_id")
MATCHES = RelType(
    "MATCHES", Worker, {None: Worker}, MatchPair, "worker_id", "other_worker_id", key="pair_id"
)

REL_TYPES: tuple[RelType, ...] = (
    MEMBER_OF,
    REGISTERED_AT,
    HOME_IN,
    LOCATED_IN,
    OPERATES_IN,
    BASED_IN,
    SUPPLIES,
    MOVED,
    EMPLOYED_BY,
    COMPLAINED_AGAINST,
    RECEIVED_SERVICE,
    IDENTITY_DECIDED,
    IS_PERSON,
    MATCHES,
)
