"""Field records of what happened: moves as reported, employments, grievances, services.

Reporting adds the noise of real field work: the same trip reported twice by different
sources under different record ids (departures 0-3 days apart), arrival dates not known,
reasons recorded loosely ("other", "distress" for a return), a contractor or employer not
noted. Employments carry the wage and advance signals of each contractor's pattern;
grievances come from chosen recruits of exploitative contractors and of the decoys.

Tables are dicts of numpy columns: ids as numbers (the writer adds prefixes), enumerations
as codes into the tuples below, dates as day numbers (``MISSING`` when not known).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import get_args

import numpy as np

from graph_schema.types import (
    INDICATORS,
    GrievanceStatus,
    MoveReason,
    MoveSource,
    Service,
    ServiceOutcome,
)
from synth.contractors import (
    BIG_LOW_RATE,
    DEBT_BONDAGE,
    DECEPTIVE,
    DOCUMENTS,
    EXPLOITATIVE,
    LICENSED_FEW,
    SILENT,
    SINGLE_MILD,
    SINGLE_RESOLVED,
    VIOLENCE,
    WAGE_THEFT,
    Network,
    Stays,
)
from synth.dates import MISSING, year_of
from synth.journeys import MID, OUT, RET, SECTORS, Journeys
from synth.people import People
from synth.places import CODES, Centres

REASONS: tuple[str, ...] = get_args(MoveReason)
SOURCES: tuple[str, ...] = get_args(MoveSource)
STATUSES: tuple[str, ...] = get_args(GrievanceStatus)
SERVICES: tuple[str, ...] = get_args(Service)
OUTCOMES: tuple[str, ...] = get_args(ServiceOutcome)
WORK, RETURN_HOME, WORK_CHANGE, DISTRESS, OTHER = (REASONS.index(r) for r in REASONS)
SELF, SOURCE_CENTRE, TRANSIT, DESTINATION_CENTRE, HELPLINE = (
    SOURCES.index(s)
    for s in ("self_report", "source_centre", "transit_point", "destination_centre", "helpline")
)

DUPLICATE_SHARE = 0.125
DUPLICATE_OFFSETS = np.array([0, 1, 2, 3])
DUPLICATE_OFFSET_SHARES = np.array([0.2, 0.35, 0.3, 0.15])
ARRIVAL_UNKNOWN = 0.118
SOURCE_SHARES = {  # a destination centre only where there is one: about 0.26 of reports
    SOURCE_CENTRE: 0.33,
    TRANSIT: 0.30,
    DESTINATION_CENTRE: 0.35,
    SELF: 0.068,
    HELPLINE: 0.042,
}
CONTRACTOR_NOTED = {OUT: 0.76, MID: 0.68}
EMPLOYER_NOTED = {OUT: 0.54, MID: 0.58}

EMPLOYMENT_RECORDED = 0.93
SECTOR_WAGE = {
    "agriculture": 330,
    "brick_kiln": 330,
    "construction": 520,
    "domestic_work": 310,
    "fishing": 460,
    "hospitality": 390,
    "manufacturing": 450,
    "mining": 480,
    "other": 400,
    "textile_garment": 400,
}
"""Daily wage norms in 2017 (INR); they rise 4.5% a year and vary by district."""
WAGE_NORM = np.array([SECTOR_WAGE[s] for s in SECTORS], np.float64)


def _indicator(*names: str) -> list[int]:
    return [INDICATORS.index(n) for n in names]


GRIEVANCE_PROFILES: dict[int, tuple[list[int], list[float], list[float]]] = {
    # pattern: (indicators, their shares, shares of open / referred / resolved)
    DEBT_BONDAGE: (
        _indicator(
            "debt_bondage",
            "withholding_of_wages",
            "restriction_of_movement",
            "abuse_of_vulnerability",
            "intimidation_threats",
        ),
        [0.3, 0.28, 0.25, 0.1, 0.07],
        [0.47, 0.45, 0.08],
    ),
    DECEPTIVE: (
        _indicator(
            "deception", "withholding_of_wages", "abuse_of_vulnerability", "excessive_overtime"
        ),
        [0.4, 0.4, 0.15, 0.05],
        [0.47, 0.45, 0.08],
    ),
    DOCUMENTS: (
        _indicator(
            "retention_of_identity_documents",
            "restriction_of_movement",
            "isolation",
            "intimidation_threats",
        ),
        [0.4, 0.4, 0.15, 0.05],
        [0.35, 0.57, 0.08],
    ),
    VIOLENCE: (
        _indicator(
            "physical_sexual_violence",
            "restriction_of_movement",
            "intimidation_threats",
            "abusive_working_living_conditions",
            "isolation",
        ),
        [0.4, 0.3, 0.15, 0.1, 0.05],
        [0.49, 0.44, 0.07],
    ),
    WAGE_THEFT: (
        _indicator("withholding_of_wages", "deception", "intimidation_threats"),
        [0.45, 0.4, 0.15],
        [0.49, 0.46, 0.05],
    ),
    SILENT: (
        _indicator("debt_bondage", "withholding_of_wages"),
        [0.5, 0.5],
        [0.5, 0.4, 0.1],
    ),
    SINGLE_MILD: (
        _indicator("excessive_overtime", "abusive_working_living_conditions"),
        [0.85, 0.15],
        [0.45, 0.0, 0.55],
    ),
    SINGLE_RESOLVED: (
        _indicator(
            "withholding_of_wages",
            "deception",
            "abusive_working_living_conditions",
            "excessive_overtime",
            "intimidation_threats",
        ),
        [0.3, 0.25, 0.25, 0.1, 0.1],
        [0.0, 0.0, 1.0],
    ),
    LICENSED_FEW: (
        _indicator(
            "withholding_of_wages",
            "deception",
            "excessive_overtime",
            "abusive_working_living_conditions",
        ),
        [0.35, 0.25, 0.2, 0.2],
        [0.5, 0.5, 0.0],
    ),
    BIG_LOW_RATE: (
        _indicator(
            "withholding_of_wages", "excessive_overtime", "deception", "restriction_of_movement"
        ),
        [0.4, 0.3, 0.15, 0.15],
        [0.4, 0.6, 0.0],
    ),
}
EMPLOYER_NAMED = 0.1
"""Share of grievances about an exploitative recruiter that name the employer instead: the
worker knew where they worked, not who placed them there."""
EMPLOYER_NOISE = 0.012
"""Grievances against employers that have nothing to do with any contractor's pattern."""

SERVICE_SHARES = {
    "eshram_registration": 0.23,
    "health_insurance": 0.147,
    "ration_card_portability": 0.139,
    "bank_account": 0.133,
    "bocw_registration": 0.1,
    "legal_aid": 0.099,
    "other": 0.088,
    "skills_training": 0.064,
}
OUTCOME_SHARES = {"applied": 0.31, "received": 0.6, "rejected": 0.09}


@dataclass
class Events:
    """One event file: its columns, and the cells written as given instead of from the
    columns (planted unparseable dates)."""

    name: str
    columns: dict[str, np.ndarray]
    broken: dict[str, tuple[np.ndarray, list[str]]] = field(default_factory=dict)
    bad: list[tuple[np.ndarray, str, str]] = field(default_factory=list)
    """(rows, column, reason) of the rows that break a rule."""

    @property
    def rows(self) -> int:
        return len(next(iter(self.columns.values())))

    def valid(self) -> np.ndarray:
        ok = np.ones(self.rows, bool)
        for rows, _, _ in self.bad:
            ok[rows] = False
        return ok


def _choice(rng: np.random.Generator, shares: dict, n: int) -> np.ndarray:
    keys = np.array(list(shares))
    p = np.array(list(shares.values()), np.float64)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def make_moves(
    rng: np.random.Generator,
    journeys: Journeys,
    network: Network,
    people: People,
    centres: Centres,
    first_day: int,
    until: int,
) -> Events:
    """Every leg reported once, some twice by another source."""
    legs = journeys.legs
    twice = np.flatnonzero(rng.random(legs) < DUPLICATE_SHARE)
    offset = rng.choice(DUPLICATE_OFFSETS, size=len(twice), p=DUPLICATE_OFFSET_SHARES)
    offset = np.where(rng.random(len(twice)) < 0.5, -offset, offset)
    fits = (journeys.departed[twice] + offset >= first_day) & (
        journeys.departed[twice] + offset <= until
    )
    twice, offset = twice[fits], offset[fits]
    leg = np.concatenate([np.arange(legs), twice])
    copy = np.r_[np.zeros(legs, bool), np.ones(len(twice), bool)]
    departed = journeys.departed[leg] + np.r_[np.zeros(legs, np.int64), offset]
    travel = np.where(
        copy,
        rng.choice(4, size=len(leg), p=[0.15, 0.4, 0.3, 0.15]),
        journeys.arrived[leg] - journeys.departed[leg],
    )
    arrived = departed + travel
    arrived = np.where(
        (rng.random(len(leg)) < ARRIVAL_UNKNOWN) | (arrived > until), MISSING, arrived
    )

    kind = journeys.leg[leg]
    draw = rng.random(legs)
    reason_of_leg = np.select(
        [journeys.leg == OUT, journeys.leg == MID, draw < 0.94, draw < 0.985],
        [np.where(draw < 0.98, WORK, OTHER), WORK_CHANGE, RETURN_HOME, DISTRESS],
        OTHER,
    )
    placement = journeys.placement[leg]
    has_placement = placement >= 0
    contractor = np.where(has_placement, network.placement_contractor[np.maximum(placement, 0)], -1)
    employer = np.where(has_placement, network.placement_employer[np.maximum(placement, 0)], -1)
    noted = rng.random((2, len(leg)))
    contractor_noted = np.select(
        [kind == OUT, kind == MID], [CONTRACTOR_NOTED[OUT], CONTRACTOR_NOTED[MID]], 0
    )
    employer_noted = np.select(
        [kind == OUT, kind == MID], [EMPLOYER_NOTED[OUT], EMPLOYER_NOTED[MID]], 0
    )
    contractor = np.where(noted[0] < contractor_noted, contractor, -1)
    employer = np.where(noted[1] < employer_noted, employer, -1)

    worker = journeys.worker[leg]
    home = people.home[worker]
    away = np.where(kind == RET, journeys.origin[leg], journeys.destination[leg])
    source = _choice(rng, SOURCE_SHARES, len(leg))
    dst_centre = centres.destination_at[away]
    possible = np.ones((len(leg), len(SOURCES)), bool)
    possible[:, DESTINATION_CENTRE] = dst_centre >= 0
    source = np.where(possible[np.arange(len(leg)), source], source, SOURCE_CENTRE)
    # a second report comes from another source than the first
    possible[np.flatnonzero(copy), source[leg[copy]]] = False
    drawn = source
    for step in range(1, len(SOURCES)):
        clash = ~possible[np.arange(len(leg)), source]
        source = np.where(clash, (drawn + step) % len(SOURCES), source)
    transit = centres.transit[rng.integers(0, len(centres.transit), len(leg))]
    helpline = centres.helplines[rng.integers(0, len(centres.helplines), len(leg))]
    at_home = centres.source_at[home]
    where_self = rng.random(len(leg))
    self_centre = np.select(
        [(where_self < 0.1) & (dst_centre >= 0), where_self < 0.95, where_self < 0.97],
        [dst_centre, at_home, transit],
        helpline,
    )
    recorded_by = np.select(
        [
            source == SOURCE_CENTRE,
            source == TRANSIT,
            source == DESTINATION_CENTRE,
            source == HELPLINE,
        ],
        [at_home, transit, dst_centre, helpline],
        self_centre,
    )
    recorded_on = np.minimum(departed + rng.binomial(14, 0.35, len(leg)), until)
    return Events(
        "moves.csv",
        {
            "leg": leg,
            "worker": worker,
            "from": journeys.origin[leg],
            "to": journeys.destination[leg],
            "departed": departed,
            "arrived": arrived,
            "reason": reason_of_leg[leg],
            "contractor": contractor,
            "employer": employer,
            "recorded_by": recorded_by,
            "recorded_on": recorded_on,
            "source": source,
            "copy": copy,
        },
    )


def stays_of(journeys: Journeys) -> Stays:
    """Where workers stayed on a placement: every leg that took them to work."""
    rows = np.flatnonzero(journeys.leg != RET)
    return Stays(
        placement=journeys.placement[rows],
        worker=journeys.worker[rows],
        start=journeys.arrived[rows],
        end=journeys.stay_end[rows],
    )


def wage_norms(rng: np.random.Generator) -> np.ndarray:
    """A factor per district: wages differ between places for the same work."""
    return np.exp(rng.normal(0.0, 0.1, CODES))


def make_employments(
    rng: np.random.Generator,
    journeys: Journeys,
    network: Network,
    people: People,
    centres: Centres,
    district_wage: np.ndarray,
    until: int,
) -> Events:
    stays = stays_of(journeys)
    start = stays.start + rng.integers(0, 6, len(stays.start))
    keep = np.flatnonzero((rng.random(len(start)) < EMPLOYMENT_RECORDED) & (start <= until))
    p = stays.placement[keep]
    start = start[keep]
    end = stays.end[keep]
    end = np.where(end >= 0, np.maximum(end - rng.integers(0, 3, len(keep)), start), MISSING)
    end = np.where(rng.random(len(keep)) < 0.05, MISSING, end)
    employer = network.placement_employer[p]
    contractor = network.placement_contractor[p]
    by = np.maximum(contractor, 0)
    recruited = contractor >= 0
    district = journeys.placement_destination[p]
    sector = journeys.placement_sector[p]
    wage_factor = np.where(recruited, network.wage[by], 1.0)
    growth = 1.045 ** (year_of(start) - 2017)
    wage = (
        WAGE_NORM[sector]
        * district_wage[district]
        * network.employer_wage[employer]
        * wage_factor
        * growth
        * rng.normal(1.0, 0.05, len(keep))
    )
    wage = np.rint(wage / 10).astype(np.int64) * 10
    wage = np.where(rng.random(len(keep)) < 0.05, -1, wage)
    low = np.where(recruited, network.advance_days[by, 0], 3)
    high = np.where(recruited, network.advance_days[by, 1], 45)
    kiln = (sector == SECTORS.index("brick_kiln")) & (high <= 45)
    low, high = np.where(kiln, 15, low), np.where(kiln, 75, high)
    days = low + rng.random(len(keep)) * (high - low)
    advance = np.rint(days * np.abs(wage) / 500).astype(np.int64) * 500
    exploiter = recruited & EXPLOITATIVE[network.pattern[by]]
    advance_known = rng.random(len(keep)) < np.where(exploiter, 0.9, 0.5)
    advance = np.where(advance_known & (wage > 0) & (advance > 0), advance, -1)
    contractor = np.where(recruited & (rng.random(len(keep)) < 0.96), contractor, -1)
    dst = centres.destination_at[district]
    recorded_by = np.where(
        (dst >= 0) & (rng.random(len(keep)) < 0.95),
        dst,
        centres.source_at[people.home[stays.worker[keep]]],
    )
    return Events(
        "employments.csv",
        {
            "worker": stays.worker[keep],
            "employer": employer,
            "contractor": contractor,
            "district": district,
            "start": start,
            "end": end,
            "wage": wage,
            "advance": advance,
            "recorded_by": recorded_by,
            "recorded_on": np.minimum(start + rng.integers(0, 36, len(keep)), until),
        },
    )


def _complainants(
    rng: np.random.Generator, network: Network, stays: Stays, workers: int, until: int
):
    """Which recruits complain about their contractor: (stay row, contractor) per complainant,
    as many as each contractor's pattern calls for."""
    ok = np.flatnonzero(stays.start <= until)
    contractor = network.placement_contractor[stays.placement[ok]]
    ok, contractor = ok[contractor >= 0], contractor[contractor >= 0]
    # one stay per (contractor, worker), picked at random
    key = contractor * (workers + 1) + stays.worker[ok]
    order = np.lexsort((rng.random(len(ok)), key))
    first = np.r_[True, key[order][1:] != key[order][:-1]][: len(order)]
    pair_stay, pair_contractor = ok[order][first], contractor[order][first]
    pairs = np.bincount(pair_contractor, minlength=network.contractors)
    pattern = network.pattern
    share = rng.uniform(0.3, 0.6, network.contractors)
    wanted = np.select(
        [
            EXPLOITATIVE[pattern] & (pattern != SILENT),
            pattern == SILENT,
            (pattern == SINGLE_MILD) | (pattern == SINGLE_RESOLVED),
            pattern == LICENSED_FEW,
            pattern == BIG_LOW_RATE,
        ],
        [
            np.maximum(3, np.rint(share * pairs)),
            rng.choice(3, size=network.contractors, p=[0.3, 0.4, 0.3]),
            1,
            2,
            np.maximum(2, np.rint(0.015 * pairs)),
        ],
        0,
    ).astype(np.int64)
    wanted = np.minimum(wanted, pairs)
    rank = np.empty(len(pair_stay), np.int64)
    shuffled = np.lexsort((rng.random(len(pair_stay)), pair_contractor))
    starts = np.cumsum(pairs) - pairs
    rank[shuffled] = np.arange(len(shuffled)) - starts[pair_contractor[shuffled]]
    chosen = rank < wanted[pair_contractor]
    return pair_stay[chosen], pair_contractor[chosen]


def make_grievances(
    rng: np.random.Generator,
    journeys: Journeys,
    network: Network,
    people: People,
    centres: Centres,
    until: int,
) -> Events:
    stays = stays_of(journeys)
    stay, contractor = _complainants(rng, network, stays, people.workers, until)
    pattern = network.pattern[contractor]
    repeat = np.where(
        EXPLOITATIVE[pattern] & (pattern != SILENT), 1 + rng.poisson(0.5, len(stay)), 1
    )
    stay, contractor, pattern = (np.repeat(a, repeat) for a in (stay, contractor, pattern))
    indicator = np.zeros(len(stay), np.int64)
    status = np.zeros(len(stay), np.int64)
    for kind, (indicators, shares, statuses) in GRIEVANCE_PROFILES.items():
        rows = np.flatnonzero(pattern == kind)
        indicator[rows] = rng.choice(indicators, size=len(rows), p=shares)
        status[rows] = rng.choice(
            [STATUSES.index(s) for s in ("open", "referred", "resolved")],
            size=len(rows),
            p=statuses,
        )
    placement = stays.placement[stay]
    names_employer = EXPLOITATIVE[pattern] & (rng.random(len(stay)) < EMPLOYER_NAMED)
    against = np.where(names_employer, network.placement_employer[placement], contractor)

    # grievances against employers, unrelated to any contractor's pattern
    noise = max(0, round(EMPLOYER_NOISE * len(stay)))
    usable = np.flatnonzero(stays.start <= until)
    extra = usable[rng.integers(0, len(usable), noise)] if len(usable) else usable[:0]
    mild = _indicator("abusive_working_living_conditions", "excessive_overtime")
    stay = np.r_[stay, extra]
    indicator = np.r_[indicator, rng.choice(mild, size=noise, p=[0.6, 0.4])]
    status = np.r_[
        status, rng.choice([STATUSES.index("open"), STATUSES.index("resolved")], size=noise)
    ]
    against = np.r_[against, network.placement_employer[stays.placement[extra]]]
    against_employer = np.r_[names_employer, np.ones(noise, bool)]

    start = stays.start[stay]
    end = np.where(stays.end[stay] >= 0, stays.end[stay], np.minimum(start + 150, until))
    end = np.minimum(np.maximum(end, start), until)
    occurred = start + (rng.random(len(stay)) * (end - start + 1)).astype(np.int64)
    occurred = np.minimum(occurred, until)
    reported = np.minimum(occurred + rng.integers(0, 46, len(stay)), until)
    worker = stays.worker[stay]
    district = journeys.placement_destination[stays.placement[stay]]
    where = rng.random(len(stay))
    dst = centres.destination_at[district]
    recorded_by = np.select(
        [where < 0.4, (where < 0.7) & (dst >= 0), where < 0.91],
        [
            centres.helplines[rng.integers(0, len(centres.helplines), len(stay))],
            dst,
            centres.source_at[people.home[worker]],
        ],
        centres.control_room,
    )
    amount = np.full(len(stay), -1, np.int64)
    for name, (low, high, step) in {
        "withholding_of_wages": (3_000, 40_000, 100),
        "debt_bondage": (20_000, 60_000, 500),
        "deception": (3_000, 20_000, 100),
    }.items():
        rows = np.flatnonzero(
            (indicator == INDICATORS.index(name)) & (rng.random(len(stay)) < 0.85)
        )
        amount[rows] = rng.integers(low // step, high // step + 1, len(rows)) * step
    return Events(
        "grievances.csv",
        {
            "worker": worker,
            "against_employer": against_employer,
            "against": against,
            "indicator": indicator,
            "occurred": occurred,
            "reported": reported,
            "recorded_by": recorded_by,
            "amount": amount,
            "status": status,
            "names_employer_of_exploiter": np.r_[names_employer, np.zeros(noise, bool)],
        },
    )


def make_services(
    rng: np.random.Generator,
    journeys: Journeys,
    people: People,
    centres: Centres,
    until: int,
) -> Events:
    n = people.workers
    count = rng.poisson(0.98, n)
    worker = np.repeat(np.arange(n), count)
    _, first_destination = journeys.first_departures(n)
    dst = centres.destination_at[np.maximum(first_destination[worker], 0)]
    dst = np.where(first_destination[worker] >= 0, dst, -1)
    at_home = centres.source_at[people.home[worker]]
    centre = np.where((rng.random(len(worker)) < 0.26) & (dst >= 0), dst, at_home)
    registered = people.registered_on[worker]
    delivered = registered + (rng.random(len(worker)) * (until - registered + 1)).astype(np.int64)
    return Events(
        "services.csv",
        {
            "worker": worker,
            "centre": centre,
            "service": _choice(
                rng, {SERVICES.index(k): v for k, v in SERVICE_SHARES.items()}, len(worker)
            ),
            "delivered": np.minimum(delivered, until),
            "outcome": _choice(
                rng, {OUTCOMES.index(k): v for k, v in OUTCOME_SHARES.items()}, len(worker)
            ),
        },
    )
