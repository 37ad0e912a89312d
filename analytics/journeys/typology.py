"""Typologies of journeys: distances between sequences, and K types of trajectory.

What is compared. Each person's monthly sequence (``analytics.journeys.sequences``) with
the away months labelled by the *kind of journey* they belong to, as LMT reads journeys
(``analytics.round_trips``, ``analytics.circuits``):

* ``circuit``: a round trip on one of the person's seasonal circuits;
* ``season``: any other round trip of two months to ten months;
* ``short``: a journey of under two months (``SHORT_DAYS``);
* ``long``: a journey of ten months or more (``LONG_DAYS``), or still away that long;
* ``multi_stop``: a journey home -> A -> B -> home;

besides ``home`` and ``unknown``. The sequences are aligned on each person's first
departure (month 0) and cut to ``horizon`` months, the last month carried on where the
records end: types compare the shape of journeys, not the calendar years they fell in.

Distances (``DISTANCES``): ``hamming`` (the substitution costs summed month by month) and
``om``, optimal matching (TraMineR's ``seqdist(method="OM")``): the cheapest way to turn
one sequence into the other by substitutions (``SUBSTITUTION``) and insertions or deletions
(``INDEL`` each). The costs: a home month against an away month 1; two different kinds of
journey 2; unknown against anything 2; indel 1 (half the largest substitution, the usual
choice). A season a month longer or shorter is a small difference, another kind of journey
a large one (docs/journeys.md gives the recovery of planted behaviours under other costs
and horizons).

Clustering (CLARA, as TraMineR users do with WeightedCluster at scale): identical sequences
are counted once with a weight; a weighted sample of at most ``SAMPLE`` distinct sequences
is clustered with scipy's hierarchical clustering (Ward) into K groups, refined by weighted
k-medoids (alternating: assign to the nearest medoid, then take each group's member with
the least weighted distance to the others); every person then joins the type of the
nearest medoid. Types are numbered by share, largest first, and described in words from
their members' journeys and by their medoid sequence.

Why these libraries (docs/journeys.md): scipy does the hierarchical clustering; no
well-kept small library computes OM distances (``sequenzo`` does, but pulls in seaborn,
scikit-learn, statsmodels, hmmlearn and more, and pins scipy below 1.17), so Hamming is one
matrix product of one-hot codes and OM a dynamic programme vectorised over all pairs at
once, each row of the table in one pass (a running minimum, ``np.minimum.accumulate``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from analytics.journeys.index import JourneyIndex
from analytics.journeys.sequences import HOME, UNKNOWN, Period, default_period, monthly_states
from analytics.round_trips import KINDS, MULTI_STOP, NO_DAY, ROUND_TRIP

TYPOLOGY_STATES = ("unknown", "home", "circuit", "season", "short", "long", "multi_stop")
CIRCUIT, SEASON, SHORT, LONG, MULTI = range(2, 7)
SHORT_DAYS = 60
LONG_DAYS = 300
SUBSTITUTION = np.array(
    [
        # unknown home circuit season short long multi
        [0, 2, 2, 2, 2, 2, 2],
        [2, 0, 1, 1, 1, 1, 1],
        [2, 1, 0, 2, 2, 2, 2],
        [2, 1, 2, 0, 2, 2, 2],
        [2, 1, 2, 2, 0, 2, 2],
        [2, 1, 2, 2, 2, 0, 2],
        [2, 1, 2, 2, 2, 2, 0],
    ],
    dtype=np.float32,
)
"""Home against away 1 (a season a month longer or shorter is a small difference); two
different kinds of journey 2 (what a type is about); unknown against anything 2."""
INDEL = 1.0
HORIZON = 24
"""Months compared, from the first departure (two years: the second year tells a circuit
from a single season; longer horizons split circuits by how many years they lasted)."""
SAMPLE = 2000
"""Most distinct sequences clustered directly (the rest join the nearest medoid)."""
OM_SAMPLE = 500
"""The same for optimal matching, whose cost grows with the square of the length."""
DISTANCES = ("hamming", "om")


@dataclass(frozen=True)
class Typology:
    persons: np.ndarray
    """Person codes, in row order."""
    types: np.ndarray
    """Per person: type 1..K."""
    shares: np.ndarray
    """Per type (index 0 = type 1): share of the persons."""
    descriptions: list[str]
    medoids: np.ndarray
    """(K, horizon) the medoid sequence of each type (``TYPOLOGY_STATES`` codes)."""
    sequences: np.ndarray
    """(persons, horizon) the aligned sequences compared."""
    distance: str


def journey_kind_codes(index: JourneyIndex) -> np.ndarray:
    """Per trip (row of ``index.journeys.trips``): the typology state of its journey."""
    j = index.journeys
    last_day = int(
        max(
            j.trips.departed.max(initial=0),
            j.trips.arrived[j.trips.arrived != NO_DAY].max(initial=0),
        )
    )
    following = np.r_[j.worker[1:] == j.worker[:-1], False]
    next_departure = np.where(following, np.r_[j.departed[1:], 0], last_day)
    end = np.where(j.returned != NO_DAY, j.returned, next_departure).astype(np.int64)
    days = end - j.departed
    # a (person, destination) pair as one integer: district codes are below 1024
    circuit_routes = (
        j.workers.get_indexer(index.circuits["worker_id"]).astype(np.int64) << 10
    ) | index.circuits["destination_district_code"].to_numpy(dtype=np.int64)
    route = (j.worker.astype(np.int64) << 10) | np.maximum(j.destination, 0).astype(np.int64)
    on_circuit = (j.kind == KINDS.index(ROUND_TRIP)) & np.isin(route, circuit_routes)
    kind = np.select(
        [
            j.kind == KINDS.index(MULTI_STOP),
            days >= LONG_DAYS,
            on_circuit,
            days < SHORT_DAYS,
        ],
        [MULTI, LONG, CIRCUIT, SHORT],
        SEASON,
    )
    return kind[index.trip_journey].astype(np.int64)


def aligned_sequences(
    index: JourneyIndex, persons: np.ndarray, horizon: int = HORIZON
) -> np.ndarray:
    """(persons, horizon) typology states from each person's first departure month."""
    period = default_period(index, persons)
    period = Period(period.first, period.last + 1)
    states = monthly_states(index, persons, period, journey_kind_codes(index))
    n, months = states.shape
    away = states >= 2
    first = np.where(away.any(axis=1), away.argmax(axis=1), 0)
    at = np.minimum(first[:, None] + np.arange(horizon)[None, :], months - 1)
    return states[np.arange(n)[:, None], at].astype(np.int8)


# -- distances -----------------------------------------------------------------------------
def hamming(a: np.ndarray, b: np.ndarray, costs: np.ndarray = SUBSTITUTION) -> np.ndarray:
    """(len(a), len(b)) sums of substitution costs month by month: one matrix product of
    one-hot codes, ``onehot(a) (I kron costs) onehot(b)^T``."""
    return _one_hot(a, len(costs)) @ (_one_hot(b, len(costs)) @ _block(costs, a.shape[1])).T


def _one_hot(x: np.ndarray, states: int) -> np.ndarray:
    n, length = x.shape
    out = np.zeros((n, length * states), dtype=np.float32)
    out[np.arange(n)[:, None], np.arange(length)[None, :] * states + x] = 1
    return out


def _block(costs: np.ndarray, length: int) -> np.ndarray:
    return np.kron(np.eye(length, dtype=np.float32), costs.astype(np.float32))


def optimal_matching(
    a: np.ndarray,
    b: np.ndarray | None = None,
    costs: np.ndarray = SUBSTITUTION,
    indel: float = INDEL,
    chunk: int = 2048,
) -> np.ndarray:
    """(len(a), len(b)) optimal matching distances (Needleman-Wunsch edit distance);
    without ``b``, between the rows of ``a`` (each pair computed once).

    For all pairs at once, row ``i`` of the table is ``d[i, j] = min(d[i-1, j] + indel,
    d[i-1, j-1] + sub(a_i, b_j), d[i, j-1] + indel)``; the last term chains along the
    row, and ``min_k (t_k + (j - k) indel) = j indel + cummin(t_k - k indel)`` takes it in
    one vectorised pass: rows in a Python loop, pairs and columns in numpy. ``chunk`` pairs
    at a time: 2,048 keep the working rows in the CPU's cache (on this machine a 500-sequence
    table took 1.0 s CPU so, 2.4 s at 20,000 pairs a time).
    """
    if b is None:
        ia, ib = np.triu_indices(len(a), k=1)
        other = a
    else:
        grid_a, grid_b = np.meshgrid(np.arange(len(a)), np.arange(len(b)), indexing="ij")
        ia, ib = grid_a.ravel(), grid_b.ravel()
        other = b
    found = np.empty(len(ia), dtype=np.float32)
    for start in range(0, len(ia), chunk):
        sl = slice(start, start + chunk)
        found[sl] = _om_pairs(a[ia[sl]], other[ib[sl]], costs.astype(np.float32), np.float32(indel))
    if b is not None:
        return found.reshape(len(a), len(b))
    out = np.zeros((len(a), len(a)), dtype=np.float32)
    out[ia, ib] = found
    out[ib, ia] = found
    return out


def _om_pairs(x: np.ndarray, y: np.ndarray, costs: np.ndarray, indel: np.float32) -> np.ndarray:
    """The table's rows for ``n`` pairs at once, laid out (columns, pairs): each numpy pass,
    the running minimum too, then runs along contiguous memory over all pairs."""
    n, la = x.shape
    lb = y.shape[1]
    ramp = (np.arange(lb + 1, dtype=np.float32) * indel)[:, None]
    row = np.broadcast_to(ramp, (lb + 1, n)).copy()
    t = np.empty_like(row)
    states = len(costs)
    flat = costs.ravel()
    y_t = np.ascontiguousarray(y.T, dtype=np.intp)  # (lb, n)
    x_at = x.astype(np.intp) * states
    sub = np.empty((lb, n), dtype=np.float32)
    for i in range(la):
        np.take(flat, y_t + x_at[:, i], out=sub)  # sub(a_i, b_j) for every j and pair
        np.add(row[0], indel, out=t[0])
        np.minimum(row[1:] + indel, row[:-1] + sub, out=t[1:])
        t -= ramp
        np.minimum.accumulate(t, axis=0, out=row)
        row += ramp
    return row[-1]


def distances(a: np.ndarray, b: np.ndarray | None = None, method: str = "hamming") -> np.ndarray:
    """Distances between the rows of ``a`` and ``b`` (without ``b``: of ``a`` among
    themselves) by ``method``, one of ``DISTANCES``."""
    if method == "hamming":
        return hamming(a, a if b is None else b)
    if method == "om":
        return optimal_matching(a, b)
    raise ValueError(f"unknown distance {method!r} (one of {', '.join(DISTANCES)})")


# -- clustering ----------------------------------------------------------------------------
def typology(
    index: JourneyIndex,
    persons: np.ndarray,
    k: int,
    distance: str = "hamming",
    horizon: int = HORIZON,
    seed: int = 0,
) -> Typology:
    """K types of the persons' trajectories (see the module docstring)."""
    if k < 1:
        raise ValueError("the number of types must be at least 1")
    if distance not in DISTANCES:
        raise ValueError(f"unknown distance {distance!r} (one of {', '.join(DISTANCES)})")
    persons = np.asarray(persons, dtype=np.int64)
    seqs = aligned_sequences(index, persons, horizon)
    distinct, of_person, weight = np.unique(seqs, axis=0, return_inverse=True, return_counts=True)
    of_person = of_person.ravel()
    k = min(k, len(distinct))
    limit = SAMPLE if distance == "hamming" else OM_SAMPLE
    if len(distinct) <= limit:
        sample = np.arange(len(distinct))
    else:
        rng = np.random.default_rng(seed)
        sample = np.sort(
            rng.choice(len(distinct), size=limit, replace=False, p=weight / weight.sum())
        )
    medoids = _medoids(distances(distinct[sample], method=distance), weight[sample], k)
    medoid_seqs = distinct[sample[medoids]]
    group = distances(distinct, medoid_seqs, distance).argmin(axis=1)
    # number types by share, largest first
    share = np.bincount(group, weights=weight, minlength=k) / weight.sum()
    order = np.argsort(-share, kind="stable")
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(k)
    types = rank[group][of_person] + 1
    medoid_seqs = medoid_seqs[order]
    return Typology(
        persons=persons,
        types=types,
        shares=share[order],
        descriptions=[describe(seqs[types == t + 1], medoid_seqs[t]) for t in range(k)],
        medoids=medoid_seqs,
        sequences=seqs,
        distance=distance,
    )


def _medoids(d: np.ndarray, weight: np.ndarray, k: int, rounds: int = 50) -> np.ndarray:
    """Ward's hierarchical clustering into k groups, refined by weighted k-medoids."""
    d = (d + d.T) / 2
    np.fill_diagonal(d, 0)
    if len(d) == 1:
        return np.zeros(1, dtype=np.int64)
    groups = fcluster(linkage(squareform(d, checks=False), "ward"), k, "maxclust") - 1
    medoids = _group_medoids(d, weight, groups, k)
    for _ in range(rounds):
        groups = d[:, medoids].argmin(axis=1)
        fresh = _group_medoids(d, weight, groups, k, medoids)
        if np.array_equal(fresh, medoids):
            break
        medoids = fresh
    return medoids


def _group_medoids(
    d: np.ndarray,
    weight: np.ndarray,
    groups: np.ndarray,
    k: int,
    previous: np.ndarray | None = None,
) -> np.ndarray:
    """Each group's member with the least weighted distance to the group's members."""
    cost = np.zeros((len(d), k))
    np.add.at(cost.T, groups, (d * weight[:, None]))  # cost[i, g] = sum over members of g
    cost = np.where(np.arange(k)[None, :] == groups[:, None], cost, np.inf)
    best = cost.argmin(axis=0)
    empty = ~np.isfinite(cost.min(axis=0))
    if empty.any():  # a group lost every member: keep its medoid (or take any point)
        best[empty] = previous[empty] if previous is not None else 0
    return best


# -- words ---------------------------------------------------------------------------------
KIND_WORDS = {
    CIRCUIT: "seasonal circuits (the same round trip year after year)",
    SEASON: "seasons away not repeated as a circuit",
    SHORT: "short trips of under two months",
    LONG: "long stays away (ten months or more)",
    MULTI: "multi-stop journeys (home, one place, another, home)",
}


def describe(members: np.ndarray, medoid: np.ndarray) -> str:
    """A type in words: its main kind of journey, trips and months away per person in
    the first four years from the first departure, and the medoid's pattern."""
    if not len(members):
        return "no persons"
    away = members >= 2
    kinds = np.bincount(members[away], minlength=len(TYPOLOGY_STATES))
    main = int(kinds.argmax()) if kinds.sum() else HOME
    starts = away & ~np.c_[np.zeros((len(members), 1), bool), away[:, :-1]]
    trips = starts.sum(axis=1).mean()
    months = away.sum(axis=1).mean()
    words = KIND_WORDS.get(main, "mostly at home")
    unknown = (members == UNKNOWN).mean()
    text = f"mainly {words}: {trips:.1f} trips, {months:.0f} months away in {members.shape[1]}"
    text += " months from the first departure"
    if unknown >= 0.2:
        text += f"; whereabouts unknown {unknown:.0%} of the time"
    return f"{text}; typical pattern {pattern(medoid)}"


def pattern(sequence: np.ndarray) -> str:
    """``circuit 5m, home 7m, circuit 5m, ...``: the spells of a sequence."""
    change = np.r_[True, sequence[1:] != sequence[:-1]]
    starts = np.flatnonzero(change)
    lengths = np.diff(np.r_[starts, len(sequence)])
    return ", ".join(
        f"{TYPOLOGY_STATES[sequence[s]]} {n}m" for s, n in zip(starts, lengths, strict=True)
    )


def types_table(result: Typology, index: JourneyIndex) -> pd.DataFrame:
    """One row per person: person_id, worker_id (first registered), type, description
    (what ``lmt journeys --types K --out FILE`` writes)."""
    return pd.DataFrame(
        {
            "person_id": index.person_ids[result.persons].astype(str),
            "worker_id": index.first_worker[result.persons],
            "type": result.types,
            "description": np.asarray(result.descriptions, dtype=object)[result.types - 1],
        }
    )


def adjusted_rand_index(a: np.ndarray, b: np.ndarray) -> float:
    """Hubert and Arabie's adjusted Rand index of two labellings (1: the same partition)."""
    _, a = np.unique(np.asarray(a), return_inverse=True)
    _, b = np.unique(np.asarray(b), return_inverse=True)
    table = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(table, (a, b), 1)

    def pairs(x: np.ndarray) -> float:
        return float((x * (x - 1) / 2).sum())

    both, rows, cols = pairs(table), pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    expected = rows * cols / pairs(np.array([len(a)]))
    top = (rows + cols) / 2 - expected
    return 1.0 if top == 0 else (both - expected) / top
