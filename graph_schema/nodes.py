"""Node labels of the graph: who and where.

Each label is a pydantic model whose fields are the node's typed properties; ``key`` names
the property that identifies a node. A node's references to other nodes (a worker's
household, an employer's district) are relationships, declared in ``relationships.py``,
not properties.
"""

from __future__ import annotations

from typing import ClassVar

from graph_schema.checked import Checked
from graph_schema.types import (
    BirthYear,
    CentreKind,
    EshramUAN,
    Gender,
    IsoDate,
    PastDate,
    Sector,
)


class Node(Checked):
    """Base of every node label."""

    label: ClassVar[str]
    key: ClassVar[str]
    personal: ClassVar[frozenset[str]] = frozenset()
    """Properties that identify a person: shown only to roles allowed to see them."""


class District(Node):
    """A Census 2011 district; seeded from the shipped district list, never from records."""

    label: ClassVar[str] = "District"
    key: ClassVar[str] = "district_code"
    district_code: int
    name: str
    state: str
    state_code: int


class Household(Node):
    label: ClassVar[str] = "Household"
    key: ClassVar[str] = "household_id"
    household_id: str
    village: str | None = None
    registered_on: PastDate | None = None


class Worker(Node):
    label: ClassVar[str] = "Worker"
    key: ClassVar[str] = "worker_id"
    personal: ClassVar[frozenset[str]] = frozenset({"name", "phone", "eshram_uan"})
    worker_id: str
    name: str
    gender: Gender | None = None
    birth_year: BirthYear | None = None
    phone: str | None = None
    registered_on: PastDate | None = None
    eshram_uan: EshramUAN | None = None


class Employer(Node):
    label: ClassVar[str] = "Employer"
    key: ClassVar[str] = "employer_id"
    employer_id: str
    name: str
    sector: Sector
    registered_principal_employer: bool | None = None


class Contractor(Node):
    label: ClassVar[str] = "Contractor"
    key: ClassVar[str] = "contractor_id"
    contractor_id: str
    name: str
    phone: str | None = None
    licence_no: str | None = None
    licence_valid_until: IsoDate | None = None


class Centre(Node):
    label: ClassVar[str] = "Centre"
    key: ClassVar[str] = "centre_id"
    centre_id: str
    name: str
    kind: CentreKind
    organisation: str | None = None


class Person(Node):
    """One human being, registered once or several times (each registration a Worker).

    Made by the service's linkage (``tracker.identity``), never read from a record; its id
    stays while the person's registrations stay together (docs/spec/field-records.md)."""

    label: ClassVar[str] = "Person"
    key: ClassVar[str] = "person_id"
    person_id: str
    created_on: IsoDate | None = None


NODE_TYPES: tuple[type[Node], ...] = (
    District,
    Household,
    Worker,
    Employer,
    Contractor,
    Centre,
    Person,
)
