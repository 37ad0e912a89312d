"""Contractor chains on hand-made links: order, dates, circles, depth, workers, risk."""

from __future__ import annotations

import itertools

import pandas as pd
from supply_batch import Batch, workers

from analytics.chains import CHAIN_COLUMNS, chain_risk, chains_with_risk, contractor_chains
from analytics.supply_graph import encode_ids, placements, supply_cycles


def chains_of(batch: Batch, max_depth: int = 8) -> tuple[pd.DataFrame, pd.DataFrame]:
    records = batch.records()
    placed = placements(records.employments, records.moves)
    return contractor_chains(records.links, placed, max_depth)


def three_tiers() -> Batch:
    """E-1 <- C-T (contractor of the employer) <- C-S (sub) <- C-R (recruiter of 3 workers)."""
    batch = Batch().employer("E-1")
    for cid in ("C-T", "C-S", "C-R"):
        batch.contractor(cid)
    batch.link("C-T", "E-1").link("C-S", "C-T", kind="contractor")
    batch.link("C-R", "C-S", kind="contractor")
    return batch.hire("C-R", "E-1", workers("R", 3))


def test_a_chain_runs_from_the_employers_contractor_down_to_the_recruiter():
    chains, errors = chains_of(three_tiers())
    assert errors.empty
    assert len(chains) == 1
    chain = chains.iloc[0]
    assert (chain.employer_id, chain.contractor_ids, chain.depth) == ("E-1", "C-T|C-S|C-R", 3)
    assert (chain.recruiter_id, chain.workers) == ("C-R", 3)
    assert chain.link_ids == "L0001|L0002|L0003"
    assert chain.chain_id.startswith("CH-")


def test_chain_ids_are_stable_and_ids_come_back_the_same_from_codes():
    batch = three_tiers()
    plain, _ = chains_of(batch)
    records = encode_ids(batch.records())
    placed = placements(records.employments, records.moves)
    coded, _ = contractor_chains(records.links, placed, names=records.names)
    pd.testing.assert_frame_equal(plain, coded, check_dtype=False)


def test_links_never_in_force_together_make_no_chain():
    batch = Batch().employer("E-1")
    for cid in ("C-T", "C-S", "C-R"):
        batch.contractor(cid)
    batch.link("C-T", "E-1", start="2018-01-01")
    batch.link("C-S", "C-T", kind="contractor", start="2018-01-01", end="2019-12-31")
    batch.link("C-R", "C-S", kind="contractor", start="2020-06-01")
    chains, _ = chains_of(batch)
    assert chains["contractor_ids"].tolist() == ["C-T|C-S"]
    assert chains.iloc[0].to_date == pd.Timestamp("2019-12-31")


def test_a_contractor_who_recruits_and_subcontracts_ends_two_chains():
    batch = three_tiers().hire("C-T", "E-1", workers("T", 2))
    chains, _ = chains_of(batch)
    found = dict(zip(chains["contractor_ids"], chains["workers"], strict=True))
    assert found == {"C-T": 2, "C-T|C-S|C-R": 3}


def test_workers_placed_outside_the_chains_period_do_not_count():
    batch = Batch().employer("E-1").contractor("C-T").contractor("C-R")
    batch.link("C-T", "E-1").link("C-R", "C-T", kind="contractor", start="2021-01-01")
    batch.hire("C-R", "E-1", workers("OLD", 2), start="2019-10-01")
    batch.hire("C-R", "E-1", workers("NEW", 3), start="2022-10-01")
    chains, _ = chains_of(batch)
    assert chains.set_index("contractor_ids").loc["C-T|C-R", "workers"] == 3


def test_a_circle_in_the_links_is_reported_and_ends():
    batch = Batch().employer("E-1")
    for cid in ("C-A", "C-B", "C-C"):
        batch.contractor(cid)
    batch.link("C-A", "E-1")
    batch.link("C-B", "C-A", kind="contractor").link("C-C", "C-B", kind="contractor")
    batch.link("C-A", "C-C", kind="contractor")  # C-A is its own sub-sub-contractor
    chains, errors = chains_of(batch)
    assert chains["contractor_ids"].tolist() == ["C-A|C-B|C-C"]
    assert errors["kind"].tolist() == ["circle"]
    assert errors.iloc[0].contractor_ids == "C-A|C-B|C-C|C-A"
    assert "C-A already appears higher in this chain" in errors.iloc[0].reason
    cycles = supply_cycles(batch.records().links)
    assert len(cycles) == 1
    assert set(cycles.iloc[0].contractor_ids.split("|")) == {"C-A", "C-B", "C-C"}


def test_a_contractor_supplying_itself_is_a_circle():
    batch = Batch().employer("E-1").contractor("C-A").link("C-A", "E-1")
    batch.link("C-A", "C-A", kind="contractor")
    chains, errors = chains_of(batch)
    assert chains["contractor_ids"].tolist() == ["C-A"]
    assert errors["kind"].tolist() == ["circle"]
    assert len(supply_cycles(batch.records().links)) == 1


def test_chains_longer_than_the_bound_are_cut_and_reported():
    batch = Batch().employer("E-1")
    ids = [f"C-{i:02d}" for i in range(12)]
    for cid in ids:
        batch.contractor(cid)
    batch.link(ids[0], "E-1")
    for upper, lower in itertools.pairwise(ids):
        batch.link(lower, upper, kind="contractor")
    chains, errors = chains_of(batch, max_depth=5)
    assert chains.empty or chains["depth"].max() <= 5
    assert errors["kind"].tolist() == ["too_deep"]
    assert errors.iloc[0].contractor_ids == "|".join(ids[:5])


def test_chain_risk_is_its_riskiest_member():
    batch = three_tiers()
    chains, _ = chains_of(batch)
    risk = pd.DataFrame(
        {
            "contractor_id": ["C-T", "C-S", "C-R"],
            "risk_score": [0.1, 0.3, 0.7],
            "flagged": [False, False, True],
        }
    )
    row = chain_risk(chains, risk).iloc[0]
    assert (row.risk_score, row.flagged) == (0.7, True)
    assert (row.riskiest_contractor_id, row.flagged_contractor_ids) == ("C-R", "C-R")


def test_chains_with_risk_gives_the_format_columns():
    chains, errors = chains_with_risk(three_tiers().records())
    assert list(chains.columns) == list(CHAIN_COLUMNS)
    assert errors.empty
    assert chains["flagged"].dtype == bool
