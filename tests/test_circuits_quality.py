"""Circuits found in the sample batch, through real ingestion and LadybugDB, against its key.

Matching is on (worker_id, origin, destination), one row per worker and circuit; the issue
asks precision and recall of at least 0.99, and departure and return months right within a
month (either way, December next to January) in at least 95% of matched rows.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.circuits import CIRCUIT_COLUMNS, circuits_from_store
from analytics.seasons import month_distance

ROUTE = ["worker_id", "origin_district_code", "destination_district_code"]


@pytest.fixture(scope="module")
def found(sample_store) -> pd.DataFrame:
    return circuits_from_store(sample_store)


@pytest.fixture(scope="module")
def key(sample_dir) -> pd.DataFrame:
    return pd.read_csv(sample_dir / "answers" / "circuits.csv", dtype={"worker_id": "str"})


def _matched(found: pd.DataFrame, key: pd.DataFrame) -> pd.DataFrame:
    found = found.astype({c: "int64" for c in ROUTE[1:]})
    return found.merge(key, on=ROUTE, how="outer", suffixes=("", "_key"), indicator=True)


def test_columns_are_the_formats(found):
    assert list(found.columns) == CIRCUIT_COLUMNS
    assert not found.duplicated([*ROUTE, "depart_month"]).any()
    assert found["depart_month"].between(1, 12).all()
    assert found["return_month"].between(1, 12).all()
    assert (found["seasons"] >= 2).all()
    assert (found["first_year"] < found["last_year"]).all()


def test_precision_and_recall(found, key):
    both = _matched(found, key)["_merge"].value_counts()
    hits, extra, missed = both["both"], both["left_only"], both["right_only"]
    precision, recall = hits / (hits + extra), hits / (hits + missed)
    assert precision >= 0.99, f"precision {precision:.4f} ({extra} circuits not in the key)"
    assert recall >= 0.99, f"recall {recall:.4f} ({missed} circuits of the key missed)"


def test_months_within_a_month(found, key):
    matched = _matched(found, key).query("_merge == 'both'")
    depart = month_distance(matched["depart_month"], matched["depart_month_key"]) <= 1
    back = month_distance(matched["return_month"], matched["return_month_key"]) <= 1
    assert depart.mean() >= 0.95
    assert back.mean() >= 0.95
    assert (depart & back).mean() >= 0.95


def test_seasons_and_years_agree_with_the_key(found, key):
    """Not required by the issue, but a cheap guard on the season-year rule."""
    matched = _matched(found, key).query("_merge == 'both'")
    for column in ("seasons", "first_year", "last_year"):
        agree = (matched[column] == matched[f"{column}_key"]).mean()
        assert agree >= 0.95, f"{column} agrees in {agree:.1%} of matched rows"
