"""Value types shared by graph properties and field records.

Each type carries its own rule (an ISO date, a Census district code, a date not in the
future), so that a property declared once is checked the same way wherever it is read.
The "today" that future dates are judged against comes from the pydantic validation
context (key ``today``) so that a batch is judged against one fixed day.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, ValidationInfo

from graph_schema.census import district_codes

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_iso_date(value: object) -> object:
    """Accept only `YYYY-MM-DD` (pydantic alone would also take timestamps)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date) or value is None:
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("unparseable date")


def today_of(info: ValidationInfo | None) -> dt.date:
    """The day a batch is judged against: the context's ``today``, else the clock."""
    context = info.context if info is not None else None
    if context and context.get("today"):
        return context["today"]
    return dt.date.today()


def _not_in_future(value: dt.date, info: ValidationInfo) -> dt.date:
    if value > today_of(info):
        raise ValueError("date in the future")
    return value


def _known_district(value: int) -> int:
    if value not in district_codes():
        raise ValueError("unknown district code")
    return value


def _twelve_digits(value: str) -> str:
    if not (len(value) == 12 and value.isdigit()):
        raise ValueError("e-Shram UAN must be 12 digits")
    return value


def _plausible_birth_year(value: int, info: ValidationInfo) -> int:
    if not 1900 <= value <= today_of(info).year:
        raise ValueError("birth year out of range")
    return value


def _non_negative(value: float) -> float:
    if value < 0:
        raise ValueError("negative amount")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(parse_iso_date)]
"""A calendar date that may lie ahead (a licence's expiry, a contract's end)."""

PastDate = Annotated[dt.date, BeforeValidator(parse_iso_date), AfterValidator(_not_in_future)]
"""A date something happened or was recorded: never after the batch's today."""

DistrictCode = Annotated[int, AfterValidator(_known_district)]
EshramUAN = Annotated[str, AfterValidator(_twelve_digits)]
BirthYear = Annotated[int, AfterValidator(_plausible_birth_year)]
Rupees = Annotated[float, AfterValidator(_non_negative)]

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

INDICATORS: tuple[str, ...] = Indicator.__args__  # type: ignore[attr-defined]
