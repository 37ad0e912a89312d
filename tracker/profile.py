"""A worker's profile: who they are, their household and home district, their registration.

Read with a handful of primary-key lookups (the worker, its household and home district,
its registration centre). ``for_researcher`` gives the same shape with what could identify
the person taken out: the id becomes the project's pseudonym, the household its own; no
name, phone, e-Shram number, village, registration day or centre; and of the
quasi-identifiers (gender, birth band, home district, kind of registering centre,
registration year) only what the worker's k-anonymity level releases
(``tracker.access.disclosure.QUASI_LEVELS``), read from ``researcher_view``, which is
computed once per store state over every worker.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from pydantic import BaseModel, Field

from graph_schema import HOME_IN, MEMBER_OF, REGISTERED_AT, Household, Worker
from tracker.access.disclosure import (
    QUASI_LEVELS,
    birth_band,
    birth_decade,
    k_anonymous_levels,
)
from tracker.access.pseudonyms import Pseudonyms
from tracker.catalog import Catalog
from tracker.store import GraphStore
from tracker.timeline import Party, Place, centre_party, place


class HouseholdInfo(BaseModel):
    household: str = Field(description="household id (a pseudonym for researcher keys)")
    village: str | None = None
    home: Place | None = None
    registered_on: dt.date | None = None


class Registration(BaseModel):
    registered_on: dt.date | None = None
    centre: Party | None = None


class WorkerProfile(BaseModel):
    worker: str = Field(description="the worker's id (a pseudonym for researcher keys)")
    pseudonymised: bool = False
    name: str | None = None
    gender: str | None = None
    birth_year: int | None = None
    birth_years: str | None = Field(None, description="the 5-year band of the birth year")
    phone: str | None = None
    eshram_uan: str | None = None
    household: HouseholdInfo | None = None
    registration: Registration
    home_state: str | None = Field(None, description="researcher keys: the home state")
    registered_in: int | None = Field(None, description="researcher keys: registration year")
    centre_kind: str | None = Field(
        None, description="researcher keys: the kind of centre the worker registered at"
    )
    disclosure_level: int | None = Field(
        None,
        description="researcher keys: how coarse the quasi-identifiers shown are (0: finest; "
        "see docs/privacy.md)",
    )


def worker_profile(store: GraphStore, catalog: Catalog, worker_id: str) -> WorkerProfile | None:
    worker = store.node_record(Worker, worker_id)
    if worker is None:
        return None
    household = None
    member = store.edge_records(MEMBER_OF, worker_id)
    if member:
        household_id = str(member[0]["household_id"])
        node = store.node_record(Household, household_id) or {}
        home = store.edge_records(HOME_IN, household_id)
        household = HouseholdInfo(
            household=household_id,
            village=node.get("village"),
            home=place(home[0]["home_district_code"], catalog) if home else None,
            registered_on=node.get("registered_on"),
        )
    centre = store.edge_records(REGISTERED_AT, worker_id)
    year = worker.get("birth_year")
    return WorkerProfile(
        worker=worker_id,
        name=worker.get("name"),
        gender=worker.get("gender"),
        birth_year=year,
        birth_years=birth_band(year),
        phone=worker.get("phone"),
        eshram_uan=worker.get("eshram_uan"),
        household=household,
        registration=Registration(
            registered_on=worker.get("registered_on"),
            centre=centre_party(centre[0]["registered_at"], catalog) if centre else None,
        ),
    )


RELEASED_COLUMNS = sorted({c for level in QUASI_LEVELS for c in level})


def quasi_identifiers(store: GraphStore, catalog: Catalog) -> pd.DataFrame:
    """Every worker's quasi-identifiers at their finest (``QUASI_LEVELS``' columns),
    indexed by worker id: four table reads, joined in memory."""
    workers = store.node_table(Worker)[["worker_id", "gender", "birth_year", "registered_on"]]
    member = store.edge_table(MEMBER_OF)
    home = store.edge_table(HOME_IN)
    centre = store.edge_table(REGISTERED_AT)
    table = (
        workers.merge(member, on="worker_id", how="left")
        .merge(home, on="household_id", how="left")
        .merge(centre, on="worker_id", how="left")
        .drop_duplicates("worker_id")
        .set_index("worker_id")
    )
    # as floats, a missing value NaN (a nullable integer column would give pd.NA, which
    # ``y != y`` cannot judge: the identity sample has workers with no birth year)
    years = pd.to_numeric(table["birth_year"], errors="coerce").astype("float64")
    codes = pd.to_numeric(table["home_district_code"], errors="coerce").astype("float64")
    registered = pd.to_datetime(table["registered_on"], errors="coerce")
    return pd.DataFrame(
        {
            "gender": table["gender"],
            "birth_years": [None if y != y else birth_band(int(y)) for y in years],
            "birth_decade": [None if y != y else birth_decade(int(y)) for y in years],
            "home_district_code": codes.astype("Int64"),
            "home_state": [
                None if c != c else catalog.districts.get(int(c), (None, None))[1] for c in codes
            ],
            "centre_kind": [
                catalog.centres.get(str(c), (None, None))[1] if isinstance(c, str) else None
                for c in table["registered_at"]
            ],
            "registered_in": registered.dt.year.astype("Int64"),
        },
        index=table.index,
    )


def researcher_view(table: pd.DataFrame) -> pd.DataFrame:
    """What researchers see of each worker's quasi-identifiers (``quasi_identifiers``'
    table): the k-anonymity level and the values it releases, None for the others."""
    levels = k_anonymous_levels(table)
    shown = table[RELEASED_COLUMNS].astype(object).where(table[RELEASED_COLUMNS].notna(), None)
    for level, columns in enumerate(QUASI_LEVELS):
        hidden = [c for c in RELEASED_COLUMNS if c not in columns]
        shown.loc[levels == level, hidden] = None
    shown["disclosure_level"] = levels
    return shown


def for_researcher(
    profile: WorkerProfile,
    pseudonyms: Pseudonyms,
    project: str,
    released: dict | None,
    catalog: Catalog,
) -> WorkerProfile:
    """The profile as a researcher of ``project`` sees it; ``released``: the worker's row
    of ``researcher_view`` (None: nothing of it is released)."""
    shown = released or {}
    household = profile.household
    if household is not None:
        code = shown.get("home_district_code")
        household = HouseholdInfo(
            household=pseudonyms.of_household(household.household, project),
            home=Place.model_validate(place(int(code), catalog)) if code is not None else None,
        )
    return WorkerProfile(
        worker=pseudonyms.of(profile.worker, project),
        pseudonymised=True,
        gender=shown.get("gender"),
        birth_years=shown.get("birth_years") or shown.get("birth_decade"),
        household=household,
        registration=Registration(),
        home_state=shown.get("home_state"),
        registered_in=shown.get("registered_in"),
        centre_kind=shown.get("centre_kind"),
        disclosure_level=shown.get("disclosure_level", len(QUASI_LEVELS) - 1),
    )
