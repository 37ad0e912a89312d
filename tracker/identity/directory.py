"""Who is whom, in memory: each worker id's person, the person's worker ids, and the pairs
still waiting for a person to decide, for timelines per person (``tracker.timeline``).

Why in memory: the timeline is the API's hot path, and a field officer opening any of a
person's worker ids must see the whole person. Asking the store for the person and then
for its registrations would cost two more lookups per timeline; these arrays answer from
memory, built once per store state (``api.state.Generation``) from the linkage's edges
(``IS_PERSON``, and the review queue of ``MATCHES``: ``tracker.identity.views.candidates``).

Why arrays, not dicts of strings: at a million workers a dict from worker id to person id
and one from person id to a tuple of ids cost a few hundred bytes a worker; here a worker
costs a few integers (its person's code, its place in the person's list, its pairs), and a
person its id once (docs/benchmarks.md "person directory"). Rows are the positions of the
worker ids the directory is given (the API's search index: ``WorkerIndex.ids``, whose
``by_id`` it shares), so no worker id is held twice.

What a person's answer holds (``PersonOf``): the person id (None for a worker no linkage
has placed yet: its own person), the worker ids in registration order (earliest
``registered_on`` first, then the smallest id: the first is the person's *key*, as in
``analytics.persons``), and the suggestions: review-queue pairs (between the review and
the link threshold, decided by no one, either way round) from one of the person's worker
ids to a worker id of another person, strongest first. They are suggestions, never merged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from graph_schema import Worker
from tracker.identity.keys import linked_persons
from tracker.identity.views import candidates
from tracker.store import GraphStore, Record

KEPT = 65_536
"""How many workers' persons a directory keeps worked out (``PersonDirectory.of``)."""


@dataclass(frozen=True)
class PersonOf:
    """A worker id's person, as a timeline shows it."""

    person_id: str | None
    worker_ids: tuple[str, ...]
    suggestions: tuple[Record, ...]
    """``{"worker_id", "other_worker_id", "match_probability"}``: ``worker_id`` one of
    this person's, ``other_worker_id`` a worker id of another person."""


def _rows(by_id: Mapping[str, int], ids: pd.Series) -> np.ndarray:
    """The row of each id (-1: not a row). Through a list: iterating an Arrow-backed
    column one value at a time costs five times the dict lookups."""
    get = by_id.get
    return np.array([get(w, -1) for w in ids.astype(str).tolist()], dtype=np.int64)


def _offsets(groups: np.ndarray, count: int) -> np.ndarray:
    """Where each group starts in rows sorted by group (``count`` + 1 offsets)."""
    out = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(groups, minlength=count), out=out[1:])
    return out


@dataclass(frozen=True, eq=False)
class PersonDirectory:
    ids: Sequence[str]
    by_id: Mapping[str, int]
    person_of_row: np.ndarray
    """int32 per row: the person's code, -1 for a worker id no linkage has placed."""
    person_ids: np.ndarray
    """The person id of each code (fixed-width strings)."""
    member_start: np.ndarray
    members: np.ndarray
    """Rows of each person's worker ids, in registration order: code c's are
    ``members[member_start[c]:member_start[c + 1]]``."""
    pair_start: np.ndarray
    pair_other: np.ndarray
    pair_probability: np.ndarray
    """Each row's suggestions, strongest first: row r's are at
    ``pair_start[r]:pair_start[r + 1]``."""

    @classmethod
    def build(
        cls,
        store: GraphStore,
        ids: Sequence[str] | None = None,
        by_id: Mapping[str, int] | None = None,
        registered_on: np.ndarray | None = None,
    ) -> PersonDirectory:
        """From the store's linkage. ``ids``, ``by_id`` and ``registered_on`` (one
        ``datetime64[D]`` a row) are the worker rows to use (the API's search index); none
        given: the Worker table's."""
        if ids is None or by_id is None or registered_on is None:
            workers = store.node_table(Worker)[["worker_id", "registered_on"]]
            ids = [str(w) for w in workers["worker_id"].tolist()]
            by_id = {w: row for row, w in enumerate(ids)}
            registered_on = pd.to_datetime(workers["registered_on"]).to_numpy("datetime64[D]")
        review = candidates(store, status="review", undecided=True)
        return cls.from_tables(ids, by_id, registered_on, linked_persons(store), review)

    @classmethod
    def from_tables(
        cls,
        ids: Sequence[str],
        by_id: Mapping[str, int],
        registered_on: np.ndarray,
        links: pd.DataFrame,
        review: pd.DataFrame,
    ) -> PersonDirectory:
        """``links``: ``worker_id``, ``person_id`` of the placed registrations;
        ``review``: ``worker_id``, ``other_worker_id``, ``match_probability`` of the pairs
        to suggest (pairs within one person are left out here)."""
        n = len(ids)
        rows = _rows(by_id, links["worker_id"])
        known = rows >= 0
        rows = rows[known]
        codes, uniques = pd.factorize(links["person_id"].to_numpy()[known])
        person_of_row = np.full(n, -1, dtype=np.int32)
        person_of_row[rows] = codes
        frame = pd.DataFrame(
            {"code": codes, "day": registered_on[rows], "id": [ids[r] for r in rows], "row": rows}
        )
        ordered = frame.sort_values(["code", "day", "id"], kind="stable", na_position="last")
        members = ordered["row"].to_numpy(np.int32)
        member_start = _offsets(ordered["code"].to_numpy(), len(uniques))
        a, b = _rows(by_id, review["worker_id"]), _rows(by_id, review["other_worker_id"])
        p = review["match_probability"].to_numpy(np.float64)
        keep = (a >= 0) & (b >= 0)
        a, b, p = a[keep], b[keep], p[keep]
        apart = (person_of_row[a] < 0) | (person_of_row[a] != person_of_row[b])
        a, b, p = a[apart], b[apart], p[apart]
        source, other, probability = np.r_[a, b], np.r_[b, a], np.r_[p, p]
        order = np.lexsort((other, -probability, source))
        return cls(
            ids=ids,
            by_id=by_id,
            person_of_row=person_of_row,
            person_ids=np.asarray(uniques, dtype=str),
            member_start=member_start,
            members=members,
            pair_start=_offsets(source[order], n),
            pair_other=other[order].astype(np.int32),
            pair_probability=probability[order],
        )

    def __post_init__(self) -> None:
        # a timeline asks twice a request (the cache, the audit): each worker's person is
        # worked out once and kept, up to KEPT of them (the directory is one store state's)
        object.__setattr__(self, "_kept", {})

    def of(self, worker_id: str) -> PersonOf | None:
        """The person of ``worker_id`` (None: no such worker)."""
        kept: dict[str, PersonOf | None] = self._kept  # type: ignore[attr-defined]
        if worker_id in kept:
            return kept[worker_id]
        if len(kept) >= KEPT:
            kept.clear()
        found = kept[worker_id] = self._of(worker_id)
        return found

    def _of(self, worker_id: str) -> PersonOf | None:
        row = self.by_id.get(worker_id)
        if row is None:
            return None
        code = int(self.person_of_row[row]) if row < len(self.person_of_row) else -1
        if code < 0:
            rows: Sequence[int] = (row,)
            person_id = None
        else:
            rows = self.members[self.member_start[code] : self.member_start[code + 1]].tolist()
            person_id = str(self.person_ids[code])
        ids = self.ids
        pairs = [
            (float(self.pair_probability[at]), ids[r], ids[int(self.pair_other[at])])
            for r in rows
            for at in range(int(self.pair_start[r]), int(self.pair_start[r + 1]))
        ]
        pairs.sort(key=lambda pair: -pair[0])  # stable: ties keep the person's id order
        suggestions = tuple(
            {"worker_id": mine, "other_worker_id": other, "match_probability": probability}
            for probability, mine, other in pairs
        )
        return PersonOf(person_id, tuple(ids[r] for r in rows), suggestions)

    def nbytes(self) -> int:
        """The arrays' bytes (the ids and ``by_id`` belong to whoever gave them)."""
        arrays = (
            self.person_of_row, self.person_ids, self.member_start, self.members,
            self.pair_start, self.pair_other, self.pair_probability,
        )  # fmt: skip
        return sum(a.nbytes for a in arrays)
