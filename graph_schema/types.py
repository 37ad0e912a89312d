"""Value types shared by graph properties and field records.

Each type carries its own rule (an ISO date, a Census district code, a date not in the
future), so that a property declared once is checked the same way wherever it is read.
The "today" that future dates are judged against is ``judged_on`` (a context variable that
``tracker.validation`` sets for a batch), so that a whole batch is judged against one day.
"""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator

from graph_schema.census import district_codes

judged_on: ContextVar[dt.date | None] = ContextVar("judged_on", default=None)
"""The day a batch is judged against; unset means the clock's today."""


def today() -> dt.date:
    return judged_on.get() or dt.date.today()


def parse_iso_date(value: object) -> object:
    """Accept only `YYYY-MM-DD` (pydantic alone would also take timestamps, and
    ``date.fromisoformat`` alone would take `20210101`)."""
    if isinstance(value, str):
        if len(value) == 10 and value[4] == "-" and value[7] == "-" and value.isascii():
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise ValueError("unparseable date")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date) or value is None:
        return value
    raise ValueError("unparseable date")


def parse_past_date(value: object) -> object:
    """An ISO date not after the batch's day; one call per cell, as this runs millions of
    times in a big import."""
    parsed = parse_iso_date(value)
    if parsed is not None and parsed > today():  # type: ignore[operator]
        raise ValueError("date in the future")
    return parsed


def _known_district(value: int) -> int:
    if value not in district_codes():
        raise ValueError("unknown district code")
    return value


def _twelve_digits(value: str) -> str:
    if not (len(value) == 12 and value.isdigit()):
        raise ValueError("e-Shram UAN must be 12 digits")
    return value


def _plausible_birth_year(value: int) -> int:
    if not 1900 <= value <= today().year:
        raise ValueError("birth year out of range")
    return value


def _non_negative(value: float) -> float:
    if value < 0:
        raise ValueError("negative amount")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(parse_iso_date)]
"""A calendar date that may lie ahead (a licence's expiry, a contract's end)."""

PastDate = Annotated[dt.date, BeforeValidator(parse_past_date)]
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
