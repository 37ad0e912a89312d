"""A worker's profile: who they are, their household and home district, their registration.

Read with a handful of primary-key lookups (the worker, its household and home district,
its registration centre). ``for_researcher`` gives the same shape with what could identify
the person taken out: the id becomes the pseudonym, the household its own
pseudonym; no name, phone, e-Shram number or village; the birth year as a 5-year band.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from graph_schema import HOME_IN, MEMBER_OF, REGISTERED_AT, Household, Worker
from tracker.access.disclosure import birth_band
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


def for_researcher(profile: WorkerProfile, pseudonyms: Pseudonyms) -> WorkerProfile:
    household = profile.household
    if household is not None:
        household = household.model_copy(
            update={"household": pseudonyms.of_household(household.household), "village": None}
        )
    return profile.model_copy(
        update={
            "worker": pseudonyms.of(profile.worker),
            "pseudonymised": True,
            "name": None,
            "birth_year": None,
            "phone": None,
            "eshram_uan": None,
            "household": household,
        }
    )
