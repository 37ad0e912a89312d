"""Naive baselines for linking registrations, beside the model (docs/benchmarks.md).

``python bench/identity_baselines.py [BATCH]`` (default: tests/data/identity-sample) prints
pairwise precision and recall of: no linkage; one person per exact (name, birth year, home
district); one person per exact e-Shram number. Home district is the household's (a
registration without a household has none and stays alone).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from tracker.identity.quality import pairwise


def baseline_persons(batch: Path) -> dict[str, pd.DataFrame]:
    """Each naive baseline's persons (``worker_id``, ``person_id``) of a batch."""
    workers = pd.read_csv(batch / "workers.csv", dtype=str)
    households = pd.read_csv(batch / "households.csv", dtype=str)
    w = workers.merge(households[["household_id", "home_district_code"]], how="left")

    def by(columns: list[str]) -> pd.DataFrame:
        key = w[columns].fillna("").agg("|".join, axis=1)
        key = key.where(w[columns].notna().all(axis=1), "alone:" + w["worker_id"])
        return pd.DataFrame({"worker_id": w["worker_id"], "person_id": key})

    return {
        "no linkage": pd.DataFrame({"worker_id": w["worker_id"], "person_id": w["worker_id"]}),
        "exact name + birth year + home district": by(["name", "birth_year", "home_district_code"]),
        "exact e-Shram number": by(["eshram_uan"]),
    }


def baselines(batch: Path) -> dict[str, tuple[float, float]]:
    truth = pd.read_csv(batch / "answers" / "persons.csv", dtype=str)
    return {name: pairwise(table, truth) for name, table in baseline_persons(batch).items()}


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("tests/data/identity-sample")
    for name, (precision, recall) in baselines(folder).items():
        print(f"{name:45s} precision {precision:.3f}  recall {recall:.3f}")
