"""One person, several registrations; different persons who look alike.

``plant_lookalikes`` makes different persons hard to tell apart: pairs of household members
(siblings born within two years with rhyming names, spouses, a father and his son of the
same name 13-20 years apart) who share surname, village, household, phone and home
district, and groups of 2-3 persons of one home district with one common name ("Ramesh
Kumar", "Sunita Devi", or one first name and the same surname) born within two years.

``plan_registrations`` registers a share of the persons again, at another centre on a day
they were there, under that centre's own id: a destination centre where they stayed
(``DST-096/000455``, numbered in date order at the centre), the railway help desk of a
departure (station code and random letters, ``DHN-YQYTTX``) or a helpline (random letters);
some a third time. The later registration writes the name its own way (``synth.names``),
often has a new phone or none, rarely the household, a birth year off by one or two or
missing, sometimes the same e-Shram number.

``follow_registrations`` gives the events their registration: from a later registration's
day, what its centre records carries its id (``alias`` column of each event table; -1: the
first registration, ``W0000001``). A destination centre records most of the person's later
moves at its district itself, and some complainants complain again to the centre that
registered them later, about the same contractor.

Everything is drawn from one stream of its own; with a share of 0 nothing is planted and
the batch is what it was without this module. Events keep the person in ``worker`` (so the
answer key's circuits and contractor counts are per person) and gain ``alias``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np

from synth.dates import MISSING
from synth.events import DESTINATION_CENTRE, STATUSES, TRANSIT, Events
from synth.journeys import OUT, RET, Journeys
from synth.names import CHANGE_SHARES, CHANGES, variant
from synth.people import FIRST_NAMES, SURNAMES, People
from synth.places import Centres
from synth.vocab import FEMALE_NAMES, MALE_NAMES, STATION_CODES

SPLIT_SHARE = 0.35
"""Share of persons registered again by another centre, as in the identity sample."""
THIRD_REGISTRATION = 0.087
"""Of those, the share registered a third time."""
KINDS = ("destination_centre", "transit_point", "helpline")
KIND_SHARES = np.array([0.616, 0.236, 0.148])
BIRTH_YEAR = (0.574, 0.255)
"""A later registration's birth year: the same, off by 1 or 2; otherwise missing."""
PHONE = (0.45, 0.33)
"""A later registration's phone: the same (when there was one), a new number; otherwise none."""
HOUSEHOLD_KEPT = 0.11
ESHRAM = (0.32, 0.02)
"""A later registration's e-Shram number, when the first had one: the same, one digit wrong."""
GENDER_KEPT = 0.992
RECORDS_MOVES_THERE = 0.6
"""Share of a person's later moves into or out of a destination centre's district that the
centre which registered them records itself."""
REPEAT_COMPLAINT = 0.12
"""Share of complaints about a contractor made again to the centre of a later registration."""

WRITTEN_SURNAMES = (*SURNAMES, "Devi")
KUMAR, DEVI = SURNAMES.index("Kumar"), len(SURNAMES)
HOUSEHOLD_LOOKALIKES = 0.12
"""Share of households of two or more whose first two members are planted look-alikes."""
LOOKALIKE_KINDS = ("siblings", "spouses", "father_son", "common_name")
HOUSEHOLD_KIND_SHARES = np.array([0.645, 0.247, 0.108])
COMMON_NAME_GROUPS = 0.0145
"""Groups of persons with one common name, per person."""
_ALPHABET = np.frombuffer(b"ABCDEFGHIJKLMNPQRSTUVWXYZ23456789", np.uint8)


@dataclass
class Lookalikes:
    surname: np.ndarray
    """Per person: the surname as written, into ``WRITTEN_SURNAMES``."""
    first: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    other: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    kind: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    common_name_groups: dict[str, int] = field(default_factory=dict)


@dataclass
class Registrations:
    """The later registrations (aliases), ordered by person and day."""

    person: np.ndarray
    centre: np.ndarray
    day: np.ndarray
    kind: np.ndarray
    ids: list[str]
    names: list[str]
    variants: list[str]
    household: np.ndarray
    gender: np.ndarray
    birth_year: np.ndarray
    phone: np.ndarray
    eshram: np.ndarray
    district: np.ndarray
    """District code of the registering centre."""
    leg: np.ndarray
    """The journey leg (``Journeys``) the person was on: the stay at a destination centre,
    the departure at a help desk (-1: a helpline)."""
    slot: np.ndarray
    """A person's first later registration is slot 0, the next slot 1."""
    by_slot: np.ndarray
    """(2, persons): alias index of each person's slot, -1 for none."""
    counts: dict = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.person)


def _pick(rng: np.random.Generator, owner: np.ndarray, n: int, slot: np.ndarray, who):
    """For each (who, slot): a random candidate row of that owner, distinct per slot (-1)."""
    order = np.lexsort((rng.random(len(owner)), owner))
    count = np.bincount(owner, minlength=n)
    start = np.cumsum(count) - count
    ok = count[who] > slot
    return np.where(ok, order[np.minimum(start[who] + slot, len(order) - 1)], -1)


def _random_codes(rng: np.random.Generator, n: int, length: int) -> np.ndarray:
    """n distinct random codes of ``length`` letters and digits (as byte rows)."""
    codes = rng.integers(0, len(_ALPHABET), (n, length))
    while n:
        keys = np.ascontiguousarray(codes.astype(np.uint8)).view(f"V{length}").ravel()
        _, first = np.unique(keys, return_index=True)
        again = np.setdiff1d(np.arange(n), first)
        if not len(again):
            break
        codes[again] = rng.integers(0, len(_ALPHABET), (len(again), length))
    return _ALPHABET[codes]


def _texts(rows: np.ndarray) -> list[str]:
    return [bytes(r).decode() for r in rows]


def plant_lookalikes(rng: np.random.Generator, people: People, until_year: int) -> Lookalikes:
    """Household and common-name look-alikes (changes ``people`` in place)."""
    n = people.workers
    surname = people.household_surname[people.worker_household].copy()
    sizes = np.bincount(people.worker_household, minlength=people.households)
    first_of = np.cumsum(sizes) - sizes
    households = np.flatnonzero(
        (sizes >= 2) & (rng.random(people.households) < HOUSEHOLD_LOOKALIKES)
    )
    a, b = first_of[households], first_of[households] + 1
    kind = rng.choice(3, size=len(a), p=HOUSEHOLD_KIND_SHARES)
    male = len(MALE_NAMES)
    rhymes = _rhymes()
    for i in range(len(a)):  # siblings: rhyming names of the same gender
        if kind[i] == 0:
            options = rhymes[int(people.first_name[a[i]])]
            if options:
                people.first_name[b[i]] = options[int(rng.integers(len(options)))]
                people.gender[b[i]] = people.gender[a[i]]
    sib, spouse, father = (kind == k for k in range(3))
    people.birth_year[b[sib]] = people.birth_year[a[sib]] + rng.integers(-2, 3, sib.sum())
    people.gender[a[spouse]], people.gender[b[spouse]] = 1, 0
    people.first_name[a[spouse]] = rng.integers(0, male, spouse.sum())
    people.first_name[b[spouse]] = male + rng.integers(0, len(FEMALE_NAMES), spouse.sum())
    people.birth_year[b[spouse]] = people.birth_year[a[spouse]] + rng.integers(-1, 7, spouse.sum())
    people.gender[a[father]] = people.gender[b[father]] = 1
    people.first_name[a[father]] = rng.integers(0, male, father.sum())
    people.first_name[b[father]] = people.first_name[a[father]]
    gap = rng.integers(13, 21, father.sum())
    son = np.minimum(people.birth_year[a[father]] + gap, until_year - 17)
    people.birth_year[b[father]], people.birth_year[a[father]] = son, son - gap
    people.phone[b] = people.phone[a]
    people.birth_year[:] = np.minimum(people.birth_year, until_year - 17)

    # common names: an anchor and the next 1-2 persons of its home district
    taken = np.zeros(n, bool)
    taken[a] = taken[b] = True
    by_home = np.lexsort((rng.random(n), people.home))
    groups = round(COMMON_NAME_GROUPS * n)
    at = np.sort(rng.choice(max(n - 2, 1), size=min(groups, max(n - 2, 0)), replace=False))
    size = np.where(rng.random(len(at)) < 0.55, 2, 3)
    members = [by_home[np.minimum(at + k, n - 1)] for k in range(3)]
    ok = (people.home[members[1]] == people.home[members[0]]) & (at + size <= n)
    ok &= (size == 2) | (people.home[members[2]] == people.home[members[0]])
    ok &= np.r_[True, at[1:] >= at[:-1] + size[:-1]]  # groups do not overlap
    for k in range(3):
        ok &= (k >= size) | ~taken[members[k]]
    household = people.worker_household
    ok &= household[members[0]] != household[members[1]]
    ok &= (size == 2) | (
        (household[members[2]] != household[members[0]])
        & (household[members[2]] != household[members[1]])
    )
    at, size = at[ok], size[ok]
    members = [m[ok] for m in members]
    kumar_devi = rng.random(len(at)) < 0.5
    anchor = members[0]
    pairs_a, pairs_b = [], []
    for k in range(3):
        m = np.flatnonzero(size > k)
        who = members[k][m]
        if k:
            people.first_name[who] = people.first_name[anchor[m]]
            people.gender[who] = people.gender[anchor[m]]
            people.birth_year[who] = np.minimum(
                people.birth_year[anchor[m]] + rng.integers(0, 3, len(m)), until_year - 17
            )
            surname[who] = surname[anchor[m]]
            for j in range(k):
                pairs_a.append(members[j][m])
                pairs_b.append(who)
    for k in range(3):
        m = np.flatnonzero((size > k) & kumar_devi)
        surname[members[k][m]] = np.where(people.gender[anchor[m]] == 0, DEVI, KUMAR)
    common_a = np.concatenate(pairs_a) if pairs_a else np.zeros(0, np.int64)
    common_b = np.concatenate(pairs_b) if pairs_b else np.zeros(0, np.int64)
    return Lookalikes(
        surname=surname,
        first=np.r_[a, common_a],
        other=np.r_[b, common_b],
        kind=np.r_[kind, np.full(len(common_a), 3)],
        common_name_groups={
            "same_surname": int((~kumar_devi).sum()),
            "kumar_devi": int(kumar_devi.sum()),
            "persons": int(size.sum()),
        },
    )


def _rhymes() -> list[list[int]]:
    """Per first name: other names of its gender ending in the same three letters."""
    out = []
    for i, name in enumerate(FIRST_NAMES):
        same = (
            range(len(MALE_NAMES))
            if i < len(MALE_NAMES)
            else range(len(MALE_NAMES), len(FIRST_NAMES))
        )
        out.append(
            [
                j
                for j in same
                if j != i and FIRST_NAMES[j][-3:] == name[-3:] and " " not in FIRST_NAMES[j]
            ]
        )
    return out


def plan_registrations(
    rng: np.random.Generator,
    people: People,
    journeys: Journeys,
    centres: Centres,
    lookalikes: Lookalikes,
    share: float,
    last: int,
) -> Registrations:
    n = people.workers
    eligible = people.registered_on <= last - 30
    split = eligible & (rng.random(n) < share)
    third = split & (rng.random(n) < THIRD_REGISTRATION)
    person = np.r_[np.flatnonzero(split), np.flatnonzero(third)]
    slot = np.r_[np.zeros(split.sum(), np.int64), np.ones(third.sum(), np.int64)]
    registered = people.registered_on

    stay_at = centres.destination_at[journeys.destination]
    begin = np.maximum(journeys.arrived, registered[journeys.worker] + 7)
    ends = np.minimum(np.where(journeys.stay_end >= 0, journeys.stay_end, last), last)
    stays = np.flatnonzero(
        (journeys.leg != RET)
        & (stay_at >= 0)
        & (journeys.arrived >= 0)
        & (ends > begin)
        & (stay_at != people.registered_at[journeys.worker])
    )
    stay = _pick(rng, journeys.worker[stays], n, slot, person)
    stay = np.where(stay >= 0, stays[np.maximum(stay, 0)], -1)
    departures = np.flatnonzero(
        (journeys.leg == OUT)
        & (journeys.departed > registered[journeys.worker] + 14)
        & (journeys.departed <= last)
    )
    departure = _pick(rng, journeys.worker[departures], n, slot, person)
    departure = np.where(departure >= 0, departures[np.maximum(departure, 0)], -1)
    # a destination centre wherever the person stayed at one, as often as the sample has
    # it; otherwise a help desk of a departure or a helpline
    can_stay = stay >= 0
    at_dst = KIND_SHARES[0] / max(can_stay.mean(), KIND_SHARES[0]) if len(person) else 1.0
    draw = rng.random(len(person))
    other = np.where(draw < KIND_SHARES[1] / KIND_SHARES[1:].sum(), 1, 2)
    kind = np.where(can_stay & (rng.random(len(person)) < at_dst), 0, other)
    kind = np.where((kind == 1) & (departure < 0), 2, kind)

    s = np.maximum(stay, 0)
    length = np.clip(ends[s] - begin[s], 1, 120)
    at_stay = begin[s] + (rng.random(len(person)) * length).astype(np.int64)
    later = registered[person] + 30
    anyday = later + (rng.random(len(person)) * np.maximum(last - later, 0)).astype(np.int64)
    day = np.select(
        [kind == 0, kind == 1], [at_stay, journeys.departed[np.maximum(departure, 0)]], anyday
    )
    day = np.minimum(day, last)
    centre = np.select(
        [kind == 0, kind == 1],
        [
            stay_at[s],
            centres.transit[rng.integers(0, len(centres.transit), len(person))],
        ],
        centres.helplines[rng.integers(0, len(centres.helplines), len(person))],
    )

    leg = np.select([kind == 0, kind == 1], [stay, departure], -1)
    order = np.lexsort((day, person))
    person, day, kind, centre, leg = (a[order] for a in (person, day, kind, centre, leg))
    first = np.r_[True, person[1:] != person[:-1]] if len(person) else np.zeros(0, bool)
    slot = np.where(first, 0, 1)
    by_slot = np.full((2, n), -1, np.int64)
    by_slot[slot, person] = np.arange(len(person))

    ids = _alias_ids(rng, centres, centre, day, kind)
    m = len(person)
    draw = rng.random((6, m))
    birth = people.birth_year[person]
    off = rng.choice([-2, -1, 1, 2], size=m, p=[0.2, 0.3, 0.3, 0.2])
    birth_year = np.select(
        [draw[0] < BIRTH_YEAR[0], draw[0] < sum(BIRTH_YEAR)], [birth, birth + off], MISSING
    )
    phone = people.phone[person]
    new = 6_000_000_000 + rng.integers(0, 4_000_000_000, m)
    phone = np.select([(draw[1] < PHONE[0]) & (phone >= 0), draw[1] < sum(PHONE)], [phone, new], -1)
    eshram = people.eshram[person]
    digit = 10 ** rng.integers(0, 11, m)
    wrong = eshram + np.where((eshram // digit) % 10 == 9, -digit, digit)
    eshram = np.select(
        [(eshram >= 0) & (draw[2] < ESHRAM[0]), (eshram >= 0) & (draw[2] < sum(ESHRAM))],
        [eshram, wrong],
        -1,
    )
    household = np.where(draw[3] < HOUSEHOLD_KEPT, people.worker_household[person], -1)
    gender = np.where(draw[4] < GENDER_KEPT, people.gender[person], -1)
    names, variants = [], []
    changes = rng.choice(len(CHANGES), size=m, p=CHANGE_SHARES)
    draws = random.Random(int(rng.integers(1 << 62)))
    for change, first, surname, female in zip(
        changes.tolist(),
        people.first_name[person].tolist(),
        lookalikes.surname[person].tolist(),
        (people.gender[person] == 0).tolist(),
        strict=True,
    ):
        name, changed = variant(
            draws, CHANGES[change], FIRST_NAMES[first], WRITTEN_SURNAMES[surname], female
        )
        names.append(name)
        variants.append(changed)
    return Registrations(
        person=person,
        centre=centre,
        day=day,
        kind=kind,
        ids=ids,
        names=names,
        variants=variants,
        household=household,
        gender=gender,
        birth_year=birth_year,
        phone=phone,
        eshram=eshram,
        district=centres.districts[centre],
        leg=leg,
        slot=slot,
        by_slot=by_slot,
        counts={
            "eligible_persons": int(eligible.sum()),
            "alias_same_phone": int(((phone >= 0) & (phone == people.phone[person])).sum()),
            "alias_same_eshram_uan": int(((eshram >= 0) & (eshram == people.eshram[person])).sum()),
            "alias_wrong_digit_eshram_uan": int(
                ((eshram >= 0) & (eshram != people.eshram[person])).sum()
            ),
            "alias_household_id_kept": int((household >= 0).sum()),
            "alias_birth_year": {
                "same": int((birth_year == birth).sum()),
                "missing": int((birth_year < 0).sum()),
                "off_by_1_or_2": int(((birth_year >= 0) & (birth_year != birth)).sum()),
            },
        },
    )


def _alias_ids(
    rng: np.random.Generator,
    centres: Centres,
    centre: np.ndarray,
    day: np.ndarray,
    kind: np.ndarray,
) -> list[str]:
    """Each later registration's id in its centre's own scheme."""
    m = len(centre)
    ids = [""] * m
    at_dst = np.flatnonzero(kind == 0)
    order = at_dst[np.lexsort((day[at_dst], centre[at_dst]))]
    starts = np.r_[True, centre[order][1:] != centre[order][:-1]] if len(order) else order
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    serial = np.arange(len(order)) - group_start + 1
    for row, number in zip(order, serial, strict=True):
        ids[row] = f"{centres.ids[centre[row]]}/{number:06d}"
    station = np.searchsorted(centres.transit, centre)
    transit = np.flatnonzero(kind == 1)
    for row, code in zip(transit, _texts(_random_codes(rng, len(transit), 6)), strict=True):
        ids[row] = f"{STATION_CODES[station[row]]}-{code}"
    helpline = np.flatnonzero(kind == 2)
    for row, code in zip(helpline, _texts(_random_codes(rng, len(helpline), 10)), strict=True):
        ids[row] = code
    return ids


def follow_registrations(
    rng: np.random.Generator,
    registrations: Registrations,
    events: list[Events],
    last: int,
) -> dict:
    """Give each event row its registration (``alias``), planting the moves a destination
    centre records and the repeat complaints; returns counts for the summary."""
    reg = registrations
    counts: dict = {}
    moved = 0
    repeats = 0
    for table in events:
        c = table.columns
        if table.name == "moves.csv":
            moved = _destination_records(rng, reg, c)
        if table.name == "grievances.csv":
            repeats = _repeat_complaints(rng, reg, table, last)
        centre = c["centre"] if table.name == "services.csv" else c["recorded_by"]
        date = {
            "moves.csv": "recorded_on",
            "employments.csv": "recorded_on",
            "grievances.csv": "reported",
            "services.csv": "delivered",
        }[table.name]
        if "alias" not in c:
            c["alias"] = _alias_of(reg, c["worker"], centre, c[date])
        counts[table.name] = int((c["alias"] >= 0).sum())
    return {
        "event_rows_under_alias_ids": counts,
        "moves_now_recorded_by_the_alias_destination_centre": moved,
        "repeat_complaints_added": repeats,
    }


def _alias_of(reg: Registrations, worker: np.ndarray, centre: np.ndarray, date: np.ndarray):
    alias = np.full(len(worker), -1, np.int64)
    if not reg.count:
        return alias
    for slot in range(2):
        index = reg.by_slot[slot][worker]
        i = np.maximum(index, 0)
        hit = (index >= 0) & (centre == reg.centre[i]) & (date >= reg.day[i])
        alias = np.where(hit, index, alias)
    return alias


def _destination_records(rng: np.random.Generator, reg: Registrations, c: dict) -> int:
    """Later moves into or out of the district of a destination centre that registered the
    person again: most of them recorded by that centre (first reports only, and not where a
    second report already comes from a destination centre)."""
    if not reg.count:
        return 0
    has_dst_copy = np.zeros(int(c["leg"].max(initial=-1)) + 1, bool)
    has_dst_copy[c["leg"][c["copy"] & (c["source"] == DESTINATION_CENTRE)]] = True
    changed = np.zeros(len(c["worker"]), bool)
    for slot in range(2):
        index = reg.by_slot[slot][c["worker"]]
        i = np.maximum(index, 0)
        district = reg.district[i]
        hit = (index >= 0) & (reg.kind[i] == 0) & ~c["copy"] & ~has_dst_copy[c["leg"]]
        hit &= (c["to"] == district) | (c["from"] == district)
        hit &= (c["recorded_on"] >= reg.day[i]) & (c["recorded_by"] != reg.centre[i])
        hit &= rng.random(len(hit)) < RECORDS_MOVES_THERE
        c["recorded_by"] = np.where(hit, reg.centre[i], c["recorded_by"])
        c["source"] = np.where(hit, DESTINATION_CENTRE, c["source"])
        changed |= hit
    # a help desk that registered the person recorded the departure it met them on
    desk = np.flatnonzero(reg.kind == 1)
    met = np.zeros(int(c["leg"].max(initial=-1)) + 1, np.int64) - 1
    met[reg.leg[desk]] = desk
    rows = np.flatnonzero(~c["copy"] & (met[c["leg"]] >= 0))
    has_desk_copy = np.zeros(len(met), bool)
    has_desk_copy[c["leg"][c["copy"] & (c["source"] == TRANSIT)]] = True
    rows = rows[(c["source"][rows] != TRANSIT) & ~has_desk_copy[c["leg"][rows]]]
    c["recorded_by"][rows] = reg.centre[met[c["leg"][rows]]]
    c["source"][rows] = TRANSIT
    c["recorded_on"][rows] = np.maximum(c["recorded_on"][rows], reg.day[met[c["leg"][rows]]])
    return int(changed.sum())


def _repeat_complaints(
    rng: np.random.Generator, reg: Registrations, table: Events, last: int
) -> int:
    """Complaints about a contractor told again, later, to the centre of the person's latest
    later registration, under its id (appended rows)."""
    c = table.columns
    if not reg.count:
        return 0
    latest = np.where(reg.by_slot[1] >= 0, reg.by_slot[1], reg.by_slot[0])[c["worker"]]
    i = np.maximum(latest, 0)
    reported = np.maximum(c["reported"], reg.day[i]) + rng.integers(1, 30, len(i))
    rows = np.flatnonzero(
        (latest >= 0)
        & ~c["against_employer"]
        & (reported <= last)
        & (rng.random(len(i)) < REPEAT_COMPLAINT)
    )
    alias = np.full(len(i), -1, np.int64)
    for name, values in c.items():
        c[name] = np.concatenate([values, values[rows]])
    c["reported"][len(i) :] = reported[rows]
    c["recorded_by"][len(i) :] = reg.centre[i[rows]]
    c["status"][len(i) :] = STATUSES.index("open")
    c["alias"] = np.r_[alias, latest[rows]]
    head = _alias_of(
        reg, c["worker"][: len(i)], c["recorded_by"][: len(i)], c["reported"][: len(i)]
    )
    c["alias"][: len(i)] = head
    return len(rows)
