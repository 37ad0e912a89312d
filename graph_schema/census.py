"""The Census 2011 district list shipped with the package (see data/census2011/README.md).

Districts are the one fixed set of nodes: every store is seeded with them, and every
district code in a record must be one of them.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypedDict

CENSUS_DIR = Path(str(resources.files("graph_schema") / "data" / "census2011"))


class District(TypedDict):
    """One row of the Census 2011 district list."""

    district_code: int
    name: str
    state: str
    state_code: int
    population: int


@cache
def districts() -> tuple[District, ...]:
    """The 640 districts: district_code, name, state, state_code, population, ..."""
    with open(CENSUS_DIR / "districts.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        District(
            district_code=int(row["district_code"]),
            name=row["district"],
            state=row["state"],
            state_code=int(row["state_code"]),
            population=int(row["population"]),
        )
        for row in rows
    )


@cache
def district_codes() -> frozenset[int]:
    return frozenset(d["district_code"] for d in districts())


@cache
def district_names() -> dict[int, tuple[str, str]]:
    """district_code -> (district name, state name), for labels in timelines and flows."""
    return {d["district_code"]: (d["name"], d["state"]) for d in districts()}
