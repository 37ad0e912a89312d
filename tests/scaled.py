"""A bigger batch for tests that need one: the sample batch cloned ``copies`` times.

Every id of a copy gets a suffix, so copies are distinct workers, households, contractors
and records with the sample's shape (including its bad rows).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tracker.field_format import RECORD_FILES

ID_COLUMNS = {
    "centre_id",
    "household_id",
    "worker_id",
    "registered_at",
    "employer_id",
    "contractor_id",
    "link_id",
    "supplies_to_id",
    "record_id",
    "recorded_by",
    "against_id",
}


def scaled_sample(sample: Path, out: Path, copies: int) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for spec in RECORD_FILES:
        if not (sample / spec.name).is_file():
            continue  # a file the batch does not have (identity_decisions.csv)
        frame = pd.read_csv(sample / spec.name, dtype=str, keep_default_na=False)
        parts = []
        for k in range(copies):
            part = frame.copy()
            for column in ID_COLUMNS & set(part.columns):
                part[column] = part[column].where(part[column] == "", part[column] + f"-{k}")
            parts.append(part)
        pd.concat(parts).to_csv(out / spec.name, index=False)
    return out
