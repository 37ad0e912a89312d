"""Linking registrations into persons in the store: from scratch, or a batch at a time.

``link(store)`` is what ingestion runs after every batch. Registrations without a person are
compared with the store (blocking finds their candidates among all registrations), scored
with the model kept in the store, and joined to existing persons or made persons of their
own; existing persons are not re-clustered, so their ids stay. A new registration that
links two persons merges them and the older id stays. Decisions (``identity_decisions.csv``
or the API) re-cluster only the persons they touch: a ``not_same_person`` splits one, a
``same_person`` joins two, and both outrank every model score from then on.

``link(store, full=True)`` trains the model on the whole store and clusters it again, keeping
each person's id where its registrations stay together (``clusters.assign_ids``).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pydantic import BaseModel

from graph_schema import IDENTITY_DECIDED, IS_PERSON, MATCHES, Person
from tracker.identity import cache
from tracker.identity.blocking import key_rows, pairs_from_keys
from tracker.identity.clusters import assign_ids, cluster, person_number
from tracker.identity.comparisons import compare
from tracker.identity.model import (
    ModelParameters,
    capped,
    pair_frequencies,
    probabilities,
    token_shares,
    train,
)
from tracker.identity.records import read_registrations, union
from tracker.store import GraphStore

MODEL_SETTING = "identity_model"
TOKENS_SETTING = "identity_token_shares"
NEXT_PERSON_SETTING = "identity_next_person"


class Thresholds(BaseModel):
    """Match probabilities that decide a pair: at or above ``link_at`` one person; from
    ``review_at`` up to it a review candidate; below, two persons. ``apart_below``: a pair
    this unlikely keeps its two persons apart even when other links would chain them.
    Defaults from the identity sample's precision and recall (docs/identity.md)."""

    link_at: float = 0.4
    review_at: float = 0.1
    apart_below: float = 0.1


@dataclass
class LinkReport:
    registrations: int
    new_registrations: int
    candidate_pairs: int
    linked_pairs: int
    review_pairs: int
    persons: int
    trained: bool
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    peaks: dict[str, float] = field(default_factory=dict)
    """The process's peak resident memory (GiB) at the end of each stage: what the peak
    is made of (``bench.bench_linkage``)."""
    cpu: dict[str, float] = field(default_factory=dict)
    """CPU seconds (user + system, every thread) of each stage: beside ``timings`` it
    tells work from waiting (on a shared machine, on the disk, on the store's threads)."""
    matcher: str = "read"
    """How the registrations were had: ``read`` from the store, the cache ``kept`` as it
    was or ``patched`` with what changed (``cache.matcher``)."""


def link(
    store: GraphStore,
    *,
    full: bool = False,
    thresholds: Thresholds | None = None,
    today: dt.date | None = None,
    copy_persons_from: int | None = None,
) -> LinkReport:
    """Give every registration in the store a person (see module docstring).
    ``copy_persons_from``: more new persons than this are added by ``COPY``
    (default ``COPY_PERSONS_FROM``)."""
    copy_from = COPY_PERSONS_FROM if copy_persons_from is None else copy_persons_from
    started = time.monotonic()
    thresholds = thresholds or Thresholds()
    cpu_started = time.process_time()
    timings: dict[str, float] = {}
    peaks: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def lap(name: str) -> None:
        timings[name] = round(time.monotonic() - started - sum(timings.values()), 3)
        cpu[name] = round(time.process_time() - cpu_started - sum(cpu.values()), 3)
        peaks[name] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)

    params = _stored_model(store)
    if full or params is None or not params.fits():
        report = _link_all(store, thresholds, today, lap, copy_from)
    else:
        report = _link_batch(store, params, thresholds, today, lap, copy_from)
    report.seconds = round(time.monotonic() - started, 3)
    report.timings = timings
    report.peaks = peaks
    report.cpu = cpu
    return report


def _link_all(
    store: GraphStore,
    thresholds: Thresholds,
    today: dt.date | None,
    lap: Callable[[str], None],
    copy_from: int,
) -> LinkReport:
    """Train the model on the whole store and cluster it again (ids kept where they can)."""
    stamps, marks = cache.stamps(store), cache.all_marks(store)
    regs = read_registrations(store)
    n = len(regs)
    index = pd.Index(regs.table["worker_id"])
    person_of, current = _persons_by_position(store, index)
    decisions = read_decisions(store, index)
    _decided_positions(store, index)  # every decision is applied: none is left to do
    lap("read")
    keys = key_rows(regs)
    pairs = pairs_from_keys(keys, n)
    lap("block")
    # kept now, not after the persons: the keys and marks need not be held while comparing
    folder = cache.cache_folder(store)
    if folder is not None:
        cache.save(folder, cache.from_registrations(regs, keys), stamps, marks)
    del keys, marks
    lap("keep")
    levels = compare(regs, pairs["a"].to_numpy(), pairs["b"].to_numpy())
    lap("compare")
    params = train(regs, pairs, levels)
    store.put_setting(MODEL_SETTING, params.model_dump_json())
    lap("train")
    shares = token_shares(regs)
    store.put_setting(TOKENS_SETTING, shares.to_json())
    tf = pair_frequencies(regs, pairs["a"].to_numpy(), pairs["b"].to_numpy(), shares)
    pairs["match_probability"] = probabilities(params, levels, tf)
    pairs["names_differ"] = capped(levels)
    del levels, tf
    same, not_same = decisions
    roots, links = cluster(
        n, pairs, thresholds.link_at, thresholds.apart_below, same=same, not_same=not_same
    )
    lap("cluster")
    next_number = int(store.get_setting(NEXT_PERSON_SETTING) or 0) or _next_free(person_of)
    ids, next_number = assign_ids(
        roots, person_of, regs.table["registered_day"].to_numpy(), next_number
    )
    store.put_setting(NEXT_PERSON_SETTING, str(next_number))
    worker = regs.table["worker_id"].to_numpy()
    _write(store, worker, current, ids, links, pairs, thresholds, None, today, copy_from)
    lap("write")
    return _report(n, n, pairs, thresholds, int(ids.nunique()), trained=True)


def _link_batch(
    store: GraphStore,
    params: ModelParameters,
    thresholds: Thresholds,
    today: dt.date | None,
    lap: Callable[[str], None],
    copy_from: int,
) -> LinkReport:
    """Place the registrations without a person, and re-cluster the persons that new
    decisions name; every other person stays as it is.

    Works on the registrations the batch can touch alone (``scope``: the new and decided
    ones, every candidate they meet and every registration of the persons those hold),
    numbered in worker-id order, so the persons are those clustering the whole store with
    the others held together would give."""
    matcher, how = cache.matcher(store)
    n = len(matcher)
    index = matcher.worker_ids
    person_of, current = _persons_by_position(store, index)
    same, not_same = read_decisions(store, index)
    lap("read")
    new = np.flatnonzero(person_of.isna().to_numpy())
    decided = _decided_positions(store, index)
    if len(new) == 0 and not len(decided):
        report = _report(n, 0, _no_pairs(), thresholds, int(person_of.nunique()), trained=False)
        report.matcher = how
        return report
    pairs = pairs_from_keys(matcher.keys, n, new) if len(new) else _no_pairs()
    if len(decided):
        # re-cluster the decided persons whole: every pair among their registrations
        inner = _all_pairs(_members(person_of, decided))
        pairs = pd.concat([pairs, inner], ignore_index=True).drop_duplicates(["a", "b"])
        pairs = pairs.sort_values(["a", "b"], ignore_index=True)
    lap("block")
    compared = union(pairs["a"].to_numpy(), pairs["b"].to_numpy())
    regs = matcher.registrations(compared)
    a = np.searchsorted(compared, pairs["a"].to_numpy())
    b = np.searchsorted(compared, pairs["b"].to_numpy())
    levels = compare(regs, a, b)
    shares = matcher.token_shares()
    store.put_setting(TOKENS_SETTING, shares.to_json())
    pairs["match_probability"] = probabilities(params, levels, pair_frequencies(regs, a, b, shares))
    pairs["names_differ"] = capped(levels)
    lap("compare")

    rescored = union(new, decided)
    if len(decided):
        rescored = union(rescored, _members(person_of, decided))
    decided_ends = np.concatenate([same.to_numpy().ravel(), not_same.to_numpy().ravel()])
    scope = union(compared, rescored, decided_ends.astype(np.int64))
    scope = _members(person_of, scope)
    local = _Local(scope)
    previous = person_of.iloc[scope].reset_index(drop=True)
    held_together = _existing_persons(previous, exclude=local(rescored))
    roots, links = cluster(
        len(scope),
        local.frame(pairs),
        thresholds.link_at,
        thresholds.apart_below,
        same=pd.concat([local.frame(same), held_together]),
        not_same=local.frame(not_same),
    )
    lap("cluster")
    next_number = int(store.get_setting(NEXT_PERSON_SETTING) or 0) or _next_free(person_of)
    day = matcher.column("registered_day")[scope]
    ids, next_number = assign_ids(roots, previous, day, next_number)
    store.put_setting(NEXT_PERSON_SETTING, str(next_number))
    worker = index.to_numpy()[scope]
    in_scope = np.zeros(n + 1, dtype=bool)  # the last: rows of no position
    in_scope[scope] = True
    old = current[in_scope[current["position"].to_numpy()]]
    scored = local.frame(pairs)
    _write(store, worker, old, ids, links, scored, thresholds, held_together, today, copy_from)
    lap("write")
    outside = np.ones(n, dtype=bool)
    outside[scope] = False
    persons = int(person_of[outside].nunique()) + int(ids.nunique())
    report = _report(n, len(new), pairs, thresholds, persons, trained=False)
    report.matcher = how
    return report


class _Local:
    """Positions of the whole store as positions in ``scope`` (ascending), in order."""

    def __init__(self, scope: np.ndarray) -> None:
        self.scope = scope

    def __call__(self, positions: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.scope, positions)

    def frame(self, pairs: pd.DataFrame) -> pd.DataFrame:
        return pairs.assign(
            a=self(pairs["a"].to_numpy(dtype=np.int64)),
            b=self(pairs["b"].to_numpy(dtype=np.int64)),
        )


def _persons_by_position(store: GraphStore, index: pd.Index) -> tuple[pd.Series, pd.DataFrame]:
    """Each position's person id as stored (None for a registration without one), and
    the stored ``IS_PERSON`` rows by worker id, with their ``position`` (-1: not in
    ``index``)."""
    current = store.edge_table(IS_PERSON)
    at = index.get_indexer(pd.Index(current["worker_id"]))
    person_of = pd.Series([None] * len(index), dtype=object)
    known = at >= 0
    person_of.iloc[at[known]] = current["person_id"].to_numpy()[known]
    return person_of, current.assign(position=at).set_index("worker_id")


def _among(values: pd.Index | pd.Series | np.ndarray, pool: pd.Index | pd.Series) -> np.ndarray:
    """Which ``values`` are in ``pool``, by hashing (``isin`` on Arrow-backed strings
    loops in Python: seconds for a million ids)."""
    known = pd.Index(np.asarray(pool, dtype=object)).unique()
    return known.get_indexer(np.asarray(values, dtype=object)) >= 0


def _report(
    n: int,
    new: int,
    pairs: pd.DataFrame,
    thresholds: Thresholds,
    persons: int,
    *,
    trained: bool,
) -> LinkReport:
    p = pairs.get("match_probability", pd.Series([], dtype=float))
    linked = int((p >= thresholds.link_at).sum())
    review = int(((p >= thresholds.review_at) & (p < thresholds.link_at)).sum())
    return LinkReport(
        registrations=n,
        new_registrations=new,
        candidate_pairs=len(pairs),
        linked_pairs=linked,
        review_pairs=review,
        persons=persons,
        trained=trained,
        seconds=0.0,
    )


def _no_pairs() -> pd.DataFrame:
    return pd.DataFrame({"a": np.array([], dtype=np.int64), "b": np.array([], dtype=np.int64)})


def _stored_model(store: GraphStore) -> ModelParameters | None:
    raw = store.get_setting(MODEL_SETTING)
    return ModelParameters.model_validate_json(raw) if raw else None


def stored_model(store: GraphStore) -> ModelParameters | None:
    """The model the last full linkage trained (None before any)."""
    return _stored_model(store)


def stored_token_shares(store: GraphStore) -> pd.Series | None:
    """Name tokens' shares of registrations at the last linkage."""
    raw = store.get_setting(TOKENS_SETTING)
    return pd.read_json(io.StringIO(raw), typ="series") if raw else None


def read_decisions(store: GraphStore, index: pd.Index) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(same_person pairs, not_same_person pairs) as positions in ``index`` (the worker
    ids in order); the latest row of a ``decision_id`` is the one stored (a record sent
    again replaces its edge)."""
    table = store.edge_table(IDENTITY_DECIDED)
    a = index.get_indexer(pd.Index(table["worker_id"]))
    b = index.get_indexer(pd.Index(table["other_worker_id"]))
    frame = pd.DataFrame({"a": a, "b": b, "decision": table["decision"].to_numpy()})
    frame = frame[(frame["a"] >= 0) & (frame["b"] >= 0)]
    same = frame[frame["decision"] == "same_person"][["a", "b"]]
    not_same = frame[frame["decision"] == "not_same_person"][["a", "b"]]
    return same.reset_index(drop=True), not_same.reset_index(drop=True)


DECISIONS_SEEN_SETTING = "identity_decisions_seen"


def _decided_positions(store: GraphStore, index: pd.Index) -> np.ndarray:
    """Registrations named by decisions not yet applied (those since the last linkage)."""
    table = store.edge_table(IDENTITY_DECIDED)
    seen = set(json.loads(store.get_setting(DECISIONS_SEEN_SETTING) or "[]"))
    fingerprint = (
        table["decision_id"].astype(str)
        + "="
        + table["decision"].astype(str)
        + ":"
        + table["worker_id"].astype(str)
        + "|"
        + table["other_worker_id"].astype(str)
    )
    fresh = ~fingerprint.isin(seen)
    store.put_setting(DECISIONS_SEEN_SETTING, json.dumps(sorted(fingerprint)))
    ids = pd.concat([table["worker_id"][fresh], table["other_worker_id"][fresh]])
    positions = index.get_indexer(pd.Index(ids.drop_duplicates()))
    return positions[positions >= 0]


def _members(person_of: pd.Series, positions: np.ndarray) -> np.ndarray:
    people = set(person_of.iloc[positions].dropna())
    mask = person_of.isin(people).to_numpy()
    return union(np.flatnonzero(mask), positions)


def _all_pairs(positions: np.ndarray) -> pd.DataFrame:
    combos = list(itertools.combinations(sorted(int(p) for p in positions), 2))
    if not combos:
        return _no_pairs()
    a, b = zip(*combos, strict=True)
    return pd.DataFrame({"a": np.array(a, dtype=np.int64), "b": np.array(b, dtype=np.int64)})


def _existing_persons(person_of: pd.Series, exclude: np.ndarray) -> pd.DataFrame:
    """Pairs that hold each existing person together (a chain through its members),
    leaving out the registrations being re-clustered."""
    frame = pd.DataFrame({"person": person_of, "pos": np.arange(len(person_of))})
    frame = frame.dropna()
    frame = frame[~frame["pos"].isin(exclude)]
    frame["first"] = frame.groupby("person")["pos"].transform("min")
    frame = frame[frame["pos"] != frame["first"]]
    return pd.DataFrame({"a": frame["first"].to_numpy(), "b": frame["pos"].to_numpy()})


def _next_free(person_of: pd.Series) -> int:
    numbers = [person_number(p) for p in person_of.dropna().unique()]
    return max(numbers, default=0) + 1


def _write(
    store: GraphStore,
    worker: np.ndarray,
    old: pd.DataFrame,
    ids: pd.Series,
    links: pd.DataFrame,
    pairs: pd.DataFrame,
    thresholds: Thresholds,
    held_together: pd.DataFrame | None,
    today: dt.date | None,
    copy_from: int,
) -> None:
    """Write the persons of the registrations ``worker`` (by position) whose person or
    link changed, and the scored pairs; ``old``: their stored ``IS_PERSON`` rows, by
    worker id."""
    # how each registration is held in its person: the weakest link touching it
    new_links = links
    if held_together is not None and len(held_together):
        forced = pd.MultiIndex.from_frame(held_together[["a", "b"]].astype("int64"))
        keyed = pd.MultiIndex.from_frame(new_links[["a", "b"]].astype("int64"))
        new_links = new_links[~keyed.isin(forced)]
    ends = pd.concat(
        [
            new_links[["a", "match_probability", "linked_by"]].rename(columns={"a": "pos"}),
            new_links[["b", "match_probability", "linked_by"]].rename(columns={"b": "pos"}),
        ]
    )
    ends["by_decision"] = ends["linked_by"] == "decision"
    held = ends.groupby("pos").agg(
        match_probability=("match_probability", "min"), by_decision=("by_decision", "any")
    )
    frame = pd.DataFrame({"worker_id": worker, "person_id": ids.to_numpy()})
    size = frame.groupby("person_id")["worker_id"].transform("size")
    frame["linked_by"] = np.where(size > 1, "model", "alone")
    frame["match_probability"] = np.nan
    pos = held.index.to_numpy()
    frame.loc[pos, "match_probability"] = held["match_probability"].to_numpy()
    frame.loc[pos[held["by_decision"].to_numpy()], "linked_by"] = "decision"
    frame.loc[frame["linked_by"] == "decision", "match_probability"] = np.nan
    # registrations whose person and link did not change keep what was stored
    before = old.reindex(frame["worker_id"])
    unchanged_person = before["person_id"].to_numpy() == frame["person_id"].to_numpy()
    untouched = unchanged_person & ~np.isin(np.arange(len(frame)), pos)
    keep = untouched & (size.to_numpy() > 1)
    frame.loc[keep, "linked_by"] = before["linked_by"].to_numpy()[keep]
    frame.loc[keep, "match_probability"] = before["match_probability"].to_numpy()[keep]
    frame.loc[frame["linked_by"] == "alone", "match_probability"] = np.nan
    changed = ~(
        unchanged_person
        & (before["linked_by"].to_numpy() == frame["linked_by"].to_numpy())
        & (
            (before["match_probability"].to_numpy() == frame["match_probability"].to_numpy())
            | (before["match_probability"].isna().to_numpy() & frame["match_probability"].isna())
        )
    )
    write = frame[changed]
    if len(write):
        made = set(write["person_id"]) - set(old["person_id"])
        if made:
            made_persons = pd.DataFrame({"person_id": sorted(made), "created_on": today})
            _write_persons(store, made_persons, copy_from)
        # only edges there are go (a first linkage removes none): the first transaction
        # holds every edge that replaces a removed one, and 1,000,000 filled the read pool
        remove = write[["worker_id"]][_among(write["worker_id"], old.index)]
        store.write_edges(IS_PERSON, write, remove=remove)
    scored = pairs[pairs["match_probability"] >= thresholds.review_at]
    if len(scored):
        a = worker[scored["a"].to_numpy()]
        b = worker[scored["b"].to_numpy()]
        edges = pd.DataFrame(
            {
                "worker_id": a,
                "other_worker_id": b,
                "pair_id": (pd.Series(a, dtype=str) + "|" + pd.Series(b, dtype=str)).to_numpy(),
                "match_probability": scored["match_probability"].to_numpy(),
                "status": np.where(
                    scored["match_probability"].to_numpy() >= thresholds.link_at,
                    "linked",
                    "review",
                ),
            }
        )
        remove = edges[["worker_id", "pair_id"]]
        if len(edges) > REMOVE_UNREAD:
            # only pairs there are go: the first transaction holds every edge that
            # replaces a removed one (see IS_PERSON above)
            held = store.edge_table(MATCHES, columns=["pair_id"])["pair_id"]
            remove = remove[_among(edges["pair_id"], held)]
        store.write_edges(MATCHES, edges, remove=remove)


def _write_persons(store: GraphStore, persons: pd.DataFrame, copy_from: int) -> None:
    """Create (or update) the ``Person`` nodes of ``persons``. Many (a first linkage) are
    added by ``COPY``, all but those the store holds already (a merged-away person's node
    stays): the ``MERGE`` of 783,842 persons took 24 s of a linkage from scratch."""
    if len(persons) > copy_from:
        held = _among(persons["person_id"], store.node_table(Person)["person_id"])
        store.write_nodes(Person, persons[~held], new=True)
        persons = persons[held]
    store.write_nodes(Person, persons)


COPY_PERSONS_FROM = 100_000
"""More new persons than this are written by ``COPY`` (``_write_persons``); fewer are
merged without reading the store's persons first."""

REMOVE_UNREAD = 200_000
"""Scored pairs up to this many (a batch's) are removed by key before they are written,
whether stored or not (removing an edge that is not there does nothing): the pairs of the
whole store are not read to find out (1.4 million pair ids at 1,380,901 registrations)."""
