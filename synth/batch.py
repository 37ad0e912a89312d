"""A whole synthetic batch: the ten files of the field-records format and its answer key.

``generate`` runs the stages in order (people, journeys, employers and contractors,
centres, records, bad rows), each on its own random stream derived from the seed, so the
same seed and size give the same bytes. Files are written with ``synth.csv_columns``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np

from graph_schema.types import INDICATORS
from synth import answers
from synth.contractors import PATTERNS, ROLES, Network, make_network
from synth.csv_columns import (
    Column,
    Date,
    Joined,
    Literal,
    Number,
    Overridden,
    Table,
    Text,
    header_line,
    write_csv,
)
from synth.dates import date_of, day_of
from synth.events import (
    OUTCOMES,
    REASONS,
    SERVICES,
    SOURCES,
    STATUSES,
    Events,
    make_employments,
    make_grievances,
    make_moves,
    make_services,
    stays_of,
    wage_norms,
)
from synth.identity import (
    KINDS,
    LOOKALIKE_KINDS,
    SPLIT_SHARE,
    WRITTEN_SURNAMES,
    Lookalikes,
    Registrations,
    follow_registrations,
    plan_registrations,
    plant_lookalikes,
)
from synth.journeys import (
    BEHAVIOURS,
    FIRST_DAY,
    FIRST_YEAR,
    MID,
    MULTI_STOP,
    OUT,
    SECTORS,
    Journeys,
    make_journeys,
)
from synth.noise import UNKNOWN_INDICATORS, plant_bad_rows, shuffle
from synth.people import FIRST_NAMES, GENDERS, SURNAMES, People, make_people, register
from synth.places import CODES, Centres, World, district_sectors, make_centres, world
from synth.vocab import (
    BRANDS,
    EMPLOYER_FORMS,
    FIRM_CONTRACTOR_FORMS,
    MALE_NAMES,
    PERSON_CONTRACTOR_FORMS,
    VILLAGES,
)
from tracker.field_format import RECORD_FILES_BY_NAME
from tracker.progress import Progress, no_progress

DEFAULT_UNTIL = dt.date(2026, 10, 31)
STAGES = 8
RECORD_PREFIXES = {
    "moves.csv": "MV",
    "employments.csv": "EM",
    "grievances.csv": "GR",
    "services.csv": "SV",
}


def generate(
    out: Path,
    workers: int,
    seed: int,
    until: dt.date = DEFAULT_UNTIL,
    progress: Progress = no_progress,
    split_share: float = SPLIT_SHARE,
) -> dict:
    """Write a batch of ``workers`` persons into ``out`` (and ``out/answers``); returns the
    summary that ``answers/summary.json`` holds. ``split_share`` of the persons are
    registered again by another centre, and look-alikes planted (``synth.identity``; 0:
    neither). Raises ``ValueError`` for settings it cannot honour (see ``check_settings``)."""
    problem = check_settings(workers, seed, until, split_share)
    if problem:
        raise ValueError(problem)
    # the identity stream is the eleventh: the first ten are those of batches without it
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(11)]
    last = day_of(until)
    places = world()

    progress("people", 0, STAGES)
    people = make_people(streams[0], workers, places, until.year)
    progress("journeys", 1, STAGES)
    ranked = district_sectors(streams[1], SECTORS)
    journeys = make_journeys(streams[1], people, places, ranked, last, until.year)
    progress("contractors", 2, STAGES)
    stays = stays_of(journeys)
    network = make_network(
        streams[2],
        workers,
        journeys.placement_home,
        journeys.placement_destination,
        journeys.placement_sector,
        stays,
        last,
    )
    stays_by_code = np.bincount(journeys.placement_destination[stays.placement], minlength=CODES)
    centres = make_centres(streams[3], people.household_home, stays_by_code, workers)
    first_day, first_destination = journeys.first_departures(workers)
    register(streams[3], people, first_day, first_destination, centres, FIRST_DAY, last)
    if split_share > 0:
        lookalikes = plant_lookalikes(streams[10], people, until.year)
    else:
        lookalikes = Lookalikes(surname=people.household_surname[people.worker_household])
    registrations = plan_registrations(
        streams[10], people, journeys, centres, lookalikes, split_share, last
    )

    progress("records", 3, STAGES)
    events = [
        make_moves(streams[5], journeys, network, people, centres, FIRST_DAY, last),
        make_employments(
            streams[6], journeys, network, people, centres, wage_norms(streams[4]), last
        ),
        make_grievances(streams[7], journeys, network, people, centres, last),
        make_services(streams[8], journeys, people, centres, last),
    ]
    identity = follow_registrations(streams[10], registrations, events, last)
    future_year = max(until.year, 2026) + 4
    for table in events:
        plant_bad_rows(streams[9], table, workers, future_year)

    progress("writing entities", 4, STAGES)
    out = Path(out)
    (out / "answers").mkdir(parents=True, exist_ok=True)
    ids = _Ids(workers, seed, registrations.ids)
    rows = {
        "centres.csv": _write_centres(out, centres),
        "households.csv": _write_households(out, people),
        "workers.csv": _write_workers(
            out, streams[10], people, centres, ids, lookalikes, registrations
        ),
        "employers.csv": _write_employers(out, streams[4], network),
        "contractors.csv": _write_contractors(out, streams[4], network, places),
        "contractor_links.csv": _write_links(out, network),
    }
    progress("writing events", 5, STAGES)
    lines: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for table in events:
        order, number = shuffle(streams[9], table)
        lines[table.name] = (order, number)
        rows[table.name] = _write_events(out, table, order, number, network, centres, ids)
    rows["identity_decisions.csv"] = _write_no_decisions(out)

    progress("answer key", 6, STAGES)
    summary = _write_answers(
        out, events, lines, journeys, network, people, ids, rows, workers, seed, until
    )
    summary["identity_split_rate"] = split_share
    summary["identity"] = _write_identity_answers(
        out, people, centres, ids, lookalikes, registrations, identity
    )
    (out / "answers" / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    progress("done", STAGES, STAGES)
    return summary


def _write_no_decisions(out: Path) -> int:
    """identity_decisions.csv with its header and no rows: nobody has checked a pair yet."""
    columns = RECORD_FILES_BY_NAME["identity_decisions.csv"].columns
    (out / "identity_decisions.csv").write_bytes(header_line(list(columns)))
    return 0


def check_settings(
    workers: int, seed: int, until: dt.date, split_share: float = SPLIT_SHARE
) -> str | None:
    """What is wrong with these settings, in words, or None."""
    if not 0 <= split_share <= 1:
        return "--split-share must be a fraction from 0 to 1"
    if workers < 1:
        return "--workers must be at least 1"
    if seed < 0:
        return "--seed must not be negative"
    if until < dt.date(FIRST_YEAR + 1, 1, 1):
        return f"--until must not be before {FIRST_YEAR + 1}-01-01 (batches start in {FIRST_YEAR})"
    return None


class _Ids:
    """How ids are spelled: widths fixed by the batch's size, record ids by seed and size
    (a record id is unique across batches, so two different batches must not share one)."""

    def __init__(self, workers: int, seed: int, aliases: list[str]) -> None:
        self.worker_width = max(7, len(str(workers)))
        self.household_width = max(6, len(str(workers)))
        self.person_width = max(6, len(str(workers)))
        self.seed, self.workers = seed, workers
        self.aliases = Table.of(aliases)

    def record_prefix(self, file: str) -> str:
        return f"{RECORD_PREFIXES[file]}-{self.seed}s{self.workers}-"

    def worker(self, index: np.ndarray) -> Number:
        return Number(index + 1, width=self.worker_width, prefix="W")

    def person(self, index: np.ndarray) -> Number:
        return Number(index + 1, width=self.person_width, prefix="P")

    def registration(self, person: np.ndarray, alias: np.ndarray) -> Column:
        """The worker id a row was recorded under: the person's first (``W0000001``), or
        a later registration's own id (``alias`` >= 0). An unknown worker (a planted bad
        row, ``person`` out of range) is always a first-registration id."""
        alias = np.where(person < self.workers, alias, -1)
        return Joined(
            Number(person + 1, present=alias < 0, width=self.worker_width, prefix="W"),
            Text(self.aliases, alias),
        )


def _numbered(values: np.ndarray, prefix: str, width: int = 5) -> Number:
    """Ids of the form PREFIX00042 from 0-based indexes (negative: empty)."""
    return Number(np.where(values >= 0, values + 1, -1), width=width, prefix=prefix)


def _contractor_ids(network: Network, index: np.ndarray) -> Number:
    number = np.where(index >= 0, network.number[np.maximum(index, 0)], -1)
    return Number(number, width=5, prefix="CTR")


def _write_centres(out: Path, centres: Centres) -> int:
    n = len(centres.ids)
    every = np.arange(n)
    return write_csv(
        out / "centres.csv",
        {
            "centre_id": Text(centres.ids, every),
            "name": Text(centres.names, every),
            "kind": Text(centres.kinds, every),
            "district_code": Number(centres.districts),
            "organisation": Text(centres.organisations, every),
        },
        n,
    )


def _write_households(out: Path, people: People) -> int:
    registered = np.full(people.households, np.iinfo(np.int64).max)
    np.minimum.at(registered, people.worker_household, people.registered_on)
    return write_csv(
        out / "households.csv",
        {
            "household_id": Number(
                np.arange(people.households) + 1, width=max(6, len(str(people.workers))), prefix="H"
            ),
            "home_district_code": Number(people.household_home),
            "village": Text(VILLAGES, people.household_village),
            "registered_on": Date(registered),
        },
        people.households,
    )


def _write_workers(
    out: Path,
    rng: np.random.Generator,
    people: People,
    centres: Centres,
    ids: _Ids,
    lookalikes: Lookalikes,
    later: Registrations,
) -> int:
    """Every registration: each person's first (``W0000001``, in person order when no one
    registered again), and the later ones, all in random order when there are any."""
    n, m = people.workers, later.count
    person = np.r_[np.arange(n), later.person]
    alias = np.r_[np.full(n, -1), np.arange(m)]
    household = np.r_[people.worker_household, later.household]
    order = rng.permutation(n + m) if m else None
    name: Column = Joined(
        Text(FIRST_NAMES, people.first_name[person]),
        Literal(" "),
        Text(WRITTEN_SURNAMES, lookalikes.surname[person]),
    )
    if m:
        name = Overridden(name, n + m, np.arange(n, n + m), later.names)
    return write_csv(
        out / "workers.csv",
        {
            "worker_id": ids.registration(person, alias),
            "household_id": Number(household + 1, household >= 0, ids.household_width, "H"),
            "name": name,
            "gender": Text(GENDERS, np.r_[people.gender, later.gender]),
            "birth_year": Number(np.r_[people.birth_year, later.birth_year]),
            "phone": Number(np.r_[people.phone, later.phone]),
            "registered_at": Text(centres.ids, np.r_[people.registered_at, later.centre]),
            "registered_on": Date(np.r_[people.registered_on, later.day]),
            "eshram_uan": Number(np.r_[people.eshram, later.eshram]),
        },
        n + m,
        order=order,
    )


def _write_identity_answers(
    out: Path,
    people: People,
    centres: Centres,
    ids: _Ids,
    lookalikes: Lookalikes,
    later: Registrations,
    followed: dict,
) -> dict:
    """``answers/persons.csv`` (every worker id with its person, the first registration and
    the later ones in date order), ``answers/lookalikes.csv``, and the summary's counts."""
    n, m = people.workers, later.count
    person = np.r_[np.arange(n), later.person]
    alias = np.r_[np.full(n, -1), np.arange(m)]
    order = np.lexsort((alias, person))  # aliases are in date order within a person
    variants = Text([*later.variants, ""], np.where(alias < 0, m, alias))
    write_csv(
        out / "answers" / "persons.csv",
        {
            "worker_id": ids.registration(person, alias),
            "person_id": ids.person(person),
            "registration": Text(("primary", "alias"), (alias >= 0).astype(np.int64)),
            "registered_at": Text(centres.ids, np.r_[people.registered_at, later.centre]),
            "name_variant": variants,
        },
        n + m,
        order=order,
    )
    pairs = np.lexsort((lookalikes.other, lookalikes.first))
    write_csv(
        out / "answers" / "lookalikes.csv",
        {
            "worker_id": ids.worker(lookalikes.first[pairs]),
            "other_worker_id": ids.worker(lookalikes.other[pairs]),
            "kind": Text(LOOKALIKE_KINDS, lookalikes.kind[pairs]),
        },
        len(pairs),
    )
    changes: dict[str, int] = {}
    for v in later.variants:
        for c in v.split("+"):
            changes[c] = changes.get(c, 0) + 1
    split = np.bincount(later.person, minlength=n)
    kinds = np.bincount(lookalikes.kind, minlength=len(LOOKALIKE_KINDS))
    return {
        "persons": n,
        "eligible_persons": later.counts.pop("eligible_persons", n),
        "split_persons": int((split > 0).sum()),
        "persons_with_three_registrations": int((split > 1).sum()),
        "alias_rows": m,
        "alias_registered_at": {
            k: int(c) for k, c in zip(KINDS, np.bincount(later.kind, minlength=3), strict=True)
        },
        "alias_names": {
            "unchanged": changes.get("unchanged", 0),
            "devanagari": changes.get("devanagari", 0),
            "latin_variant": sum(v not in ("unchanged", "devanagari") for v in later.variants),
            "by_change": dict(sorted(changes.items())),
        },
        **later.counts,
        **followed,
        "lookalikes": {
            "household_pairs": {LOOKALIKE_KINDS[k]: int(kinds[k]) for k in range(3)},
            "common_name_pairs": int(kinds[3]),
            "common_name_groups": lookalikes.common_name_groups,
        },
    }


def _write_employers(out: Path, rng: np.random.Generator, network: Network) -> int:
    n = len(network.employer_district)
    brand = rng.integers(0, len(BRANDS), n)
    surname = rng.integers(0, len(SURNAMES), n)
    form = rng.integers(0, 1 << 30, n)
    names = []
    for i in range(n):
        forms = EMPLOYER_FORMS[SECTORS[network.employer_sector[i]]]
        names.append(forms[form[i] % len(forms)].format(b=BRANDS[brand[i]], s=SURNAMES[surname[i]]))
    return write_csv(
        out / "employers.csv",
        {
            "employer_id": _numbered(np.arange(n), "EMP"),
            "name": Text(names, np.arange(n)),
            "sector": Text(SECTORS, network.employer_sector),
            "district_code": Number(network.employer_district),
            "registered_principal_employer": Text(
                ("false", "true"), network.employer_principal.astype(np.int64)
            ),
        },
        n,
    )


def _write_contractors(out: Path, rng: np.random.Generator, network: Network, places: World) -> int:
    n = network.contractors
    order = np.argsort(network.number)
    person = np.where(network.role[order] == 2, rng.random(n) < 0.7, rng.random(n) < 0.3)
    first = rng.integers(0, len(MALE_NAMES), n)
    surname = rng.integers(0, len(SURNAMES), n)
    brand = rng.integers(0, len(BRANDS), n)
    form = rng.integers(0, 1 << 30, n)
    serial = rng.integers(0, 100_000, n)
    phone = np.where(rng.random(n) < 0.9, 6_000_000_000 + rng.integers(0, 4_000_000_000, n), -1)
    names, licences = [], []
    for i, c in enumerate(order):
        forms = PERSON_CONTRACTOR_FORMS if person[i] else FIRM_CONTRACTOR_FORMS
        names.append(
            forms[form[i] % len(forms)].format(
                f=MALE_NAMES[first[i]], s=SURNAMES[surname[i]], b=BRANDS[brand[i]]
            )
        )
        if network.licensed[c]:
            state = places.census_state[network.base[c]]
            licences.append(f"ISMW/{state:02d}/{network.licence_year[c]}/{serial[i]:05d}")
        else:
            licences.append("")
    every = np.arange(n)
    return write_csv(
        out / "contractors.csv",
        {
            "contractor_id": Number(network.number[order], width=5, prefix="CTR"),
            "name": Text(names, every),
            "phone": Number(phone),
            "base_district_code": Number(network.base[order]),
            "licence_no": Text(licences, every),
            "licence_valid_until": Date(network.licence_valid_until[order]),
        },
        n,
    )


def _write_links(out: Path, network: Network) -> int:
    target_number = np.where(
        network.link_to_employer,
        network.link_target + 1,
        network.number[np.where(network.link_to_employer, 0, network.link_target)],
    )
    order = np.lexsort(
        (target_number, network.link_to_employer, network.number[network.link_contractor])
    )
    kind = network.link_to_employer[order].astype(np.int64)
    n = len(order)
    return write_csv(
        out / "contractor_links.csv",
        {
            "link_id": _numbered(np.arange(n), "LNK"),
            "contractor_id": _contractor_ids(network, network.link_contractor[order]),
            "supplies_to_kind": Text(("contractor", "employer"), kind),
            "supplies_to_id": Joined(
                Text(("CTR", "EMP"), kind), Number(target_number[order], width=5)
            ),
            "from_date": Date(network.link_from[order]),
            "to_date": Date(network.link_to[order]),
        },
        n,
    )


def _dates(table: Events, column: str) -> Column:
    values = table.columns[column]
    if column in table.broken:
        rows, texts = table.broken[column]
        return Overridden(Date(values), table.rows, rows, texts)
    return Date(values)


def _write_events(
    out: Path,
    table: Events,
    order: np.ndarray,
    number: np.ndarray,
    network: Network,
    centres: Centres,
    ids: _Ids,
) -> int:
    c = table.columns
    record = Number(number, width=8, prefix=ids.record_prefix(table.name))
    centre_table = Table.of(centres.ids)
    if table.name == "moves.csv":
        columns: dict[str, Column] = {
            "record_id": record,
            "worker_id": ids.registration(c["worker"], c["alias"]),
            "from_district_code": Number(c["from"]),
            "to_district_code": Number(c["to"]),
            "departed_on": _dates(table, "departed"),
            "arrived_on": _dates(table, "arrived"),
            "reason": Text(REASONS, c["reason"]),
            "contractor_id": _contractor_ids(network, c["contractor"]),
            "employer_id": _numbered(c["employer"], "EMP"),
            "recorded_by": Text(centre_table, c["recorded_by"]),
            "recorded_on": Date(c["recorded_on"]),
            "source": Text(SOURCES, c["source"]),
        }
    elif table.name == "employments.csv":
        columns = {
            "record_id": record,
            "worker_id": ids.registration(c["worker"], c["alias"]),
            "employer_id": _numbered(c["employer"], "EMP"),
            "contractor_id": _contractor_ids(network, c["contractor"]),
            "district_code": Number(c["district"]),
            "start_on": _dates(table, "start"),
            "end_on": _dates(table, "end"),
            "daily_wage_inr": Number(c["wage"]),
            "advance_inr": Number(c["advance"]),
            "recorded_by": Text(centre_table, c["recorded_by"]),
            "recorded_on": Date(c["recorded_on"]),
        }
    elif table.name == "grievances.csv":
        kind = c["against_employer"].astype(np.int64)
        against = np.where(
            c["against_employer"],
            c["against"] + 1,
            network.number[np.where(kind == 1, 0, c["against"])],
        )
        columns = {
            "record_id": record,
            "worker_id": ids.registration(c["worker"], c["alias"]),
            "against_kind": Text(("contractor", "employer"), kind),
            "against_id": Joined(Text(("CTR", "EMP"), kind), Number(against, width=5)),
            "indicator": Text((*INDICATORS, *UNKNOWN_INDICATORS), c["indicator"]),
            "occurred_on": Date(c["occurred"]),
            "reported_on": _dates(table, "reported"),
            "recorded_by": Text(centre_table, c["recorded_by"]),
            "amount_inr": Number(c["amount"]),
            "status": Text(STATUSES, c["status"]),
        }
    else:
        columns = {
            "record_id": record,
            "worker_id": ids.registration(c["worker"], c["alias"]),
            "centre_id": Text(centre_table, c["centre"]),
            "service": Text(SERVICES, c["service"]),
            "delivered_on": _dates(table, "delivered"),
            "outcome": Text(OUTCOMES, c["outcome"]),
        }
    return write_csv(out / table.name, columns, table.rows, order=order)


def _write_answers(
    out: Path,
    events: list[Events],
    lines: dict[str, tuple[np.ndarray, np.ndarray]],
    journeys: Journeys,
    network: Network,
    people: People,
    ids: _Ids,
    rows: dict[str, int],
    workers: int,
    seed: int,
    until: dt.date,
) -> dict:
    moves = {e.name: e for e in events}["moves.csv"]
    good = moves.valid()
    reported = journeys.departed.copy()
    np.minimum.at(reported, moves.columns["leg"][good], moves.columns["departed"][good])
    circuits = answers.circuits(journeys, reported)
    write_csv(
        out / "answers" / "circuits.csv",
        {
            "person_id": ids.person(circuits["worker"]),
            "worker_id": ids.worker(circuits["worker"]),
            "origin_district_code": Number(circuits["origin"]),
            "destination_district_code": Number(circuits["destination"]),
            "depart_month": Number(circuits["depart_month"]),
            "return_month": Number(circuits["return_month"]),
            "seasons": Number(circuits["seasons"]),
            "first_year": Number(circuits["first_year"]),
            "last_year": Number(circuits["last_year"]),
            "sector": Text(SECTORS, circuits["sector"]),
            "kind": Text(answers.CIRCUIT_KINDS, circuits["kind"]),
        },
        len(circuits["worker"]),
    )

    by_name = {e.name: e for e in events}
    recruits = _recruits(by_name["moves.csv"], by_name["employments.csv"], network, workers)
    order = np.argsort(network.number)
    exploitative = network.exploitative
    write_csv(
        out / "answers" / "contractors.csv",
        {
            "contractor_id": Number(network.number[order], width=5, prefix="CTR"),
            "exploitative": Text(("false", "true"), exploitative[order].astype(np.int64)),
            "pattern": Text(PATTERNS, network.pattern[order]),
            "role": Text(ROLES, network.role[order]),
            "workers": Number(recruits[order]),
            "licensed": Text(("false", "true"), network.licensed[order].astype(np.int64)),
        },
        network.contractors,
    )

    write_csv(
        out / "answers" / "behaviours.csv",
        {
            "worker_id": ids.worker(np.arange(workers)),
            "behaviour": Text(BEHAVIOURS, journeys.behaviour),
        },
        workers,
    )

    bad = _bad_rows(events, lines, ids)
    write_csv(out / "answers" / "bad_rows.csv", bad.pop("columns"), bad.pop("count"))

    summary = _summary(events, journeys, network, people, rows, circuits, bad, workers, seed, until)
    (out / "answers" / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def _recruits(moves: Events, employments: Events, network: Network, workers: int) -> np.ndarray:
    """Distinct workers each contractor is named with in good move and employment rows."""
    parts = []
    for table in (moves, employments):
        ok = table.valid() & (table.columns["contractor"] >= 0)
        parts.append(table.columns["contractor"][ok] * (workers + 1) + table.columns["worker"][ok])
    pairs = np.unique(np.concatenate(parts))
    return np.bincount(pairs // (workers + 1), minlength=network.contractors)


def _bad_rows(events: list[Events], lines: dict, ids: _Ids) -> dict:
    files, line, record, prefix, column, reason = [], [], [], [], [], []
    names = [e.name for e in events]
    reasons: list[str] = []
    columns: list[str] = []
    for table in events:
        order, number = lines[table.name]
        position = np.empty(len(order), np.int64)
        position[order] = np.arange(len(order))
        for rows, file_column, text in table.bad:
            files.append(np.full(len(rows), names.index(table.name)))
            line.append(position[rows] + 2)
            record.append(number[rows])
            prefix.append(np.full(len(rows), names.index(table.name)))
            if file_column not in columns:
                columns.append(file_column)
            if text not in reasons:
                reasons.append(text)
            column.append(np.full(len(rows), columns.index(file_column)))
            reason.append(np.full(len(rows), reasons.index(text)))
    if files:
        f, ln, rec, pre, col, why = (
            np.concatenate(x) for x in (files, line, record, prefix, column, reason)
        )
    else:
        f = ln = rec = pre = col = why = np.zeros(0, np.int64)
    alphabetical = np.argsort(np.argsort(names))
    sort = np.lexsort((ln, alphabetical[f]))
    f, ln, rec, pre, col, why = (a[sort] for a in (f, ln, rec, pre, col, why))
    return {
        "count": len(f),
        "files": [names[i] for i in f],
        "reasons": [
            reasons[i].removesuffix(f" in {columns[c]}") for i, c in zip(why, col, strict=True)
        ],
        "columns": {
            "file": Text(names, f),
            "line": Number(ln),
            "record_or_id": Joined(
                Text([ids.record_prefix(n) for n in names], pre), Number(rec, width=8)
            ),
            "column": Text(columns, col),
            "reason": Text(reasons, why),
        },
    }


def _summary(
    events: list[Events],
    journeys: Journeys,
    network: Network,
    people: People,
    rows: dict[str, int],
    circuits: dict[str, np.ndarray],
    bad: dict,
    workers: int,
    seed: int,
    until: dt.date,
) -> dict:
    """The counts of ``answers/summary.json``, in the sample's layout (plus a few)."""
    by_name = {e.name: e for e in events}
    moves = by_name["moves.csv"]
    valid_moves = moves.valid()
    files = {}
    for name, count in rows.items():
        table = by_name.get(name)
        files[name] = {
            "rows": int(count),
            "valid_rows": int(table.valid().sum()) if table is not None else int(count),
        }
    by_file: dict[str, int] = {}
    by_reason: dict[str, int] = {}
    for file, reason in zip(bad["files"], bad["reasons"], strict=True):
        by_file[file] = by_file.get(file, 0) + 1
        by_reason[reason] = by_reason.get(reason, 0) + 1
    grievances = by_name["grievances.csv"]
    good_grievances = grievances.valid()
    indicator_counts = np.bincount(
        grievances.columns["indicator"][good_grievances], minlength=len(INDICATORS)
    )
    behaviours = np.bincount(journeys.behaviour, minlength=len(BEHAVIOURS))
    moved_on = (journeys.leg == MID) & (journeys.behaviour[journeys.worker] == MULTI_STOP)
    return {
        "format": "field records v1",
        "profile": "synth",
        "generator": "lmt synth",
        "seed": seed,
        "workers": workers,
        "households": people.households,
        "date_range": [date_of(FIRST_DAY).isoformat(), until.isoformat()],
        "files": files,
        "bad_rows": {
            "total": len(bad["files"]),
            "by_file": dict(sorted(by_file.items())),
            "by_reason": dict(sorted(by_reason.items())),
        },
        "circuits": answers.circuit_summary(circuits),
        "behaviours": {BEHAVIOURS[i]: int(c) for i, c in enumerate(behaviours)},
        "multi_stop_journeys": int(np.unique(journeys.journey[moved_on]).size),
        "family_circuit_workers": int(journeys.follower.sum()),
        "near_miss_workers": int(journeys.near_miss.sum()),
        "contractors": {
            "total": network.contractors,
            "exploitative": int(network.exploitative.sum()),
            "by_pattern": {
                PATTERNS[i]: int(c)
                for i, c in sorted(
                    enumerate(np.bincount(network.pattern, minlength=len(PATTERNS))),
                    key=lambda ic: PATTERNS[ic[0]],
                )
            },
            "by_role": {
                ROLES[i]: int(c)
                for i, c in sorted(
                    enumerate(np.bincount(network.role, minlength=len(ROLES))),
                    key=lambda ic: ROLES[ic[0]],
                )
            },
        },
        "employers": len(network.employer_district),
        "trips": int((journeys.leg == OUT).sum()),
        "duplicate_move_reports": int((moves.columns["copy"] & valid_moves).sum()),
        "moves_without_arrival": int(((moves.columns["arrived"] < 0) & valid_moves).sum()),
        "grievances_naming_employer_of_exploitative_contractor": int(
            (grievances.columns["names_employer_of_exploiter"] & good_grievances).sum()
        ),
        "grievances_by_indicator": {
            INDICATORS[i]: int(c)
            for i, c in sorted(enumerate(indicator_counts), key=lambda ic: INDICATORS[ic[0]])
        },
    }
