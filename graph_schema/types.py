"""Value types shared by graph properties and field records.

Each type carries its own rule (an ISO date, a Census district code, a date not in the
future), so that a property declared once is checked the same way wherever it is read.

The rules are cheap by design: an import checks millions of rows, and a Python call per
cell doubled its time. Range and pattern rules are pydantic constraints (checked in Rust);
the two date rules are markers (``IsoFormat``, ``NotFuture``) that ``graph_schema.checked``
applies with one call per row. The "today" that future dates are judged against is
``judged_on`` (a context variable that ``tracker.ingest.validation`` sets for a batch), so that a
whole batch is judged against one day.
"""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from typing import Annotated, Literal, get_args

from pydantic import Field, StringConstraints

from graph_schema.census import district_codes

judged_on: ContextVar[dt.date | None] = ContextVar("judged_on", default=None)
"""The day a batch is judged against; unset means the clock's today."""


def today() -> dt.date:
    return judged_on.get() or dt.date.today()


class IsoFormat:
    """Marker: a date cell must be written `YYYY-MM-DD` (pydantic alone would also take a
    timestamp such as `1654646400` or a date-time)."""


class NotFuture:
    """Marker: a date (or a year) must not lie after the batch's day."""


class CensusCode:
    """Marker: a Census 2011 district code (a failed range check reads "unknown district")."""


def _district_code_range() -> tuple[int, int]:
    codes = district_codes()
    low, high = min(codes), max(codes)
    # Census 2011 codes run 1..640 without a gap, so a range check is a membership check.
    assert len(codes) == high - low + 1, "district codes are not contiguous"
    return low, high


_LOW, _HIGH = _district_code_range()

IsoDate = Annotated[dt.date, IsoFormat()]
"""A calendar date that may lie ahead (a licence's expiry, a contract's end)."""

PastDate = Annotated[dt.date, IsoFormat(), NotFuture()]
"""A date something happened or was recorded: never after the batch's today."""

DistrictCode = Annotated[int, Field(ge=_LOW, le=_HIGH), CensusCode()]
"""A Census 2011 district code (graph_schema/data/census2011/districts.csv)."""

EshramUAN = Annotated[str, StringConstraints(pattern=r"^[0-9]{12}$")]
BirthYear = Annotated[int, Field(ge=1900), NotFuture()]
Rupees = Annotated[float, Field(ge=0)]

Gender = Literal["female", "male", "other"]
CentreKind = Literal[
    "source_centre", "destination_centre", "transit_point", "helpline", "control_room"
]
Sector = Literal[
    "construction",
    "brick_kiln",
    "agriculture",
    "textile_garment",
    "manufacturing",
    "domestic_work",
    "hospitality",
    "fishing",
    "mining",
    "other",
]
SupplyKind = Literal["contractor", "employer"]
MoveReason = Literal["work", "return_home", "work_change", "distress", "other"]
MoveSource = Literal[
    "self_report", "source_centre", "transit_point", "destination_centre", "helpline"
]
GrievanceTarget = Literal["contractor", "employer"]
Indicator = Literal[
    "abuse_of_vulnerability",
    "deception",
    "restriction_of_movement",
    "isolation",
    "physical_sexual_violence",
    "intimidation_threats",
    "retention_of_identity_documents",
    "withholding_of_wages",
    "debt_bondage",
    "abusive_working_living_conditions",
    "excessive_overtime",
]
GrievanceStatus = Literal["open", "resolved", "referred"]
Service = Literal[
    "eshram_registration",
    "ration_card_portability",
    "bocw_registration",
    "bank_account",
    "health_insurance",
    "legal_aid",
    "skills_training",
    "other",
]
ServiceOutcome = Literal["applied", "received", "rejected"]
IdentityDecision = Literal["same_person", "not_same_person"]
LinkedBy = Literal["alone", "model", "decision"]
PairStatus = Literal["linked", "review"]

INDICATORS: tuple[str, ...] = get_args(Indicator)
