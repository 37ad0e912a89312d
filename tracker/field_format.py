"""The field-records exchange format (docs/spec/field-records.md), file by file.

Each file of a batch is declared once: its row model (the graph's own node or edge
property model plus the columns that name other nodes), the node label or relationship
types it feeds, and the ids it refers to. Row models reuse the property models of
``graph_schema`` so a rule (an ISO date, a known district, arrival after departure) is
written once for the graph and the format alike.

Files are listed in import order: a file only refers to labels filled by files before it
(or already in the store).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from graph_schema import (
    BASED_IN,
    COMPLAINED_AGAINST,
    EMPLOYED_BY,
    HOME_IN,
    IDENTITY_DECIDED,
    LOCATED_IN,
    MEMBER_OF,
    MOVED,
    OPERATES_IN,
    RECEIVED_SERVICE,
    REGISTERED_AT,
    SUPPLIES,
    Centre,
    Contractor,
    Employer,
    Household,
    Node,
    RelType,
    Worker,
)
from graph_schema.relationships import (
    Decision,
    Employment,
    Grievance,
    Move,
    ServiceDelivery,
    Supply,
)
from graph_schema.types import DistrictCode, GrievanceTarget, SupplyKind


class Row(BaseModel):
    """A row of a format file. Cells arrive as strings, stripped, ``None`` when empty
    ("not known"): ``tracker.ingest.validation`` prepares them so."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class CentreRow(Row, Centre):
    district_code: DistrictCode


class HouseholdRow(Row, Household):
    home_district_code: DistrictCode


class WorkerRow(Row, Worker):
    household_id: str | None = None
    registered_at: str | None = None


class EmployerRow(Row, Employer):
    district_code: DistrictCode


class ContractorRow(Row, Contractor):
    base_district_code: DistrictCode | None = None


class ContractorLinkRow(Row, Supply):
    contractor_id: str
    supplies_to_kind: SupplyKind
    supplies_to_id: str


class MoveRow(Row, Move):
    worker_id: str
    to_district_code: DistrictCode


class EmploymentRow(Row, Employment):
    worker_id: str
    employer_id: str


class GrievanceRow(Row, Grievance):
    worker_id: str
    against_kind: GrievanceTarget
    against_id: str


class ServiceRow(Row, ServiceDelivery):
    worker_id: str
    centre_id: str


class DecisionRow(Row, Decision):
    worker_id: str
    other_worker_id: str


@dataclass(frozen=True)
class RecordFile:
    """One file of the format and where its rows go in the graph."""

    name: str
    row: type[Row]
    id_column: str
    """The column that identifies a row: an entity's id, an event's record_id."""
    node: type[Node] | None = None
    """Entity files: the label each row becomes."""
    rels: tuple[RelType, ...] = ()
    """Relationship types each row feeds (references of an entity, or the event itself)."""
    refers_to: dict[str, type[Node]] = field(default_factory=dict)
    """Columns holding ids of other nodes, beyond the relationships' endpoints."""

    @property
    def columns(self) -> tuple[str, ...]:
        """The format's columns, in the order the spec lists them (for export and rejects)."""
        return SPEC_COLUMN_ORDER[self.name]

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(n for n, f in self.row.model_fields.items() if f.is_required())

    def references(self) -> list[tuple[str, str | None, dict[str | None, type[Node]]]]:
        """Every id this file's rows point at: (column, kind column, label by kind).

        District codes are not listed: their type already checks them against the Census.
        """
        found: list[tuple[str, str | None, dict[str | None, type[Node]]]] = []
        for rel in self.rels:
            if self.node is None:  # an event: its source is a node named by a column
                found.append((rel.source_column, None, {None: rel.source}))
            if rel.target_labels[0].label != "District":
                found.append((rel.target_column, rel.kind_column, dict(rel.targets)))
        found += [(column, None, {None: node}) for column, node in self.refers_to.items()]
        return found


SPEC_COLUMN_ORDER: dict[str, tuple[str, ...]] = {
    "centres.csv": ("centre_id", "name", "kind", "district_code", "organisation"),
    "households.csv": ("household_id", "home_district_code", "village", "registered_on"),
    "workers.csv": (
        "worker_id",
        "household_id",
        "name",
        "gender",
        "birth_year",
        "phone",
        "registered_at",
        "registered_on",
        "eshram_uan",
    ),
    "employers.csv": (
        "employer_id",
        "name",
        "sector",
        "district_code",
        "registered_principal_employer",
    ),
    "contractors.csv": (
        "contractor_id",
        "name",
        "phone",
        "base_district_code",
        "licence_no",
        "licence_valid_until",
    ),
    "contractor_links.csv": (
        "link_id",
        "contractor_id",
        "supplies_to_kind",
        "supplies_to_id",
        "from_date",
        "to_date",
    ),
    "moves.csv": (
        "record_id",
        "worker_id",
        "from_district_code",
        "to_district_code",
        "departed_on",
        "arrived_on",
        "reason",
        "contractor_id",
        "employer_id",
        "recorded_by",
        "recorded_on",
        "source",
    ),
    "employments.csv": (
        "record_id",
        "worker_id",
        "employer_id",
        "contractor_id",
        "district_code",
        "start_on",
        "end_on",
        "daily_wage_inr",
        "advance_inr",
        "recorded_by",
        "recorded_on",
    ),
    "grievances.csv": (
        "record_id",
        "worker_id",
        "against_kind",
        "against_id",
        "indicator",
        "occurred_on",
        "reported_on",
        "recorded_by",
        "amount_inr",
        "status",
    ),
    "services.csv": (
        "record_id",
        "worker_id",
        "centre_id",
        "service",
        "delivered_on",
        "outcome",
    ),
    "identity_decisions.csv": (
        "decision_id",
        "worker_id",
        "other_worker_id",
        "decision",
        "decided_by",
        "decided_on",
        "note",
    ),
}
"""Column order as docs/spec/field-records.md lists it (order is free on input)."""

RECORD_FILES: tuple[RecordFile, ...] = (
    RecordFile("centres.csv", CentreRow, "centre_id", Centre, (LOCATED_IN,)),
    RecordFile("households.csv", HouseholdRow, "household_id", Household, (HOME_IN,)),
    RecordFile("workers.csv", WorkerRow, "worker_id", Worker, (MEMBER_OF, REGISTERED_AT)),
    RecordFile("employers.csv", EmployerRow, "employer_id", Employer, (OPERATES_IN,)),
    RecordFile("contractors.csv", ContractorRow, "contractor_id", Contractor, (BASED_IN,)),
    RecordFile("contractor_links.csv", ContractorLinkRow, "link_id", None, (SUPPLIES,)),
    RecordFile(
        "moves.csv",
        MoveRow,
        "record_id",
        None,
        (MOVED,),
        {"contractor_id": Contractor, "employer_id": Employer, "recorded_by": Centre},
    ),
    RecordFile(
        "employments.csv",
        EmploymentRow,
        "record_id",
        None,
        (EMPLOYED_BY,),
        {"contractor_id": Contractor, "recorded_by": Centre},
    ),
    RecordFile(
        "grievances.csv",
        GrievanceRow,
        "record_id",
        None,
        (COMPLAINED_AGAINST,),
        {"recorded_by": Centre},
    ),
    RecordFile("services.csv", ServiceRow, "record_id", None, (RECEIVED_SERVICE,)),
    RecordFile(
        "identity_decisions.csv",
        DecisionRow,
        "decision_id",
        None,
        (IDENTITY_DECIDED,),
        {"decided_by": Centre},
    ),
)

RECORD_FILES_BY_NAME: dict[str, RecordFile] = {f.name: f for f in RECORD_FILES}
