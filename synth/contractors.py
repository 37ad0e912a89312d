"""Employers and the contractor chains that supply them, with planted exploiters and decoys.

Employers sit in destination districts, one set per (district, sector) market, as many as
the placements there need. Tier-1 contractors work in one destination district, each the
main supplier of some of its employers; some tier-1s have sub-contractors (a few of them
below another sub). Recruiters, based where their recruits live, work in one market and
have one link, as in the sample: to a sub or a tier-1 that supplies employers of their
market, or straight to one employer. A few large agencies supply big construction and
factory employers directly and recruit on their own. A worker's recruiter always reaches
the worker's employer through these links.

About 5% of contractors are exploitative recruiters, with a pattern (debt bondage, wage
theft, deceptive recruitment, document retention, violence) that shows in grievances from
several workers and in structure: advances far too large for the wage, wages well below
the sector and district, mostly no licence. ``silent_debt_bondage`` is the hard case: few or
no complaints, but no licence, huge advances and very low wages. Decoys that must not be
flagged: one mild grievance, one resolved grievance, unlicensed but clean, a large
contractor with a tiny grievance rate, and licensed contractors with a couple of complaints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from synth.dates import MISSING, day_of, ymd_days
from synth.journeys import SECTORS

ROLES = ("tier1", "sub", "recruiter", "agency")
TIER1, SUB, RECRUITER, AGENCY = range(len(ROLES))

PATTERNS = (
    "benign",
    "unlicensed_clean",
    "single_mild_grievance",
    "single_resolved_grievance",
    "big_low_grievance_rate",
    "licensed_few_complaints",
    "debt_bondage",
    "deceptive_recruitment",
    "document_retention",
    "violence",
    "wage_theft",
    "silent_debt_bondage",
)
(
    BENIGN,
    UNLICENSED_CLEAN,
    SINGLE_MILD,
    SINGLE_RESOLVED,
    BIG_LOW_RATE,
    LICENSED_FEW,
    DEBT_BONDAGE,
    DECEPTIVE,
    DOCUMENTS,
    VIOLENCE,
    WAGE_THEFT,
    SILENT,
) = range(len(PATTERNS))
EXPLOITATIVE = np.zeros(len(PATTERNS), bool)
EXPLOITATIVE[[DEBT_BONDAGE, DECEPTIVE, DOCUMENTS, VIOLENCE, WAGE_THEFT, SILENT]] = True

EXPLOITER_SHARE = 0.05
EXPLOITER_PATTERNS = np.array([DEBT_BONDAGE, DECEPTIVE, DOCUMENTS, VIOLENCE, WAGE_THEFT, SILENT])
EXPLOITER_PATTERN_SHARES = np.array([0.25, 0.12, 0.06, 0.16, 0.17, 0.24])
MIN_EXPLOITER_WORKERS = 5
DECOY_SHARES = {SINGLE_MILD: 0.031, SINGLE_RESOLVED: 0.019, LICENSED_FEW: 0.02}
"""Decoys as shares of all contractors."""
BIG_CONTRACTOR_WORKERS = 60
LICENSED_SHARE = np.array([1.0, 0.0, 0.42, 0.53, 1.0, 1.0, 0.25, 0.25, 0.25, 0.25, 0.25, 0.0])
"""Share of each pattern holding a licence number."""
UNLICENSED_CLEAN_SHARE = {TIER1: 0.16, SUB: 0.34, RECRUITER: 0.52}

DIRECT_HIRE = 0.07
"""Placements with no contractor at all (the worker found the job)."""
AGENCY_SECTORS = [SECTORS.index(s) for s in ("construction", "manufacturing", "textile_garment")]
AGENCY_MARKET_SHARE, AGENCY_TAKE = 0.18, 0.65
TIER1_PER_EMPLOYER = 0.56
"""The sample's 202 tier-1 contractors for 362 employers."""


def scale(workers: int, at_sample: float) -> float:
    """Counts that grow slower than workers: the sample's figure at 2,000 workers, about 64x
    it at 1,000,000 (50,000 contractors, the contractor benchmark's scale)."""
    return at_sample * (workers / 2000) ** 0.67


@dataclass
class Network:
    employer_district: np.ndarray
    employer_sector: np.ndarray
    employer_principal: np.ndarray
    employer_wage: np.ndarray
    """Factor on the sector and district norm this employer pays."""

    role: np.ndarray
    """Contractors, indexed by internal number; ``number`` gives the id's number."""
    number: np.ndarray
    pattern: np.ndarray
    base: np.ndarray
    licensed: np.ndarray
    licence_year: np.ndarray
    licence_valid_until: np.ndarray
    wage: np.ndarray
    """Factor on the norm the contractor's recruits are paid."""
    advance_days: np.ndarray
    """(low, high) days of wages the contractor advances, per contractor."""

    link_contractor: np.ndarray
    link_to_employer: np.ndarray
    link_target: np.ndarray
    link_from: np.ndarray
    link_to: np.ndarray

    placement_employer: np.ndarray
    placement_contractor: np.ndarray
    """-1: hired directly."""

    @property
    def contractors(self) -> int:
        return len(self.role)

    @property
    def exploitative(self) -> np.ndarray:
        return EXPLOITATIVE[self.pattern]


def _split(sizes: np.ndarray, target: float) -> np.ndarray:
    """How many firms share each market so that there are about ``target`` in all: bigger
    markets get more, every market with any work gets at least one."""
    low, high = 1.0, max(1.0, float(sizes.max(initial=1)))
    for _ in range(40):  # bisect the workload per firm
        per_firm = (low + high) / 2
        if np.maximum(1, np.rint(sizes / per_firm))[sizes > 0].sum() > target:
            low = per_firm
        else:
            high = per_firm
    return np.where(sizes > 0, np.maximum(1, np.rint(sizes / high)), 0).astype(np.int64)


def _rank_within(group: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Position of each row within its group when the group is ordered by ``key``."""
    order = np.lexsort((key, group))
    sorted_group = group[order]
    starts = np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]][: len(order)])
    sizes = np.diff(np.r_[starts, len(order)])
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order)) - np.repeat(starts, sizes)
    return rank


@dataclass(frozen=True)
class Stays:
    """Where each worker stayed on a placement, and when (the stays of field records)."""

    placement: np.ndarray
    worker: np.ndarray
    start: np.ndarray
    end: np.ndarray


def make_network(
    rng: np.random.Generator,
    workers: int,
    home: np.ndarray,
    destination: np.ndarray,
    sector: np.ndarray,
    stays: Stays,
    until: int,
) -> Network:
    """Employers, contractors and links for the placements (``home``, ``destination``,
    ``sector`` per placement), and who employed and recruited each placement.

    Recruiters are chosen first (each covers a run of neighbouring home districts in one
    market), then the employer among those its chain supplies, so a worker's recruiter is
    always linked, through the chain, to the worker's employer."""
    placements = len(home)
    market_keys, market, market_size = np.unique(
        destination * 16 + sector, return_inverse=True, return_counts=True
    )
    markets = len(market_keys)
    employers_in = _split(market_size, scale(workers, 362))
    employer_start = np.cumsum(employers_in) - employers_in
    employers = int(employers_in.sum())
    employer_market = np.repeat(np.arange(markets), employers_in)
    employer_district = market_keys[employer_market] // 16
    employer_sector = market_keys[employer_market] % 16

    # agencies take part of the hiring in the biggest construction and factory markets
    eligible = np.isin(market_keys % 16, AGENCY_SECTORS)
    ranked = np.argsort(-np.where(eligible, market_size, -1), kind="stable")
    share = np.cumsum(market_size[ranked]) <= AGENCY_MARKET_SHARE * placements
    served = ranked[(share | (np.arange(markets) == 0)) & eligible[ranked]]
    agencies = min(max(1, round((workers / 2000) ** 0.5)), len(served))
    market_agency = np.full(markets, -1)
    market_agency[served] = np.arange(len(served)) % max(agencies, 1)
    direct = rng.random(placements) < DIRECT_HIRE
    via_agency = ~direct & (market_agency[market] >= 0) & (rng.random(placements) < AGENCY_TAKE)

    # tier-1s work in one destination district, each the main supplier of every n-th
    # employer there (of whatever sector); employers are grouped by district already
    district_keys, employer_in = np.unique(employer_district, return_inverse=True)
    districts = len(district_keys)
    employers_of = np.bincount(employer_in, minlength=districts)
    tier1_in = np.maximum(1, np.rint(employers_of * TIER1_PER_EMPLOYER)).astype(np.int64)
    tier1_start = agencies + np.cumsum(tier1_in) - tier1_in
    tier1s = int(tier1_in.sum())
    tier1_district = np.repeat(district_keys, tier1_in)
    local = np.arange(employers) - (np.cumsum(employers_of) - employers_of)[employer_in]
    in_district = tier1_in[employer_in]
    primary = tier1_start[employer_in] + local % in_district
    secondary = np.where(
        (in_district > 1) & (rng.random(employers) < 0.15),
        tier1_start[employer_in] + (local + 1) % in_district,
        -1,
    )

    # sub-contractors below tier-1s; a second sub sometimes works below the first
    subs_of = rng.choice(3, size=tier1s, p=[0.35, 0.4, 0.25])
    sub_tier1 = np.repeat(np.arange(tier1s), subs_of)
    subs = len(sub_tier1)
    sub_ids = agencies + tier1s + np.arange(subs)
    sub_first = agencies + tier1s + np.cumsum(subs_of) - subs_of
    under_sub = (sub_ids - sub_first[sub_tier1] == 1) & (rng.random(subs) < 0.4)
    sub_parent = np.where(under_sub, sub_ids - 1, sub_tier1 + agencies)

    # recruiters: per market, each covering a run of neighbouring home districts
    contracted = np.flatnonzero(~direct & ~via_agency)
    pool = market[contracted]
    pool_size = np.bincount(pool, minlength=markets)
    recruiters_in = _split(pool_size, scale(workers, 373))
    recruiters = int(recruiters_in.sum())
    first_id = agencies + tier1s + subs
    recruiter_ids = first_id + np.arange(recruiters)
    first_recruiter = first_id + np.cumsum(recruiters_in) - recruiters_in
    rank = _rank_within(pool, home[contracted] * 4096 + rng.integers(0, 4096, len(contracted)))
    spread = ((rank + 0.5) / pool_size[pool]) ** 1.4
    local = np.minimum((recruiters_in[pool] * spread).astype(np.int64), recruiters_in[pool] - 1)
    total = first_id + recruiters
    contractor = np.full(placements, -1)
    contractor[contracted] = first_recruiter[pool] + local
    contractor[via_agency] = market_agency[market[via_agency]]
    role = np.repeat([AGENCY, TIER1, SUB, RECRUITER], [agencies, tier1s, subs, recruiters])

    # each recruiter works for a tier-1 that supplies an employer of its market (the
    # tier-1 of one such employer, its own): through a sub, for the tier-1 itself, or,
    # for some, straight for that one employer
    recruiter_market = np.repeat(np.arange(markets), recruiters_in)
    in_market = employers_in[recruiter_market]
    own_employer = employer_start[recruiter_market] + np.minimum(
        (rng.random(recruiters) * in_market).astype(np.int64), in_market - 1
    )
    recruiter_tier1 = primary[own_employer] - agencies
    n_subs = subs_of[recruiter_tier1]
    pick = rng.random(recruiters)
    to_employer = np.where(n_subs > 0, pick < 0.25, pick < 0.3)
    which_sub = (rng.random(recruiters) * np.maximum(n_subs, 1)).astype(np.int64)
    recruiter_parent = np.where(
        ~to_employer & (n_subs > 0) & (pick < 0.85),
        sub_first[recruiter_tier1] + which_sub,
        recruiter_tier1 + agencies,
    )

    # the employer: for a recruiter's recruit, one of the market its tier-1 supplies (the
    # recruiter's own, if it supplies that employer straight); else any of the market.
    # Big employers hire more.
    skew = rng.random(placements) ** 1.6
    anyone = np.minimum((employers_in[market] * skew).astype(np.int64), employers_in[market] - 1)
    employer = employer_start[market] + anyone
    by_tier1 = employer_market * (tier1s + agencies) + primary
    ordered = np.argsort(by_tier1, kind="stable")
    recruiter = contractor[contracted] - first_id
    wanted = market[contracted] * (tier1s + agencies) + recruiter_tier1[recruiter] + agencies
    low = np.searchsorted(by_tier1[ordered], wanted, side="left")
    high = np.searchsorted(by_tier1[ordered], wanted, side="right")
    pick_one = low + np.minimum(((high - low) * skew[contracted]).astype(np.int64), high - low - 1)
    employer[contracted] = np.where(
        to_employer[recruiter], own_employer[recruiter], ordered[pick_one]
    )

    # base districts: recruiters where their recruits live, everyone else where they work
    base = np.full(total, 10_000, np.int64)
    base[agencies : agencies + tier1s] = tier1_district
    base[sub_ids] = tier1_district[sub_tier1]
    np.minimum.at(base, contractor[contracted], home[contracted])
    np.minimum.at(base, market_agency[served], market_keys[served] // 16)
    idle = np.flatnonzero(base[recruiter_ids] == 10_000)  # a recruiter no one went with
    base[recruiter_ids[idle]] = tier1_district[recruiter_tier1[idle]]

    # who recruited whom, and when
    by = contractor[stays.placement]
    known = by >= 0
    pairs = np.unique(by[known] * (workers + 1) + stays.worker[known])
    recruits = np.bincount(pairs // (workers + 1), minlength=total)
    first_use = np.full(total, until, np.int64)
    np.minimum.at(first_use, by[known], stays.start[known])
    last_use = np.full(total, -1, np.int64)
    np.maximum.at(last_use, by[known], np.where(stays.end[known] >= 0, stays.end[known], until))

    peers = np.zeros(total, np.int64)
    peers[recruiter_ids] = recruiters_in[recruiter_market] - 1
    pattern = _patterns(rng, role, recruits, peers, total)
    licensed = rng.random(total) < LICENSED_SHARE[pattern]
    licence_year, valid_until = _licences(rng, pattern, until)
    exploiter = EXPLOITATIVE[pattern]
    wage = np.clip(rng.normal(1.0, 0.04, total), 0.88, 1.12)
    wage = np.where(exploiter, rng.uniform(0.55, 0.72, total), wage)
    wage = np.where(pattern == SILENT, rng.uniform(0.5, 0.65, total), wage)
    advance_days = np.tile(np.array([[3, 45]]), (total, 1))
    advance_days[exploiter] = [90, 280]
    advance_days[pattern == SILENT] = [110, 300]

    # direct supply: agencies to each employer they supplied, recruiters to their own
    hired = np.flatnonzero(via_agency)
    pair = np.unique(contractor[hired] * (employers + 1) + employer[hired])
    straight = np.flatnonzero(to_employer & (recruits[recruiter_ids] > 0))
    upward = ~to_employer | (recruits[recruiter_ids] == 0)
    links = _links(
        rng,
        total=total,
        chains=[
            (sub_ids, sub_parent, False),
            (recruiter_ids[upward], recruiter_parent[upward], False),
            (pair // (employers + 1), pair % (employers + 1), True),
            (recruiter_ids[straight], own_employer[straight], True),
            (primary, np.arange(employers), True),
            (secondary[secondary >= 0], np.flatnonzero(secondary >= 0), True),
        ],
        role=role,
        recruits=recruits,
        first_use=first_use,
        last_use=last_use,
        until=until,
    )
    return Network(
        employer_district=employer_district,
        employer_sector=employer_sector,
        employer_principal=rng.random(employers) < 0.52,
        employer_wage=np.clip(rng.normal(1.0, 0.05, employers), 0.85, 1.15),
        role=role,
        number=rng.permutation(total) + 1,
        pattern=pattern,
        base=base,
        licensed=licensed,
        licence_year=np.where(licensed, licence_year, -1),
        licence_valid_until=np.where(licensed, valid_until, MISSING),
        wage=wage,
        advance_days=advance_days,
        placement_employer=employer,
        placement_contractor=contractor,
        **links,
    )


def _patterns(
    rng: np.random.Generator,
    role: np.ndarray,
    recruits: np.ndarray,
    peers: np.ndarray,
    total: int,
) -> np.ndarray:
    """Plant exploiters among recruiters with enough recruits to show a pattern (the more
    recruits, the likelier: bonded gangs are large) and with ``peers`` in their market, so
    that their low wages stand out against others' in the same sector and district; then
    the decoys; then split the rest into licensed (benign) and unlicensed but clean."""
    pattern = np.full(total, BENIGN)
    recruiter = role == RECRUITER
    eligible = np.flatnonzero(recruiter & (recruits >= MIN_EXPLOITER_WORKERS) & (peers > 0))
    if len(eligible) < 2 * round(EXPLOITER_SHARE * total):  # few markets with rivals
        eligible = np.flatnonzero(recruiter & (recruits >= MIN_EXPLOITER_WORKERS))
    wanted = min(round(EXPLOITER_SHARE * total), len(eligible) // 2)
    if wanted:
        weight = recruits[eligible] / recruits[eligible].sum()
        chosen = rng.choice(eligible, size=wanted, replace=False, p=weight)
        pattern[chosen] = rng.choice(EXPLOITER_PATTERNS, size=wanted, p=EXPLOITER_PATTERN_SHARES)
    pattern[role == AGENCY] = BIG_LOW_RATE
    big = max(
        BIG_CONTRACTOR_WORKERS, 4 * float(np.median(recruits[recruiter])) if recruiter.any() else 0
    )
    large = np.flatnonzero(recruiter & (pattern == BENIGN) & (recruits >= big))
    pattern[large[rng.random(len(large)) < 0.3]] = BIG_LOW_RATE
    free = rng.permutation(np.flatnonzero(recruiter & (pattern == BENIGN) & (recruits >= 2)))
    at = 0
    for decoy, share in DECOY_SHARES.items():
        count = min(round(share * total), len(free) - at)
        pattern[free[at : at + count]] = decoy
        at += count
    for kind, share in UNLICENSED_CLEAN_SHARE.items():
        rows = np.flatnonzero((role == kind) & (pattern == BENIGN))
        pattern[rows[rng.random(len(rows)) < share]] = UNLICENSED_CLEAN
    return pattern


def _licences(
    rng: np.random.Generator, pattern: np.ndarray, until: int
) -> tuple[np.ndarray, np.ndarray]:
    """Year of issue and expiry. Licences are issued for 1-5 years and many have lapsed, as
    in the sample; the large contractors, the licensed decoys and the licensed exploiters
    hold one that is still valid (a valid licence is no proof of decency)."""
    n = len(pattern)
    until_year = int(np.datetime64(int(until), "D").astype("datetime64[Y]").astype(int)) + 1970
    issued = rng.integers(2010, until_year - 1, n)
    years = rng.integers(1, 6, n)
    current = np.isin(pattern, [BIG_LOW_RATE, LICENSED_FEW]) | EXPLOITATIVE[pattern]
    issued = np.where(current, until_year - rng.integers(1, 4, n), issued)
    years = np.where(current, 5, years)
    valid_until = ymd_days(issued + years, rng.integers(1, 13, n), rng.integers(1, 29, n))
    return issued, valid_until


def _links(
    rng: np.random.Generator,
    total: int,
    chains: list[tuple[np.ndarray, np.ndarray, bool]],
    role: np.ndarray,
    recruits: np.ndarray,
    first_use: np.ndarray,
    last_use: np.ndarray,
    until: int,
) -> dict[str, np.ndarray]:
    """Supply links with dates that cover every placement made through them: a recruiter's
    link starts before its first recruit left and, if it ended, after its last came back;
    a contractor above starts before everyone below it and has not ended."""
    start = day_of(dt.date(2016, 1, 1))
    begins = np.where(
        recruits > 0,
        first_use - rng.integers(30, 400, total),
        rng.integers(start, max(start + 1, min(day_of(dt.date(2023, 1, 1)), until)), total),
    )
    sources = np.concatenate([c for c, _, _ in chains])
    targets = np.concatenate([t for _, t, _ in chains])
    to_employer = np.concatenate([np.full(len(c), e) for c, _, e in chains])
    upward = np.flatnonzero(~to_employer)
    for _ in range(3):  # recruiter -> sub -> sub -> tier-1: a parent starts before its children
        np.minimum.at(
            begins, targets[upward], begins[sources[upward]] - rng.integers(0, 300, len(upward))
        )
    gap = rng.integers(30, 200, total)
    ends = np.where(
        (recruits > 0)
        & np.isin(role, [RECRUITER, AGENCY])
        & (last_use + gap < until - 60)
        & (rng.random(total) < 0.5),
        last_use + gap,
        MISSING,
    )
    return {
        "link_contractor": sources,
        "link_to_employer": to_employer,
        "link_target": targets,
        "link_from": np.clip(begins[sources], start, until),
        "link_to": ends[sources],
    }
