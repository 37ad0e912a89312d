"""Contractor flags on the sample batch against its answer key.

The sample goes through the real ingestion into a LadybugDB store (fixture
``sample_store``); ``answers/contractors.csv`` says which contractors are exploitative.
The target is precision and recall of at least 0.95; the AUC of the score is asserted
too, and all three are printed (``pytest -s``) so the figures can be reported.
"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from analytics.chains import chains_from_store
from analytics.contractor_risk import RISK_COLUMNS, contractor_risk_from_store
from analytics.flag_quality import flag_quality
from graph_schema import SUPPLIES


@pytest.fixture(scope="module")
def key(sample_dir) -> pd.DataFrame:
    return pd.read_csv(sample_dir / "answers" / "contractors.csv")


@pytest.fixture(scope="module")
def risk(sample_store) -> pd.DataFrame:
    return contractor_risk_from_store(sample_store)


def test_flags_match_the_answer_key(risk, key):
    quality = flag_quality(risk, key)
    print(f"\nsample contractors: {quality.model_dump()}")
    assert quality.truly_positive == 39
    assert quality.precision >= 0.95, quality
    assert quality.recall >= 0.95, quality
    assert quality.auc >= 0.95, quality


def test_every_contractor_has_a_row_in_the_format(risk, key):
    assert list(risk.columns) == list(RISK_COLUMNS)
    assert set(risk["contractor_id"]) == set(key["contractor_id"])
    assert risk["risk_score"].between(0, 1).all()
    flagged = risk[risk["flagged"]]
    assert (flagged["reasons"].str.len() > 0).all()
    assert (flagged["indicators"] != "").all()


def test_decoys_of_the_sample_stay_unflagged(risk, key):
    decoys = key[key["pattern"].isin(["single_mild_grievance", "single_resolved_grievance"])]
    decoys = pd.concat([decoys, key[key["pattern"] == "big_low_grievance_rate"]])
    found = risk.set_index("contractor_id").loc[decoys["contractor_id"]]
    assert not found["flagged"].any()


def test_chains_follow_the_links_and_carry_member_risk(sample_store, risk):
    chains, errors = chains_from_store(sample_store)
    assert errors.empty
    links = sample_store.edge_table(SUPPLIES)
    pairs = set(zip(links["contractor_id"], links["supplies_to_id"], strict=True))
    for employer, path in zip(chains["employer_id"], chains["contractor_ids"], strict=True):
        ids = path.split("|")
        assert (ids[0], employer) in pairs
        assert all((lower, upper) in pairs for upper, lower in itertools.pairwise(ids))
    flagged = set(risk.loc[risk["flagged"], "contractor_id"])
    expected = chains["contractor_ids"].str.split("|").map(lambda ids: bool(flagged & set(ids)))
    assert (chains["flagged"] == expected).all()
    assert chains["workers"].sum() > 0
