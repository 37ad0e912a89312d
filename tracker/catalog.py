"""Names of the small, slowly changing things events point at: employers, contractors,
centres and districts.

A timeline names the employer, contractor and centre of every event. Reading those nodes
per request would double the lookups of a timeline; there are a few thousand of them at
most, so one process keeps them in memory (``Catalog.load``) and reloads them after an
ingest (the API does so after ``POST /batches``; a command reads them fresh).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph_schema import LOCATED_IN, Centre, Contractor, Employer
from graph_schema.census import district_names
from tracker.store import GraphStore


@dataclass(frozen=True)
class Catalog:
    employers: dict[str, tuple[str, str]]
    """employer_id -> (name, sector)"""
    contractors: dict[str, str]
    """contractor_id -> name"""
    centres: dict[str, tuple[str, str]]
    """centre_id -> (name, kind)"""
    districts: dict[int, tuple[str, str]]
    """district_code -> (district name, state name)"""
    centre_districts: dict[str, int] = field(default_factory=dict)
    """centre_id -> the district it is in (what researchers see of a centre, with its kind)"""

    @classmethod
    def load(cls, store: GraphStore) -> Catalog:
        employers = store.node_table(Employer, None)
        contractors = store.node_table(Contractor, None)
        centres = store.node_table(Centre, None)
        located = store.edge_table(LOCATED_IN)
        return cls(
            employers=dict(
                zip(
                    employers["employer_id"],
                    zip(employers["name"], employers["sector"], strict=True),
                    strict=True,
                )
            ),
            contractors=dict(zip(contractors["contractor_id"], contractors["name"], strict=True)),
            centres=dict(
                zip(
                    centres["centre_id"],
                    zip(centres["name"], centres["kind"], strict=True),
                    strict=True,
                )
            ),
            districts=district_names(),
            centre_districts=dict(
                zip(
                    located["centre_id"].astype(str),
                    located["district_code"].astype(int),
                    strict=True,
                )
            ),
        )
