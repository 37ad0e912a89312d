"""Circuits found in the sample batch, through real ingestion and LadybugDB, against its key.

Matching is on (worker_id, origin, destination), one row per worker and circuit
(``analytics.circuit_scores``); the target is precision and recall of at least 0.99, and
departure and return months right within a month (either way, December next to January)
in at least 95% of matched rows.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.circuit_scores import ROUTE, score
from analytics.circuits import CIRCUIT_COLUMNS, circuits_from_store


@pytest.fixture(scope="module")
def found(sample_store) -> pd.DataFrame:
    return circuits_from_store(sample_store)


@pytest.fixture(scope="module")
def scores(found, sample_dir) -> dict[str, float]:
    key = pd.read_csv(sample_dir / "answers" / "circuits.csv", dtype={"worker_id": "str"})
    return score(found, key)


def test_columns_are_the_formats(found):
    assert list(found.columns) == CIRCUIT_COLUMNS
    assert not found.duplicated([*ROUTE, "depart_month"]).any()
    assert found["depart_month"].between(1, 12).all()
    assert found["return_month"].between(1, 12).all()
    assert (found["seasons"] >= 2).all()
    assert (found["first_year"] < found["last_year"]).all()


def test_precision_and_recall(scores):
    assert scores["precision"] >= 0.99, f"{scores['extra']} circuits not in the key"
    assert scores["recall"] >= 0.99, f"{scores['missed']} circuits of the key missed"


def test_months_within_a_month(scores):
    assert scores["depart_ok"] >= 0.95
    assert scores["return_ok"] >= 0.95
    assert scores["months_ok"] >= 0.95


def test_seasons_agree_with_the_key(scores):
    """Not a target, but a cheap guard on how seasons are counted."""
    assert scores["seasons_equal"] >= 0.95
    assert scores["years_equal"] >= 0.95
