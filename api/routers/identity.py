"""Persons and identity decisions: who is whom, why, and what a person decided.

Personal data (which registrations are one person, and why): field and admin keys only, and
every read and decision is in the audit log before the answer is sent, one entry per worker
the answer names. Routers stay thin: ``tracker.identity``
does the work.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal, cast

import pandas as pd
from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

import api.paths  # noqa: F401  (the "text" path convertor)
from api.auth import Caller, State, allow
from api.disclosed import DisclosedRoute
from api.problems import PROBLEM_RESPONSES, ProblemError
from graph_schema import IDENTITY_DECIDED, Centre, Worker
from tracker.access import Role
from tracker.catalog import Catalog
from tracker.identity import candidates, explain, link
from tracker.identity.linkage import stored_model
from tracker.identity.views import person_of
from tracker.store import GraphStore
from tracker.timeline import centre_party, place

router = APIRouter(tags=["persons"], responses=PROBLEM_RESPONSES, route_class=DisclosedRoute)
IdentityReader = Annotated[Caller, Depends(allow(Role.FIELD, Role.ADMIN))]
WorkerId = Annotated[str, Path(min_length=1, max_length=200, description="a worker id")]


class PersonRegistration(BaseModel):
    worker_id: str
    linked_by: str | None
    match_probability: float | None


class PersonView(BaseModel):
    worker_id: str
    person_id: str | None
    registrations: list[PersonRegistration]
    candidates: list[dict[str, Any]] = Field(
        description="scored pairs of this worker (linked and for review), each explained"
    )


class CandidatePage(BaseModel):
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


class DecisionIn(BaseModel):
    worker_id: str = Field(min_length=1, max_length=200)
    other_worker_id: str = Field(min_length=1, max_length=200)
    decision: Literal["same_person", "not_same_person"]
    decided_by: str | None = Field(default=None, max_length=200, description="a centre_id")
    note: str | None = Field(default=None, max_length=2000)
    decision_id: str | None = Field(
        default=None, max_length=200, description="send an earlier decision's id to replace it"
    )


class DecisionOut(BaseModel):
    decision_id: str
    person_id: str | None
    other_person_id: str | None


def _explained(store: GraphStore, row: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    """A scored pair with its waterfall (None before any linkage trained a model); the
    compared home districts and registering centres named as elsewhere in the API."""
    try:
        why = explain(store, row["worker_id"], row["other_worker_id"])
    except (LookupError, KeyError):
        why = None
    for step in cast(list[dict[str, Any]], why["contributions"] if why else []):
        if step["comparison"] == "home_district":
            step["values"] = [place(v, catalog) for v in step["values"]]
        elif step["comparison"] == "registered_by":
            step["values"] = [centre_party(v, catalog) for v in step["values"]]
    return {**row, "explanation": why}


def _pair_workers(pairs: pd.DataFrame) -> list[str]:
    """The worker ids of scored pairs, each pair's two in turn (for the audit)."""
    ids = zip(pairs["worker_id"], pairs["other_worker_id"], strict=True)
    return [w for pair in ids for w in pair]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


@router.get("/persons/{worker:text}", response_model=PersonView, summary="A worker's person")
def get_person(worker: WorkerId, who: IdentityReader, state: State) -> PersonView:
    """The registrations linked with this worker id into one person, and every scored pair
    of this worker with its explanation (the waterfall)."""
    if state.store.node_record(Worker, worker) is None:
        raise ProblemError(404, f"no worker {worker!r}")
    members = person_of(state.store, worker)
    pairs = candidates(state.store)
    mine = pairs[(pairs["worker_id"] == worker) | (pairs["other_worker_id"] == worker)]
    shown = [worker, *members["worker_id"], *_pair_workers(mine)]
    state.audit.record_many(who.key.key_id, who.role, "person", map(str, shown))
    explained = [_explained(state.store, row, state.current.catalog) for row in _records(mine)]
    return PersonView(
        worker_id=worker,
        person_id=None if members.empty else str(members["person_id"].iloc[0]),
        registrations=[
            PersonRegistration(**r) for r in _records(members.drop(columns="person_id"))
        ],
        candidates=explained,
    )


@router.get("/identity/candidates", response_model=CandidatePage, summary="Pairs to review")
def get_candidates(
    who: IdentityReader,
    state: State,
    status: Annotated[Literal["review", "linked"], Query()] = "review",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> CandidatePage:
    """Scored pairs, strongest first: ``review`` (between the thresholds, not decided yet:
    for a person to decide) or ``linked``; each with its explanation."""
    pairs = candidates(state.store, status=status, undecided=status == "review")
    page = pairs.iloc[offset : offset + limit]
    shown = map(str, _pair_workers(page))
    state.audit.record_many(who.key.key_id, who.role, "identity_candidates", shown, status)
    items = [_explained(state.store, row, state.current.catalog) for row in _records(page)]
    return CandidatePage(items=items, total=len(pairs), limit=limit, offset=offset)


@router.post("/identity/decisions", response_model=DecisionOut, summary="Record a decision")
def post_decision(body: DecisionIn, who: IdentityReader, state: State) -> DecisionOut:
    """Two registrations are, or are not, one person. The decision outranks the model from
    now on, is exported with the store (identity_decisions.csv) and is audited."""
    for worker in (body.worker_id, body.other_worker_id):
        if state.store.node_record(Worker, worker) is None:
            raise ProblemError(404, f"no worker {worker!r}")
    if body.worker_id == body.other_worker_id:
        raise ProblemError(422, "a decision needs two different worker ids")
    if body.decided_by and state.store.node_record(Centre, body.decided_by) is None:
        raise ProblemError(422, f"decided_by: no centre {body.decided_by!r}")
    decision_id = body.decision_id or f"API-{uuid.uuid4().hex[:12]}"
    row = pd.DataFrame(
        {
            "decision_id": [decision_id],
            "worker_id": [body.worker_id],
            "other_worker_id": [body.other_worker_id],
            "decision": [body.decision],
            "decided_by": [body.decided_by],
            "decided_on": [pd.Timestamp(dt.date.today())],
            "note": [body.note],
        }
    )
    state.audit.record(
        who.key.key_id,
        who.role,
        "identity_decision",
        body.worker_id,
        detail=f"{decision_id} {body.decision} {body.other_worker_id}",
    )
    if not state.ingest_lock.acquire(timeout=60):
        raise ProblemError(409, "a batch is being imported; try again when it is done")
    try:
        with state.changing() as store:
            remove = store.edges_by_key(IDENTITY_DECIDED, [decision_id])
            store.write_edges(IDENTITY_DECIDED, row, remove)
            if stored_model(store) is not None:  # a store that links its persons
                link(store)
    finally:
        state.ingest_lock.release()
    mine = person_of(state.store, body.worker_id)
    other = person_of(state.store, body.other_worker_id)
    return DecisionOut(
        decision_id=decision_id,
        person_id=None if mine.empty else str(mine["person_id"].iloc[0]),
        other_person_id=None if other.empty else str(other["person_id"].iloc[0]),
    )
