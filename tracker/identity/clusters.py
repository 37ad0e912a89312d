"""Persons from scored pairs: who is linked to whom, and which person ids they keep.

Links are applied strongest first (union-find); two groups are not joined when any pair
across them must stay apart: a ``not_same_person`` decision, or a compared pair whose match
probability is below ``apart_below`` (clear evidence of two persons: a sibling in the same
household, someone elsewhere on the day). So A~B and B~C cannot chain A and C together
against the evidence. ``same_person`` decisions are applied first and always.

Ids are stable: a group takes the oldest person id its registrations already had (ids are
numbered in order of creation, so the oldest is the smallest); when a decision or new evidence
split one person, the part holding the person's earliest registration keeps the id and the
others get new ids. A group with no id gets the next free one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

PERSON_PREFIX = "P"
PERSON_DIGITS = 7


class _Groups:
    def __init__(self, n: int) -> None:
        self.parent = np.arange(n)
        self.apart: dict[int, set[int]] = {}

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def roots(self) -> np.ndarray:
        """``find`` of every position, in numpy: parents followed until none moves."""
        roots = self.parent.copy()
        while True:
            up = roots[roots]
            if np.array_equal(up, roots):
                return roots.astype(np.int64)
            roots = up

    def keep_apart(self, x: int, y: int) -> None:
        rx, ry = self.find(x), self.find(y)
        self.apart.setdefault(rx, set()).add(ry)
        self.apart.setdefault(ry, set()).add(rx)

    def join(self, x: int, y: int, force: bool = False) -> bool:
        rx, ry = self.find(x), self.find(y)
        if rx == ry:
            return True
        ax = {self.find(o) for o in self.apart.get(rx, ())}
        if not force and ry in ax:
            return False
        self.parent[ry] = rx
        merged = ax | {self.find(o) for o in self.apart.pop(ry, ())}
        merged.discard(rx)
        if merged:
            self.apart[rx] = merged
            for other in merged:
                self.apart.setdefault(other, set()).add(rx)
        return True


def cluster(
    n: int,
    pairs: pd.DataFrame,
    link_at: float,
    apart_below: float,
    same: pd.DataFrame | None = None,
    not_same: pd.DataFrame | None = None,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Group ``n`` registrations (positions) into persons.

    ``pairs``: a, b, match_probability (and names_differ: pairs kept apart whatever their
    probability, see ``model.NAMES_DIFFER_CAP``). ``same`` / ``not_same``: a, b of decided pairs.
    Returns each position's group (the root position) and the pairs that hold the groups
    together, with ``linked_by`` (``decision`` or ``model``).
    """
    groups = _Groups(n)
    held = []
    for frame in (not_same,):
        if frame is not None:
            for a, b in zip(frame["a"], frame["b"], strict=True):
                groups.keep_apart(int(a), int(b))
    if same is not None:
        for a, b in zip(same["a"], same["b"], strict=True):
            if groups.join(int(a), int(b), force=True):
                held.append((int(a), int(b), 1.0, "decision"))
    strong = pairs[pairs["match_probability"] >= link_at].sort_values(
        "match_probability", ascending=False, kind="stable"
    )
    weak = pairs["match_probability"].to_numpy() < apart_below
    if "names_differ" in pairs:
        weak |= pairs["names_differ"].to_numpy(dtype=bool)
    # a weak pair can only stop a join when links could bring its two ends together, that
    # is when both lie in one piece of the graph of links (most candidate pairs do not);
    # tested on the arrays: most of 23 million pairs are weak, a frame of them was GBs
    piece = _pieces(n, [strong, same])
    a_all = pairs["a"].to_numpy(dtype=np.int64)
    b_all = pairs["b"].to_numpy(dtype=np.int64)
    at = np.flatnonzero(weak)
    at = at[piece[a_all[at]] == piece[b_all[at]]]
    for a, b in zip(a_all[at].tolist(), b_all[at].tolist(), strict=True):
        groups.keep_apart(a, b)
    for a, b, p in zip(
        strong["a"].tolist(),
        strong["b"].tolist(),
        strong["match_probability"].tolist(),
        strict=True,
    ):
        if groups.find(a) != groups.find(b) and groups.join(a, b):
            held.append((a, b, float(p), "model"))
    roots = groups.roots()
    links = pd.DataFrame(held, columns=["a", "b", "match_probability", "linked_by"])
    return roots, links


def _pieces(n: int, edges: list[pd.DataFrame | None]) -> np.ndarray:
    """The connected piece of each position in the graph of the given pairs."""
    frames = [e for e in edges if e is not None and len(e)]
    none = np.zeros(0, dtype=np.int64)
    a = np.concatenate([none, *(f["a"].to_numpy(dtype=np.int64) for f in frames)])
    b = np.concatenate([none, *(f["b"].to_numpy(dtype=np.int64) for f in frames)])
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def person_number(person_id: str) -> int:
    return int(person_id[len(PERSON_PREFIX) :])


def format_person(number: int) -> str:
    return f"{PERSON_PREFIX}{number:0{PERSON_DIGITS}d}"


def person_numbers(person_ids: np.ndarray) -> np.ndarray:
    """``person_number`` of each id (NaN where there is none), in Arrow: a batch assigns
    ids over the few hundred thousand registrations it touches, and a Python call per
    id was seconds of it."""
    text = pa.array(person_ids, type=pa.string(), from_pandas=True)
    digits = pc.utf8_slice_codeunits(text, len(PERSON_PREFIX))
    return pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False).astype("float64")


def format_persons(numbers: np.ndarray) -> np.ndarray:
    """``format_person`` of each number (an object array of ids), in Arrow."""
    digits = pc.utf8_lpad(
        pc.cast(pa.array(numbers, type=pa.int64()), pa.string()), PERSON_DIGITS, "0"
    )
    return pc.binary_join_element_wise(PERSON_PREFIX, digits, "").to_numpy(zero_copy_only=False)


def assign_ids(
    roots: np.ndarray, previous: pd.Series, registered_day: np.ndarray, next_number: int
) -> tuple[pd.Series, int]:
    """Person id per position: the oldest id held before, else a new one (see module).

    ``previous``: the person id each position had (NaN for new registrations).
    """
    frame = pd.DataFrame(
        {
            "root": roots,
            "old": previous.to_numpy(dtype=object),
            "day": registered_day,
            "pos": np.arange(len(roots)),
        }
    )
    frame["old_number"] = person_numbers(frame["old"].to_numpy(dtype=object))
    # each group's claim: its oldest id, and how early its holder of that id registered
    claims = frame.dropna(subset=["old_number"]).sort_values(["old_number", "day", "pos"])
    claims = claims.drop_duplicates("root")  # the group's oldest id
    claims = claims.sort_values(["old_number", "day", "pos"])
    winners = claims.drop_duplicates("old_number")  # a split id goes to one group only
    ids = dict(zip(winners["root"], winners["old_number"].astype(int), strict=True))
    # a group that lost its oldest id to a split takes its next-oldest free one
    taken = set(ids.values())
    for root, numbers in (
        frame[~frame["root"].isin(ids)].dropna(subset=["old_number"]).groupby("root")["old_number"]
    ):
        free = sorted(int(x) for x in set(numbers) if int(x) not in taken)
        if free:
            ids[root] = free[0]
            taken.add(free[0])
    # the other groups get new numbers in the order of their first position
    groups, first = np.unique(frame["root"].to_numpy(), return_index=True)
    groups = groups[np.argsort(first, kind="stable")]
    numbers = pd.Series(ids, dtype="float64").reindex(groups).to_numpy(copy=True)
    new = np.isnan(numbers)
    numbers[new] = next_number + np.arange(int(new.sum()))
    next_number += int(new.sum())
    names = format_persons(numbers.astype(np.int64))
    at = pd.Index(groups).get_indexer(frame["root"].to_numpy())
    return pd.Series(names[at], index=frame.index), next_number
