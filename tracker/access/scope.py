"""Field access by organisation, and breaking the glass.

An NGO's field staff do casework for the workers their own centres see. A field key that
belongs to an organisation (``lmt keys create --role field --organisation ORG``) reads the
persons that the organisation's centres registered or recorded anything for: a
registration, a move, a job, a grievance or a service recorded by (or delivered at) one of
its centres; a person's other registrations come with it (``tracker.identity``). Any other
worker answers 403, with the option to *break the glass*, as DHIS2's "protected" programs
do: the caller gives a reason and reads that worker for a few hours (a setting,
``LMT_BREAK_GLASS_HOURS``, 3 by default). The grant and its reason are audited and kept in
the access database, and admins list them with the reads made under each.

Field keys made before organisations (no organisation) and admin keys keep reading every
worker; researcher keys keep their own rules (pseudonyms, k-anonymity).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from pydantic import BaseModel

from graph_schema import (
    COMPLAINED_AGAINST,
    EMPLOYED_BY,
    IS_PERSON,
    MOVED,
    RECEIVED_SERVICE,
    REGISTERED_AT,
    Centre,
)
from tracker.access.db import AccessDB
from tracker.store import GraphStore

MIN_REASON = 10
"""The fewest characters a reason to break the glass may have (a word is not a reason)."""


@dataclass(frozen=True)
class OrganisationScope:
    """Each organisation's workers (worker ids), built once per store state."""

    workers: dict[str, frozenset[str]]

    @classmethod
    def build(cls, store: GraphStore) -> OrganisationScope:
        centres = store.node_table(Centre, None)[["centre_id", "organisation"]].dropna()
        owner = dict(zip(centres["centre_id"].astype(str), centres["organisation"], strict=True))
        seen = [
            store.edge_table(REGISTERED_AT).rename(columns={"registered_at": "centre"}),
            *(
                store.edge_table(rel, ["worker_id", "recorded_by"]).rename(
                    columns={"recorded_by": "centre"}
                )
                for rel in (MOVED, EMPLOYED_BY, COMPLAINED_AGAINST)
            ),
            store.edge_table(RECEIVED_SERVICE, ["worker_id", "centre_id"]).rename(
                columns={"centre_id": "centre"}
            ),
        ]
        pairs = pd.concat([t[["worker_id", "centre"]] for t in seen], ignore_index=True)
        pairs["organisation"] = pairs["centre"].astype(str).map(owner)
        pairs = pairs.dropna(subset=["organisation"])[["organisation", "worker_id"]]
        persons = store.edge_table(IS_PERSON)[["worker_id", "person_id"]]
        if len(persons):  # a person's other registrations come along
            linked = pairs.merge(persons, on="worker_id")[["organisation", "person_id"]]
            more = linked.merge(persons, on="person_id")[["organisation", "worker_id"]]
            pairs = pd.concat([pairs, more], ignore_index=True)
        pairs = pairs.drop_duplicates()
        return cls(
            {
                str(org): frozenset(group["worker_id"].astype(str))
                for org, group in pairs.groupby("organisation")
            }
        )

    def covers(self, organisation: str, worker_id: str) -> bool:
        return worker_id in self.workers.get(organisation, frozenset())


class Grant(BaseModel):
    """One broken glass: who, which worker, why, until when, and the reads made under it."""

    grant: int
    key_id: str
    organisation: str | None
    worker_id: str
    reason: str
    granted_at: str
    expires_at: str
    reads: int = 0


class BreakGlass:
    """The grants, kept in the access database (table ``glass_grants``)."""

    def __init__(self, db: AccessDB, hours: float) -> None:
        self.db = db
        self.hours = hours

    def grant(self, key_id: str, organisation: str | None, worker_id: str, reason: str) -> Grant:
        reason = reason.strip()
        if len(reason) < MIN_REASON:
            raise ValueError(f"give a reason of at least {MIN_REASON} characters")
        now = dt.datetime.now(dt.UTC)
        until = now + dt.timedelta(hours=self.hours)
        row = (key_id, organisation, worker_id, reason, _iso(now), _iso(until))
        cursor = self.db.connection().execute(
            "INSERT INTO glass_grants (key_id, organisation, worker_id, reason, granted_at, "
            "expires_at) VALUES (?, ?, ?, ?, ?, ?)",
            row,
        )
        return Grant(
            grant=int(cursor.lastrowid or 0),
            key_id=key_id,
            organisation=organisation,
            worker_id=worker_id,
            reason=reason,
            granted_at=row[4],
            expires_at=row[5],
        )

    def active(self, key_id: str, worker_id: str) -> bool:
        found = (
            self.db.connection()
            .execute(
                "SELECT 1 FROM glass_grants WHERE key_id = ? AND worker_id = ? AND expires_at > ?",
                (key_id, worker_id, _iso(dt.datetime.now(dt.UTC))),
            )
            .fetchone()
        )
        return found is not None

    def list(self, limit: int = 100, offset: int = 0) -> tuple[int, list[Grant]]:
        """Newest first, each with the reads its key made of its worker while it held."""
        conn = self.db.connection()
        total = conn.execute("SELECT count(*) FROM glass_grants").fetchone()[0]
        rows = conn.execute(
            "SELECT g.grant_id, g.key_id, g.organisation, g.worker_id, g.reason, g.granted_at, "
            "g.expires_at, (SELECT count(*) FROM audit a WHERE a.key_id = g.key_id AND "
            "a.worker_id = g.worker_id AND a.action != 'break_glass' AND a.at >= g.granted_at "
            "AND a.at <= g.expires_at) FROM glass_grants g ORDER BY g.grant_id DESC "
            "LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        fields = ("grant", "key_id", "organisation", "worker_id", "reason", "granted_at",
                  "expires_at", "reads")  # fmt: skip
        return int(total), [Grant(**dict(zip(fields, r, strict=True))) for r in rows]


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="microseconds")
