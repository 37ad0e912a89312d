"""The name comparison's level of two names: one pair (``name_level``), or many at once.

``name_level`` says what the levels mean, one pair at a time in Python; at a
million registrations that was most of linking's time (about 6 us for each of millions of
distinct pairs of names). This gives the same level for every pair (``tests/
test_name_levels.py`` checks it against ``name_level`` pair by pair), working on token
codes: each name is a row of token ids, each pair of tokens is tested for "one name spelt
two ways" once (``similar_tokens``), and the greedy matching of ``name_level`` runs one
token slot at a time over all pairs.

Why the counts are enough for initials: ``name_level`` lets each initial take a full token
with its letter from a pool, and gives up (level "some tokens differ" or "different") at the
first initial without one, unless it is K or D. Whichever token of that letter an initial
takes, what is left differs only in which tokens of that letter remain, and later steps only
ask how many tokens remain and which letters they start with; so per letter, an initial
finds a token exactly when there are fewer initials than tokens of its letter, and the
outcome does not depend on the order the initials come in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel, JaroWinkler

from tracker.identity.names import skeleton

TOKEN_SIMILAR = 0.92
"""Jaro-Winkler above which two name tokens are taken as one name spelt two ways."""


@lru_cache(maxsize=2_000_000)
def similar_tokens(x: str, y: str) -> bool:
    """One name spelt two ways: one slip (two in a long name), the same consonants, or a
    high Jaro-Winkler, each only where the tokens are long enough for it to mean something
    (Ram / Ramlal and Budhu / Bedia are not one name)."""
    if x == y:
        return True
    if _dropped_letters(x, y):
        return True
    shorter = min(len(x), len(y))
    if abs(len(x) - len(y)) > 2 or shorter < 3:
        return False
    slips = OSA.distance(x, y)  # a swap of two letters is one slip
    if (slips <= 1 and shorter >= 4) or (slips <= 2 and shorter >= 7):
        return True
    jw = JaroWinkler.normalized_similarity(x, y)
    sx = skeleton(x)
    return (len(sx) >= 3 and sx == skeleton(y) and jw >= 0.8) or jw >= TOKEN_SIMILAR


def _dropped_letters(x: str, y: str) -> bool:
    """The shorter token is the longer with one or two letters left out (Yaav / Yadav,
    Bhi / Bhil), the first letter kept."""
    short, long = sorted((x, y), key=len)
    if len(short) < 2 or not 0 < len(long) - len(short) <= 2 or short[0] != long[0]:
        return False
    rest = iter(long)
    return all(c in rest for c in short)


def name_level(x: tuple[str, ...], y: tuple[str, ...]) -> int:
    """The name comparison's level for two token tuples (see ``COMPARISONS``)."""
    if x > y:
        x, y = y, x
    return _name_level(x, y)


@lru_cache(maxsize=2_000_000)
def _name_level(x: tuple[str, ...], y: tuple[str, ...]) -> int:
    if all(len(t) == 1 for t in x) and all(len(t) == 1 for t in y):
        return 4  # "H. K." / "H. K.": initials alone, however alike
    if x == y or sorted(x) == sorted(y):
        return 0
    if len(x) != len(y) and "".join(x) == "".join(y):
        return 1  # Babu Lal / Babulal
    full_x = [t for t in x if len(t) > 1]
    full_y = [t for t in y if len(t) > 1]
    left_y = list(full_y)
    matched = 0
    unmatched_x = []
    for token in full_x:
        hit = next((o for o in left_y if similar_tokens(token, o)), None)
        if hit is None:
            unmatched_x.append(token)
        else:
            left_y.remove(hit)
            matched += 1
    used_initials = False
    initials_x = [t for t in x if len(t) == 1]
    initials_y = [t for t in y if len(t) == 1]
    for letter in list(initials_x):  # an initial on both sides (S. Barman / S. K. Barmna)
        if letter in initials_y:
            initials_x.remove(letter)
            initials_y.remove(letter)
            used_initials = True
    for initials, pool in ((initials_x, left_y), (initials_y, unmatched_x)):
        for token in initials:
            hit = next((o for o in pool if o[0] == token), None)
            if hit is not None:
                pool.remove(hit)
                used_initials = True
            elif token not in ("k", "d"):  # an initial for Kumar or Devi says nothing
                return 5 if matched else 6
    if matched == 0:
        if used_initials and not (unmatched_x and left_y):
            return 4 if not full_x or not full_y else 2  # "S." / "Sunil Kumar": initials alone
        return 6
    if unmatched_x and left_y:
        return 5
    if unmatched_x or left_y:
        return 3
    return 2 if used_initials else 1


LETTERS = 26
SILENT_INITIALS = (ord("k") - ord("a"), ord("d") - ord("a"))
"""An initial for Kumar or Devi says nothing (``name_level``)."""
CHUNK = 1_000_000
"""Pairs of names worked on at once (a few bytes per token slot each)."""


class NameTable:
    """The distinct names of a comparison as arrays: their full tokens (ids, in order), the
    initials' counts per letter, and codes of the sorted and of the joined tokens."""

    def __init__(self, names: Sequence[tuple[str, ...]]) -> None:
        n = len(names)
        rank = np.empty(n, dtype=np.int64)
        rank[sorted(range(n), key=names.__getitem__)] = np.arange(n)
        self.rank = rank
        """Each name's place in tuple order: ``name_level`` puts the smaller name first."""
        self.lengths = np.fromiter((len(x) for x in names), dtype=np.int64, count=n)
        self.sorted_code = pd.factorize(pd.Series([tuple(sorted(x)) for x in names], dtype=object))[
            0
        ]
        self.joined_code = pd.factorize(pd.Series(["".join(x) for x in names], dtype=object))[0]
        full = [[t for t in x if len(t) > 1] for x in names]
        self.has_full = np.fromiter((bool(f) for f in full), dtype=bool, count=n)
        """Whether a name has a full token (not initials alone)."""
        width = max((len(f) for f in full), default=0)
        self.width = max(width, 1)
        vocabulary: dict[str, int] = {}
        self.full = np.full((n, self.width), -1, dtype=np.int64)
        for row, tokens in enumerate(full):
            for slot, token in enumerate(tokens):
                self.full[row, slot] = vocabulary.setdefault(token, len(vocabulary))
        self.tokens = list(vocabulary)
        self.first_letter = np.fromiter(
            (ord(t[0]) - ord("a") for t in self.tokens), dtype=np.int64, count=len(self.tokens)
        )
        self.initials = np.zeros((n, LETTERS), dtype=np.int16)
        for row, x in enumerate(names):
            for t in x:
                if len(t) == 1 and "a" <= t <= "z":
                    self.initials[row, ord(t) - ord("a")] += 1
        self.has_initials = np.any(self.initials > 0, axis=1)
        self.token_lengths = np.fromiter(
            (len(t) for t in self.tokens), dtype=np.int64, count=len(self.tokens)
        )
        skeletons = [skeleton(t) for t in self.tokens]
        self.skeleton_code = pd.factorize(pd.Series(skeletons, dtype=object))[0]
        self.skeleton_length = np.fromiter(
            (len(t) for t in skeletons), dtype=np.int64, count=len(skeletons)
        )

    def similar(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """``similar_tokens`` of token ids (both >= 0), each distinct pair tested once."""
        v = max(len(self.tokens), 1)
        back, distinct = pd.factorize(left * v + right)
        return self._similar_pairs(distinct // v, distinct % v)[back]

    def _similar_pairs(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """``similar_tokens`` in numpy and ``rapidfuzz.process.cpdist`` (the same tests,
        the same scorers, each only on the pairs still undecided)."""
        length, first = self.token_lengths, self.first_letter
        lx, ly = length[left], length[right]
        shorter, gap = np.minimum(lx, ly), np.abs(lx - ly)
        result = left == right
        # the shorter is the longer with one or two letters left out, the first letter kept
        dropping = np.flatnonzero(
            ~result & (shorter >= 2) & (gap > 0) & (gap <= 2) & (first[left] == first[right])
        )
        result[dropping] = (
            self._scores(Indel.distance, left[dropping], right[dropping]) == (gap[dropping])
        )
        near = np.flatnonzero(~result & (gap <= 2) & (shorter >= 3))
        slips = self._scores(OSA.distance, left[near], right[near])
        few = ((slips <= 1) & (shorter[near] >= 4)) | ((slips <= 2) & (shorter[near] >= 7))
        result[near[few]] = True
        near = near[~few]
        jw = self._scores(JaroWinkler.normalized_similarity, left[near], right[near])
        sx, sy = self.skeleton_code[left[near]], self.skeleton_code[right[near]]
        consonants = (self.skeleton_length[left[near]] >= 3) & (sx == sy) & (jw >= 0.8)
        result[near] = consonants | (jw >= TOKEN_SIMILAR)
        return result

    def _scores(self, scorer: Callable, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        words = self.tokens
        if not len(left):
            return np.zeros(0)
        found = process.cpdist(
            [words[i] for i in left.tolist()],
            [words[i] for i in right.tolist()],
            scorer=scorer,
            dtype=np.float64 if scorer is JaroWinkler.normalized_similarity else np.int64,
        )
        return np.asarray(found)


def name_levels(table: NameTable, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The level of each pair of names (by their rows in ``table``), as ``name_level``."""
    out = np.empty(len(x), dtype=np.int8)
    for start in range(0, len(x), CHUNK):
        end = start + CHUNK
        out[start:end] = _levels(table, x[start:end], y[start:end])
    return out


def _levels(table: NameTable, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    swap = table.rank[x] > table.rank[y]
    x, y = np.where(swap, y, x), np.where(swap, x, y)
    level = np.full(len(x), -1, dtype=np.int8)
    level[~table.has_full[x] & ~table.has_full[y]] = 4  # initials alone, however alike
    level[(level < 0) & (table.sorted_code[x] == table.sorted_code[y])] = 0  # the same tokens
    glued = (table.lengths[x] != table.lengths[y]) & (table.joined_code[x] == table.joined_code[y])
    level[(level < 0) & glued] = 1  # Babu Lal / Babulal
    rest = np.flatnonzero(level < 0)
    level[rest] = _token_levels(table, x[rest], y[rest])
    return level


def _token_levels(table: NameTable, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``name_level`` past its first two tests: tokens matched, then initials."""
    k, width = len(x), table.width
    rows = np.arange(k)
    fx, fy = table.full[x], table.full[y]
    valid_x, avail = fx >= 0, fy >= 0
    # every full token of x against every one of y: similar or not
    sim = np.zeros((k, width, width), dtype=bool)
    m, i, j = np.nonzero(valid_x[:, :, None] & avail[:, None, :])
    sim[m, i, j] = table.similar(fx[m, i], fy[m, j])
    # each full token of x, in order, takes the first similar token of y still left
    matched = np.zeros(k, dtype=np.int64)
    unmatched_x = np.zeros((k, width), dtype=bool)
    for slot in range(width):
        candidates = sim[:, slot, :] & avail
        hit = candidates.any(axis=1) & valid_x[:, slot]
        taken = np.argmax(candidates, axis=1)
        avail[rows[hit], taken[hit]] = False
        matched += hit
        unmatched_x[:, slot] = valid_x[:, slot] & ~hit
    left_x = unmatched_x.sum(axis=1)
    left_y = avail.sum(axis=1)
    used = np.zeros(k, dtype=bool)
    failed = np.zeros(k, dtype=bool)
    # initials (few names have any): on both sides they pair off; the rest take full
    # tokens of their letter, x's from what is left of y, y's from x's unmatched
    some = np.flatnonzero(table.has_initials[x] | table.has_initials[y])
    if len(some):
        ix = table.initials[x[some]].astype(np.int64)
        iy = table.initials[y[some]].astype(np.int64)
        common = np.minimum(ix, iy)
        took = common.sum(axis=1)
        short = np.zeros(len(some), dtype=bool)
        for initials, pool, left in (
            (ix - common, _letter_counts(table, fy[some], avail[some]), left_y),
            (iy - common, _letter_counts(table, fx[some], unmatched_x[some]), left_x),
        ):
            lacking = initials > pool
            lacking[:, list(SILENT_INITIALS)] = False
            short |= lacking.any(axis=1)
            taken_count = np.minimum(initials, pool).sum(axis=1)
            took += taken_count
            left[some] -= taken_count
        used[some] = took > 0
        failed[some] = short
    some_left_x, some_left_y = left_x > 0, left_y > 0
    alone = ~valid_x.any(axis=1) | ~(fy >= 0).any(axis=1)  # a side of initials alone
    level = np.select(
        [
            failed,
            (matched == 0) & used & ~(some_left_x & some_left_y),
            matched == 0,
            some_left_x & some_left_y,
            some_left_x | some_left_y,
            used,
        ],
        [np.where(matched > 0, 5, 6), np.where(alone, 4, 2), 6, 5, 3, 2],
        default=1,
    )
    return level.astype(np.int8)


def _letter_counts(table: NameTable, tokens: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Per pair, how many of the ``present`` full tokens start with each letter."""
    row, slot = np.nonzero(present)
    cell = row * LETTERS + table.first_letter[tokens[row, slot]]
    counts = np.bincount(cell, minlength=len(tokens) * LETTERS)
    return counts.reshape(len(tokens), LETTERS)
